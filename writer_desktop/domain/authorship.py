"""Who wrote what: the passages of a chapter the AI wrote and the author has not edited
since, and the disclosure report that lists them."""

from __future__ import annotations

from datetime import datetime

from writer_desktop.domain.emphasis import document_text
from writer_desktop.domain.story import Chapter, word_count

QUOTE_CHARS = 400  # a passage longer than this is quoted in part


def ai_passages(chapter: Chapter) -> list[str]:
    """The AI-written passages of a chapter, in order, as plain text."""
    text = document_text(chapter.content)
    out = []
    for start, end in chapter.ai_ranges:
        passage = text[max(0, start) : max(0, end)].strip()
        if passage:
            out.append(passage)
    return out


def disclosure_report(title: str, chapters: list[Chapter], now: datetime | None = None) -> str:
    """A Markdown report, chapter by chapter, of the text the AI wrote and the author left
    as it was (text the author edited counts as the author's)."""
    now = now or datetime.now()
    sections = []
    ai_total = words_total = 0
    for index, chapter in enumerate(chapters, start=1):
        passages = ai_passages(chapter)
        ai_words = sum(word_count(p) for p in passages)
        words = word_count(document_text(chapter.content))
        ai_total += ai_words
        words_total += words
        heading = f"## {index}. {chapter.title}: {ai_words:,} of {words:,} words by the AI"
        if not passages:
            sections.append(f"{heading}\n\nNo AI-written text.\n")
            continue
        quoted = []
        for passage in passages:
            shown = passage if len(passage) <= QUOTE_CHARS else passage[:QUOTE_CHARS] + " […]"
            quoted.append("\n".join(f"> {line}" if line else ">" for line in shown.split("\n")))
        sections.append(heading + "\n\n" + "\n\n".join(quoted) + "\n")
    share = f"{100 * ai_total / words_total:.1f} %" if words_total else "0 %"
    header = (
        f"# Who wrote what: {title}\n\n"
        f"Report of {now:%d %B %Y, %H:%M}. The passages below were written by the AI "
        "assistant and have not been edited by the author since; everything else was "
        "written or edited by the author.\n\n"
        f"In all: {ai_total:,} of {words_total:,} words ({share}) are unedited AI text.\n"
    )
    return header + "\n" + "\n".join(sections)
