"""Checking a story file before it is trusted: header, application id, schema version, the
exact schema this version's migrations make, and SQLite's quick_check.

A story may come from anywhere (a mail attachment, a shared folder), and SQLite runs code
that lives in the file: views and triggers run when the app reads or writes a table of
that name. So the file is opened read-only with `trusted_schema=OFF`, and its sqlite_master
is compared with the schema the migrations create *before* any statement reads a table.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

from writer_desktop.storage.errors import (
    DamagedStoryError,
    ForeignSchemaError,
    NewerSchemaError,
    NotAStoryError,
    StoryFileError,
    translate_database_error,
)
from writer_desktop.storage.migrations import APPLICATION_ID, SCHEMA_VERSION, migrate

SQLITE_HEADER = b"SQLite format 3\x00"
_HEADER_SIZE = 100
# Internal tables SQLite itself may add (ANALYZE statistics, AUTOINCREMENT counters): data
# only, never code, so their presence says nothing about the file's origin.
_SQLITE_INTERNAL = frozenset(
    {"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}
)
_SPACE = re.compile(r"\s+")

SchemaEntry = tuple[str, str, str]  # (type, table it belongs to, normalised SQL)


def sqlite_uri(path: Path, **params: str) -> str:
    """A `file:` URI for sqlite3.connect(uri=True) that names exactly `path`, whatever its
    characters (`?`, `#`, `%`, spaces, non-ASCII), plus query parameters such as mode=ro."""
    posix = Path(path).absolute().as_posix()
    if not posix.startswith("/"):
        posix = "/" + posix  # Windows: file:///C:/...
    # A UNC path //server/share keeps an empty authority: file:////server/share/...
    uri = "file://" + quote(posix, safe="/:")
    if params:
        uri += "?" + "&".join(f"{key}={quote(value, safe='')}" for key, value in params.items())
    return uri


def connect_read_only(
    path: Path, *, check_same_thread: bool = True, immutable: bool = False
) -> sqlite3.Connection:
    """A read-only connection to `path` that trusts nothing in the file's schema.

    immutable=True also promises SQLite that nobody changes the file meanwhile: it then
    takes no locks and creates no -wal/-shm files beside it. Only for a file no one can be
    writing (the caller holds its lock, or it is a backup) and that has no -wal/-journal.
    """
    params = {"mode": "ro", "immutable": "1"} if immutable else {"mode": "ro"}
    connection = sqlite3.connect(
        sqlite_uri(path, **params), uri=True, check_same_thread=check_same_thread
    )
    try:
        connection.execute("PRAGMA trusted_schema=OFF")
        connection.execute("PRAGMA query_only=ON")
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _normalise(sql: str | None) -> str:
    return _SPACE.sub(" ", sql or "").strip()


@functools.cache
def expected_schema(version: int) -> dict[str, SchemaEntry]:
    """The sqlite_master entries (by name) of a story at schema `version`, as this
    version's migrations create them."""
    memory = sqlite3.connect(":memory:")
    try:
        migrate(memory, target=version)
        return _schema_of(memory)
    finally:
        memory.close()


def _schema_of(connection: sqlite3.Connection) -> dict[str, SchemaEntry]:
    rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
    return {
        name: (kind, table, _normalise(sql))
        for kind, name, table, sql in rows
        if name not in _SQLITE_INTERNAL
    }


def schema_problems(actual: dict[str, SchemaEntry], expected: dict[str, SchemaEntry]) -> list[str]:
    """What differs between a file's schema and the expected one, in plain words."""
    problems = []
    for name, (kind, table, sql) in sorted(actual.items()):
        if kind in ("view", "trigger"):
            problems.append(f"it contains a {kind} named '{name}', which stories never have")
        elif name not in expected:
            problems.append(f"it has an unknown {kind} '{name}'")
        elif expected[name] != (kind, table, sql):
            problems.append(f"its {kind} '{name}' is not built the way a story's is")
    for name, (kind, _table, _sql) in sorted(expected.items()):
        if name not in actual:
            problems.append(f"its {kind} '{name}' is missing")
    return problems


def read_header(path: Path) -> bytes:
    """The first 100 bytes of the file; raises StoryFileError / NotAStoryError."""
    try:
        with Path(path).open("rb") as handle:
            header = handle.read(_HEADER_SIZE)
    except OSError as exc:
        raise StoryFileError(f"Cannot read {path.name}: {exc.strerror or exc}") from exc
    if len(header) < _HEADER_SIZE or not header.startswith(SQLITE_HEADER):
        raise NotAStoryError(f"{path.name} is not a Writer Assistant story file.")
    return header


def check_application_id(path: Path) -> None:
    """Refuse (NotAStoryError) a file whose header does not mark it as a story. Reads 100
    bytes and opens no SQLite connection, so nothing (not even a -wal file) appears beside
    another program's database."""
    header = read_header(path)
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        raise NotAStoryError(f"{path.name} is an SQLite file, but not a Writer Assistant story.")


def has_journal(path: Path) -> bool:
    """Whether a -wal or -journal file lies beside `path` (pages not yet in the file)."""
    return any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal"))


def inspect_story(path: Path, *, quick_check: bool = True, exclusive: bool = False) -> int:
    """Check the story at `path` without changing a byte of it; return its schema version.

    `quick_check=False` skips SQLite's page check (for listing many backups quickly).
    `exclusive=True` says no one else can be writing the file (the caller holds its lock):
    the check then leaves no -wal/-shm files behind when none were there.
    Raises NotAStoryError (not a story), NewerSchemaError (made by a newer version),
    ForeignSchemaError (tables not as this version makes them, any view or trigger),
    DamagedStoryError (quick_check failed or SQLite cannot read it), StoryFileError.
    """
    path = Path(path)
    check_application_id(path)
    try:
        connection = connect_read_only(path, immutable=exclusive and not has_journal(path))
    except sqlite3.Error as exc:
        raise translate_database_error(path, exc, "open") from exc
    try:
        return _check(path, connection, quick_check)
    except sqlite3.Error as exc:
        raise translate_database_error(path, exc, "open") from exc
    finally:
        connection.close()


def _check(path: Path, connection: sqlite3.Connection, quick_check: bool) -> int:
    app_id = connection.execute("PRAGMA application_id").fetchone()[0]
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if app_id != APPLICATION_ID or version < 1:
        raise NotAStoryError(f"{path.name} is an SQLite file, but not a Writer Assistant story.")
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{path.name} was saved by a newer Writer Assistant (story format {version}; "
            f"this version reads up to {SCHEMA_VERSION}). Update the app to open it; "
            "the file was not changed."
        )
    # Reading sqlite_master parses the schema but runs none of it.
    problems = schema_problems(_schema_of(connection), expected_schema(version))
    if problems:
        raise ForeignSchemaError(
            f"{path.name} looks like a story but was changed outside Writer Assistant: "
            + "; ".join(problems[:3])
            + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
            + ". It was not opened, to keep anything hidden in it from running; "
            "the file was not changed."
        )
    if not quick_check:
        return version
    result = [row[0] for row in connection.execute("PRAGMA quick_check(20)")]
    if result != ["ok"]:
        details = [
            line
            for row in result
            for line in str(row).splitlines()
            if line.strip() and not line.startswith("***")
        ]
        raise DamagedStoryError(
            f"{path.name} is damaged: SQLite's check found broken pages in the file. It was "
            "not opened, so nothing more can be lost; restore it from one of its backups.",
            details,
        )
    return version
