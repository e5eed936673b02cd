"""Export: every format, chapter titles as headings, and back in again unchanged."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from writer_desktop.manuscripts import export_manuscript, read_manuscript, split_chapters

CHAPTERS = [
    ("The Storm", 'Mara climbed the stairs.\n\n"Not tonight," she said — and struck a match.'),
    ("Morning", "Gulls over the harbour & the café.\n\nTomas waved <twice>."),
]


@pytest.mark.parametrize("suffix", [".md", ".docx", ".epub", ".txt"])
def test_export_then_import_gives_the_same_chapters(tmp_path, suffix):
    path = export_manuscript("The Harbour", CHAPTERS, tmp_path / f"book{suffix}")
    back = split_chapters(read_manuscript(path), "x")
    assert [(c.title, c.content) for c in back] == CHAPTERS


def test_docx_has_chapter_titles_as_headings(tmp_path):
    import docx

    path = export_manuscript("The Harbour", CHAPTERS, tmp_path / "book.docx")
    headings = [
        (p.style.name, p.text)
        for p in docx.Document(str(path)).paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings == [
        ("Title", "The Harbour"),
        ("Heading 1", "The Storm"),
        ("Heading 1", "Morning"),
    ]


def test_epub_has_a_table_of_contents(tmp_path):
    from ebooklib import epub

    path = export_manuscript("The Harbour", CHAPTERS, tmp_path / "book.epub")
    book = epub.read_epub(str(path))
    assert [item.title for item in book.toc] == ["The Storm", "Morning"]
    assert book.get_metadata("DC", "title")[0][0] == "The Harbour"


def test_failed_export_leaves_the_existing_file_alone(tmp_path):
    target = tmp_path / "book.md"
    target.write_text("the author's earlier export")
    with pytest.raises(ValueError):
        export_manuscript("T", CHAPTERS, tmp_path / "book.pdf")
    bad_chapters = [("T", None)]  # a writer failing midway
    with pytest.raises(AttributeError):  # None has no .replace: the writer fails midway
        export_manuscript("T", bad_chapters, target)  # type: ignore[arg-type]
    assert target.read_text() == "the author's earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["book.md"]


words = (
    st.text(
        alphabet=st.characters(categories=("L", "N"), include_characters=" .,'!?"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    chapters=st.lists(
        st.tuples(words, st.lists(words, min_size=1, max_size=4)), min_size=1, max_size=4
    ),
    suffix=st.sampled_from([".md", ".docx", ".epub"]),
)
def test_round_trip_holds_for_any_plain_prose(tmp_path, chapters, suffix):
    story = [(f"Part {i} {title}", "\n\n".join(paras)) for i, (title, paras) in enumerate(chapters)]
    path = export_manuscript("Book", story, tmp_path / f"fuzz{suffix}")
    back = split_chapters(read_manuscript(path), "x")
    assert [(c.title, c.content) for c in back] == story
