"""Chapter text <-> the editor's document: what is loaded is what is saved."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextDocument

from writer_desktop.domain.emphasis import parse_runs
from writer_desktop.ui.prose_document import chapter_text, html_to_chapter_text, load_document

PROSE = st.text(alphabet="ab ,.\n'\u2014", max_size=80)
MARKED = st.text(alphabet="ab *\n\\_", max_size=60)


def _round_trip(text: str) -> str:
    document = QTextDocument()
    load_document(document, text, [])
    return chapter_text(document)


@settings(max_examples=150, deadline=None)
@given(PROSE)
def test_text_without_markers_comes_back_exactly(qapp, text):
    assert _round_trip(text) == text


@settings(max_examples=150, deadline=None)
@given(MARKED)
def test_marked_text_keeps_its_words_and_emphasis(qapp, text):
    once = _round_trip(text)
    assert _round_trip(once) == once  # saving again never drifts
    before = [parse_runs(p) for p in text.split("\n\n")]
    after = [parse_runs(p) for p in once.split("\n\n")]
    flat = lambda runs: [(c, r.italic, r.bold) for r in runs for c in r.text]  # noqa: E731
    if "\\" not in text:  # a typed backslash before * is not kept as such
        assert [flat(r) for r in before] == [flat(r) for r in after]


def test_paragraphs_line_breaks_and_emphasis_load_as_blocks_and_formats(qapp):
    document = QTextDocument()
    load_document(document, "One *two*\nthree.\n\n**Four**.", [])
    assert document.blockCount() == 2
    assert document.firstBlock().text() == "One two\u2028three."
    assert chapter_text(document) == "One *two*\nthree.\n\n**Four**."


def test_pasted_html_keeps_paragraphs_and_emphasis(qapp):
    html = "<p>It was <em>very</em> <strong>late</strong>.</p><p>Then 2 * 3.</p>"
    assert html_to_chapter_text(html) == "It was *very* **late**.\n\nThen 2 * 3."
