"""Splitting a manuscript into chapters by its headings."""

from __future__ import annotations

from dataclasses import dataclass

from writer_desktop.manuscripts.readers import Block

OPENING_TITLE = "Opening"


@dataclass
class ImportedChapter:
    title: str
    content: str

    @property
    def words(self) -> int:
        return len(self.content.split())


def _split_level(blocks: list[Block]) -> int:
    """The heading level that divides the book into chapters: below a lone title at the
    top, else the highest level that occurs more than once, else the highest."""
    headings = [b for b in blocks if b.kind == "heading"]
    levels = sorted({b.level for b in headings})
    if not levels:
        return 0
    counts = {level: sum(1 for b in headings if b.level == level) for level in levels}
    if len(levels) > 1 and counts[levels[0]] == 1 and headings[0].level == levels[0]:
        return levels[1]
    return next((level for level in levels if counts[level] > 1), levels[0])


def split_chapters(blocks: list[Block], fallback_title: str) -> list[ImportedChapter]:
    """A chapter per heading of the level that divides the book; text before the first
    heading becomes an opening chapter; a heading with no text under it (a book title,
    a part title) is left out."""
    split_level = _split_level(blocks)

    chapters: list[ImportedChapter] = []
    title: str | None = None
    paragraphs: list[str] = []

    def close() -> None:
        if paragraphs:
            chapters.append(ImportedChapter(title or OPENING_TITLE, "\n\n".join(paragraphs)))
        paragraphs.clear()

    for block in blocks:
        if block.kind == "heading" and block.level <= split_level:
            close()
            title = block.text.strip()
        elif block.kind == "heading":
            paragraphs.append(block.text.strip())  # a scene heading inside a chapter
        else:
            paragraphs.append(block.text.strip())
    close()
    if not chapters:
        return []
    if len(chapters) == 1 and chapters[0].title == OPENING_TITLE:
        chapters[0].title = fallback_title
    return chapters
