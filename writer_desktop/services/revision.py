"""A rewrite as a list of changes to the original, each to accept or reject on its own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Change:
    index: int
    start: int  # character offsets in the original
    end: int
    old: str
    new: str


def diff_changes(old: str, new: str) -> list[Change]:
    """Word-level changes that turn `old` into `new`."""
    old_tokens = _TOKEN.findall(old)
    new_tokens = _TOKEN.findall(new)
    offsets = [0]
    for token in old_tokens:
        offsets.append(offsets[-1] + len(token))
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changes.append(
            Change(
                index=len(changes),
                start=offsets[i1],
                end=offsets[i2],
                old="".join(old_tokens[i1:i2]),
                new="".join(new_tokens[j1:j2]),
            )
        )
    return changes


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
