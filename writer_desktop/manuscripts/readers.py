"""Reading manuscripts into headings, paragraphs and page breaks, emphasis as markers.

Each format has the reader that got the corpus of real novels right most often (see
READERS and tests/test_manuscripts/test_corpus.py); the others stay available by name in
ALTERNATIVES so the comparison can be rerun. Limits are checked before any reader runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from writer_desktop.domain.emphasis import join_marked
from writer_desktop.manuscripts import limits
from writer_desktop.manuscripts.limits import MAX_FILE_BYTES, LimitError

WESTERN_MARGIN = 5.0  # percent of "chaos" (charset-normalizer's measure of mojibake)
SUPPORTED = (".txt", ".md", ".markdown", ".docx", ".odt", ".rtf", ".epub")
SCENE_BREAK = "* * *"

# Gutenberg's _italics_: an underscore that opens after a space or punctuation and closes
# before one; bounded, so it cannot backtrack far.
_UNDERSCORE = re.compile(r"(?<![\w*])(__?)(?=[^\s_])([^_\n]{1,400}?)(?<=[^\s_])\1(?![\w*])")


class ManuscriptError(Exception):
    """The file cannot be imported; the message is meant for the author."""


@dataclass(frozen=True)
class Block:
    """One heading, paragraph or page break of a manuscript, emphasis as markers.

    bold and centred say how a paragraph was set: Word users make chapter titles that way.
    """

    kind: Literal["heading", "paragraph", "break"]
    text: str
    level: int = 1
    bold: bool = False
    centred: bool = False


Reader = Callable[[Path], list[Block]]


def read_manuscript(path: Path, reader: str | None = None) -> list[Block]:
    """Headings and paragraphs of a manuscript file; raises ManuscriptError.

    reader names one of ALTERNATIVES for the file's format (the corpus comparison uses
    it); by default the format's chosen reader runs."""
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
            f"{MAX_FILE_BYTES // 1024 // 1024} MB can be imported (file size limit)."
        )
    read = ALTERNATIVES[suffix][reader] if reader else READERS[suffix]
    try:
        blocks = read(path)
    except ManuscriptError:
        raise
    except LimitError as exc:
        raise ManuscriptError(str(exc)) from exc
    except Exception as exc:  # every library has its own errors for a damaged file
        raise ManuscriptError(
            f"{path.name} could not be read as a {suffix} file ({type(exc).__name__}: "
            f"{str(exc)[:300]})."
        ) from exc
    if sum(len(b.text) for b in blocks) > limits.MAX_TEXT_CHARS:
        raise ManuscriptError(
            f"{path.name} holds more than {limits.MAX_TEXT_CHARS:,} characters of text "
            "(text size limit)."
        )
    if not any(block.kind == "paragraph" and block.text.strip() for block in blocks):
        raise ManuscriptError(f"{path.name} holds no text (headings at most).")
    return blocks


def _zip(path: Path, what: str):
    import zipfile

    if not zipfile.is_zipfile(path):
        raise ManuscriptError(f"{path.name} is not {what}.")
    try:
        return limits.check_zip(path)
    except zipfile.BadZipFile as exc:
        raise ManuscriptError(f"{path.name} is damaged ({exc}).") from exc


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
        if western is None and best.encoding != "cp1252":
            western = from_bytes(data, cp_isolation=["cp1252"]).best()
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


def underscores_to_markers(text: str) -> str:
    """Gutenberg's and Markdown's `_italic_` and `__bold__` as `*italic*`/`**bold**`."""
    if "_" not in text:
        return text
    return _UNDERSCORE.sub(
        lambda m: (
            ("**" if len(m.group(1)) == 2 else "*")
            + m.group(2)
            + ("**" if len(m.group(1)) == 2 else "*")
        ),
        text,
    )


def _markdown_heading(line: str) -> tuple[int, str] | None:
    """'## Title ##' as (2, 'Title'); string operations, no regex to backtrack."""
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3 or not stripped.startswith("#"):
        return None
    level = len(stripped) - len(stripped.lstrip("#"))
    rest = stripped[level:]
    if level > 6 or (rest and not rest[0].isspace()):
        return None
    title = rest.strip().rstrip("#").strip()
    return (level, title) if title else None


def _is_scene_break(line: str) -> bool:
    chars = line.replace(" ", "").replace("\t", "")
    return 1 <= len(chars) <= 20 and len(set(chars)) == 1 and chars[0] in "*#~-_=•"


def text_blocks(text: str, markdown: bool) -> list[Block]:
    """Paragraphs are separated by blank lines, or are single lines where the file has
    one line per paragraph; headings are Markdown '#' lines in .md; scene breaks stay."""
    from writer_desktop.manuscripts.chapters import is_chapter_line as _line_is_chapter

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    nonblank = [line for line in lines if line.strip()]
    # One line per paragraph: many long lines, or no blank lines at all; hard-wrapped
    # text has short lines and blank lines between its paragraphs.
    long_share = sum(1 for line in nonblank if len(line) > 120) / max(len(nonblank), 1)
    blank_share = 1 - len(nonblank) / max(len(lines), 1)
    one_per_line = len(nonblank) > 3 and (long_share > 0.25 or blank_share < 0.01)
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            joined = " ".join(line.strip() for line in paragraph)
            blocks.append(Block("paragraph", underscores_to_markers(joined)))
            paragraph.clear()

    for line in lines:
        stripped = line.strip()
        if markdown and stripped[:2] in ("- ", "+ ", "* ") and not _is_scene_break(stripped):
            flush()  # a list item is a paragraph of its own
            line = stripped = stripped[2:].strip()
        heading = _markdown_heading(line) if markdown else None
        if heading:
            flush()
            blocks.append(Block("heading", underscores_to_markers(heading[1]), heading[0]))
        elif not stripped or stripped == "\f":
            flush()
            if stripped == "\f":
                blocks.append(Block("break", ""))
        elif _is_scene_break(stripped):
            underline = markdown and paragraph and stripped[0] in "=-" and len(paragraph) == 1
            if underline:  # a Setext heading: "Title" over "=====" or "-----"
                blocks.append(
                    Block(
                        "heading",
                        underscores_to_markers(paragraph.pop().strip()),
                        1 if stripped[0] == "=" else 2,
                    )
                )
            elif stripped[0] == "=" and len(paragraph) == 1 and not blocks:
                blocks.append(Block("heading", paragraph.pop().strip(), 0))
            else:
                flush()
                blocks.append(Block("paragraph", SCENE_BREAK))
        elif one_per_line or (
            _line_is_chapter(stripped) and (not paragraph or _line_is_chapter(paragraph[0].strip()))
        ):
            # A chapter line inside a group of lines (a table of contents with no blank
            # lines) is a block of its own.
            flush()
            paragraph.append(line)
            if one_per_line and not _line_is_chapter(stripped):
                flush()
        else:
            # "CHAPTER I." over "Down the Rabbit-Hole": the title line joins the heading;
            # anything longer starts the text.
            if (
                paragraph
                and _line_is_chapter(paragraph[0].strip())
                and (len(stripped) > 70 or len(paragraph) > 1)
            ):
                flush()
            paragraph.append(line)
    flush()
    return blocks


def _read_text(path: Path) -> list[Block]:
    text = decode_text(path.read_bytes(), path.name)
    return text_blocks(text, markdown=path.suffix.lower() in (".md", ".markdown"))


# -- pandoc: every structured format through one reader -----------------------------------------

PANDOC_FORMATS = {
    ".docx": "docx",
    ".odt": "odt",
    ".rtf": "rtf",
    ".epub": "epub",
    ".md": "markdown",
    ".markdown": "markdown",
}
PANDOC_HEAP_MB = 700
_RTF_UNICODE = re.compile(rb"\\u(-?\d{1,6}) ?(?![\\{}\s])[\x20-\x7e]")


def _read_pandoc(path: Path) -> list[Block]:
    import json
    import subprocess

    import pypandoc

    suffix = path.suffix.lower()
    if suffix in (".docx", ".odt", ".epub"):
        archive = _zip(
            path,
            {
                ".docx": "a Word (.docx) document",
                ".odt": "an OpenDocument (.odt) text",
                ".epub": "an EPUB book",
            }[suffix],
        )
        with archive:
            if suffix == ".epub":
                limits.check_epub_spine(path, archive)
    data = None
    if suffix == ".rtf":
        data = path.read_bytes()
        if not data[:64].lstrip().startswith(b"{\\rtf"):
            raise ManuscriptError(f"{path.name} is not an RTF document.")
        # pandoc 3.9 drops the letter after a \\u escape whose fallback is a plain
        # character (\\u8220"Old reads as "ld); a \\'3f fallback reads right.
        data = _RTF_UNICODE.sub(rb"\\u\1\\'3f", data)
    command = [
        pypandoc.get_pandoc_path(),
        "+RTS",
        f"-M{PANDOC_HEAP_MB}m",  # pandoc's own heap cap (its manual's advice for untrusted input)
        "-RTS",
        "--sandbox",  # no files read or written besides the input, no network
        "-f",
        PANDOC_FORMATS[suffix],
        "-t",
        "json",
        str(path) if data is None else "-",
    ]
    done = subprocess.run(
        command, input=data, capture_output=True, timeout=limits.TIME_LIMIT_S, check=False
    )
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ManuscriptError(
            f"{path.name} could not be read as a {suffix} file "
            f"({error[-1][:300] if error else 'pandoc failed'})."
        )
    return PandocBlocks().blocks(json.loads(done.stdout)["blocks"])


class PandocBlocks:
    """Pandoc's JSON AST as Blocks: headers, paragraphs (tables, lists, quotes and notes
    keep their text), horizontal rules as scene breaks."""

    def __init__(self) -> None:
        self.out: list[Block] = []
        self.notes: list[str] = []

    def blocks(self, nodes: list[dict]) -> list[Block]:
        self.walk(nodes)
        return self.out

    def walk(self, nodes: list[dict]) -> None:
        for node in nodes:
            kind, content = node.get("t"), node.get("c")
            if kind == "Header":
                text = self.inline(content[2])
                if text.strip():
                    self.out.append(Block("heading", text.strip(), int(content[0])))
            elif kind in ("Para", "Plain"):
                self.para(content)
            elif kind == "LineBlock":
                self.add("\n".join(self.inline(line) for line in content))
            elif kind in ("BlockQuote",):
                self.walk(content)
            elif kind == "Div":
                self.walk(content[1])
            elif kind == "BulletList":
                for item in content:
                    self.walk(item)
            elif kind == "OrderedList":
                for item in content[1]:
                    self.walk(item)
            elif kind == "DefinitionList":
                for term, definitions in content:
                    self.add(self.inline(term))
                    for definition in definitions:
                        self.walk(definition)
            elif kind == "HorizontalRule":
                self.out.append(Block("paragraph", SCENE_BREAK))
            elif kind == "CodeBlock":
                self.add(content[1])
            elif kind == "Table":
                self.table(content)
            elif kind == "Figure":
                self.walk(content[2])

    def para(self, inlines: list[dict]) -> None:
        bold = (
            bool(inlines)
            and all(i.get("t") in ("Strong", "Space", "SoftBreak") for i in inlines)
            and any(i.get("t") == "Strong" for i in inlines)
        )
        self.add(self.inline(inlines), bold)

    def add(self, text: str, bold: bool = False) -> None:
        text = text.strip()
        if text:
            self.out.append(Block("paragraph", text, bold=bold))
        for note in self.notes:
            self.out.append(Block("paragraph", note))
        self.notes.clear()

    def table(self, content: list) -> None:
        # Table attr caption colspecs head bodies foot; a row is one paragraph.
        rows = []
        head, bodies, foot = content[3], content[4], content[5]
        rows.extend(head[1])
        for body in bodies:
            rows.extend(body[2])
            rows.extend(body[3])
        rows.extend(foot[1])
        for row in rows:
            cells = []
            for cell in row[1]:
                inner = PandocBlocks().blocks(cell[4])
                cells.append(" ".join(b.text for b in inner))
            self.add(" | ".join(c for c in cells if c))

    def inline(self, inlines: list[dict]) -> str:
        pieces: list[tuple[str, bool, bool]] = []
        self._pieces(inlines, False, False, pieces)
        return join_marked(pieces)

    def _pieces(self, inlines, italic: bool, bold: bool, out: list) -> None:
        for node in inlines:
            kind, content = node.get("t"), node.get("c")
            if kind == "Str":
                out.append((content, italic, bold))
            elif kind in ("Space", "SoftBreak"):
                out.append((" ", italic, bold))
            elif kind == "LineBreak":
                out.append(("\n", italic, bold))
            elif kind == "Emph":
                self._pieces(content, True, bold, out)
            elif kind == "Strong":
                self._pieces(content, italic, True, out)
            elif kind in ("Underline", "SmallCaps", "Strikeout", "Superscript", "Subscript"):
                self._pieces(content, italic, bold, out)
            elif kind in ("Span", "Cite"):
                self._pieces(content[1] if kind == "Span" else content[1], italic, bold, out)
            elif kind == "Link" or kind == "Image":
                self._pieces(content[1], italic, bold, out)
            elif kind == "Quoted":
                double = content[0].get("t") == "DoubleQuote"
                out.append(("\u201c" if double else "\u2018", italic, bold))
                self._pieces(content[1], italic, bold, out)
                out.append(("\u201d" if double else "\u2019", italic, bold))
            elif kind in ("Code", "Math"):
                out.append((content[1], italic, bold))
            elif kind == "Note":
                number = len(self.notes) + 1
                out.append((f"[{number}]", italic, bold))
                inner = PandocBlocks().blocks(content)
                self.notes.append(f"[{number}] " + " ".join(b.text for b in inner))


# -- Word: python-docx for the package, its XML walked for what .text leaves out ---------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _on(element) -> bool:
    """A w:b / w:i toggle: present and not switched off."""
    if element is None:
        return False
    return element.get(f"{_W}val", "true").lower() not in ("0", "false", "off", "none")


def _read_docx(path: Path) -> list[Block]:
    import docx

    _zip(path, "a Word (.docx) document").close()
    document = docx.Document(str(path))
    styles = {}
    for style in document.styles:
        try:
            styles[style.style_id] = style
        except Exception:  # a damaged style entry: read the text without it
            continue
    notes: dict[str, str] = {}
    try:
        part = document.part.part_related_by(
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
        )
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(part.blob, parser)
        for note in root.iter(f"{_W}footnote"):
            text = "".join(t.text or "" for t in note.iter(f"{_W}t")).strip()
            if text:
                notes[note.get(f"{_W}id")] = text
    except (KeyError, ValueError, Exception):  # no footnotes part
        notes = {}
    return DocxBlocks(styles, notes).blocks(document.element.body)


class DocxBlocks:
    """A Word body as Blocks: tracked insertions kept and deletions left out, content
    controls opened, tables row by row, footnotes after their paragraph, page breaks."""

    def __init__(self, styles: dict, notes: dict[str, str]) -> None:
        self.styles = styles
        self.notes = notes
        self.out: list[Block] = []

    def blocks(self, body) -> list[Block]:
        self.walk(body)
        return self.out

    def walk(self, element) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{_W}p":
                self.paragraph(child)
            elif tag == f"{_W}tbl":
                for row in child.iter(f"{_W}tr"):
                    cells = []
                    for cell in row.iter(f"{_W}tc"):
                        inner = DocxBlocks(self.styles, self.notes)
                        inner.walk(cell)
                        cells.append(" ".join(b.text for b in inner.out if b.text))
                    text = " | ".join(c for c in cells if c)
                    if text:
                        self.out.append(Block("paragraph", text))
            elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins"):
                self.walk(child)

    def _level(self, style_id: str | None, ppr) -> int | None:
        outline = ppr.find(f"{_W}outlineLvl") if ppr is not None else None
        style = self.styles.get(style_id) if style_id else None
        name = (style.name or "").lower() if style is not None else ""
        if name == "title":
            return 0
        match = re.match(r"heading (\d)$", name)
        if match:
            return int(match.group(1))
        if outline is not None and outline.get(f"{_W}val", "9").isdigit():
            level = int(outline.get(f"{_W}val")) + 1
            return level if level <= 6 else None
        return None

    def paragraph(self, p) -> None:
        ppr = p.find(f"{_W}pPr")
        style_id = None
        centred = False
        if ppr is not None:
            pstyle = ppr.find(f"{_W}pStyle")
            style_id = pstyle.get(f"{_W}val") if pstyle is not None else None
            jc = ppr.find(f"{_W}jc")
            centred = jc is not None and jc.get(f"{_W}val") == "center"
            if _on(ppr.find(f"{_W}pageBreakBefore")):
                self.out.append(Block("break", ""))
        pieces: list[tuple[str, bool, bool]] = []
        notes: list[str] = []
        for run in p.iter(f"{_W}r"):
            if any(a.tag in (f"{_W}del", f"{_W}moveFrom") for a in run.iterancestors()):
                continue
            rpr = run.find(f"{_W}rPr")
            italic = rpr is not None and _on(rpr.find(f"{_W}i"))
            bold = rpr is not None and _on(rpr.find(f"{_W}b"))
            for node in run:
                tag = node.tag
                if tag == f"{_W}t":
                    pieces.append((node.text or "", italic, bold))
                elif tag == f"{_W}tab":
                    pieces.append((" ", italic, bold))
                elif tag in (f"{_W}br", f"{_W}cr"):
                    if node.get(f"{_W}type") == "page":
                        self._emit(pieces, notes, style_id, ppr, centred)
                        pieces, notes = [], []
                        self.out.append(Block("break", ""))
                    else:
                        pieces.append(("\n", italic, bold))
                elif tag == f"{_W}footnoteReference":
                    note = self.notes.get(node.get(f"{_W}id"))
                    if note:
                        number = len(notes) + 1
                        pieces.append((f"[{number}]", False, False))
                        notes.append(f"[{number}] {note}")
        self._emit(pieces, notes, style_id, ppr, centred)

    def _emit(self, pieces, notes, style_id, ppr, centred) -> None:
        text = join_marked(pieces).strip()
        if text:
            level = self._level(style_id, ppr)
            bold = all(b for t, _, b in pieces if t.strip())
            if level is not None:
                self.out.append(Block("heading", text.strip("*").strip(), level))
            else:
                self.out.append(Block("paragraph", text, bold=bold, centred=centred))
        self.out.extend(Block("paragraph", note) for note in notes)


# -- the per-format libraries pandoc was weighed against ----------------------------------------


def _read_rtf_striprtf(path: Path) -> list[Block]:
    from striprtf.striprtf import rtf_to_text

    raw = path.read_bytes()
    if not raw.lstrip().startswith(b"{\\rtf"):
        raise ManuscriptError(f"{path.name} is not an RTF document.")
    return text_blocks(rtf_to_text(raw.decode("cp1252", errors="replace")), markdown=False)


def _read_odt_odfpy(path: Path) -> list[Block]:
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    _zip(path, "an OpenDocument (.odt) text").close()
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
                    blocks.append(Block("paragraph", text))
            elif qname is not None:
                walk(child)

    walk(document.text)
    return blocks


def _read_epub_ebooklib(path: Path) -> list[Block]:
    import ebooklib
    import lxml.html
    from ebooklib import epub

    with _zip(path, "an EPUB book") as archive:
        limits.check_epub_spine(path, archive)
    book = epub.read_epub(str(path), options={"ignore_ncx": True})
    blocks: list[Block] = []
    for item_id, _ in book.spine:
        item = book.get_item_with_id(item_id)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        if isinstance(item, epub.EpubNav):
            continue
        root = lxml.html.fromstring(item.get_content())
        for element in root.iter("h1", "h2", "h3", "h4", "p", "hr"):
            if element.tag == "hr":
                blocks.append(Block("paragraph", SCENE_BREAK))
                continue
            pieces: list[tuple[str, bool, bool]] = []
            _html_pieces(element, False, False, pieces)
            text = " ".join(join_marked(pieces).split())
            if not text:
                continue
            if element.tag.startswith("h"):
                blocks.append(Block("heading", text.strip("*"), int(element.tag[1])))
            else:
                blocks.append(Block("paragraph", text))
    return blocks


def _html_pieces(element, italic: bool, bold: bool, out: list) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    italic = italic or tag in ("em", "i")
    bold = bold or tag in ("strong", "b")
    if element.text:
        out.append((element.text.replace("\n", " "), italic, bold))
    for child in element:
        _html_pieces(child, italic, bold, out)
        if child.tail:
            out.append((child.tail.replace("\n", " "), italic, bold))


READERS: dict[str, Reader] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".markdown": _read_text,
    ".rtf": _read_pandoc,
    ".docx": _read_docx,
    ".odt": _read_pandoc,
    ".epub": _read_pandoc,
}

ALTERNATIVES: dict[str, dict[str, Reader]] = {
    ".txt": {"own": _read_text},
    ".md": {"own": _read_text, "pandoc": _read_pandoc},
    ".markdown": {"own": _read_text, "pandoc": _read_pandoc},
    ".rtf": {"pandoc": _read_pandoc, "striprtf": _read_rtf_striprtf},
    ".docx": {"python-docx": _read_docx, "pandoc": _read_pandoc},
    ".odt": {"pandoc": _read_pandoc, "odfpy": _read_odt_odfpy},
    ".epub": {"pandoc": _read_pandoc, "ebooklib": _read_epub_ebooklib},
}
