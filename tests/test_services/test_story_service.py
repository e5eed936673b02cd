"""StoryService and RecentFiles: word counts, recent list, file switching."""

from __future__ import annotations

from writer_desktop.services import RecentFiles, StoryService


def test_word_counts_follow_saves_and_live_typing(tmp_path):
    stories = StoryService(RecentFiles(tmp_path / "recent.json"))
    stories.new_story(tmp_path / "book")
    assert stories.path == tmp_path / "book.wstory"
    one = stories.add_chapter()
    two = stories.add_chapter()
    assert (one.title, two.title) == ("Chapter 1", "Chapter 2")
    stories.save_chapter_text(one.id, "one two three")
    stories.note_chapter_words(two.id, 4)
    assert stories.story_words() == 7
    stories.delete_chapter(two.id)
    assert stories.story_words() == 3
    stories.close()
    stories.open_story(tmp_path / "book.wstory")
    assert stories.story_words() == 3
    stories.close()


def test_recent_files_newest_first_without_duplicates_or_missing_files(tmp_path):
    recent = RecentFiles(tmp_path / "state" / "recent.json")
    assert recent.paths() == [] and recent.last() is None
    a, b = tmp_path / "a.wstory", tmp_path / "b.wstory"
    a.write_text("")
    recent.add(a)
    recent.add(b)
    recent.add(a)
    assert recent.paths() == [a, b]
    assert recent.last() == a
    a.unlink()
    assert recent.last() is None  # b was never created
    recent.remove(a)
    assert recent.paths() == [b]


def test_recent_files_survive_a_corrupt_state_file(tmp_path):
    state = tmp_path / "recent.json"
    state.write_text("{oops")
    assert RecentFiles(state).paths() == []


def test_failed_import_as_new_story_leaves_no_file(tmp_path, monkeypatch):
    import pytest

    from writer_desktop.manuscripts import ImportedChapter
    from writer_desktop.services import ManuscriptService

    service = ManuscriptService(StoryService(RecentFiles(tmp_path / "recent.json")))

    from writer_desktop.services.errors import SaveFailedError
    from writer_desktop.storage import StoryStore

    def fail(_self, _chapters):
        raise OSError("disk full")

    monkeypatch.setattr(StoryStore, "add_chapters", fail)
    target = tmp_path / "new.wstory"
    with pytest.raises(SaveFailedError, match="disk full"):
        service.import_as_new_story([ImportedChapter("One", "Words.")], target, "New")
    assert not target.exists() and not service.stories.is_open
    assert target not in service.stories.recent.paths()


def test_archive_indexing_queued_for_a_closed_story_is_dropped(tmp_path, paths):
    """Switching story cancels the first story's indexing that has not started yet."""
    import concurrent.futures

    from writer_desktop.config import Settings
    from writer_desktop.services import build_core

    core = build_core(Settings.model_validate({"archive_db_path": str(tmp_path / "arc")}), paths)
    try:
        core.stories.new_story(tmp_path / "b.wstory", "B")
        core.stories.new_story(tmp_path / "a.wstory", "A")
        for number in range(20):
            chapter = core.stories.add_chapter()
            core.stories.save_chapter_text(chapter.id, f"Chapter {number} of the storm. " * 50)
        futures = core.archive.index_story()
        assert len(futures) == 20
        core.stories.open_story(tmp_path / "b.wstory")
        concurrent.futures.wait(futures, timeout=120)
        cancelled = sum(future.cancelled() for future in futures)
        assert cancelled >= 15, cancelled  # at most the first few had started
        assert not core.archive.busy
    finally:
        core.shutdown()


def test_a_story_that_failed_or_died_opening_is_not_reopened_at_start(tmp_path):
    recent = RecentFiles(tmp_path / "recent.json")
    a, b = tmp_path / "a.wstory", tmp_path / "b.wstory"
    a.write_bytes(b"x")
    b.write_bytes(b"x")
    recent.add(b)
    recent.add(a)
    recent.opening(a)  # the app dies while opening a (a hostile file that hangs it)
    assert recent.last() is None  # the next start opens nothing
    assert recent.last() == b  # and a is skipped from then on
    recent.failed(b)  # b said "damaged" when opened
    assert recent.last() is None
    recent.add(a)  # the author opens a on purpose: it may reopen again
    assert recent.last() == a and recent.paths() == [a.resolve(), b.resolve()]


def test_open_story_async_loads_the_story_on_another_thread(tmp_path, gui_loop, monkeypatch):
    import threading

    from tests.conftest import run_async
    from writer_desktop.storage import StoryStore

    stories = StoryService(RecentFiles(tmp_path / "recent.json"))
    stories.new_story(tmp_path / "book")
    chapter = stories.add_chapter()
    stories.save_chapter_text(chapter.id, "one two three four")
    stories.new_story(tmp_path / "other")  # switches away: book.wstory is closed
    threads = []
    real_open = StoryStore.open

    def opening(path, read_only=False):
        threads.append(threading.current_thread())
        return real_open(path, read_only=read_only)

    monkeypatch.setattr(StoryStore, "open", staticmethod(opening))
    run_async(stories.open_story_async(tmp_path / "book.wstory"))
    assert threads and threads[0] is not threading.main_thread()
    assert stories.path == tmp_path / "book.wstory"
    assert stories.story_words() == 4
    assert stories.recent.last() == tmp_path / "book.wstory"
    stories.close()


def test_a_cancelled_open_lets_go_of_the_story(tmp_path, gui_loop):
    import asyncio
    import contextlib

    from tests.conftest import run_async

    stories = StoryService(RecentFiles(tmp_path / "recent.json"))
    stories.new_story(tmp_path / "book")
    stories.close()

    async def open_then_cancel():
        task = asyncio.ensure_future(stories.open_story_async(tmp_path / "book.wstory"))
        await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.5)  # the worker thread finishes opening, then closes

    run_async(open_then_cancel())
    assert not stories.is_open
    other = StoryService(RecentFiles(tmp_path / "recent2.json"))
    other.open_story(tmp_path / "book.wstory")  # not locked by the abandoned open
    other.close()


def test_switching_from_the_event_loop_backs_up_the_story_before_off_its_thread(
    tmp_path, gui_loop, monkeypatch
):
    """A novel's backup and checkpoint on close took the window's thread; from the event
    loop they run on a worker, and the story switched to may even be read-only."""
    import threading

    from tests.conftest import run_async
    from writer_desktop.config import Settings
    from writer_desktop.services.backup_service import BackupService
    from writer_desktop.storage import StoryStore

    stories = StoryService(RecentFiles(tmp_path / "recent.json"))
    backups = BackupService(stories, Settings(), tmp_path / "backups")
    stories.new_story(tmp_path / "other")
    stories.new_story(tmp_path / "book")
    chapter = stories.add_chapter()
    stories.save_chapter_text(chapter.id, "one two three four")
    closing_threads = []
    real_close = StoryStore.close

    def close(store):
        closing_threads.append((store.path.name, threading.current_thread()))
        real_close(store)

    monkeypatch.setattr(StoryStore, "close", close)
    run_async(stories.open_story_async(tmp_path / "other.wstory", read_only=True))
    assert stories.path == tmp_path / "other.wstory" and stories.read_only
    [(name, thread)] = closing_threads
    assert name == "book.wstory" and thread is not threading.main_thread()
    [backup] = backups.backups(tmp_path / "book.wstory")
    assert backup.words == 4
    stories.close()
