"""Reading manuscripts: every format, encodings, chapter splitting, clear errors, fuzzing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_manuscripts.conftest import CHAPTERS, make_docx, make_odt
from writer_desktop.manuscripts import ManuscriptError, read_manuscript, split_chapters

FILES = Path(__file__).resolve().parent.parent / "files"
EXPECTED = [(title, "\n\n".join(paragraphs)) for title, paragraphs in CHAPTERS]


def chapters_of(path: Path) -> list[tuple[str, str]]:
    return [(c.title, c.content) for c in split_chapters(read_manuscript(path), path.stem)]


def test_docx_splits_by_its_headings_and_drops_the_book_title(docx_file):
    assert chapters_of(docx_file) == EXPECTED


def test_odt_splits_by_its_headings(odt_file):
    assert chapters_of(odt_file) == EXPECTED


def test_rtf_reads_escapes_and_chapter_lines():
    chapters = chapters_of(FILES / "two_chapters.rtf")
    assert [t for t, _ in chapters] == ["Chapter 1", "Chapter 2"]
    assert "The café below was dark." in chapters[0][1]


def test_markdown_headings_split_chapters(tmp_path):
    path = tmp_path / "book.md"
    path.write_text(
        "# The Harbour\n\n## The Storm\n\nMara climbed the stairs as the storm "
        "came in.\n\nThe café below was dark.\n\n## Morning\n\nMorning came grey "
        "over the harbour.\n\nTomas waved from the jetty.\n",
        encoding="utf-8",
    )
    assert chapters_of(path) == EXPECTED


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
def test_text_in_any_common_encoding(tmp_path, encoding):
    text = (
        "Chapter 1: The Storm\n\nMara climbed the stairs as the storm came in.\n\n"
        "The café below was dark. Naïve façades, déjà vu.\n\nChapter 2: Morning\n\n"
        "Morning came grey over the harbour.\n"
    )
    path = tmp_path / "book.txt"
    path.write_bytes(text.encode(encoding))
    chapters = chapters_of(path)
    assert [t for t, _ in chapters] == ["The Storm", "Morning"]
    assert "Naïve façades, déjà vu." in chapters[0][1]


def test_cyrillic_legacy_text_is_still_recognised(tmp_path):
    text = (
        "Глава 1\n\nМара поднялась по лестнице маяка, когда начался шторм. Лампа дважды "
        "гасла на этой неделе, и рыбацкие лодки всё ещё были в море за волнорезом.\n"
    )
    path = tmp_path / "ru.txt"
    path.write_bytes(text.encode("cp1251"))
    assert "Мара поднялась по лестнице маяка" in chapters_of(path)[0][1]


def test_text_without_headings_is_one_chapter_named_after_the_file(tmp_path):
    path = tmp_path / "Short story.txt"
    path.write_text("Just one scene.\n\nAnd another paragraph.")
    assert chapters_of(path) == [("Short story", "Just one scene.\n\nAnd another paragraph.")]


def test_text_before_the_first_chapter_is_kept_as_an_opening(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text("An epigraph.\n\nCHAPTER ONE\n\nIt began.\n\nCHAPTER TWO\n\nIt went on.")
    assert chapters_of(path) == [
        ("Front matter", "An epigraph."),
        ("CHAPTER ONE", "It began."),
        ("CHAPTER TWO", "It went on."),
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"   \n\n  ", "holds no text"),
        ("headings.md", b"# One\n\n# Two\n", "headings at most"),
        ("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        ("fake.docx", b"this is not a zip", "not a Word"),
        ("fake.odt", b"PK\x03\x04broken", "not an OpenDocument"),
        ("fake.rtf", b"plain words", "not an RTF"),
        ("song.mp3", b"ID3\x04", "cannot be imported"),
    ],
)
def test_bad_files_get_a_clear_message(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ManuscriptError, match=message):
        chapters_of(path)


def test_oversized_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(65 * 1024 * 1024)  # sparse: no disk used
    with pytest.raises(ManuscriptError, match="MB"):
        read_manuscript(path)


def test_unreadable_file_says_so(tmp_path):
    if os.geteuid() == 0:
        path = tmp_path / "missing.txt"  # root reads everything: use a vanished file
    else:
        path = tmp_path / "locked.txt"
        path.write_text("x")
        path.chmod(0)
    with pytest.raises(ManuscriptError, match="cannot be read"):
        read_manuscript(path)


# -- fuzzing: random and truncated bytes give a clean error or a valid story ------------------

SEEDS = {
    ".txt": b"Chapter 1\n\nWords.\n",
    ".md": b"# One\n\nWords.\n",
    ".rtf": (FILES / "two_chapters.rtf").read_bytes(),
}


_SEED_CACHE: dict[str, bytes] = {}


def seed(suffix: str, folder: Path) -> bytes:
    """A valid file of each format (module-level, so hypothesis does not print it)."""
    if not _SEED_CACHE:
        _SEED_CACHE.update(SEEDS)
        _SEED_CACHE[".docx"] = make_docx(folder / "s.docx").read_bytes()
        _SEED_CACHE[".odt"] = make_odt(folder / "s.odt").read_bytes()
    return _SEED_CACHE[suffix]


def _check(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        chapters = split_chapters(read_manuscript(path), path.stem)
    except ManuscriptError as exc:
        assert str(exc)
        return
    assert chapters and all(c.title and c.content for c in chapters)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(suffix=st.sampled_from(sorted(SEEDS) + [".docx", ".odt"]), data=st.binary(max_size=3000))
def test_random_bytes_never_crash_an_importer(tmp_path, suffix, data):
    _check(tmp_path / f"fuzz{suffix}", data)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    suffix=st.sampled_from([".txt", ".md", ".rtf", ".docx", ".odt"]),
    cut=st.floats(0, 1),
    flip=st.integers(0, 255),
)
def test_truncated_or_damaged_files_never_crash_an_importer(tmp_path, suffix, cut, flip):
    valid = seed(suffix, tmp_path)
    data = bytearray(valid[: int(len(valid) * cut)])
    if data:
        data[len(data) // 2] ^= flip
    _check(tmp_path / f"damaged{suffix}", bytes(data))


def test_files_folder_is_there():
    assert shutil.which("true") is not None and (FILES / "two_chapters.rtf").is_file()
