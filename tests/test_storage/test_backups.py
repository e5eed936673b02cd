"""Copies through SQLite's backup API, the migration backup after a crash, and rotating
automatic backups."""

from __future__ import annotations

import hashlib
import sqlite3
import textwrap
from datetime import datetime, timedelta

import pytest

from tests.test_storage.helpers import expect_line, kill_hard, old_story, start_child
from writer_desktop.storage import (
    StoryFileError,
    StoryLockedError,
    StoryStore,
    copy_story,
    list_backups,
    make_backup,
    prune_backups,
)
from writer_desktop.storage.backups import backup_name, backups_to_keep
from writer_desktop.storage.migrations import SCHEMA_VERSION


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _titles(path):
    connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT title FROM chapters ORDER BY id")]
    finally:
        connection.close()


@pytest.fixture
def open_story(tmp_path):
    store = StoryStore.create(tmp_path / "novel.wstory", "Novel")
    store.add_chapters([("One", "The gulls were quiet."), ("Two", "The storm came.")])
    yield store
    store.close()


# -- copy_story ------------------------------------------------------------------------------


def test_copy_of_an_open_story_includes_what_is_still_in_the_wal(open_story, tmp_path):
    assert (tmp_path / "novel.wstory-wal").stat().st_size > 0
    target = copy_story(open_story.path, tmp_path / "copies" / "novel copy.wstory")
    assert _titles(target) == ["One", "Two"]
    probe = sqlite3.connect(target)
    assert probe.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one whole file
    assert probe.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    probe.close()
    assert sorted(p.name for p in target.parent.iterdir()) == ["novel copy.wstory"]


def test_copy_onto_itself_is_refused_by_any_spelling_of_the_path(open_story, tmp_path):
    same = tmp_path / "sub" / ".." / "novel.wstory"
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.wstory"
    link.symlink_to(open_story.path)
    for target in (open_story.path, same, link):
        with pytest.raises(StoryFileError, match="onto itself"):
            copy_story(open_story.path, target)
    assert open_story.chapters()[1].content == "The storm came."


def test_failed_copy_leaves_the_existing_target_as_it_was(tmp_path, open_story):
    target = copy_story(open_story.path, tmp_path / "backup.wstory")
    before = _digest(target)
    broken = tmp_path / "broken.wstory"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(StoryFileError):
        copy_story(broken, target)
    assert _digest(target) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_copy_onto_a_story_open_for_writing_is_refused(tmp_path, open_story):
    other = StoryStore.create(tmp_path / "other.wstory")
    try:
        with pytest.raises(StoryLockedError):
            copy_story(open_story.path, other.path)
    finally:
        other.close()
    assert copy_story(open_story.path, other.path) == other.path  # closed now: allowed
    assert _titles(other.path) == ["One", "Two"]


KILLED_WRITER = textwrap.dedent(
    """
    import sqlite3, sys, time
    connection = sqlite3.connect(sys.argv[1])
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA wal_autocheckpoint=0")  # everything stays in the WAL
    for i in range(1, 51):
        connection.execute("UPDATE chapters SET content = ? WHERE id = 1", (f"draft {i}",))
        connection.commit()
    print("written", flush=True)
    time.sleep(600)
    """
)


def test_story_last_closed_by_a_kill_migrates_and_its_backup_has_the_latest_text(tmp_path):
    path = tmp_path / "old.wstory"
    old_story(path, SCHEMA_VERSION - 1, [("One", "draft 0")])
    child = start_child(KILLED_WRITER, str(path))
    expect_line(child, "written")
    kill_hard(child)
    wal = tmp_path / "old.wstory-wal"
    assert wal.stat().st_size > 0
    # What a plain file copy (the old shutil.copy2 backup) would have kept:
    assert _file_alone_content(path, tmp_path / "plain-copy.wstory") == "draft 0"

    store = StoryStore.open(path)
    try:
        assert store.chapters()[0].content == "draft 50"
        assert store.trash() == []  # the new schema step ran
    finally:
        store.close()
    backup = tmp_path / f"old.wstory.v{SCHEMA_VERSION - 1}.backup"
    with StoryStore.open(backup, read_only=True) as saved:
        assert saved.chapters()[0].content == "draft 50"
    probe = sqlite3.connect(f"file:{backup}?mode=ro&immutable=1", uri=True)
    assert probe.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION - 1
    probe.close()


def _file_alone_content(path, copy):
    copy.write_bytes(path.read_bytes())
    connection = sqlite3.connect(f"file:{copy}?mode=ro&immutable=1", uri=True)
    try:
        return connection.execute("SELECT content FROM chapters WHERE id = 1").fetchone()[0]
    finally:
        connection.close()


# -- rotation: pure logic ------------------------------------------------------------------

NOW = datetime(2026, 3, 31, 12, 0, 0)


def test_keeps_the_last_k_and_the_newest_of_each_day_within_d_days():
    times = [NOW - timedelta(hours=h) for h in range(0, 24 * 10, 3)]  # every 3 h, 10 days
    keep = backups_to_keep(times, keep_last=4, keep_days=5, now=NOW)
    newest_four = set(sorted(times, reverse=True)[:4])
    assert newest_four <= keep
    recent_days = {t.date() for t in times if t >= NOW - timedelta(days=5)}
    for day in recent_days:
        newest_that_day = max(t for t in times if t.date() == day)
        assert newest_that_day in keep
    assert all(t >= NOW - timedelta(days=5) for t in keep)
    # 26..31 March have a newest each (6); the last four add three more from 31 March.
    assert len(recent_days) == 6 and len(keep) == 9


def test_the_newest_backup_is_always_kept():
    old = [NOW - timedelta(days=400), NOW - timedelta(days=500)]
    assert backups_to_keep(old, keep_last=0, keep_days=0, now=NOW) == {old[0]}
    assert backups_to_keep([], keep_last=3, keep_days=3, now=NOW) == set()


def test_keep_last_larger_than_the_count_keeps_everything():
    times = [NOW - timedelta(days=d) for d in range(100, 110)]
    assert backups_to_keep(times, keep_last=50, keep_days=1, now=NOW) == set(times)


# -- rotation: real files ------------------------------------------------------------------


def test_backups_rotate_on_disk_and_list_with_counts(open_story, tmp_path):
    folder = tmp_path / "backups"
    made = []
    for hours in range(0, 24 * 4, 6):  # every 6 h for 4 days
        when = NOW - timedelta(days=4) + timedelta(hours=hours)
        open_story.add_chapter(f"Added {hours}", "one two three")
        made.append(make_backup(open_story.path, folder, now=when))
    assert made[0].name == "novel.backup-20260327-120000.wstory"
    assert made[0].name == backup_name("novel.wstory", NOW - timedelta(days=4))
    stranger = folder / "notes.txt"
    stranger.write_text("not a backup")
    other_story = folder / "other.backup-20200101-000000.wstory"
    other_story.write_bytes(made[0].read_bytes())

    deleted = prune_backups(folder, "novel.wstory", keep_last=3, keep_days=2, now=NOW)
    kept = sorted(p.name for p in folder.glob("novel.backup-*"))
    assert set(deleted).isdisjoint(folder.iterdir())
    assert len(kept) + len(deleted) == len(made)
    # The last three, and the newest of each day since 29 March 12:00 (two days back).
    assert kept == [
        "novel.backup-20260329-180000.wstory",
        "novel.backup-20260330-180000.wstory",
        "novel.backup-20260331-000000.wstory",
        "novel.backup-20260331-060000.wstory",
    ]
    assert stranger.exists() and other_story.exists()  # never touched

    infos = list_backups(folder, "novel")
    assert [info.path.name for info in infos] == sorted(kept, reverse=True)
    newest = infos[0]
    assert newest.created == datetime(2026, 3, 31, 6, 0, 0)
    assert newest.chapters == 2 + len(made) and newest.readable
    assert newest.words == 4 + 3 + 3 * len(made)
    assert sorted(p.name for p in folder.iterdir() if "-wal" in p.name or "-shm" in p.name) == []


def test_unreadable_backup_is_listed_as_such(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "novel.backup-20260101-000000.wstory").write_text("garbage")
    (info,) = list_backups(folder, "novel")
    assert info.readable is False and info.chapters == 0


def test_trashed_chapters_are_not_counted_in_a_backup(open_story, tmp_path):
    open_story.delete_chapter(open_story.chapters()[0].id)
    backup = make_backup(open_story.path, tmp_path / "b", now=NOW)
    (info,) = list_backups(tmp_path / "b", "novel")
    assert (info.path, info.chapters, info.words) == (backup, 1, 3)
