"""One SQLite file per story, through the SQLAlchemy ORM."""

from writer_desktop.storage.store import (
    NewerSchemaError,
    NotAStoryError,
    StoryFileError,
    StoryStore,
)

__all__ = ["NewerSchemaError", "NotAStoryError", "StoryFileError", "StoryStore"]
