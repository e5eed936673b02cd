"""Hostile and damaged files: each ends in a clear message or a valid story, within the
time cap, in a child process whose memory is capped; limits are checked before reading."""

from __future__ import annotations

import random
import struct
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.test_manuscripts import hostile
from tests.test_manuscripts.conftest import make_docx
from writer_desktop.manuscripts import ManuscriptError, split_chapters
from writer_desktop.manuscripts.chapters import is_chapter_line
from writer_desktop.manuscripts.isolation import ReadJob, read_isolated
from writer_desktop.manuscripts.readers import text_blocks

CAP_S = 20.0


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    files = hostile.all_hostile(folder, make_docx(folder / "valid.docx"))
    return {path.name: path for path in files}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bomb.docx", "expands 1,029 times"),
        ("bomb.odt", "limit is 100 times"),
        ("repeated.epub", "limit is 100 times"),
        ("repeated-varied.epub", "more than once"),
        ("entities.docx", "entities"),
    ],
)
def test_hostile_zip_files_are_refused_naming_the_limit(hostile_files, name, message):
    start = time.perf_counter()
    with pytest.raises(ManuscriptError, match=message):
        read_isolated(hostile_files[name])
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("name", ["backtrack.md", "lines.txt", "nested.rtf"])
def test_backtracking_bait_and_deep_nesting_read_quickly(hostile_files, name):
    start = time.perf_counter()
    blocks = read_isolated(hostile_files[name])
    assert split_chapters(blocks, "x")
    assert time.perf_counter() - start < 5


def test_heading_regexes_do_not_backtrack_on_long_lines():
    start = time.perf_counter()
    for line in ("# a" + " " * 4000 + "x", "Chapter " * 5000, "I." + " " * 50000 + "x"):
        text_blocks(line, markdown=True)
        is_chapter_line(line)
    assert time.perf_counter() - start < 1


def test_book_one_in_running_text_is_not_a_chapter():
    assert not is_chapter_line("Book one was missing from the shelf.")
    assert not is_chapter_line("Part of the problem was the rain.")
    assert is_chapter_line("Book One")
    assert is_chapter_line("CHAPTER VII. The Storm")
    assert is_chapter_line("Book the First--Recalled to Life")


def test_a_file_over_the_time_limit_is_stopped_with_a_message(tmp_path):
    path = tmp_path / "slow.txt"
    path.write_text("Words.\n" * 10)
    job = ReadJob(path, time_limit_s=0.001)
    with pytest.raises(ManuscriptError, match="time limit"):
        job.wait()


def test_killing_a_read_stops_the_child(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Words.\n")
    job = ReadJob(path)
    job.kill()
    with pytest.raises(ManuscriptError):
        job.wait()
    assert job.process.poll() is not None


def test_a_truncated_odt_is_an_error_not_a_partial_import(corpus_folder, tmp_path):
    data = (corpus_folder / "heart-of-darkness.pandoc.odt").read_bytes()
    path = tmp_path / "cut.odt"
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ManuscriptError):
        read_isolated(path)


# -- fuzzing: mutated corpus files ---------------------------------------------------------------

SEED_NOVELS = ("heart-of-darkness", "the-call-of-the-wild")
CASES_PER_SEED = 63  # 16 corpus files: 1,008 mutated inputs


def _swap_entries(data: bytes, rng: random.Random, folder: Path) -> bytes:
    source = folder / f"src{rng.random()}.zip"
    source.write_bytes(data)
    with zipfile.ZipFile(source) as archive:
        infos = archive.infolist()
        contents = [archive.read(info) for info in infos]
    i, j = rng.sample(range(len(infos)), 2)
    contents[i], contents[j] = contents[j], contents[i]
    target = folder / f"dst{rng.random()}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in zip(infos, contents, strict=True):
            archive.writestr(info.filename, content)
    return target.read_bytes()


def _forge_sizes(data: bytes, rng: random.Random) -> bytes:
    """Central-directory sizes changed: a member claiming to be small, or huge."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        if rng.random() < 0.5:
            value = rng.choice([1, 10, 2**31 - 1, 600 * 1024 * 1024])
            struct.pack_into("<I", out, at + 24, value)  # uncompressed size
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def mutate(data: bytes, rng: random.Random, zipped: bool, folder: Path) -> bytes:
    kind = rng.choice(["truncate", "flip", "swap", "forge"] if zipped else ["truncate", "flip"])
    if kind == "truncate":
        return data[: rng.randrange(1, len(data))]
    if kind == "swap":
        return _swap_entries(data, rng, folder)
    if kind == "forge":
        return _forge_sizes(data, rng)
    out = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def test_mutated_corpus_files_end_in_a_message_or_a_valid_story(corpus_folder, tmp_path):
    rng = random.Random(12)
    cases: list[Path] = []
    for novel in SEED_NOVELS:
        for seed in sorted(corpus_folder.glob(f"{novel}.*")):
            data = seed.read_bytes()
            zipped = seed.suffix in (".docx", ".odt", ".epub")
            for n in range(CASES_PER_SEED):
                path = tmp_path / f"{seed.stem}.{n}{seed.suffix}"
                path.write_bytes(mutate(data, rng, zipped, tmp_path))
                cases.append(path)

    def run(path: Path) -> str:
        start = time.perf_counter()
        try:
            chapters = split_chapters(read_isolated(path, time_limit_s=CAP_S), path.stem)
        except ManuscriptError as exc:
            outcome = "message" if str(exc).strip() else "EMPTY MESSAGE"
        else:
            valid = chapters and all(c.title and c.content.strip() for c in chapters)
            outcome = "story" if valid else "INVALID STORY"
        if time.perf_counter() - start > CAP_S + 5:
            outcome = "TOO SLOW"
        return outcome

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = dict(zip(cases, pool.map(run, cases), strict=True))
    bad = {path.name: outcome for path, outcome in outcomes.items() if outcome.isupper()}
    assert len(cases) >= 1000
    assert not bad, bad
