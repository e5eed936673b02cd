"""The chapter trash, snapshots without duplicates and thinned by age, and files made by the
previous schema version."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timedelta

import pytest

from tests.test_storage.helpers import old_story
from writer_desktop.domain import Feedback
from writer_desktop.storage import RowMissingError, StoryStore
from writer_desktop.storage.migrations import SCHEMA_VERSION


@pytest.fixture
def store(tmp_path):
    store = StoryStore.create(tmp_path / "novel.wstory", "Novel")
    yield store
    store.close()


def _titles(store):
    return [c.title for c in store.chapters()]


def test_deleted_chapter_goes_to_the_trash_with_its_history(store):
    one, two, three = (store.add_chapter(t, f"{t} text") for t in ("One", "Two", "Three"))
    store.add_snapshot(two.id, "Two draft", "before AI edit")
    store.add_feedback(Feedback(chapter_id=two.id, agent="editor", content="Tighten."))
    store.delete_chapter(two.id)

    assert _titles(store) == ["One", "Three"]
    assert [c.title for c in store.story().chapters] == ["One", "Three"]
    with pytest.raises(KeyError):
        store.chapter(two.id)
    (trashed,) = store.trash()
    assert (trashed.id, trashed.content) == (two.id, "Two text")
    assert trashed.deleted_at is not None
    assert [s.content for s in store.snapshots(two.id)] == ["Two draft"]
    assert [f.content for f in store.feedback(two.id)] == ["Tighten."]
    with pytest.raises(RowMissingError):
        store.delete_chapter(two.id)  # already in the trash


def test_trash_lists_the_most_recently_deleted_first(store):
    ids = [store.add_chapter(t).id for t in ("A", "B", "C")]
    for chapter_id in (ids[2], ids[0]):
        store.delete_chapter(chapter_id)
    assert [c.title for c in store.trash()] == ["A", "C"]


def test_restored_chapter_returns_to_its_old_place(store):
    ids = [store.add_chapter(t).id for t in ("A", "B", "C", "D")]
    store.delete_chapter(ids[1])
    store.add_chapter("E")
    restored = store.restore_chapter(ids[1])
    assert restored.deleted_at is None
    assert _titles(store) == ["A", "B", "C", "D", "E"]
    assert store.trash() == []


def test_restore_after_reordering_makes_room_at_the_old_position(store):
    ids = [store.add_chapter(t).id for t in ("A", "B", "C", "D")]
    store.delete_chapter(ids[1])  # B was second
    store.reorder_chapters([ids[3], ids[2], ids[0]])  # D C A take positions 1..3
    store.restore_chapter(ids[1])
    assert _titles(store) == ["D", "B", "C", "A"]
    positions = [c.position for c in store.chapters()]
    assert positions == sorted(set(positions))  # no two chapters share a place


def test_restore_when_the_story_got_shorter_puts_it_at_the_end(store):
    ids = [store.add_chapter(t).id for t in ("A", "B", "C")]
    store.delete_chapter(ids[2])
    store.delete_chapter(ids[1])
    store.restore_chapter(ids[2])
    assert _titles(store) == ["A", "C"]
    with pytest.raises(RowMissingError):
        store.restore_chapter(ids[0])  # not in the trash


def test_empty_trash_deletes_for_good_and_returns_the_ids(store, tmp_path):
    ids = [store.add_chapter(t).id for t in ("A", "B", "C")]
    store.add_snapshot(ids[0], "A old", "x")
    store.delete_chapter(ids[0])
    store.delete_chapter(ids[2])
    assert store.empty_trash() == sorted([ids[0], ids[2]])
    assert store.trash() == [] and _titles(store) == ["B"]
    assert store.snapshots(ids[0]) == []
    assert store.empty_trash() == []
    store.close()
    with StoryStore.open(tmp_path / "novel.wstory") as again:
        assert _titles(again) == ["B"] and again.trash() == []


def test_purge_deletes_one_trashed_chapter_and_refuses_a_live_one(store):
    ids = [store.add_chapter(t).id for t in ("A", "B")]
    with pytest.raises(RowMissingError):
        store.purge_chapter(ids[0])  # never straight from the story
    store.delete_chapter(ids[0])
    store.delete_chapter(ids[1])
    store.purge_chapter(ids[0])
    assert [c.id for c in store.trash()] == [ids[1]]
    with pytest.raises(RowMissingError):
        store.purge_chapter(ids[0])


def test_identical_snapshot_is_not_stored_twice(store):
    chapter = store.add_chapter("One", "v1")
    first = store.add_snapshot(chapter.id, "v1", "before AI edit")
    again = store.add_snapshot(chapter.id, "v1", "before Replace All")
    assert again == first
    store.add_snapshot(chapter.id, "v2", "edit")
    store.add_snapshot(chapter.id, "v1", "back to the first")  # differs from the latest: kept
    assert [s.content for s in store.snapshots(chapter.id)] == ["v1", "v2", "v1"]


def test_snapshots_are_thinned_by_age(store, tmp_path):
    one = store.add_chapter("One")
    two = store.add_chapter("Two")
    now = datetime(2026, 3, 31, 12, 0, 0)
    stamps = {
        one.id: [now - timedelta(hours=h) for h in (1, 5, 23, 25, 30, 47, 49, 72, 73)],
        two.id: [now - timedelta(hours=h) for h in (26, 27)],
    }
    for chapter_id, times in stamps.items():
        for i, _ in enumerate(times):
            store.add_snapshot(chapter_id, f"{chapter_id}-{i}", "")
    # Give the snapshots their ages (the store stamps them with the present moment).
    connection = sqlite3.connect(tmp_path / "novel.wstory")
    for chapter_id, times in stamps.items():
        rows = connection.execute(
            "SELECT id FROM snapshots WHERE chapter_id = ? ORDER BY id", (chapter_id,)
        ).fetchall()
        for (snapshot_id,), moment in zip(rows, times, strict=True):
            connection.execute(
                "UPDATE snapshots SET created_at = ? WHERE id = ?",
                (moment.isoformat(sep=" "), snapshot_id),
            )
    connection.commit()
    connection.close()

    removed = store.prune_snapshots(now=now)
    left = {s.created_at for s in store.snapshots(one.id)}
    # Within 24 h: all three. Older: 30 March keeps 09:00 of (09:00 25h, 06:00 30h);
    # 29 March keeps 13:00 of (13:00 47h, 11:00 49h); 28 March keeps 12:00 of (12:00, 11:00).
    assert left == {now - timedelta(hours=h) for h in (1, 5, 23, 25, 47, 72)}
    assert {s.created_at for s in store.snapshots(two.id)} == {now - timedelta(hours=26)}
    assert removed == 4
    assert store.prune_snapshots(now=now) == 0


def test_story_of_the_previous_version_opens_migrates_and_keeps_its_chapters(tmp_path):
    path = tmp_path / "old.wstory"
    previous = SCHEMA_VERSION - 1
    old_story(path, previous, [("One", "Old words."), ("Two", "More old words.")])
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO snapshots (chapter_id, content, reason, created_at) "
        "VALUES (1, 'Older words.', 'x', '2025-01-01 00:00:00')"
    )
    connection.commit()
    connection.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()

    # Read-only first: read through an upgraded copy in memory, the file left as it was.
    with StoryStore.open(path, read_only=True) as reader:
        assert [c.content for c in reader.chapters()] == ["Old words.", "More old words."]
        assert reader.trash() == []
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest

    with StoryStore.open(path) as store:
        assert store.title() == "Old"
        assert [c.content for c in store.chapters()] == ["Old words.", "More old words."]
        assert [s.content for s in store.snapshots(1)] == ["Older words."]
        store.delete_chapter(1)
        assert [c.title for c in store.trash()] == ["One"]
    assert (tmp_path / f"old.wstory.v{previous}.backup").is_file()
    probe = sqlite3.connect(path)
    assert probe.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    probe.close()
