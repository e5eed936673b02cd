"""Conversion between ORM rows and domain models: the only place that does it."""

from __future__ import annotations

from writer_desktop.domain import Chapter, Character, ChatMessage, Feedback, PlotElement, Snapshot
from writer_desktop.storage.orm import (
    ChapterRow,
    CharacterRow,
    ChatMessageRow,
    FeedbackRow,
    PlotElementRow,
    SnapshotRow,
)


def to_chapter(row: ChapterRow) -> Chapter:
    return Chapter(
        id=row.id,
        position=row.position,
        title=row.title,
        content=row.content,
        outline=row.outline,
        updated_at=row.updated_at,
    )


def to_character(row: CharacterRow) -> Character:
    return Character(
        id=row.id,
        name=row.name,
        role=row.role,
        bio=row.bio,
        goals=row.goals,
        current_state=row.current_state,
        traits=list(row.traits or []),
    )


def to_plot_element(row: PlotElementRow) -> PlotElement:
    return PlotElement(
        id=row.id,
        type=row.type,
        content=row.content,
        priority=row.priority,  # type: ignore[arg-type]
        tags=list(row.tags or []),
        metadata=dict(row.extra or {}),
    )


def to_snapshot(row: SnapshotRow) -> Snapshot:
    return Snapshot(
        id=row.id,
        chapter_id=row.chapter_id,
        content=row.content,
        reason=row.reason,
        created_at=row.created_at,
    )


def to_feedback(row: FeedbackRow) -> Feedback:
    return Feedback(
        id=row.id,
        chapter_id=row.chapter_id,
        agent=row.agent,
        character_name=row.character_name,
        content=row.content,
        scores=row.scores,
        model=row.model,
        created_at=row.created_at,
    )


def to_chat_message(row: ChatMessageRow) -> ChatMessage:
    return ChatMessage(
        id=row.id,
        conversation=row.conversation,
        role=row.role,  # type: ignore[arg-type]
        content=row.content,
        created_at=row.created_at,
    )
