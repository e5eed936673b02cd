"""One writer per story: the lock, who holds it, read-only opening, and a crashed holder."""

from __future__ import annotations

import json
import os
import socket
import threading

import pytest

from tests.test_storage.helpers import HOLDER, expect_line, kill_hard, start_child
from writer_desktop.storage import (
    LockHolder,
    ReadOnlyStoryError,
    StoryFileError,
    StoryLock,
    StoryLockedError,
    StoryStore,
)
from writer_desktop.storage.lock import info_path, is_locked, lock_path


@pytest.fixture
def story(tmp_path):
    path = tmp_path / "harbour.wstory"
    store = StoryStore.create(path, "The Harbour")
    store.add_chapter("One", "The gulls were quiet.")
    store.close()
    return path


def test_second_store_in_this_process_is_refused_until_the_first_closes(story):
    first = StoryStore.open(story)
    with pytest.raises(StoryLockedError) as caught:
        StoryStore.open(story)
    assert caught.value.holder.pid == os.getpid()
    assert str(caught.value).startswith("harbour.wstory is already open in this Writer Assistant")
    first.close()
    second = StoryStore.open(story)
    assert second.chapters()[0].content == "The gulls were quiet."
    second.close()


def test_create_holds_the_lock_and_close_releases_it(tmp_path):
    path = tmp_path / "new.wstory"
    store = StoryStore.create(path)
    assert is_locked(path)
    with pytest.raises(StoryLockedError):
        StoryStore.open(path)
    store.close()
    assert not is_locked(path)
    assert not info_path(path).exists()  # the holder record goes with the lock
    store.close()  # twice is harmless


def test_holder_record_says_who_and_since_when(story):
    store = StoryStore.open(story)
    try:
        record = json.loads(info_path(story).read_text(encoding="utf-8"))
        assert record["pid"] == os.getpid()
        assert record["host"] == socket.gethostname()
        assert record["app_version"]
        assert "since" in record and "user" in record
    finally:
        store.close()


def test_read_only_store_takes_no_lock_sees_new_saves_and_refuses_changes(story):
    writer = StoryStore.open(story)
    reader = StoryStore.open(story, read_only=True)
    try:
        assert reader.read_only and not writer.read_only
        chapter_id = writer.chapters()[0].id
        writer.save_chapter_text(chapter_id, "The gulls screamed.")
        assert reader.chapter(chapter_id).content == "The gulls screamed."
        for change in (
            lambda: reader.save_chapter_text(chapter_id, "lost"),
            lambda: reader.add_chapter("Two"),
            lambda: reader.delete_chapter(chapter_id),
            lambda: reader.set_title("x"),
            lambda: reader.empty_trash(),
        ):
            with pytest.raises(ReadOnlyStoryError, match="open read-only"):
                change()
        assert writer.chapter(chapter_id).content == "The gulls screamed."
    finally:
        reader.close()
        writer.close()


def test_story_held_by_another_process_is_refused_with_its_pid_then_opens_after(story):
    child = start_child(HOLDER, str(story))
    try:
        expect_line(child, "ready")
        with pytest.raises(StoryLockedError) as caught:
            StoryStore.open(story)
        holder = caught.value.holder
        assert holder.pid == child.pid
        assert f"(process {child.pid})" in str(caught.value)
        assert f"on {socket.gethostname()}" in str(caught.value)
        # Reading is still allowed while the other process writes.
        with StoryStore.open(story, read_only=True) as reader:
            assert reader.chapters()[0].title == "One"
        child.stdin.write("close\n")
        child.stdin.flush()
        expect_line(child, "closed")
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            kill_hard(child)
    with StoryStore.open(story) as store:
        assert store.chapters()[0].content == "The gulls were quiet."


def test_lock_of_a_killed_process_is_recovered_automatically(story):
    child = start_child(HOLDER, str(story))
    expect_line(child, "ready")
    with pytest.raises(StoryLockedError):
        StoryStore.open(story)
    kill_hard(child)  # kill -9: the process cannot release anything itself
    assert LockHolder.from_json(info_path(story).read_text()).pid == child.pid  # stale record

    store = StoryStore.open(story)
    try:
        assert store.chapters()[0].content == "The gulls were quiet."
        record = json.loads(info_path(story).read_text(encoding="utf-8"))
        assert record["pid"] == os.getpid()
    finally:
        store.close()


def test_story_locks_exclude_each_other_and_release_from_another_thread(tmp_path):
    story = tmp_path / "s.wstory"
    first = StoryLock(story).acquire()
    assert first.is_held and lock_path(story).exists()
    with pytest.raises(StoryLockedError), StoryLock(story):
        pass
    releaser = threading.Thread(target=first.release)
    releaser.start()
    releaser.join()
    assert not first.is_held
    with StoryLock(story) as second:
        assert second.is_held


def test_garbage_holder_record_still_gives_a_clear_refusal(story):
    store = StoryStore.open(story)
    try:
        info_path(story).write_text("{not json", encoding="utf-8")
        with pytest.raises(StoryLockedError, match="open in another Writer Assistant") as caught:
            StoryStore.open(story)
        assert caught.value.holder is None
    finally:
        store.close()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs folder permissions")
def test_folder_without_write_permission_explains_the_lock(story):
    story.parent.chmod(0o555)
    try:
        with pytest.raises(StoryFileError, match="open it read-only"):
            StoryStore.open(story)
    finally:
        story.parent.chmod(0o755)
