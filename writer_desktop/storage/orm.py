"""SQLAlchemy ORM classes of a story file; only storage/ sees them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """The declarative base of every story table."""


class StoryRow(Base):
    """The story itself: one row, id 1."""

    __tablename__ = "story"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String, default="Untitled story")
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class ChapterRow(Base):
    """A chapter; deleted_at is set while it is in the trash."""

    __tablename__ = "chapters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String)
    content: Mapped[str] = mapped_column(Text, default="")
    outline: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column()
    # Set while the chapter is in the trash (schema 5).
    deleted_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    # [[start, end], ...] the AI wrote, in the chapter's document positions (schema 6).
    ai_ranges: Mapped[list[list[int]]] = mapped_column(JSON, default=list)


class CharacterRow(Base):
    """A character of the story bible."""

    __tablename__ = "characters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String)
    role: Mapped[str] = mapped_column(String, default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    current_state: Mapped[str] = mapped_column(Text, default="")
    traits: Mapped[list[str]] = mapped_column(JSON, default=list)


class PlotElementRow(Base):
    """A plot element of the story bible."""

    __tablename__ = "plot_elements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String)
    title: Mapped[str] = mapped_column(String, default="")  # schema 6
    content: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String, default="medium")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    extra: Mapped[dict] = mapped_column("metadata", JSON, default=dict)


class SnapshotRow(Base):
    """An earlier version of a chapter's text."""

    __tablename__ = "snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    content: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String, default="")
    created_at: Mapped[datetime] = mapped_column()


class SummaryRow(Base):
    """A summary the model wrote, by kind and content hash."""

    __tablename__ = "summaries"
    __table_args__ = (UniqueConstraint("kind", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String)
    content_hash: Mapped[str] = mapped_column(String)
    summary: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(String, default="")
    created_at: Mapped[datetime] = mapped_column()


class FeedbackRow(Base):
    """One agent's feedback on a chapter."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    agent: Mapped[str] = mapped_column(String)
    character_name: Mapped[str] = mapped_column(String, default="")
    content: Mapped[str] = mapped_column(Text)
    scores: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    model: Mapped[str] = mapped_column(String, default="")
    created_at: Mapped[datetime] = mapped_column()


class ChatMessageRow(Base):
    """One message of a chat conversation."""

    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String)
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column()


class DictionaryWordRow(Base):
    """A word the author added to this story's spelling dictionary (schema 6)."""

    __tablename__ = "dictionary_words"

    word: Mapped[str] = mapped_column(String, primary_key=True)
