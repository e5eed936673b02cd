"""ArchiveService on a real ChromaDB in tmp_path with the real embedding model (no mocks)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from benchmarks.archive_bench import story_chapter
from writer_desktop.archive import ArchiveHit, ArchiveService, ArchiveUnavailableError
from writer_desktop.archive.service import clean_metadata, normalise_where

ROOT = Path(__file__).resolve().parents[2]

STORM = "The storm tore the roof off the barn. Rain hammered the fields until dawn."
KITCHEN = "She kneaded the dough at the kitchen table while the kettle began to sing."
TRAIN = "The night train rattled north, and the old soldier slept with his hat on his knees."


@pytest.fixture
def archive(tmp_path: Path):
    service = ArchiveService(tmp_path / "archive")
    yield service
    service.close()


def _fill(archive: ArchiveService) -> None:
    story = {"story": "The Harbour", "chapter_title": "Arrivals"}
    archive.store_content_sync("ch1", STORM, {**story, "chapter": "1", "kind": "chapter"})
    archive.store_content_sync("ch2", KITCHEN, {**story, "chapter": "2", "kind": "chapter"})
    archive.store_content_sync("note1", TRAIN, {**story, "kind": "note"})
    archive.store_content_sync(
        "mara",
        "Mara is a baker with flour on her sleeves and a temper like a kettle.",
        {**story, "kind": "character", "character": "Mara"},
    )
    archive.store_content_sync(
        "other", "A storm at sea sank the ferry.", {"story": "Elsewhere", "kind": "chapter"}
    )


def test_store_then_search_finds_the_passage(archive):
    _fill(archive)
    hits = archive.search_sync("bad weather wrecked the farm buildings", n_results=3)
    assert isinstance(hits[0], ArchiveHit)
    assert hits[0].content_id == "ch1" and hits[0].chunk_index == 0
    assert hits[0].text == STORM
    assert hits[0].metadata["story"] == "The Harbour" and hits[0].metadata["chapter"] == "1"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.content_id for h in hits}) == len(hits)  # one passage per content


def test_never_more_hits_than_exist(archive):
    assert archive.search_sync("anything") == []
    archive.store_content_sync("a", STORM)
    assert len(archive.search_sync("storm", n_results=10)) == 1
    assert archive.search_sync("   ") == []


def test_restoring_a_content_id_replaces_its_chunks(archive):
    long_text = story_chapter(1, words=1000)
    first = archive.store_content_sync("ch1", long_text, {"kind": "chapter"})
    assert first > 3 and archive.count_sync() == first
    assert archive.store_content_sync("ch1", long_text, {"kind": "chapter"}) == first
    assert archive.count_sync() == first
    assert archive.store_content_sync("ch1", STORM, {"kind": "chapter"}) == 1
    assert archive.count_sync() == 1
    [hit] = archive.search_sync("roof", n_results=5)
    assert hit.text == STORM


def test_delete(archive):
    _fill(archive)
    archive.delete_content_sync("ch1")
    archive.delete_content_sync("never-stored")
    assert archive.count_sync() == 4
    assert "ch1" not in {h.content_id for h in archive.search_sync("storm barn roof", 10)}


def test_storing_unchanged_text_again_embeds_nothing(archive):
    text = story_chapter(3, words=1500)
    chunks = archive.store_content_sync("ch3", text, {"kind": "chapter"})
    assert archive.embedded_chunks == chunks > 5
    assert archive.store_content_sync("ch3", text, {"kind": "chapter"}) == chunks
    assert archive.embedded_chunks == chunks and archive.count_sync() == chunks


def test_an_edited_paragraph_embeds_only_the_chunks_that_changed(archive):
    paragraphs = story_chapter(4, words=2000).split("\n\n")
    chunks = archive.store_content_sync("ch4", "\n\n".join(paragraphs))
    paragraphs[-1] = "Ottoline burned the lighthouse keeper's letters in the stove."
    again = archive.store_content_sync("ch4", "\n\n".join(paragraphs), {"title": "Renamed"})
    assert archive.embedded_chunks - chunks <= 2
    assert archive.count_sync() == again
    [hit] = archive.search_sync("she burned his letters", 1)
    assert "Ottoline" in hit.text and hit.metadata["title"] == "Renamed"
    assert hit.chunk_index == again - 1


def test_a_fresh_service_on_an_archived_folder_embeds_nothing_for_the_same_text(tmp_path):
    text = story_chapter(5, words=800)
    with ArchiveService(tmp_path / "a") as service:
        service.store_content_sync("ch5", text, {"kind": "chapter"})
    with ArchiveService(tmp_path / "a") as again:
        again.store_content_sync("ch5", text, {"kind": "chapter"})
        assert again.embedded_chunks == 0


def test_deleting_a_content_removes_all_its_chunks_from_search(archive):
    archive.store_content_sync("ch6", story_chapter(6, words=1200), {"kind": "chapter"})
    archive.store_content_sync("ch1", STORM, {"kind": "chapter"})
    assert archive.content_ids_sync({"kind": "chapter"}) == {"ch6", "ch1"}
    archive.search_sync("storm", 5)  # the search corpus is loaded ...
    archive.delete_content_sync("ch6")  # ... and must not outlive the deletion
    assert archive.count_sync() == 1 and archive.content_ids_sync() == {"ch1"}
    assert {h.content_id for h in archive.search_sync("Mara at the harbour", 10)} == {"ch1"}


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"kind": "note"}, {"note1"}),
        ({"kind": "character"}, {"mara"}),
        ({"character": "Mara"}, {"mara"}),
        ({"chapter": "2"}, {"ch2"}),
        ({"story": "The Harbour", "kind": "chapter"}, {"ch1", "ch2"}),
        ({"story": "Elsewhere", "kind": "chapter"}, {"other"}),
        ({"story": "The Harbour", "kind": "character", "character": "Mara"}, {"mara"}),
        ({"$or": [{"kind": "note"}, {"character": "Mara"}]}, {"note1", "mara"}),
        ({"kind": "no-such-kind"}, set()),
    ],
)
def test_metadata_filters(archive, where, expected):
    _fill(archive)
    hits = archive.search_sync("a storm, a kitchen, a train", n_results=10, where=where)
    assert {h.content_id for h in hits} == expected


def test_long_text_query_about_its_end_finds_a_later_chunk(archive):
    text = story_chapter(7, words=2000) + (
        "\n\nAt the very end, Ottoline released a hundred paper lanterns over the frozen "
        "lake and watched them drift towards the mountains."
    )
    chunks = archive.store_content_sync("ch7", text, {"kind": "chapter"})
    assert chunks >= 10
    [best] = archive.search_sync("glowing paper lights floating over an icy lake", 1)
    assert best.chunk_index >= chunks - 2 and "lanterns" in best.text


def test_empty_text_stores_nothing_and_clears_old_chunks(archive):
    assert archive.store_content_sync("blank", "  \n\n ") == 0
    assert archive.count_sync() == 0
    archive.store_content_sync("ch1", STORM)
    assert archive.store_content_sync("ch1", "") == 0
    assert archive.count_sync() == 0


def test_metadata_is_cleaned():
    cleaned = clean_metadata(
        {
            "story": "S",
            "chapter": 3,
            "score": 0.5,
            "draft": True,
            "none": None,
            "tags": ["a", "b"],
            "path": Path("x"),
        }
    )
    assert cleaned == {
        "story": "S",
        "chapter": 3,
        "score": 0.5,
        "draft": True,
        "tags": "a, b",
        "path": "x",
    }
    assert normalise_where({"a": 1}) == {"a": 1}
    assert normalise_where({"a": 1, "b": 2}) == {"$and": [{"a": 1}, {"b": 2}]}
    assert normalise_where({}) is None


def test_async_api_under_asyncio_run(tmp_path):
    async def scenario() -> tuple[int, list[ArchiveHit], int, int]:
        with ArchiveService(tmp_path / "a") as service:
            stored = await service.store_content("ch1", STORM, {"kind": "chapter", "x": None})
            await asyncio.gather(
                service.store_content("ch2", KITCHEN, {"kind": "chapter"}),
                service.store_content("n1", TRAIN, {"kind": "note"}),
            )
            hits = await service.search("making bread", 2, {"kind": "chapter"})
            before = await service.count()
            await service.delete_content("ch2")
            return stored, hits, before, await service.count()

    stored, hits, before, after = asyncio.run(scenario())
    assert stored == 1 and hits[0].content_id == "ch2" and (before, after) == (3, 2)


def test_a_fresh_service_on_the_same_folder_sees_the_data(tmp_path):
    with ArchiveService(tmp_path / "a") as service:
        _fill(service)
    with ArchiveService(tmp_path / "a") as again:
        assert again.count_sync() == 5
        assert again.search_sync("bread dough", 1, {"kind": "chapter"})[0].content_id == "ch2"
    moved = tmp_path / "moved"
    shutil.copytree(tmp_path / "a", moved)
    script = (
        "import sys; from pathlib import Path; from writer_desktop.archive import ArchiveService;"
        "s = ArchiveService(Path(sys.argv[1])); print(s.count_sync()); s.close()"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(moved)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == "5"


def test_telemetry_is_off(archive):
    assert archive._client.get_settings().anonymized_telemetry is False
    script = (
        "import os; import writer_desktop.archive.embeddings; import chromadb.config as c; "
        "assert os.environ['ANONYMIZED_TELEMETRY'] == 'False'; "
        "assert c.Settings().anonymized_telemetry is False"
    )
    env = {k: v for k, v in os.environ.items() if k != "ANONYMIZED_TELEMETRY"}
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=120)


def test_closed_service_refuses_work(tmp_path):
    service = ArchiveService(tmp_path / "a")
    service.close()
    service.close()
    with pytest.raises(ArchiveUnavailableError):
        service.search_sync("x")


def test_unusable_folder_raises_archive_unavailable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ArchiveUnavailableError):
        ArchiveService(blocker)


_NO_NETWORK = textwrap.dedent(
    """
    import sys
    attempts = []
    def hook(event, args):
        if event.startswith("socket.") or event in ("urllib.Request", "http.client.connect"):
            attempts.append(event)
            raise OSError("network disabled in this test: " + event)
    sys.addaudithook(hook)
    from pathlib import Path
    from writer_desktop.archive import ArchiveService
    with ArchiveService(Path(sys.argv[1])) as service:
        service.store_content_sync("a", "The storm broke the fence.", {"kind": "chapter"})
        assert service.search_sync("weather", 1, {"kind": "chapter"})[0].content_id == "a"
    with ArchiveService(Path(sys.argv[1])) as service:
        assert service.count_sync() == 1
    assert not attempts, attempts
    print("ok")
    """
)


def test_no_network_is_touched(tmp_path):
    """Python-level socket use fails loudly here; a hang would hit the timeout."""
    out = subprocess.run(
        [sys.executable, "-c", _NO_NETWORK, str(tmp_path / "a")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


@pytest.mark.skipif(not shutil.which("strace") or sys.platform != "linux", reason="no strace")
def test_no_socket_syscalls_at_all(tmp_path):
    """strace sees the Rust core too: no internet socket is opened, no connect tried."""
    log = tmp_path / "strace.log"
    script = _NO_NETWORK
    out = subprocess.run(
        [
            "strace",
            "-f",
            "-qq",
            "-e",
            "trace=socket,connect",
            "-o",
            str(log),
            sys.executable,
            "-c",
            script,
            str(tmp_path / "a"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if out.returncode != 0 and "ptrace" in out.stderr:
        pytest.skip("ptrace not permitted here")
    assert out.returncode == 0, out.stderr
    calls = [line for line in log.read_text().splitlines() if "AF_INET" in line]
    assert calls == []


def test_archiving_embeds_on_the_low_priority_embedder_thread(archive):
    import os
    import sys
    import threading

    from writer_desktop.archive import embeddings

    seen: list[tuple[str, int]] = []
    original = embeddings.MiniLMEmbedding.embed

    def watched(self, texts):
        seen.append(
            (
                threading.current_thread().name,
                os.getpriority(os.PRIO_PROCESS, threading.get_native_id()),
            )
        )
        return original(self, texts)

    embeddings.MiniLMEmbedding.embed = watched  # type: ignore[method-assign]
    try:
        archive.store_content_sync("ch1", story_chapter(1, words=400), {"kind": "chapter"})
    finally:
        embeddings.MiniLMEmbedding.embed = original  # type: ignore[method-assign]
    assert seen and all(name.startswith("embedder") for name, _ in seen)
    if not sys.platform.startswith("linux"):
        return  # niceness per thread is Linux's
    base = os.getpriority(os.PRIO_PROCESS, 0)
    assert all(nice >= min(19, base + embeddings.BACKGROUND_NICENESS) for _, nice in seen)
