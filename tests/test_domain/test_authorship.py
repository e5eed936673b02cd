"""Who wrote what: AI passages from stored ranges, and the disclosure report."""

from datetime import datetime

from writer_desktop.domain import Chapter
from writer_desktop.domain.authorship import ai_passages, disclosure_report
from writer_desktop.domain.emphasis import document_text, mark_paragraph, parse_runs


def test_ranges_count_in_the_page_text_without_markers():
    chapter = Chapter(
        title="One", content="Mine, *all* mine.\n\nThe AI wrote this.", ai_ranges=[(16, 34)]
    )
    assert document_text(chapter.content) == "Mine, all mine.\nThe AI wrote this."
    assert ai_passages(chapter) == ["The AI wrote this."]


def test_report_lists_passages_per_chapter_with_word_counts():
    chapters = [
        Chapter(title="One", content="All mine."),
        Chapter(title="Two", content="Mine.\n\nA storm rose.", ai_ranges=[(6, 19)]),
    ]
    report = disclosure_report("The Lamp", chapters, datetime(2026, 11, 26, 10, 42))
    assert report.startswith("# Who wrote what: The Lamp")
    assert "## 1. One: 0 of 2 words by the AI\n\nNo AI-written text." in report
    assert "## 2. Two: 3 of 4 words by the AI\n\n> A storm rose." in report
    assert "3 of 6 words (50.0 %)" in report


def test_marked_paragraphs_read_back_as_the_same_runs():
    cases = [
        [("2 * 3 * 4", False, False)],
        [("* * *", False, False)],
        [("*not italic*", False, False)],
        [("a ", False, False), ("b", True, False), ("c", False, True)],
        [("bold ", False, True), ("and both", True, True)],
    ]
    for pieces in cases:
        marked = mark_paragraph(pieces)
        assert "".join(r.text for r in parse_runs(marked)) == "".join(p[0] for p in pieces)
    assert mark_paragraph([("2 * 3 * 4", False, False)]) == "2 * 3 * 4"  # not escaped
    assert mark_paragraph([("*not italic*", False, False)]) == "\\*not italic\\*"
