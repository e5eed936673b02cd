"""ArchiveProcess: the real archive in a real child process, answering ArchiveService's calls."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from writer_desktop.archive import ArchiveHit, ArchiveProcess, ArchiveUnavailableError

STORM = "The storm tore the roof off the barn. Rain hammered the fields until dawn."
KITCHEN = "She kneaded the dough at the kitchen table while the kettle began to sing."


@pytest.fixture
def archive(tmp_path):
    process = ArchiveProcess(tmp_path / "archive")
    yield process
    process.close()


def test_calls_are_answered_by_the_child(archive):
    assert archive.pid != os.getpid()
    assert archive.store_content_sync("ch1", STORM, {"kind": "chapter", "chapter": 1}) == 1
    archive.store_content_sync("ch2", KITCHEN, {"kind": "chapter"})
    hits = archive.search_sync("bad weather wrecked the farm", 1, {"kind": "chapter"})
    assert isinstance(hits[0], ArchiveHit) and hits[0].content_id == "ch1"
    assert hits[0].metadata["chapter"] == 1
    assert archive.content_ids_sync() == {"ch1", "ch2"}
    assert archive.count_sync() == 2 and archive.embedded_chunks == 2
    archive.delete_content_sync("ch2")
    assert asyncio.run(archive.count()) == 1
    assert [h.content_id for h in asyncio.run(archive.search("baking bread"))] == ["ch1"]


def test_what_was_stored_is_there_after_reopening(tmp_path):
    with ArchiveProcess(tmp_path / "a") as first:
        first.store_content_sync("ch1", STORM)
    with ArchiveProcess(tmp_path / "a") as again:
        assert again.count_sync() == 1 and again.embedded_chunks == 0


def test_the_store_s_errors_arrive_as_archive_errors(archive):
    with pytest.raises(ArchiveUnavailableError, match="where"):
        archive.search_sync("storm", 3, {"$nonsense": 1})
    with pytest.raises(ArchiveUnavailableError, match="no call"):
        archive._call("close")
    assert archive.count_sync() == 0  # the child answers on after a failed call


def test_each_caller_gets_its_own_answer(archive):
    archive.store_content_sync("ch1", STORM, {"kind": "a"})
    archive.store_content_sync("ch2", KITCHEN, {"kind": "b"})

    def ask(n: int) -> tuple[str, str]:
        kind = "a" if n % 2 else "b"
        [hit] = archive.search_sync("anything at all", 1, {"kind": kind})
        return kind, hit.content_id

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, range(40)))
    assert all(cid == ("ch1" if kind == "a" else "ch2") for kind, cid in answers)


def test_a_dead_child_fails_waiting_and_later_calls(archive):
    started = threading.Event()
    outcome: list[BaseException] = []

    def long_store() -> None:
        started.set()
        try:
            archive.store_content_sync("long", STORM * 400)
        except BaseException as exc:
            outcome.append(exc)

    caller = threading.Thread(target=long_store)
    caller.start()
    started.wait()
    os.kill(archive.pid, signal.SIGKILL)
    caller.join(timeout=60)
    assert outcome and isinstance(outcome[0], ArchiveUnavailableError)
    assert "stopped" in str(outcome[0])
    with pytest.raises(ArchiveUnavailableError, match="stopped"):
        archive.count_sync()
    assert archive.failed


def test_closing_twice_is_fine_and_later_calls_are_refused(tmp_path):
    process = ArchiveProcess(tmp_path / "a")
    pid = process.pid
    process.close()
    process.close()
    assert not process.failed
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone, and reaped
    with pytest.raises(ArchiveUnavailableError, match="closed"):
        process.count_sync()


def test_an_unusable_folder_fails_at_opening(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ArchiveUnavailableError, match="could not be opened"):
        ArchiveProcess(blocker)
