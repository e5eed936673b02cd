"""chunk_text: split prose into overlapping chunks of about N words at paragraph/sentence breaks.

Invariants (tested with hypothesis): chunks come in order (starts and ends strictly increase),
``chunk.text == text[chunk.start:chunk.end]``, their spans together cover every character of
the input, and no chunk holds more than ``target_words`` words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A break after sentence punctuation (with any closing quotes/brackets) unless a lower-case
# word follows ('"Who?" she asked'), or at any line end; the break runs to the next
# non-space character, which starts the next unit.
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?…])[\"'”’)\]]*[ \t]+(?![a-z])|[ \t]*\n\s*)")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_WORD = re.compile(r"\S+")

# A chunk ends at a paragraph break rather than a later sentence break when that still
# leaves it at least this share of the target.
_PARAGRAPH_PREFERENCE = 0.6


@dataclass(frozen=True)
class Chunk:
    """One chunk: its number, its text and where that text lies in the source ([start, end))."""

    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    words: int
    ends_paragraph: bool


def _units(text: str, max_words: int, piece_words: int) -> list[_Unit]:
    """Sentences (or pieces of over-long ones) with spans that tile the whole text."""
    first = len(text) - len(text.lstrip())
    cuts = [0]
    for match in _SENTENCE_BREAK.finditer(text, first):
        if first < match.end() < len(text):
            cuts.append(match.end())
    cuts.append(len(text))
    cuts = sorted(set(cuts))
    units: list[_Unit] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        span = text[start:end]
        words = [m.start() + start for m in _WORD.finditer(span)]
        if not words:  # whitespace only: fold into the previous unit
            if units:
                prev = units.pop()
                units.append(_Unit(prev.start, end, prev.words, prev.ends_paragraph))
            continue
        paragraph = bool(_PARAGRAPH_BREAK.search(span)) or end == len(text)
        # A sentence over max_words words becomes pieces of piece_words words.
        step = piece_words if len(words) > max_words else len(words)
        piece_starts = words[::step]
        piece_starts[0] = start
        bounds = [*piece_starts, end]
        for i, (p_start, p_end) in enumerate(zip(bounds, bounds[1:], strict=False)):
            count = min(step, len(words) - i * step)
            last = i == len(piece_starts) - 1
            units.append(_Unit(p_start, p_end, count, paragraph and last))
    if units and units[0].start != 0:  # leading whitespace belongs to the first unit
        units[0] = _Unit(0, units[0].end, units[0].words, units[0].ends_paragraph)
    return units


def _pack_end(units: list[_Unit], start: int, must_pass: int, target: int) -> int:
    """One past the last unit of the chunk starting at unit `start` (reaching past `must_pass`)."""
    total = 0
    end = start
    while end < len(units) and (end <= must_pass or total + units[end].words <= target):
        total += units[end].words
        end += 1
    # Prefer a paragraph break if the chunk stays reasonably full.
    running = 0
    best = end
    for i in range(start, end - 1):
        running += units[i].words
        if units[i].ends_paragraph and i >= must_pass and running >= target * _PARAGRAPH_PREFERENCE:
            best = i + 1
    return best


def _overlap_start(units: list[_Unit], start: int, end: int, overlap: int, target: int) -> int:
    """Where the next chunk starts: back from `end` by about `overlap` words, after `start`."""
    nxt = end
    total = 0
    room = target - (units[end].words if end < len(units) else 0)
    while nxt - 1 > start and total < overlap:
        words = units[nxt - 1].words
        if total + words > max(overlap * 3 // 2, 1) or total + words > room:
            break
        total += words
        nxt -= 1
    return nxt


def chunk_text(text: str, target_words: int = 180, overlap_words: int = 40) -> list[Chunk]:
    """Chunks of at most `target_words` words, consecutive ones sharing about `overlap_words`."""
    if target_words < 1:
        raise ValueError("target_words must be at least 1")
    if not 0 <= overlap_words < target_words:
        raise ValueError("overlap_words must be at least 0 and less than target_words")
    if not text.strip():
        return []
    piece_words = max(1, target_words // 4) if overlap_words else target_words
    units = _units(text, target_words, piece_words)
    chunks: list[Chunk] = []
    start = 0
    must_pass = 0
    while True:
        end = _pack_end(units, start, must_pass, target_words)
        if end >= len(units):  # the last chunk keeps any trailing whitespace
            span_start, span_end = units[start].start, len(text)
        else:
            span_start, span_end = units[start].start, units[end - 1].end
        chunks.append(Chunk(len(chunks), text[span_start:span_end], span_start, span_end))
        if end >= len(units):
            return chunks
        must_pass = end
        start = _overlap_start(units, start, end, overlap_words, target_words)
