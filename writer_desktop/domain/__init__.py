"""Pydantic models shared by every layer: the story, its chapters, characters and plot."""

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
