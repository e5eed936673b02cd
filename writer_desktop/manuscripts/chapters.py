"""Splitting a manuscript into chapters: by a heading level, "Chapter N" lines, styled title
lines, page breaks or the author's own pattern; tables of contents left out.

Every regex here runs on one short line (at most MAX_LINE characters) and is anchored,
so none can backtrack far; the author's own pattern runs under a timeout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from writer_desktop.domain.emphasis import strip_emphasis
from writer_desktop.manuscripts.readers import Block

# What comes before the first chapter (title page, dedication, notes): offered in the
# preview but left out unless the author ticks it.
OPENING_TITLE = "Front matter"
MAX_LINE = 100  # a chapter line is short; longer lines are prose
TITLE_WORDS = 14
PATTERN_TIMEOUT_S = 0.02

_NUMBER = (
    r"(?:\d{1,4}|[ivxlcdm]{1,8}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|first|second|third|fourth|fifth|"
    r"sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|last|final)"
)
_KEYWORD = re.compile(
    rf"(?:chapter|book|part|letter|volume|stave|canto|section)\s+(?:the\s+)?"
    rf"({_NUMBER}(?:[\s-]{_NUMBER}){{0,2}})\b(.*)",
    re.IGNORECASE,
)
_STANDALONE = re.compile(
    r"(?:prologue|epilogue|preface|introduction|interlude|foreword|afterword|conclusion)\b(.*)",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"by\s+\S.{0,60}", re.IGNORECASE)
_NUMERAL = re.compile(r"(?:\d{1,3}|[IVXLC]{1,7})\.?(.*)")
_SEPARATORS = ".:\u2014\u2013-"
# "Chapter 3: The Storm" is titled "The Storm" (the binder numbers chapters itself).
_NUMBERED_TITLE = re.compile(rf"chapter\s+{_NUMBER}\s*[:.\u2014\u2013-]+\s*(\S.*)", re.IGNORECASE)
_CONTENTS = {"contents", "table of contents", "content", "index of chapters"}


_LEADER = re.compile(r"[\s.]{2,}\d{1,4}")  # "THE SEA-CHEST . . . . 30": a contents entry


def _plain(text: str) -> str:
    return " ".join(strip_emphasis(text).split())


def _without_leader(line: str) -> str:
    if len(line) <= MAX_LINE * 2 and line[-1:].isdigit():
        match = _LEADER.search(line)
        if match and match.end() == len(line):
            return line[: match.start()]
    return line


def _label(text: str) -> str | None:
    """ "chapter i" for "CHAPTER I. Down the Rabbit-Hole", "1" for "1.  THE SEA-CHEST":
    the number a chapter line (or a long contents entry) starts with."""
    line = _plain(text[: MAX_LINE * 2])
    match = _KEYWORD.match(line)
    if match:
        return " ".join(line[: match.start(1)].casefold().split() + [match.group(1).casefold()])
    match = _NUMERAL.match(line)
    if match and (not match.group(1).strip() or line[len(line) - len(match.group(1)) - 1] == "."):
        return line[: len(line) - len(match.group(1))].rstrip(".").casefold()
    return None


def _title_like_rest(rest: str) -> bool:
    """What follows "Chapter 7": nothing, a separator and a title, or a capitalised title
    ("Book one was missing from the shelf." is prose, not a heading)."""
    stripped = rest.strip()
    if not stripped:
        return True
    if stripped[0] in _SEPARATORS:
        return True
    first = stripped[0]
    return (
        rest[:1].isspace()
        and (first.isupper() or first.isdigit() or first in "\u201c\u2018\"'(")
        and len(stripped.split()) <= 12
        and not stripped.endswith((",", ";"))
    )


def is_chapter_line(text: str) -> bool:
    """A short line of its own that opens a chapter: "Chapter 7", "CHAPTER VII. The
    Storm", "Book the First--Recalled to Life", "Letter 1", "Prologue", "IV", "I. The
    Period"."""
    line = _plain(text)
    if not line or len(line) > MAX_LINE * 2:
        return False
    line = _without_leader(line)
    if len(line) > MAX_LINE:
        return False
    match = _KEYWORD.fullmatch(line)
    if match:
        return _title_like_rest(match.group(2))
    match = _STANDALONE.fullmatch(line)
    if match and line[0].isupper():
        rest = match.group(1).strip()
        return not rest or rest[0] in _SEPARATORS
    match = _NUMERAL.fullmatch(line)
    if match:
        rest = match.group(1)
        if not rest.strip():
            return True
        return (
            line[len(line) - len(rest) - 1] == "."
            and rest[:1].isspace()
            and _title_like_rest(rest)
            and not rest.rstrip().endswith(".")
            and ". " not in rest
            and len(rest.split()) <= TITLE_WORDS
        )
    return False


def chapter_title(line: str) -> str:
    """The title a chapter line gives: "Chapter 3: The Storm" is "The Storm"."""
    line = _plain(line)
    match = _NUMBERED_TITLE.fullmatch(line) if len(line) <= MAX_LINE else None
    return match.group(1).strip() if match else line


def _is_label(text: str) -> bool:
    """A chapter line that is only a number: "CHAPTER I.", "1", "Letter 4"."""
    line = _plain(text)
    match = _KEYWORD.fullmatch(line)
    if match:
        return not match.group(2).strip(" " + _SEPARATORS)
    match = _NUMERAL.fullmatch(line)
    return bool(match) and not match.group(1).strip()


def _is_title_line(block: Block) -> bool:
    line = _plain(block.text)
    return (
        block.kind == "paragraph"
        and 0 < len(line.split()) <= TITLE_WORDS
        and len(line) <= 90
        and not line.rstrip("\u201d\u2019\"'").endswith(
            (".", ",", ";", ":", "!", "\u2014", "-", "\u2026")
        )
        and not is_chapter_line(line)
    )


@dataclass
class ImportedChapter:
    """A chapter found in a manuscript: title and text (emphasis as markers)."""

    title: str
    content: str
    include: bool = True  # ticked in the preview at first

    def copy(self) -> ImportedChapter:
        """The same chapter as a new object, its word count with it."""
        twin = ImportedChapter(self.title, self.content, self.include)
        if "_counted" in self.__dict__:
            twin.__dict__["_counted"] = self.__dict__["_counted"]
        return twin

    @property
    def words(self) -> int:
        """Its word count (counted once per text: the preview shows it more than once)."""
        counted = self.__dict__.get("_counted")
        if counted is None or counted[0] is not self.content:
            counted = self.__dict__["_counted"] = (
                self.content,
                len(strip_emphasis(self.content).split()),
            )
        return counted[1]


@dataclass(frozen=True)
class SplitRule:
    """How to split: "auto", "headings" (at `level` and above), "chapter_lines",
    "styled_lines" (short bold or centred paragraphs), "page_breaks", "pattern"."""

    mode: Literal["auto", "headings", "chapter_lines", "styled_lines", "page_breaks", "pattern"] = (
        "auto"
    )
    level: int = 1
    pattern: str = ""


AUTO = SplitRule()


# -- tables of contents -------------------------------------------------------------------------


def _words(block: Block) -> int:
    return len(_without_leader(_plain(block.text[:2000])).split())


def drop_contents(blocks: list[Block]) -> list[Block]:
    """Blocks without the table of contents: a "Contents" line and the short lines after
    it, up to the first one that is followed by prose (the first real chapter)."""
    for start, block in enumerate(blocks[:400]):
        if _plain(block.text).strip(" .:").casefold() not in _CONTENTS:
            continue
        end = start + 1
        labels: set[str] = set()
        while end < len(blocks):
            current = blocks[end]
            if current.kind == "break":
                end += 1
                continue
            if current.kind == "heading" and end == start + 1:
                break  # a contents field with no entries (Word fills it in on opening)
            label = _label(current.text)
            if label is not None and label in labels:
                break  # the contents listed this chapter; here it begins
            if label is not None:
                labels.add(label)
            elif current.kind == "paragraph" and _words(current) > 15:
                break
            following = next((b for b in blocks[end + 1 : end + 4] if b.kind != "break"), None)
            if following is None:
                break
            if (
                following.kind == "paragraph"
                and _words(following) > 15
                and _label(following.text) is None
            ) and (
                _is_label(current.text)
                or current.kind == "heading"
                or is_chapter_line(current.text)
            ):
                break
            if (
                following.kind == "paragraph"
                and _is_title_line(following)
                and _is_label(current.text)
            ):
                after = next((b for b in blocks[end + 2 : end + 5] if b.kind != "break"), None)
                if after is not None and _words(after) > 15:
                    break
            end += 1
        return blocks[:start] + blocks[end:]
    return blocks


# -- finding the boundaries ---------------------------------------------------------------------


def demote_title(blocks: list[Block]) -> list[Block]:
    """The book's title heading (the one a byline follows) as front matter, not a chapter."""
    for index, block in enumerate(blocks[:20]):
        if block.kind != "heading":
            continue
        following = next((b for b in blocks[index + 1 : index + 4] if b.kind != "break"), None)
        if following is not None and is_byline(following):
            return [*blocks[:index], Block("paragraph", block.text), *blocks[index + 1 :]]
    return blocks


def manuscript_title(blocks: list[Block]) -> str | None:
    """The book's own title, when the manuscript says it: a Title-styled heading, the
    heading a byline follows, or a first heading above all the others (`# Book` over
    `## Chapter` headings). None when it does not say."""
    head = blocks[:20]
    for block in head:
        if block.kind == "heading" and block.level == 0:
            return _plain(block.text) or None
    for index, block in enumerate(head):
        following = next((b for b in blocks[index + 1 : index + 4] if b.kind != "break"), None)
        if block.kind == "heading" and following is not None and is_byline(following):
            return _plain(block.text) or None
    headings = [b for b in blocks if b.kind == "heading"]
    if len(headings) > 1 and blocks[0] is headings[0]:
        top = headings[0].level
        if all(b.level > top for b in headings[1:]):
            return _plain(headings[0].text) or None
    return None


def is_byline(block: Block) -> bool:
    """ "by Jane Austen" under the title: never a chapter."""
    return len(block.text) <= 80 and bool(_BYLINE.fullmatch(_plain(block.text)))


def _matcher(rule: SplitRule):
    if rule.mode == "headings":
        return lambda b: b.kind == "heading" and b.level <= rule.level and not is_byline(b)
    if rule.mode == "chapter_lines":
        return lambda b: b.kind != "break" and is_chapter_line(b.text)
    if rule.mode == "styled_lines":
        return lambda b: (
            b.kind == "heading"
            or (b.kind == "paragraph" and (b.bold or b.centred) and _is_title_line(b))
        )
    if rule.mode == "page_breaks":
        return lambda b: b.kind == "break"
    if rule.mode == "pattern":
        import regex

        try:
            compiled = regex.compile(rule.pattern, regex.IGNORECASE)
        except regex.error as exc:
            raise ValueError(f"The pattern is not valid: {exc}") from exc

        def matches(b: Block) -> bool:
            line = _plain(b.text)
            if b.kind == "break" or len(line) > MAX_LINE * 2:
                return False
            try:
                return compiled.search(line, timeout=PATTERN_TIMEOUT_S) is not None
            except TimeoutError as exc:
                raise ValueError("The pattern is too slow to run on this manuscript.") from exc

        return matches
    raise ValueError(f"unknown split mode {rule.mode}")


def _direct_text(blocks: list[Block], index: int, is_boundary) -> bool:
    """Whether prose follows the boundary at index before the next boundary."""
    for block in blocks[index + 1 :]:
        if block.kind == "break":
            continue
        if is_boundary(block) or (block.kind == "heading" and not is_byline(block)):
            return False
        if block.kind == "paragraph" and not is_byline(block):
            return True
    return False


def _score(blocks: list[Block], rule: SplitRule, plain_only: bool = False) -> int:
    """Boundaries of `rule` with prose under them (`plain_only`: not counting headings,
    which the headings rule already counts)."""
    is_boundary = _matcher(rule)
    return sum(
        1
        for i, b in enumerate(blocks)
        if is_boundary(b)
        and not (plain_only and b.kind == "heading")
        and _direct_text(blocks, i, is_boundary)
    )


def choose_rule(blocks: list[Block]) -> SplitRule:
    """The split a reader would see: chapter headings (not the title or byline level),
    else "Chapter N" lines, else short bold or centred lines, else page breaks."""
    blocks = demote_title(drop_contents(blocks))
    levels = sorted({b.level for b in blocks if b.kind == "heading" and b.level >= 1})
    scores = {}
    for level in levels:
        # a level scores by its own headings that have prose under them
        rule = SplitRule("headings", level)
        is_boundary = _matcher(rule)
        scores[level] = sum(
            1
            for i, b in enumerate(blocks)
            if b.kind == "heading" and b.level == level and _direct_text(blocks, i, is_boundary)
        )
    best = max(scores.values(), default=0)
    for level in levels:
        if scores[level] >= 2 and scores[level] >= best / 4:
            return SplitRule("headings", level)
    by_heading = SplitRule("headings", max(scores, key=lambda level: scores[level], default=0))
    for mode in ("chapter_lines", "styled_lines", "page_breaks"):
        rule = SplitRule(mode)
        # Lines the headings would miss: a lone "0" in the prose of a one-chapter file with
        # a styled heading is no second chapter.
        score = _score(blocks, rule, plain_only=mode == "chapter_lines" and best > 0)
        if score >= (2 if mode == "styled_lines" else 1) and score > best:
            return rule
    return by_heading


def split_chapters(
    blocks: list[Block], fallback_title: str, rule: SplitRule | None = None
) -> list[ImportedChapter]:
    """A chapter per boundary of the rule (AUTO: chosen by choose_rule); text before the
    first becomes an opening chapter; a boundary with no text under it (a book title, a
    part title, a contents entry) is left out."""
    rule = rule or AUTO
    blocks = demote_title(drop_contents(blocks))
    if rule.mode == "auto":
        rule = choose_rule(blocks)
    is_boundary = _matcher(rule)

    chapters: list[ImportedChapter] = []
    title: str | None = None
    paragraphs: list[str] = []
    pending_title = False

    def close() -> None:
        if paragraphs and all(is_byline(Block("paragraph", p)) for p in paragraphs):
            paragraphs.clear()  # a title page: the book's title and its byline
        if paragraphs:
            chapters.append(ImportedChapter(title or OPENING_TITLE, "\n\n".join(paragraphs)))
        paragraphs.clear()

    for index, block in enumerate(blocks):
        if is_boundary(block):
            close()
            if rule.mode == "page_breaks":
                title, pending_title = None, True
            else:
                title = chapter_title(block.text) if block.kind != "heading" else _plain(block.text)
                # a styled heading is a whole title; a "CHAPTER I." line may have its
                # title on the next line
                pending_title = block.kind != "heading" and _is_label(block.text)
            continue
        if block.kind == "break" or (block.kind == "heading" and block.level == 0):
            continue  # a page break, or the book's title (a Title style, "====" under it)
        text = block.text.strip()
        following = next((b for b in blocks[index + 1 : index + 3] if b.kind != "break"), None)
        if (
            pending_title
            and not paragraphs
            and _is_title_line(block)
            and following is not None
            and following.kind == "paragraph"
            and not is_boundary(following)
        ):
            # "CHAPTER I." over "Down the Rabbit-Hole", or a page break then a title line
            line = _plain(text)
            title = f"{title.rstrip(' .')}. {line}" if title else line
            title = chapter_title(title)
            pending_title = False
            continue
        pending_title = False
        if text:
            paragraphs.append(text)
    close()
    if not chapters:
        return []
    if len(chapters) == 1 and chapters[0].title == OPENING_TITLE:
        chapters[0].title = fallback_title
    elif chapters[0].title == OPENING_TITLE and rule.mode != "page_breaks":
        chapters[0].include = False
    if rule.mode == "page_breaks":
        for number, chapter in enumerate(chapters, start=1):
            if chapter.title == OPENING_TITLE and number > 1:
                chapter.title = f"Chapter {number}"
    return chapters


def split_options(blocks: list[Block]) -> list[tuple[SplitRule, str]]:
    """The splits worth offering for these blocks, each with a label for the author."""
    options: list[tuple[SplitRule, str]] = [(AUTO, "Automatic")]
    for level in sorted({b.level for b in blocks if b.kind == "heading"}):
        options.append((SplitRule("headings", level), f"Headings of level {level}"))
    options.append((SplitRule("chapter_lines"), '"Chapter N" lines'))
    if any(b.kind == "paragraph" and (b.bold or b.centred) for b in blocks):
        options.append((SplitRule("styled_lines"), "Short bold or centred lines"))
    if any(b.kind == "break" for b in blocks):
        options.append((SplitRule("page_breaks"), "Page breaks"))
    return options
