"""Cutting a text to a token budget: the end of the current chapter, or the opening of a piece.

Both count each sentence once (the counter caches sentences, so after an edit only the new
ones are counted) and add the counts up, instead of recounting a growing string per
sentence; one count of the result then checks the sum.

The end of a chapter is cut at an anchor: a sentence start (a paragraph start where there
is one near) on a grid of `room // ANCHOR_STEPS` tokens measured from the chapter's
beginning. The cut is the first anchor from which the rest fits, so sentences typed or
generated at the end leave it where it is until the end outgrows the room; then it moves
one grid step. A prompt whose "story so far" starts at the same place is byte-identical up
to the edit, and the model reuses everything it evaluated before it (the idea of
KoboldCpp's ContextShift and FastForward). The price: the tail may use up to one grid step
less than its room.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Count = Callable[[str], int]
# The grid of cut points is this many steps per room: a one-sentence edit moves the cut
# about once in (room / ANCHOR_STEPS) / (tokens of the edit) edits.
ANCHOR_STEPS = 8
ELLIPSIS = "…"
# A sentence ends at . ! ? or … (and closing quotes or brackets), before white space; a
# line break ends one whatever comes before it.
_BOUNDARY = re.compile(r"[.!?…][\"'”’»)\]]*\s+|\s*\n\s*")


@dataclass(frozen=True)
class Sentences:
    """A text's sentences: where each starts, whether it starts a paragraph, and
    `before[i]`, the tokens of all sentences before sentence i (before[-1] is the total)."""

    body: str
    starts: list[int]
    paragraph: list[bool]
    before: list[int]

    @property
    def total(self) -> int:
        return self.before[-1]


def sentences(text: str, count: Count) -> Sentences:
    """Split the stripped `text` into sentences and count each once. A sentence's count
    leaves out its trailing spaces (they join the next word's token) but not a line break."""
    body = text.strip()
    starts, paragraph = [0], [True]
    for match in _BOUNDARY.finditer(body):
        if match.end() < len(body):
            starts.append(match.end())
            paragraph.append("\n" in match.group())
    before = [0]
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(body)
        piece = body[start:end]
        stripped = piece.rstrip()
        before.append(before[-1] + count(stripped) + (1 if "\n" in piece[len(stripped) :] else 0))
    return Sentences(body, starts, paragraph, before)


def anchors(text: Sentences, step: int) -> Iterator[int]:
    """Sentence indices where the end of the text may start, in order: for each multiple
    of `step` tokens, the first paragraph start within that step, else the first sentence
    start past it. They depend only on what comes before them."""
    last = -1
    heads = text.before[:-1]
    for target in range(step, text.total + 1, step):
        index = bisect_left(heads, target)
        if index >= len(heads):
            return
        for probe in range(index, len(heads)):
            if heads[probe] >= target + step:
                break
            if text.paragraph[probe]:
                index = probe
                break
        if index > last:
            last = index
            yield index


def tail(text: str, room: int, count: Count) -> str:
    """The end of `text` that fits in `room` tokens, from an anchor (see the module's
    docstring), marked "… " where it starts and ending in a newline."""
    cut = sentences(text, count)
    extra = count(ELLIPSIS + " ") + 1
    for index in anchors(cut, max(1, room // ANCHOR_STEPS)):
        if cut.total - cut.before[index] + extra > room:
            continue
        candidate = f"{ELLIPSIS} {cut.body[cut.starts[index] :]}\n"
        if count(candidate) <= room:  # the sum is an estimate; the result is what counts
            return candidate
    return _last_words(cut.body, room, count)


def head(text: str, room: int, count: Count) -> str | None:
    """The opening sentences of `text` that fit in `room` tokens, marked " …" where they
    stop; None when not even a few words fit."""
    cut = sentences(text, count)
    extra = count(" " + ELLIPSIS) + 1
    index = bisect_left(cut.before, room - extra + 1) - 1  # sentences 0..index-1 fit
    while index > 0:
        end = cut.starts[index] if index < len(cut.starts) else len(cut.body)
        candidate = f"{cut.body[:end].rstrip()} {ELLIPSIS}\n"
        if count(candidate) <= room:
            return candidate
        index -= 1
    return _first_words(cut.body, room, count)


def _last_words(body: str, room: int, count: Count) -> str:
    """The last words that fit, when not even the last sentence does (a cut in steps of a
    quarter, so a few counts at most)."""
    words = body.split()
    while words and count(f"{ELLIPSIS} {' '.join(words)}\n") > room:
        words = words[len(words) // 4 + 1 :]
    return f"{ELLIPSIS} {' '.join(words)}\n"


def _first_words(body: str, room: int, count: Count) -> str | None:
    words = body.split()[: max(room // 2, 1)]
    while words and count(f"{' '.join(words)} {ELLIPSIS}\n") > room:
        words = words[: len(words) * 3 // 4]
    if not words:
        return None
    return f"{' '.join(words)} {ELLIPSIS}\n"
