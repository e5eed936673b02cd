"""The structured context an agent receives: typed elements with priorities and tags."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from writer_desktop.domain.story import PlotElement, Priority

AgentType = Literal["writer", "editor", "character", "rater", "chat", "distill"]
AGENT_TYPES: tuple[str, ...] = ("writer", "editor", "character", "rater", "chat", "distill")
RequestType = Literal["instruction", "feedback", "constraint", "question", "style"]
InstructionType = Literal["role", "style", "format", "constraint", "behavior", "other"]

PRIORITY_RANK: dict[str, int] = {"high": 0, "medium": 1, "low": 2}


class ContextElement(BaseModel):
    """What every element has: a priority, tags, free metadata."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    priority: Priority = "medium"
    tags: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)


class CharacterContext(ContextElement):
    character_id: str
    character_name: str = Field(min_length=1)
    current_state: str = ""
    goals: str | None = None
    traits: list[str] | None = None
    relationships: dict[str, str] | None = None
    recent_actions: list[str] | None = None
    role: str | None = None
    bio: str | None = None


class UserRequest(ContextElement):
    type: RequestType = "instruction"
    content: str


class SystemInstruction(ContextElement):
    type: InstructionType = "behavior"
    content: str
    # Empty: every agent. Otherwise only the agents named.
    applies_to: list[AgentType] = Field(default_factory=list)

    def applies(self, agent: str) -> bool:
        return not self.applies_to or agent in self.applies_to


class ChapterContext(ContextElement):
    """A chapter of the story so far; the current one is where the agent works."""

    chapter_id: str
    title: str
    position: int = 0
    content: str = ""
    is_current: bool = False


class StructuredContextContainer(BaseModel):
    """Everything that may go into a prompt; ContextManager picks and trims from it."""

    model_config = ConfigDict(extra="forbid")

    plot_elements: list[PlotElement] = Field(default_factory=list)
    character_contexts: list[CharacterContext] = Field(default_factory=list)
    user_requests: list[UserRequest] = Field(default_factory=list)
    system_instructions: list[SystemInstruction] = Field(default_factory=list)
    # The story text, in reading order (an extension of the seed's four lists).
    chapters: list[ChapterContext] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
