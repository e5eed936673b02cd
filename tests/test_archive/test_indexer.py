"""ArchiveIndexer through the composition root: indexing costs what changed, deleted chapters
leave the archive, and progress and failures are there to show."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from benchmarks.archive_bench import story_chapter
from writer_desktop.config import Settings
from writer_desktop.services import build_core

STORM = "The gale tore the roof off the lighthouse and the lamp went out over the bay."


@pytest.fixture
def core(tmp_path, paths):
    core = build_core(Settings.model_validate({"archive_db_path": str(tmp_path / "arc")}), paths)
    core.stories.new_story(tmp_path / "a.wstory", "A")
    yield core
    core.shutdown()


def _settle(core) -> None:
    for future in core.archive.index_story():
        future.result(timeout=300)
    core.archive._executor.submit(lambda: None).result(timeout=300)  # queued removals too


def _chapters(core, count: int) -> list[int]:
    made = core.stories.add_chapters(
        [(f"Chapter {n}", story_chapter(n, words=400)) for n in range(1, count + 1)]
    )
    return [chapter.id for chapter in made]


def _archived(core) -> set[str]:
    return {cid.rpartition(":")[2] for cid in core.archive._service().content_ids_sync()}


def test_reopening_an_unchanged_story_embeds_nothing(core, tmp_path):
    _chapters(core, 3)
    _settle(core)
    embedded = core.archive.embedded_chunks
    assert embedded > 3 and core.archive.progress.done == core.archive.progress.total
    core.stories.open_story(tmp_path / "a.wstory")
    _settle(core)
    assert core.archive.embedded_chunks == embedded


def test_a_deleted_chapter_leaves_the_archive(core):
    first, second, third = _chapters(core, 3)
    _settle(core)
    assert _archived(core) == {str(first), str(second), str(third)}
    core.stories.delete_chapter(second)  # to the trash: not offered by searches
    hits = asyncio.run(core.archive.find("Mara and Tobias at the harbour", "chapter"))
    assert str(second) not in {hit.metadata["chapter"] for hit in hits}
    _settle(core)  # opening the story again drops chapters it no longer has
    assert _archived(core) == {str(first), str(third)}
    core.stories.delete_chapter(third)
    core.stories.empty_trash()  # gone for good: removed at once
    core.archive._executor.submit(lambda: None).result(timeout=60)
    assert _archived(core) == {str(first)}


def test_a_failure_is_kept_with_its_reason(core, monkeypatch):
    [chapter_id] = _chapters(core, 1)
    archive = core.archive._service()

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(archive, "store_content_sync", broken)
    future = core.archive.index_chapter(chapter_id, "Chapter 1", STORM)
    with pytest.raises(OSError):
        future.result(timeout=60)
    progress = core.archive.progress
    assert progress.failures == (("Chapter 1", "disk full"),)
    assert not progress.busy


def test_progress_counts_queued_chapters(core):
    _chapters(core, 4)
    futures = core.archive.index_story()
    assert core.archive.progress.total >= 4
    concurrent.futures.wait(futures, timeout=300)
    core.archive._executor.submit(lambda: None).result(timeout=60)
    progress = core.archive.progress
    assert progress.done == progress.total and not progress.busy


def test_opening_reads_the_story_on_the_archive_thread(core, monkeypatch):
    """The window asks for the whole story to be archived without reading it itself."""
    import threading

    ids = _chapters(core, 3)
    readers: list[str] = []
    chapters = core.stories.chapters

    def watched():
        readers.append(threading.current_thread().name)
        return chapters()

    monkeypatch.setattr(core.stories, "chapters", watched)
    outer = core.archive.index_story_in_background()
    assert outer is not None and outer.result(timeout=300) > 0
    core.archive._executor.submit(lambda: None).result(timeout=300)
    assert readers and all(name.startswith("archive") for name in readers)
    assert _archived(core) == {str(i) for i in ids}


def test_a_story_switched_before_its_reading_is_not_archived_under_the_new_one(core, tmp_path):
    _chapters(core, 2)
    gate = core.archive._executor.submit(lambda: __import__("time").sleep(0.5))
    outer = core.archive.index_story_in_background()  # queued behind the gate
    core.stories.new_story(tmp_path / "b.wstory", "B")  # the author opened another story
    gate.result(timeout=60)
    assert outer is not None
    # Cancelled with the story it was for, or run and finding another story open.
    assert outer.cancelled() or outer.result(timeout=60) == 0
    core.archive._executor.submit(lambda: None).result(timeout=60)
    assert _archived(core) == set()


_APP_PROCESS = """
import sys
from pathlib import Path
from writer_desktop.config import AppPaths, Settings
from writer_desktop.services import build_core
root = Path(sys.argv[1])
settings = Settings.model_validate({"archive_db_path": str(root / "arc")})
core = build_core(settings, AppPaths.under(root / "home"))
core.stories.new_story(root / "a.wstory", "A")
[chapter] = core.stories.add_chapters([("Chapter 1", sys.argv[2])])
core.archive.index_chapter(chapter.id, chapter.title, chapter.content).result(timeout=300)
hits = core.archive.search("a storm over the sea")
archive = core.archive._service()
core.shutdown()
assert hits and hits[0].metadata["chapter"] == str(chapter.id), hits
print("chromadb" in sys.modules, "onnxruntime" in sys.modules, archive.pid)
"""


def test_the_archive_runs_in_a_child_process(tmp_path):
    """ChromaDB holds the GIL through its writes: in the app's process that froze the
    window, so the app's process never even imports it (nor the embedding runtime)."""
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _APP_PROCESS, str(tmp_path), STORM],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    chromadb, onnxruntime, pid = done.stdout.split()
    assert (chromadb, onnxruntime) == ("False", "False")
    assert int(pid) != os.getpid()


def test_a_dead_archive_process_is_started_again(core):
    import os
    import signal

    [chapter_id] = _chapters(core, 1)
    first = core.archive._service()
    os.kill(first.pid, signal.SIGKILL)
    first._process.wait()
    first._reader.join(timeout=10)  # it has seen the child go
    core.archive.index_chapter(chapter_id, "Chapter 1", STORM).result(timeout=300)
    assert core.archive._service() is not first
    assert _archived(core) == {str(chapter_id)}
