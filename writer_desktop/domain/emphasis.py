"""Emphasis in chapter text: `*italic*` and `**bold**` markers, parsed into runs or removed.

Chapter text stores emphasis as Markdown-style markers (the editor highlights them, the
exporters turn them into real italics and bold, prompts get the plain words). A marker
only counts when it hugs a word, as in Markdown: `*word*` is italic, `2 * 3 * 4` and a
scene break `* * *` are left as they are. One linear scan per paragraph, no regex that
could backtrack.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """A stretch of text with one emphasis."""

    text: str
    italic: bool = False
    bold: bool = False


MAX_SPAN = 20_000  # an emphasis longer than this is taken as stray asterisks
_MAX_SKIPS = 64


def _closing(text: str, start: int, marker: str, closers: list[int], breaks: list[int]) -> int:
    """Index of the marker closing one opened at `start`, or -1: the first marker after
    a non-space character, before the paragraph ends. closers and breaks are the sorted
    positions of such markers and of blank lines, so each look-up is a bisection."""
    width = len(marker)
    limit = min(len(text), start + MAX_SPAN)
    next_break = bisect_right(breaks, start)
    if next_break < len(breaks):
        limit = min(limit, breaks[next_break])
    k = bisect_right(closers, start + width)
    for _ in range(_MAX_SKIPS):
        if k >= len(closers) or closers[k] >= limit:
            return -1
        j = closers[k]
        k += 1
        if not text.startswith(marker, j) or text[j - 1] == "*":
            continue
        if width == 1 and text.startswith("**", j) and not text.startswith("***", j):
            # "**" inside an italic span opens bold; it does not close the italic
            k = bisect_right(closers, j + 1)
            continue
        return j
    return -1


def _opens(text: str, i: int, width: int) -> bool:
    after = i + width
    return after < len(text) and not text[after].isspace() and text[after] != "*"


def _positions(text: str, needle: str) -> list[int]:
    out, i = [], text.find(needle)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def parse_runs(text: str) -> list[Run]:
    """The text as runs of plain, italic, bold and bold-italic; markers that do not pair
    up stay in the text as literal asterisks."""
    runs: list[Run] = []
    plain: list[str] = []

    def flush(italic: bool = False, bold: bool = False) -> None:
        if plain:
            runs.append(Run("".join(plain), italic, bold))
            plain.clear()

    def emit(inner: str, italic: bool, bold: bool) -> None:
        for run in parse_runs(inner):
            runs.append(Run(run.text, run.italic or italic, run.bold or bold))

    closers = [j for j in _positions(text, "*") if j > 0 and not text[j - 1].isspace()]
    breaks = _positions(text, "\n\n")
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] == "*":
            plain.append("*")
            i += 2
            continue
        if ch != "*":
            j = text.find("*", i)
            j = n if j < 0 else j
            k = text.find("\\", i, j)
            j = k if k >= 0 else j
            plain.append(text[i:j] if j > i else ch)
            i = max(j, i + 1)
            continue
        if text.startswith("***", i) and _opens(text, i, 3):
            close = text.find("***", i + 3, i + MAX_SPAN)
            if close > i + 3 and not text[close - 1].isspace() and "\n\n" not in text[i:close]:
                flush()
                emit(text[i + 3 : close], True, True)
                i = close + 3
                continue
        if text.startswith("**", i) and _opens(text, i, 2):
            close = _closing(text, i, "**", closers, breaks)
            if close >= 0:
                flush()
                emit(text[i + 2 : close], False, True)
                i = close + 2
                continue
        if _opens(text, i, 1):
            close = _closing(text, i, "*", closers, breaks)
            if close >= 0:
                flush()
                emit(text[i + 1 : close], True, False)
                i = close + 1
                continue
        plain.append(ch)
        i += 1
    flush()
    merged: list[Run] = []
    for run in runs:
        if merged and (merged[-1].italic, merged[-1].bold) == (run.italic, run.bold):
            merged[-1] = Run(merged[-1].text + run.text, run.italic, run.bold)
        elif run.text:
            merged.append(run)
    return merged


def strip_emphasis(text: str) -> str:
    """The text with its emphasis markers removed (stray asterisks are kept)."""
    if "*" not in text:
        return text
    return "".join(run.text for run in parse_runs(text))


def mark(text: str, italic: bool, bold: bool) -> str:
    """Wrap text in markers; spaces at either end stay outside them (`* word*` would not
    read back as emphasis)."""
    if not (italic or bold) or not text.strip():
        return text
    core = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    marker = "***" if italic and bold else "**" if bold else "*"
    return f"{lead}{marker}{core}{marker}{trail}"


def join_marked(pieces: list[tuple[str, bool, bool]]) -> str:
    """Text with markers from (text, italic, bold) pieces, adjacent pieces of the same
    emphasis merged first so `*a**b*` never appears."""
    merged: list[list] = []
    for text, italic, bold in pieces:
        if not text:
            continue
        if merged and merged[-1][1:] == [italic, bold]:
            merged[-1][0] += text
        else:
            merged.append([text, italic, bold])
    return "".join(mark(t, i, b) for t, i, b in merged)


def _escaped(text: str) -> str:
    return text.replace("*", "\\*")


def mark_paragraph(pieces: list[tuple[str, bool, bool]]) -> str:
    """One paragraph as stored text from (text, italic, bold) pieces, such that
    parse_runs gives the same runs back: asterisks the author typed are escaped only
    when they would otherwise read as emphasis (`2 * 3` and `* * *` stay as typed)."""
    marked = join_marked(pieces)
    if "*" not in marked:
        return marked
    wanted = [(t, i, b) for t, i, b in _merged(pieces)]
    if [(r.text, r.italic, r.bold) for r in parse_runs(marked)] == wanted:
        return marked
    return join_marked([(_escaped(t), i, b) for t, i, b in pieces])


def _merged(pieces: list[tuple[str, bool, bool]]) -> list[tuple[str, bool, bool]]:
    """Pieces as parse_runs reports them: same-emphasis neighbours joined, and emphasis
    on whitespace alone (which no marker can carry) read as plain."""
    out: list[list] = []
    for text, italic, bold in pieces:
        if not text:
            continue
        if not text.strip():
            italic = bold = False
        if out and out[-1][1:] == [italic, bold]:
            out[-1][0] += text
        else:
            out.append([text, italic, bold])
    # Spaces at the edges of an emphasised piece are written outside its markers.
    result: list[tuple[str, bool, bool]] = []
    for text, italic, bold in out:
        if italic or bold:
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()) :]
            parts = [(lead, False, False), (text.strip(), italic, bold), (trail, False, False)]
        else:
            parts = [(text, False, False)]
        for part in parts:
            if not part[0]:
                continue
            if result and result[-1][1:] == part[1:]:
                result[-1] = (result[-1][0] + part[0], part[1], part[2])
            else:
                result.append(part)
    return result


def chapter_paragraphs(text: str) -> list[str]:
    """A chapter's stored text as its paragraphs: blank-line separated, exactly (joining
    them with a blank line gives the text back)."""
    return text.replace("\r\n", "\n").split("\n\n")


def document_text(text: str) -> str:
    """The chapter as the editor's document reads it (and as AI ranges count it): one
    line per paragraph, markers removed."""
    return "\n".join(strip_emphasis(p) for p in chapter_paragraphs(text))
