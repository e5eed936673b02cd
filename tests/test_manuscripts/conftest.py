"""Real manuscript files, made by the libraries made for each format."""

from __future__ import annotations

from pathlib import Path

import pytest

CHAPTERS = [
    ("The Storm", ["Mara climbed the stairs as the storm came in.", "The café below was dark."]),
    ("Morning", ["Morning came grey over the harbour.", "Tomas waved from the jetty."]),
]


def make_docx(path: Path, chapters=CHAPTERS, title: str = "The Harbour") -> Path:
    import docx

    document = docx.Document()
    document.add_heading(title, level=0)
    for chapter_title, paragraphs in chapters:
        document.add_heading(chapter_title, level=1)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def make_odt(path: Path, chapters=CHAPTERS) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    for chapter_title, paragraphs in chapters:
        document.text.addElement(H(outlinelevel=1, text=chapter_title))
        for paragraph in paragraphs:
            document.text.addElement(P(text=paragraph))
    document.save(str(path))
    return path


@pytest.fixture
def docx_file(tmp_path) -> Path:
    return make_docx(tmp_path / "book.docx")


@pytest.fixture
def odt_file(tmp_path) -> Path:
    return make_odt(tmp_path / "book.odt")


@pytest.fixture(scope="session")
def corpus_folder():
    """The real-novel corpus, converted once (cached in the temp folder between runs)."""
    from tests.test_manuscripts.corpus import build_corpus

    return build_corpus()
