"""Writing the story or a chapter out: Markdown, Word, EPUB and plain text.

Chapter text carries emphasis as `*italic*` / `**bold**` markers: .md keeps them, .docx
and .epub turn them into real italics and bold, .txt writes the plain words."""

from __future__ import annotations

import html
import os
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from writer_desktop.domain.emphasis import parse_runs, strip_emphasis

EXPORT_FORMATS: dict[str, str] = {
    ".md": "Markdown",
    ".docx": "Word document",
    ".epub": "EPUB e-book",
    ".txt": "Plain text",
}

Chapters = list[tuple[str, str]]  # (title, content)


def _paragraphs(content: str) -> list[str]:
    return [p.strip() for p in content.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _markdown(title: str, chapters: Chapters, path: Path) -> None:
    parts = [f"# {title}\n"]
    for chapter_title, content in chapters:
        parts.append(f"\n## {chapter_title}\n")
        parts.extend(f"\n{paragraph}\n" for paragraph in _paragraphs(content))
    path.write_text("".join(parts), encoding="utf-8")


def _text(title: str, chapters: Chapters, path: Path) -> None:
    # "Chapter"-style lines stay recognisable headings when the file is imported again.
    parts = [f"{title}\n{'=' * len(title)}\n"]
    for index, (chapter_title, content) in enumerate(chapters, start=1):
        heading = (
            chapter_title
            if chapter_title.lower().startswith("chapter")
            else (f"Chapter {index}: {chapter_title}")
        )
        parts.append(f"\n\n{heading}\n\n")
        parts.append("\n\n".join(strip_emphasis(p) for p in _paragraphs(content)) + "\n")
    path.write_text("".join(parts), encoding="utf-8")


def _docx(title: str, chapters: Chapters, path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)
    for chapter_title, content in chapters:
        document.add_heading(chapter_title, level=1)
        for paragraph in _paragraphs(content):
            added = document.add_paragraph()
            for run in parse_runs(paragraph):
                piece = added.add_run(run.text)
                piece.italic = run.italic or None
                piece.bold = run.bold or None
    document.save(str(path))


def _html_runs(paragraph: str) -> str:
    out = []
    for run in parse_runs(paragraph):
        text = html.escape(run.text)
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        out.append(text)
    return "".join(out)


def _epub(title: str, chapters: Chapters, path: Path) -> None:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier(f"urn:uuid:{uuid.uuid4()}")
    book.set_title(title)
    book.set_language("en")
    items = []
    for index, (chapter_title, content) in enumerate(chapters, start=1):
        item = epub.EpubHtml(title=chapter_title, file_name=f"chapter-{index:03}.xhtml", lang="en")
        body = "".join(f"<p>{_html_runs(p)}</p>" for p in _paragraphs(content))
        item.content = f"<h1>{html.escape(chapter_title)}</h1>{body}"
        book.add_item(item)
        items.append(item)
    book.toc = items
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *items]
    epub.write_epub(str(path), book)


WRITERS: dict[str, Callable[[str, Chapters, Path], None]] = {
    ".md": _markdown,
    ".txt": _text,
    ".docx": _docx,
    ".epub": _epub,
}


def export_manuscript(title: str, chapters: Chapters, path: Path) -> Path:
    """Write to a temporary file beside the target, then move it into place: a failed
    export never leaves half a file where the author's file was."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WRITERS:
        raise ValueError(f"cannot export to {suffix or 'a file without an extension'}")
    handle, tmp_name = tempfile.mkstemp(suffix=suffix, dir=path.parent, prefix=".export-")
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        WRITERS[suffix](title, chapters, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
