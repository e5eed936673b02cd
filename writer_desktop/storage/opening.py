"""Opening a story file: create it, or check it, lock it, upgrade it and connect to it.

StoryStore.create and StoryStore.open call these and wrap what they return. The order
matters: the header is read before the lock is taken (another program's file gets no lock
file beside it); the full check runs under the lock and before any engine exists; an
older story is copied through the backup API before its schema is upgraded.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from writer_desktop.storage import filesystems
from writer_desktop.storage.backups import copy_story
from writer_desktop.storage.engine import migrated_copy_engine, read_only_engine, writable_engine
from writer_desktop.storage.errors import StoryFileError, translate_database_error
from writer_desktop.storage.inspection import check_application_id, inspect_story
from writer_desktop.storage.lock import StoryLock
from writer_desktop.storage.migrations import SCHEMA_VERSION, migrate


def utc_now() -> datetime:
    """Now in UTC without a zone, as the story file stores times."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class OpenedFile:
    """What StoryStore wraps: an engine, and the lock (writing) or in-memory copy it holds."""

    engine: Engine
    journal_mode: str
    read_only: bool = False
    lock: StoryLock | None = None
    keeper: sqlite3.Connection | None = None


def create_story_file(path: Path, title: str) -> OpenedFile:
    """Create a story at `path` (refused if it exists) and connect to it, holding its lock."""
    if path.exists():
        raise StoryFileError(f"{path.name} already exists.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoryFileError(f"Cannot create {path.name}: {exc.strerror or exc}") from exc
    lock = StoryLock(path).acquire()
    try:
        if path.exists():  # made by another process between the check and the lock
            raise StoryFileError(f"{path.name} already exists.")
        _write_new_story(path, title)
        return _connect_for_writing(path, lock)
    except BaseException:
        lock.release()
        raise


def _write_new_story(path: Path, title: str) -> None:
    connection = sqlite3.connect(str(path.absolute()))
    try:
        migrate(connection)
        now = utc_now().isoformat(sep=" ")
        connection.execute(
            "INSERT INTO story (id, title, created_at, updated_at) VALUES (1, ?, ?, ?)",
            (title, now, now),
        )
        connection.commit()
    except sqlite3.Error as exc:
        connection.close()
        for leftover in (path, path.with_name(path.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise translate_database_error(path, exc, "create") from exc
    connection.close()


def open_for_writing(path: Path) -> OpenedFile:
    """Check the story at `path`, take its lock, upgrade it if older, and connect."""
    check_application_id(path)
    lock = StoryLock(path).acquire()
    try:
        _recover_hot_journal(path)
        version = inspect_story(path, exclusive=True)
        if version < SCHEMA_VERSION:
            _upgrade(path, version)
        return _connect_for_writing(path, lock)
    except BaseException:
        lock.release()
        raise


def open_read_only(path: Path) -> OpenedFile:
    """Check the story at `path` and connect read-only, without a lock. An older story is
    read through an upgraded copy in memory; the file is never changed."""
    version = inspect_story(path)
    try:
        if version < SCHEMA_VERSION:
            engine, keeper = migrated_copy_engine(path)
            return OpenedFile(engine, "memory", read_only=True, keeper=keeper)
        return OpenedFile(read_only_engine(path), "", read_only=True)
    except (sqlite3.Error, DBAPIError) as exc:
        raise translate_database_error(path, exc, "open") from exc


def _recover_hot_journal(path: Path) -> None:
    # A rollback journal left by a crash (journal mode DELETE, on network folders) is rolled
    # back by the first read, so that the check sees the file as it was before the
    # interrupted write. Reading the header is enough; no statement of the file runs.
    if not Path(f"{path}-journal").exists():
        return
    try:
        connection = sqlite3.connect(str(path.absolute()), timeout=10)
        try:
            connection.execute("PRAGMA trusted_schema=OFF")
            connection.execute("PRAGMA user_version").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise translate_database_error(path, exc, "open") from exc


def _upgrade(path: Path, version: int) -> None:
    backup = path.with_name(f"{path.name}.v{version}.backup")
    copy_story(path, backup)  # the backup API: includes a WAL left by a crash
    try:
        connection = sqlite3.connect(str(path.absolute()), timeout=10)
    except sqlite3.Error as exc:
        raise translate_database_error(path, exc, "open") from exc
    try:
        connection.execute("PRAGMA trusted_schema=OFF")
        migrate(connection)
    except sqlite3.Error as exc:
        raise StoryFileError(
            f"Could not upgrade {path.name} to this version's story format; it was left "
            f"as it was, and a copy is kept at {backup.name}."
        ) from exc
    finally:
        connection.close()


def _connect_for_writing(path: Path, lock: StoryLock) -> OpenedFile:
    try:
        engine, mode = writable_engine(path, filesystems.journal_mode_for(path))
    except (sqlite3.Error, DBAPIError) as exc:
        raise translate_database_error(path, exc, "open") from exc
    return OpenedFile(engine, mode, lock=lock)
