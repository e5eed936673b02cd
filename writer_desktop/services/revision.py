"""A rewrite (or a snapshot) as a list of word changes to the original, each to accept or
reject on its own, computed by diff-match-patch off the GUI thread.

Paragraphs are compared first, then the sentences of the paragraphs that changed, then the
words (with whitespace runs and punctuation marks) of the sentences that changed. At each
level every distinct unit is mapped to one character (diff-match-patch's own
diff_linesToChars trick), the character strings are diffed under one deadline for the whole
comparison, and the semantic cleanup folds chance one-word matches into the changes around
them. A 5,000-word chapter against a rewrite takes tens of milliseconds (difflib on words
took seconds).
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

from diff_match_patch import diff_match_patch

# The units diffed in turn: paragraphs (a line with the blank lines after it), sentences
# (with the closing quotes and the space after them), then words, whitespace runs and single
# other characters (punctuation, symbols).
_LEVELS = (
    re.compile(r"[^\n]*\n*"),
    re.compile(r"[^.!?…\n]*(?:[.!?…]+[\"'”’)\]]*)?\s*"),
    re.compile(r"\s+|\w+|[^\w\s]"),
)
_WORDLIKE = re.compile(r"\w")
# The diff's deadline: past it diff-match-patch returns a valid, if less minimal, diff.
DIFF_TIMEOUT_S = 1.0
_SURROGATES = range(0xD800, 0xE000)

EQUAL, DELETE, INSERT = (
    diff_match_patch.DIFF_EQUAL,
    diff_match_patch.DIFF_DELETE,
    diff_match_patch.DIFF_INSERT,
)


@dataclass(frozen=True)
class Change:
    """One change: `old` (original[start:end]) becomes `new`."""

    index: int
    start: int  # character offsets in the original
    end: int
    old: str
    new: str


@dataclass(frozen=True)
class Comparison:
    """A rewrite against its original. A rewrite that was cut off (the model reached its
    length limit, or the author pressed Stop) covers only the start of the original:
    `stopped_at` is where it stopped, and the original from there on stays as it is, never
    offered as a deletion; `unfinished` is the rewrite's last words that match nothing of
    the original (a sentence the model did not finish), shown but not offered."""

    original: str
    changes: list[Change] = field(default_factory=list)
    stopped_at: int | None = None
    unfinished: str = ""

    @property
    def cut_off(self) -> bool:
        return self.stopped_at is not None


def _encode(tokens: list[str], table: dict[str, str]) -> str:
    """Each distinct token as one character, the same character in both texts."""
    chars = []
    for token in tokens:
        char = table.get(token)
        if char is None:
            code = len(table) + 1  # "\x00" avoided, as diff_linesToChars does
            if code >= _SURROGATES.start:
                code += len(_SURROGATES)
            char = table[token] = chr(code)
        chars.append(char)
    return "".join(chars)


class _Differ:
    """One comparison: diff-match-patch with one deadline for every level's diffs, and the
    (operation, text) runs found so far."""

    def __init__(self, timeout_s: float, cut_off: bool) -> None:
        self.dmp = diff_match_patch()
        self.dmp.Diff_Timeout = timeout_s
        # Past the deadline each diff is still valid, only coarser.
        self.deadline = time.time() + timeout_s
        self.cut_off = cut_off
        self.runs: list[tuple[int, str]] = []

    def diff(self, old: str, new: str, level: int = 0, last: bool = True) -> None:
        """Append the runs turning `old` into `new`: diffed by the units of `level`, each
        replaced stretch again by the next, smaller units. `last`: nothing of the original
        follows `old`."""
        old_units = [u for u in _LEVELS[level].findall(old) if u]
        new_units = [u for u in _LEVELS[level].findall(new) if u]
        table: dict[str, str] = {}
        old_chars = _encode(old_units, table)
        new_chars = _encode(new_units, table)
        diffs = self.dmp.diff_main(old_chars, new_chars, False, self.deadline)
        self.dmp.diff_cleanupSemantic(diffs)
        old_at = new_at = 0
        deleted: list[str] = []
        inserted: list[str] = []
        for op, chars in diffs:
            if op == INSERT:
                inserted.extend(new_units[new_at : new_at + len(chars)])
                new_at += len(chars)
                continue
            units = old_units[old_at : old_at + len(chars)]
            old_at += len(chars)
            if op == DELETE:
                deleted.extend(units)
            else:
                self._replace(deleted, inserted, level, last=False)
                deleted, inserted = [], []
                self.runs.append((EQUAL, "".join(units)))
                new_at += len(chars)
        self._replace(deleted, inserted, level, last)

    def _replace(self, deleted: list[str], inserted: list[str], level: int, last: bool) -> None:
        """A stretch of units replaced by others: diffed again by smaller units."""
        tail: list[str] = []
        if self.cut_off and last and deleted and inserted:
            # Where a cut-off rewrite ends, what it inserted can only stand for the start
            # of what it deleted: the rest is the untouched tail, not worth a slow diff.
            size = 0
            for count, unit in enumerate(deleted):
                size += len(unit)
                if size > 2 * sum(map(len, inserted)):
                    deleted, tail = deleted[: count + 1], deleted[count + 1 :]
                    break
        if deleted and inserted and level + 1 < len(_LEVELS):
            self.diff("".join(deleted), "".join(inserted), level + 1, last and not tail)
        else:
            if deleted:
                self.runs.append((DELETE, "".join(deleted)))
            if inserted:
                self.runs.append((INSERT, "".join(inserted)))
        if tail:
            self.runs.append((DELETE, "".join(tail)))


def _runs(old: str, new: str, timeout_s: float, cut_off: bool = False) -> list[tuple[int, str]]:
    """(operation, text) runs turning `old` into `new`, each equal or changed stretch whole.

    Paragraphs are diffed first, then the sentences of the paragraphs that changed, then the
    words of the sentences that changed: a word diff of a whole chapter at once is slow in
    pure Python, and this is the line-mode speed-up diff-match-patch itself uses."""
    differ = _Differ(timeout_s, cut_off)
    differ.diff(old, new)
    runs: list[tuple[int, str]] = []
    for op, text in differ.runs:  # neighbours of one kind, from different levels, joined
        if runs and runs[-1][0] == op:
            runs[-1] = (op, runs[-1][1] + text)
        else:
            runs.append((op, text))
    return runs


def _changes(runs: list[tuple[int, str]]) -> tuple[list[Change], int]:
    """The changes the runs make, and how far into the original they reach."""
    changes: list[Change] = []
    position = start = 0
    old_text = new_text = ""
    for op, text in [*runs, (EQUAL, "")]:
        if op == EQUAL:
            if old_text or new_text:
                changes.append(Change(len(changes), start, position, old_text, new_text))
                old_text = new_text = ""
            position += len(text)
            start = position
        elif op == DELETE:
            old_text += text
            position += len(text)
        else:
            new_text += text
    return changes, position


def diff_changes(old: str, new: str, timeout_s: float = DIFF_TIMEOUT_S) -> list[Change]:
    """Word-level changes that turn `old` into `new`: accepting all of them gives `new`,
    accepting none gives `old`."""
    if old == new:
        return []
    return _changes(_runs(old, new, timeout_s))[0]


def _where_it_stopped(runs: list[tuple[int, str]]) -> int | None:
    """The index of the last equal run a cut-off rewrite really reached, or None.

    An equal run with no word in it (a space, a comma) is no evidence; nor is a short one
    found only after a deletion much longer than itself (the chapter's last paragraph
    matching the rewrite's last, say): that is the untouched tail matching by chance; a
    deletion the model really made there is then kept, not offered."""
    for i in range(len(runs) - 1, -1, -1):
        op, text = runs[i]
        if op != EQUAL or not _WORDLIKE.search(text):
            continue
        deleted = inserted = 0
        j = i - 1
        while j >= 0 and runs[j][0] != EQUAL:
            if runs[j][0] == DELETE:
                deleted += len(runs[j][1])
            else:
                inserted += len(runs[j][1])
            j -= 1
        if deleted > 4 * (len(text) + inserted):
            continue
        return i
    return None


def compare_rewrite(
    original: str, rewrite: str, cut_off: bool = False, timeout_s: float = DIFF_TIMEOUT_S
) -> Comparison:
    """The model's rewrite of `original` as changes. The rewrite is stripped and given the
    original's own leading and trailing whitespace. With `cut_off` the comparison ends at
    the last stretch of the original the rewrite reproduces word for word: everything after
    it stays unchanged."""
    body = rewrite.strip()
    if not body:
        return Comparison(original)
    lead = original[: len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()) :]
    if not cut_off:
        return Comparison(original, diff_changes(original, lead + body + trail, timeout_s))
    runs = _runs(original, lead + body, timeout_s, cut_off=True)
    last = _where_it_stopped(runs)
    covered = runs[: last + 1] if last is not None else []
    changes, stopped_at = _changes(covered)
    rest = runs[last + 1 :] if last is not None else runs
    unfinished = "".join(text for op, text in rest if op == INSERT)
    return Comparison(original, changes, stopped_at, unfinished.strip())


async def compare_rewrite_async(
    original: str, rewrite: str, cut_off: bool = False, timeout_s: float = DIFF_TIMEOUT_S
) -> Comparison:
    """compare_rewrite() on a worker thread: the event loop (the GUI's) stays free."""
    return await asyncio.to_thread(compare_rewrite, original, rewrite, cut_off, timeout_s)


async def diff_changes_async(old: str, new: str, timeout_s: float = DIFF_TIMEOUT_S) -> list[Change]:
    """diff_changes() on a worker thread: the event loop (the GUI's) stays free."""
    return await asyncio.to_thread(diff_changes, old, new, timeout_s)


def apply_changes(old: str, changes: list[Change], accepted: set[int]) -> str:
    """The original with the accepted changes made."""
    out = []
    position = 0
    for change in changes:
        out.append(old[position : change.start])
        out.append(change.new if change.index in accepted else change.old)
        position = change.end
    out.append(old[position:])
    return "".join(out)
