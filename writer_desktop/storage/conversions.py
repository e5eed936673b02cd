"""Conversion between ORM rows and domain models: the only place that does it."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from writer_desktop.domain import Chapter, Character, ChatMessage, Feedback, PlotElement, Snapshot
from writer_desktop.storage.orm import Base, PlotElementRow

Model = TypeVar("Model", bound=BaseModel)


def to_model(model: type[Model], row: Base) -> Model:
    """Domain models and rows share field names; pydantic reads the row's attributes."""
    return model.model_validate(row, from_attributes=True)


def to_chapter(row: Base) -> Chapter:
    return to_model(Chapter, row)


def to_character(row: Base) -> Character:
    return to_model(Character, row)


def to_snapshot(row: Base) -> Snapshot:
    return to_model(Snapshot, row)


def to_feedback(row: Base) -> Feedback:
    return to_model(Feedback, row)


def to_chat_message(row: Base) -> ChatMessage:
    return to_model(ChatMessage, row)


def to_plot_element(row: PlotElementRow) -> PlotElement:
    # The one field named differently: "metadata" is reserved on SQLAlchemy models.
    return PlotElement(
        id=row.id,
        type=row.type,  # type: ignore[arg-type]
        content=row.content,
        priority=row.priority,  # type: ignore[arg-type]
        tags=list(row.tags or []),
        metadata=dict(row.extra or {}),
    )


def plot_element_values(element: PlotElement) -> dict:
    values = element.model_dump(exclude={"id", "metadata"})
    values["extra"] = element.metadata
    return values
