"""Reading manuscripts: each format by its own library, into headings and paragraphs."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

MAX_FILE_BYTES = 64 * 1024 * 1024
WESTERN_MARGIN = 5.0  # percent of "chaos" (charset-normalizer's measure of mojibake)
SUPPORTED = (".txt", ".md", ".markdown", ".docx", ".odt", ".rtf", ".epub")

# Lines that open a chapter in plain text: "Chapter 7", "CHAPTER SEVEN", "Part II",
# "Prologue", "Epilogue", "Chapter 3: The Storm".
_NUMBER = (
    r"(?:\d+|[IVXLCDM]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty[\w-]*|thirty[\w-]*)"
)
CHAPTER_LINE = re.compile(
    rf"^\s*(?:(?:chapter|part|book)\s+{_NUMBER}\b.{{0,80}}|prologue|epilogue|interlude)\s*$",
    re.IGNORECASE,
)
MARKDOWN_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
# "Chapter 3: The Storm" is titled "The Storm" (the binder numbers chapters itself).
NUMBERED_TITLE = re.compile(rf"^\s*chapter\s+{_NUMBER}\s*[:.\u2014\u2013-]\s*(.+)$", re.IGNORECASE)
UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")


def chapter_title(line: str) -> str:
    match = NUMBERED_TITLE.match(line)
    return match.group(1).strip() if match else line.strip()


class ManuscriptError(Exception):
    """The file cannot be imported; the message is meant for the author."""


@dataclass(frozen=True)
class Block:
    kind: Literal["heading", "paragraph"]
    text: str
    level: int = 1


def read_manuscript(path: Path) -> list[Block]:
    """Headings and paragraphs of a manuscript file; raises ManuscriptError."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ManuscriptError(
            f"{path.name}: {suffix or 'files without an extension'} cannot be imported. "
            f"Supported: {', '.join(SUPPORTED)}."
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ManuscriptError(f"{path.name} cannot be read: {exc.strerror}") from exc
    if size == 0:
        raise ManuscriptError(f"{path.name} is empty.")
    if size > MAX_FILE_BYTES:
        raise ManuscriptError(
            f"{path.name} is {size / 1e6:.0f} MB; manuscripts up to "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB can be imported."
        )
    reader = READERS[suffix]
    try:
        blocks = reader(path)
    except ManuscriptError:
        raise
    except Exception as exc:  # every library has its own errors for a damaged file
        raise ManuscriptError(
            f"{path.name} could not be read as a {suffix} file ({type(exc).__name__}: {exc})."
        ) from exc
    if not any(block.kind == "paragraph" and block.text.strip() for block in blocks):
        raise ManuscriptError(f"{path.name} holds no text (headings at most).")
    return blocks


# -- plain text and Markdown -------------------------------------------------------------------


def decode_text(data: bytes, name: str = "file") -> str:
    """Bytes to text: a BOM first, then UTF-8, then the most likely legacy encoding."""
    from charset_normalizer import from_bytes

    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        matches = list(from_bytes(data))
        if not matches:
            raise ManuscriptError(f"{name} looks like a binary file, not text.") from None
        best = matches[0]
        # On short texts several code pages tie; Windows-1252 is by far the most common
        # legacy encoding of manuscripts, so it wins a near-tie.
        western = next((m for m in matches if m.encoding == "cp1252"), None)
        if western is not None and western.percent_chaos <= best.percent_chaos + WESTERN_MARGIN:
            best = western
        text = str(best)
    if _looks_binary(text):
        raise ManuscriptError(f"{name} looks like a binary file, not a manuscript.")
    return text


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return "\x00" in sample or controls > len(sample) * 0.01


def text_blocks(text: str, markdown: bool) -> list[Block]:
    """Headings are Markdown '#' lines (in .md) or 'Chapter N' style lines; paragraphs are
    separated by blank lines."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("paragraph", " ".join(line.strip() for line in paragraph)))
            paragraph.clear()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        heading = MARKDOWN_HEADING.match(line) if markdown else None
        if heading:
            flush()
            blocks.append(Block("heading", heading.group(2), len(heading.group(1))))
        elif CHAPTER_LINE.match(line):
            flush()
            blocks.append(Block("heading", chapter_title(line), 1))
        elif UNDERLINE.match(line) and len(paragraph) == 1 and not blocks:
            # A Setext title ("Title" over "=====") at the top: the book's title.
            blocks.append(Block("heading", paragraph.pop().strip(), 0))
        elif not line.strip():
            flush()
        else:
            paragraph.append(line)
    flush()
    return blocks


def _read_text(path: Path) -> list[Block]:
    text = decode_text(path.read_bytes(), path.name)
    return text_blocks(text, markdown=path.suffix.lower() in (".md", ".markdown"))


def _read_rtf(path: Path) -> list[Block]:
    from striprtf.striprtf import rtf_to_text

    raw = path.read_bytes()
    if not raw.lstrip().startswith(b"{\\rtf"):
        raise ManuscriptError(f"{path.name} is not an RTF document.")
    # RTF is 7-bit with escapes; cp1252 covers the rare raw 8-bit byte.
    return text_blocks(rtf_to_text(raw.decode("cp1252", errors="replace")), markdown=False)


# -- word processors ---------------------------------------------------------------------------


def _heading_level(style: str) -> int | None:
    style = style.lower()
    if style == "title":
        return 0
    match = re.match(r"heading\s*(\d)", style)
    return int(match.group(1)) if match else None


def _read_docx(path: Path) -> list[Block]:
    import docx

    if not zipfile.is_zipfile(path):
        raise ManuscriptError(f"{path.name} is not a Word (.docx) document.")
    document = docx.Document(str(path))
    blocks = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        level = _heading_level(paragraph.style.name if paragraph.style is not None else "")
        if level is not None or CHAPTER_LINE.match(text):
            blocks.append(Block("heading", chapter_title(text), level if level is not None else 1))
        else:
            blocks.append(Block("paragraph", text))
    return blocks


def _read_odt(path: Path) -> list[Block]:
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    if not zipfile.is_zipfile(path):
        raise ManuscriptError(f"{path.name} is not an OpenDocument (.odt) text.")
    document = load(str(path))
    blocks: list[Block] = []

    def walk(node) -> None:
        for child in node.childNodes:
            qname = getattr(child, "qname", None)
            if qname == (TEXTNS, "h"):
                text = teletype.extractText(child).strip()
                if text:
                    level = int(child.getAttribute("outlinelevel") or 1)
                    blocks.append(Block("heading", text, level))
            elif qname == (TEXTNS, "p"):
                text = teletype.extractText(child).strip()
                if text:
                    if CHAPTER_LINE.match(text):
                        blocks.append(Block("heading", chapter_title(text)))
                    else:
                        blocks.append(Block("paragraph", text))
            elif qname is not None:
                walk(child)

    walk(document.text)
    return blocks


def _read_epub(path: Path) -> list[Block]:
    import ebooklib
    import lxml.html
    from ebooklib import epub

    if not zipfile.is_zipfile(path):
        raise ManuscriptError(f"{path.name} is not an EPUB book.")
    book = epub.read_epub(str(path), options={"ignore_ncx": True})
    blocks: list[Block] = []
    spine = [book.get_item_with_id(item_id) for item_id, _ in book.spine]
    for item in spine:
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        if isinstance(item, epub.EpubNav):
            continue
        root = lxml.html.fromstring(item.get_content())
        for element in root.iter("h1", "h2", "h3", "p"):
            text = " ".join(element.text_content().split())
            if not text:
                continue
            if element.tag in ("h1", "h2", "h3"):
                blocks.append(Block("heading", text, int(element.tag[1])))
            else:
                blocks.append(Block("paragraph", text))
    return blocks


READERS: dict[str, Callable[[Path], list[Block]]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".markdown": _read_text,
    ".rtf": _read_rtf,
    ".docx": _read_docx,
    ".odt": _read_odt,
    ".epub": _read_epub,
}
