"""A story file is checked before it is trusted: schema, views and triggers, damaged pages,
newer formats, and file names that would break a URL."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import threading
import time

import pytest

from writer_desktop.storage import (
    DamagedStoryError,
    ForeignSchemaError,
    NewerSchemaError,
    NotAStoryError,
    StoryFileError,
    StoryStore,
)
from writer_desktop.storage.inspection import expected_schema, inspect_story, sqlite_uri
from writer_desktop.storage.lock import is_locked
from writer_desktop.storage.migrations import SCHEMA_VERSION

RAW_SQLITE_WORDS = ("malformed", "disk image", "btree", "sqlite3", "OperationalError")


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _story(path, chapters=(("One", "The gulls were quiet."),)):
    store = StoryStore.create(path, "The Harbour")
    store.add_chapters(list(chapters))
    store.close()
    return path


def _tamper(path, script):
    connection = sqlite3.connect(path)
    connection.executescript(script)
    connection.commit()
    connection.close()


def _open_with_timeout(path, seconds=20.0, **kwargs):
    """StoryStore.open in a daemon thread: a hang fails the test instead of blocking it."""
    outcome: list = []

    def run():
        try:
            outcome.append(StoryStore.open(path, **kwargs))
        except BaseException as exc:  # the test inspects whatever came out
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"StoryStore.open hung for {seconds} s"
    return outcome[0], time.monotonic() - started


def _assert_author_message(error, path):
    text = str(error)
    assert path.name in text
    for word in RAW_SQLITE_WORDS:
        assert word not in text, text


RECURSIVE_VIEW = """
    DROP TABLE chapters;
    CREATE VIEW chapters AS
        WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)
        SELECT x AS id, x AS position, 'Loop' AS title, '' AS content, '' AS outline,
               '2025-01-01' AS updated_at, NULL AS deleted_at
        FROM n;
"""


def test_recursive_view_in_place_of_chapters_is_refused_before_any_query_runs(tmp_path):
    path = _story(tmp_path / "loop.wstory")
    _tamper(path, RECURSIVE_VIEW)
    # The view really never ends: reading it is stopped here only by a progress handler.
    probe = sqlite3.connect(path)
    probe.set_progress_handler(lambda: 1, 100_000)
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        probe.execute("SELECT count(*) FROM chapters").fetchone()
    probe.close()
    before = _digest(path)

    for read_only in (False, True):
        error, seconds = _open_with_timeout(path, read_only=read_only)
        assert isinstance(error, ForeignSchemaError), error
        assert "view named 'chapters'" in str(error)
        _assert_author_message(error, path)
        assert seconds < 10
    assert _digest(path) == before


def test_story_with_a_trigger_is_refused_untouched(tmp_path):
    path = _story(tmp_path / "trigger.wstory")
    _tamper(
        path,
        "CREATE TRIGGER wipe AFTER UPDATE ON chapters BEGIN DELETE FROM characters; END;",
    )
    before = _digest(path)
    with pytest.raises(ForeignSchemaError, match="trigger named 'wipe'") as caught:
        StoryStore.open(path)
    _assert_author_message(caught.value, path)
    # Its header says "story", so the lock was taken for the check; it was released, and
    # the check (read-only, immutable under the lock) left no -wal or -shm file behind.
    assert not is_locked(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trigger.wstory", "trigger.wstory.lock"]
    with pytest.raises(ForeignSchemaError):
        StoryStore.open(path, read_only=True)
    assert _digest(path) == before


@pytest.mark.parametrize(
    ("script", "words"),
    [
        ("CREATE TABLE extra (x);", "unknown table 'extra'"),
        (
            "DROP INDEX ix_chapters_position; "
            "CREATE INDEX ix_chapters_position ON chapters (title);",
            "index 'ix_chapters_position' is not built the way",
        ),
        ("DROP TABLE chat_messages;", "table 'chat_messages' is missing"),
        ("ALTER TABLE chapters ADD COLUMN secret TEXT;", "table 'chapters' is not built the way"),
    ],
)
def test_changed_schema_is_refused_with_what_differs(tmp_path, script, words):
    path = _story(tmp_path / "changed.wstory")
    _tamper(path, script)
    with pytest.raises(ForeignSchemaError, match=words):
        StoryStore.open(path)


def test_damaged_pages_are_reported_in_words_and_nothing_is_opened(tmp_path):
    path = _story(
        tmp_path / "damaged.wstory",
        [(f"Chapter {i}", f"word{i} " * 1500) for i in range(150)],
    )
    size = path.stat().st_size
    assert size > 1_000_000
    prose = ("It was a dark and stormy night; the rain fell in torrents. " * 6000).encode()
    with path.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(prose[:300_000])
    before = _digest(path)

    for read_only in (False, True):
        with pytest.raises(DamagedStoryError) as caught:
            StoryStore.open(path, read_only=read_only)
        _assert_author_message(caught.value, path)
        assert "backups" in str(caught.value)
        assert caught.value.details  # SQLite's own words are kept for a bug report
    assert _digest(path) == before
    assert not is_locked(path)  # the refusal released the lock it took


def test_truncated_story_is_damaged_not_a_raw_sqlite_error(tmp_path):
    path = _story(tmp_path / "cut.wstory", [(f"C{i}", "word " * 2000) for i in range(40)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(DamagedStoryError) as caught:
        StoryStore.open(path)
    _assert_author_message(caught.value, path)


def test_header_of_another_program_is_refused_without_touching_the_folder(tmp_path):
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    with pytest.raises(NotAStoryError):
        StoryStore.open(path)
    with pytest.raises(NotAStoryError):
        StoryStore.open(path, read_only=True)
    assert [p.name for p in tmp_path.iterdir()] == ["other.db"]  # no lock, no -wal, no -shm


def test_newer_schema_is_refused_by_name_for_reading_too(tmp_path):
    path = _story(tmp_path / "future.wstory")
    _tamper(path, f"PRAGMA user_version = {SCHEMA_VERSION + 1};")
    before = _digest(path)
    for read_only in (False, True):
        with pytest.raises(NewerSchemaError, match="future.wstory was saved by a newer"):
            StoryStore.open(path, read_only=read_only)
    assert _digest(path) == before


def test_expected_schema_is_what_a_fresh_story_has(tmp_path):
    path = _story(tmp_path / "fresh.wstory")
    assert inspect_story(path) == SCHEMA_VERSION
    names = set(expected_schema(SCHEMA_VERSION))
    assert {"chapters", "snapshots", "feedback", "ix_chapters_deleted"} <= names


ODD_NAMES = [
    "Kapitel ü #1 ?50%.wstory",
    "what?.wstory",
    "#hash.wstory",
    "100%.wstory",
    "%3F%23.wstory",
    "two  spaces .wstory",
    "日本語の物語.wstory",
    "file:looks-like-a-uri.wstory",
]


@pytest.mark.skipif(sys.platform == "win32", reason="? is not allowed in Windows file names")
@pytest.mark.parametrize("name", ODD_NAMES)
def test_odd_file_names_create_write_reopen_and_leave_no_stray_file(tmp_path, name):
    folder = tmp_path / "stories"
    path = folder / name
    store = StoryStore.create(path, "Odd")
    chapter = store.add_chapter("One")
    store.save_chapter_text(chapter.id, "Words with ü and ?, # and %.")
    store.close()

    reader = StoryStore.open(path, read_only=True)
    assert reader.chapters()[0].content == "Words with ü and ?, # and %."
    reader.close()
    again = StoryStore.open(path)
    try:
        assert again.title() == "Odd"
        assert again.chapter(chapter.id).content == "Words with ü and ?, # and %."
    finally:
        again.close()

    assert sorted(p.name for p in folder.iterdir()) == sorted([name, f"{name}.lock"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stories"]
    assert [p for p in tmp_path.parent.iterdir() if p.name.startswith(name.split("?")[0])] == []


def test_sqlite_uri_names_exactly_the_file(tmp_path):
    path = tmp_path / "Kapitel ü #1 ?50%.wstory"
    uri = sqlite_uri(path, mode="ro")
    assert uri.endswith("/Kapitel%20%C3%BC%20%231%20%3F50%25.wstory?mode=ro")
    assert uri.startswith("file:///")


def test_missing_file_is_a_story_file_error_naming_it(tmp_path):
    with pytest.raises(StoryFileError, match="gone.wstory does not exist"):
        StoryStore.open(tmp_path / "gone.wstory", read_only=True)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions")
def test_unreadable_file_is_reported_by_name(tmp_path):
    path = _story(tmp_path / "secret.wstory")
    path.chmod(0)
    try:
        with pytest.raises(StoryFileError, match="Cannot read secret.wstory"):
            StoryStore.open(path)
    finally:
        path.chmod(0o600)
