"""Pydantic models shared by every layer: the story, its chapters, characters and plot."""

from writer_desktop.domain.context import (
    AGENT_TYPES,
    PRIORITY_RANK,
    AgentType,
    ChapterContext,
    CharacterContext,
    ContextElement,
    StructuredContextContainer,
    SystemInstruction,
    UserRequest,
)
from writer_desktop.domain.story import (
    PLOT_TYPES,
    PRIORITIES,
    Chapter,
    Character,
    PlotElement,
    Priority,
    Snapshot,
    Story,
    word_count,
)

__all__ = [
    "AGENT_TYPES",
    "PRIORITY_RANK",
    "AgentType",
    "ChapterContext",
    "CharacterContext",
    "ContextElement",
    "StructuredContextContainer",
    "SystemInstruction",
    "UserRequest",
    "PLOT_TYPES",
    "PRIORITIES",
    "Chapter",
    "Character",
    "PlotElement",
    "Priority",
    "Snapshot",
    "Story",
    "word_count",
]
