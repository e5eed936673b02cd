"""Typography as the author types: straight quotes become curly ones, two hyphens a dash."""

from __future__ import annotations

# After these a quote opens; after anything else (a letter, a full stop) it closes.
_OPENS_AFTER = set(" \t\n\u2028\u2029([{<\u2014\u2013-/\u201c\u2018") | {""}


def smart_character(before: str, typed: str) -> tuple[str, int]:
    """What to insert for the character `typed` when `before` precedes the cursor (the
    previous character, or "" at the start of a paragraph): (text, how many characters
    before the cursor it replaces). Quotes curl by position, `--` becomes an em dash."""
    if typed == '"':
        return ("\u201c" if before in _OPENS_AFTER else "\u201d"), 0
    if typed == "'":
        # An apostrophe inside or after a word (don't, the Joneses') curls as a close quote.
        return ("\u2018" if before in _OPENS_AFTER else "\u2019"), 0
    if typed == "-" and before == "-":
        return "\u2014", 1
    return typed, 0
