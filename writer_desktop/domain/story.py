"""The story and what it holds: chapters, characters, plot elements, snapshots."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Priority = Literal["high", "medium", "low"]
PRIORITIES: tuple[str, ...] = ("high", "medium", "low")
PlotType = Literal["scene", "arc", "worldbuilding", "theme", "setting", "conflict", "other"]
PLOT_TYPES: tuple[str, ...] = (
    "scene",
    "arc",
    "worldbuilding",
    "theme",
    "setting",
    "conflict",
    "other",
)


def word_count(text: str) -> int:
    """Words as an author counts them: runs of non-space characters. (str.split in C: a
    Python loop over a novel's words held the GIL long enough to freeze the window.)"""
    return len(text.split())


class _Model(BaseModel):
    model_config = ConfigDict(validate_assignment=True)


class Chapter(_Model):
    id: int | None = None
    position: int = 0
    title: str = "Untitled chapter"
    content: str = ""
    # An outline-only chapter has an outline and no prose yet.
    outline: str = ""
    updated_at: datetime | None = None
    # When the chapter was moved to the trash; None for a chapter in the story.
    deleted_at: datetime | None = None
    # The stretches the AI wrote and the author has not edited since: (start, end)
    # positions in the chapter's document text (emphasis.document_text).
    ai_ranges: list[tuple[int, int]] = []

    @property
    def words(self) -> int:
        return word_count(self.content)


class Character(_Model):
    id: int | None = None
    name: str = Field(min_length=1)
    role: str = ""
    bio: str = ""
    goals: str = ""
    current_state: str = ""
    traits: list[str] = Field(default_factory=list)


class PlotElement(_Model):
    id: int | None = None
    type: PlotType = "scene"
    title: str = ""
    content: str = ""
    priority: Priority = "medium"
    tags: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)


class Snapshot(_Model):
    id: int | None = None
    chapter_id: int
    content: str
    reason: str = ""
    created_at: datetime | None = None


class BackupInfo(_Model):
    """One automatic backup of a story, as a list of backups shows it."""

    path: Path
    created: datetime
    chapters: int = 0
    words: int = 0
    # False when the backup could not be read (damaged, or not a story); counts are then 0.
    readable: bool = True


class Feedback(_Model):
    """One agent's response to a chapter, kept with the chapter."""

    id: int | None = None
    chapter_id: int
    agent: str
    character_name: str = ""
    content: str
    scores: dict[str, Any] | None = None
    model: str = ""
    created_at: datetime | None = None


class ChatMessage(_Model):
    id: int | None = None
    conversation: int
    role: Literal["user", "assistant"]
    content: str
    created_at: datetime | None = None


class Story(_Model):
    title: str = "Untitled story"
    chapters: list[Chapter] = Field(default_factory=list)
    characters: list[Character] = Field(default_factory=list)
    plot_elements: list[PlotElement] = Field(default_factory=list)

    @property
    def words(self) -> int:
        return sum(chapter.words for chapter in self.chapters)
