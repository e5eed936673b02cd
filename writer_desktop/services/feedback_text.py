"""Feedback made readable: the passages a note quotes from the chapter, found and turned
into links; a rating's progress while its JSON streams; a history entry's label; whether
feedback is older than the chapter's text. UI-free, so the API could use it too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from writer_desktop.domain import RATER_ASPECTS, Chapter, Feedback

QUOTE_SCHEME = "quote"
# A quotation worth linking: at least this many characters (shorter ones are words, not
# passages: "the", "Mara").
MIN_QUOTE_CHARS = 12
_QUOTED = re.compile('["“”]([^"“”\n]{' + str(MIN_QUOTE_CHARS) + ',400})["“”]')
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Quote:
    """A passage of the chapter that a note quotes: where in the note, and the text."""

    start: int  # the quotation's span in the note, marks included
    end: int
    text: str  # as the chapter has it


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text.replace("’", "'").replace("‘", "'")).strip().lower()


def find_quotes(note: str, chapter_text: str) -> list[Quote]:
    """Quotations in `note` ("..." or “...”) that are passages of `chapter_text`, matched
    without regard to case, spacing or curly apostrophes; trailing punctuation the note
    added inside the marks is allowed."""
    chapter = _normal(chapter_text)
    quotes = []
    for match in _QUOTED.finditer(note):
        quoted = match.group(1).strip()
        candidate = _normal(quoted)
        while candidate and candidate not in chapter and candidate[-1] in ".,;:!?…":
            candidate = candidate[:-1]
        if len(candidate) >= MIN_QUOTE_CHARS and candidate in chapter:
            quotes.append(Quote(match.start(), match.end(), quoted))
    return quotes


def link_quotes(note: str, chapter_text: str) -> tuple[str, list[str]]:
    """The note as Markdown with each quoted passage a link "quote:N", and the passages
    (N indexes them) for the editor to find when one is clicked."""
    quotes = find_quotes(note, chapter_text)
    pieces, passages, last = [], [], 0
    for number, quote in enumerate(quotes):
        pieces.append(note[last : quote.start])
        label = note[quote.start : quote.end].replace("[", "\\[").replace("]", "\\]")
        pieces.append(f"[{label}]({QUOTE_SCHEME}:{number})")
        passages.append(quote.text)
        last = quote.end
    pieces.append(note[last:])
    return "".join(pieces), passages


def rating_progress(partial_json: str) -> int:
    """How many of the Rater's aspects its streaming JSON has scored so far."""
    return sum(1 for aspect in RATER_ASPECTS if re.search(rf'"{aspect}"\s*:', partial_json))


def rating_markdown(scores: dict) -> str:
    """A rating's short reasons, one line per aspect, for under its chart."""
    lines = []
    for aspect in RATER_ASPECTS:
        item = scores.get(aspect) or {}
        score = item.get("score", "?")
        reason = str(item.get("reason", "")).strip()
        lines.append(f"- **{aspect.capitalize()} {score}/10**: {reason}")
    return "\n".join(lines)


def is_stale(feedback: Feedback, chapter: Chapter) -> bool:
    """Whether the chapter's text changed after the feedback was written."""
    if feedback.created_at is None or chapter.updated_at is None:
        return False
    return _comparable(chapter.updated_at) > _comparable(feedback.created_at)


def _comparable(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None) if moment.tzinfo is not None else moment


def history_label(feedback: Feedback, stale: bool = False) -> str:
    """'26 Nov, 10:31 · SmolLM2 135M Instruct', with the character and a note when the
    chapter has changed since."""
    parts = []
    if feedback.character_name:
        parts.append(feedback.character_name)
    if feedback.created_at is not None:
        moment = feedback.created_at
        if moment.tzinfo is None:  # the story file keeps UTC without a zone
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone()  # shown in the author's own time
        parts.append(f"{moment.day} {moment:%b %Y, %H:%M}")
    if feedback.model:
        parts.append(feedback.model)
    label = " · ".join(parts) or "earlier result"
    return f"{label} (chapter changed since)" if stale else label
