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
    """A chapter row as a domain Chapter."""
    return to_model(Chapter, row)


def to_character(row: Base) -> Character:
    """A character row as a domain Character."""
    return to_model(Character, row)


def to_snapshot(row: Base) -> Snapshot:
    """A snapshot row as a domain Snapshot."""
    return to_model(Snapshot, row)


def to_feedback(row: Base) -> Feedback:
    """A feedback row as a domain Feedback."""
    return to_model(Feedback, row)


def to_chat_message(row: Base) -> ChatMessage:
    """A chat message row as a domain ChatMessage."""
    return to_model(ChatMessage, row)


def to_plot_element(row: PlotElementRow) -> PlotElement:
    """A plot element row as a domain PlotElement."""
    # The one field named differently: "metadata" is reserved on SQLAlchemy models.
    return PlotElement(
        id=row.id,
        type=row.type,  # type: ignore[arg-type]
        title=row.title or "",
        content=row.content,
        priority=row.priority,  # type: ignore[arg-type]
        tags=list(row.tags or []),
        metadata=dict(row.extra or {}),
    )


def plot_element_values(element: PlotElement) -> dict:
    """The column values of a PlotElement (its metadata goes to the "metadata" column)."""
    values = element.model_dump(exclude={"id", "metadata"})
    values["extra"] = element.metadata
    return values
