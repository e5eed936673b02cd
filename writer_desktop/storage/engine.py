"""The SQLAlchemy engine of one open story: how its SQLite connections are made.

The file's path goes to sqlite3.connect as a path, never inside a URL, so names with `?`,
`#`, `%` or spaces open the file they name. Connections may be used from any thread (the
GUI thread reads, asyncio.to_thread workers save), one thread at a time, from a QueuePool.
Transactions are begun explicitly: plain BEGIN for reads (a consistent snapshot), BEGIN
IMMEDIATE for writes, so that a read-then-write can never interleave with another writer.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from writer_desktop.storage.inspection import connect_read_only
from writer_desktop.storage.migrations import migrate

# Execution option that marks a connection used by a write session.
WRITE_OPTION = "story_write"


def _begin(connection: Connection) -> None:
    writing = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _engine(creator: Callable[[], sqlite3.Connection]) -> Engine:
    # "sqlite://" alone would make SQLAlchemy treat it as one in-memory database and hand
    # every thread its own SingletonThreadPool connection; the real file wants a QueuePool.
    engine = create_engine(
        "sqlite://", creator=creator, poolclass=QueuePool, pool_size=2, max_overflow=8
    )
    event.listen(engine, "begin", _begin)
    return engine


def _prepare(connection: sqlite3.Connection) -> None:
    connection.isolation_level = None  # the "begin" hook above opens every transaction
    connection.execute("PRAGMA trusted_schema=OFF")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA cell_size_check=ON")  # notice damaged pages early


def writable_engine(path: Path, journal_mode: str) -> tuple[Engine, str]:
    """An engine writing to the story at `path` in `journal_mode` (WAL or DELETE); with the
    journal mode SQLite actually uses (it keeps WAL while another connection is open)."""
    target = str(Path(path).absolute())

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(target, timeout=10, check_same_thread=False)
        try:
            _prepare(connection)
            mode = connection.execute(f"PRAGMA journal_mode={journal_mode}").fetchone()[0]
            # WAL survives a killed process with NORMAL; a rollback journal needs FULL.
            connection.execute(f"PRAGMA synchronous={'NORMAL' if mode == 'wal' else 'FULL'}")
        except sqlite3.Error:
            connection.close()
            raise
        return connection

    engine = _engine(connect)
    with engine.connect() as connection:
        actual = connection.exec_driver_sql("PRAGMA journal_mode").scalar_one()
        connection.rollback()
    return engine, str(actual).lower()


def read_only_engine(path: Path) -> Engine:
    """An engine that can only read the story at `path` (mode=ro and query_only)."""

    def connect() -> sqlite3.Connection:
        connection = connect_read_only(path, check_same_thread=False)
        connection.isolation_level = None
        return connection

    return _engine(connect)


def migrated_copy_engine(path: Path) -> tuple[Engine, sqlite3.Connection]:
    """A read-only engine over an in-memory copy of an older story, migrated to this
    version's schema; the file itself is not changed. Keep the returned connection open
    as long as the engine is used: the shared in-memory database lives while it does."""
    uri = f"file:writer-assistant-{uuid.uuid4().hex}?mode=memory&cache=shared"
    keeper = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        source = connect_read_only(path)
        try:
            source.backup(keeper)
        finally:
            source.close()
        migrate(keeper)
    except sqlite3.Error:
        keeper.close()
        raise

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        connection.isolation_level = None
        connection.execute("PRAGMA query_only=ON")
        return connection

    return _engine(connect), keeper
