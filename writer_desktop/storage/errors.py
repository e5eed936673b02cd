"""The errors a story file can raise; every message is written for the author, not the developer."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from writer_desktop.storage.lock import LockHolder


class StoryFileError(Exception):
    """A story file that cannot be used; the message is meant for the author."""


class NotAStoryError(StoryFileError):
    """The file is not a Writer Assistant story (plain text, another app's database...)."""


class NewerSchemaError(StoryFileError):
    """The story was saved by a newer Writer Assistant; this version must not touch it."""


class DamagedStoryError(StoryFileError):
    """The story file is damaged (SQLite reports corrupt pages or cannot read it).
    `details` keeps SQLite's own findings, for a bug report rather than for the author."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.details = details or []


class ForeignSchemaError(StoryFileError):
    """The file claims to be a story, but its tables are not the ones this version makes:
    an added view or trigger, an unknown table, a changed table. It is not trusted."""


class RowMissingError(StoryFileError, KeyError):
    """A save or delete meant for one row (a chapter, a character...) found no such row:
    it was deleted elsewhere. Also a KeyError, as a missing id always was. `row_id` is the
    id the change was meant for."""

    def __init__(self, message: str, row_id: int | None = None) -> None:
        super().__init__(message)
        self.row_id = row_id

    def __str__(self) -> str:
        # KeyError quotes its argument; the author should see the sentence as written.
        return str(self.args[0]) if self.args else ""


class StoryLockedError(StoryFileError):
    """Another Writer Assistant (or another window of this one) has the story open for
    writing. `holder` says who, when the lock file says so; None when it cannot be read."""

    def __init__(self, message: str, holder: LockHolder | None = None) -> None:
        super().__init__(message)
        self.holder = holder


class ReadOnlyStoryError(StoryFileError):
    """A change was asked of a story opened read-only."""


# Names of the kinds of rows, as an author would say them in "The chapter you were editing".
ROW_WORDS: dict[str, str] = {
    "chapters": "The chapter you were editing",
    "characters": "The character you were editing",
    "plot_elements": "The plot element you were editing",
    "story": "The story's title",
}


def row_missing(
    path: Path, table: str, row_id: int | None, *, in_trash: bool = False
) -> RowMissingError:
    """The RowMissingError for a change to `table` row `row_id` of the story at `path`."""
    what = ROW_WORDS.get(table, "The item you were editing")
    where = (
        f"is in the trash of {path.name}; restore it first"
        if in_trash
        else f"is no longer in {path.name} (it was deleted, perhaps in another window)"
    )
    return RowMissingError(
        f"{what} {where}. Nothing was saved to it; copy any text you still need before going on.",
        row_id,
    )


def translate_database_error(path: Path, exc: BaseException, doing: str) -> StoryFileError:
    """A StoryFileError an author understands for an sqlite3 / SQLAlchemy error while
    `doing` ("open", "read", "save") the story at `path`. The raw text stays in the cause."""
    raw = str(getattr(exc, "orig", None) or exc).lower()
    name = path.name
    if "malformed" in raw or "not a database" in raw or "disk image" in raw or "corrupt" in raw:
        return DamagedStoryError(
            f"{name} is damaged: parts of the file cannot be read. Nothing was changed; "
            "restore it from one of its backups, or from a copy made before the damage."
        )
    if "readonly" in raw or "read-only" in raw:
        return ReadOnlyStoryError(
            f"{name} can only be read (the file or its folder is read-only, or it was opened "
            "read-only); the change was not saved."
        )
    if "locked" in raw or "busy" in raw:
        return StoryFileError(
            f"{name} is busy (another program is writing to it); could not {doing} it. "
            "Try again in a moment."
        )
    if "disk i/o" in raw or "full" in raw or "unable to open" in raw:
        return StoryFileError(
            f"Could not {doing} {name}: the disk is full, missing or unavailable ({raw})."
        )
    if isinstance(exc, sqlite3.Error) or hasattr(exc, "orig"):
        return StoryFileError(f"Could not {doing} {name} ({raw}).")
    return StoryFileError(f"Could not {doing} {name}: {exc}")


def describe_time(moment: datetime) -> str:
    """A time as an author reads it: local time, to the minute."""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")
