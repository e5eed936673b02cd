"""The corpus of real novels: Project Gutenberg texts (tests/files/novels) converted by real
tools (pandoc from pypandoc-binary, python-docx formatted as a Word user formats) into the
files authors bring. Built once into a cache folder keyed by the sources' hash.

The structure of each novel (where its chapters are) comes from a small spec per novel,
written by reading the book, not from the app's chapter finder; tests/files/corpus/
expectations.json holds what that gives (checked against the spec by a test).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

FILES = Path(__file__).resolve().parent.parent / "files"
NOVELS = FILES / "novels"
EXPECTATIONS = FILES / "corpus" / "expectations.json"


@dataclass(frozen=True)
class Spec:
    title: str
    author: str
    heading: str  # a whole (stripped) line that is a chapter or part heading
    start: str  # the line where the body starts ...
    occurrence: int = 1  # ... its n-th occurrence (the first is in the contents)
    title_next: bool = False  # "1" over "The Old Sea-dog at the Admiral Benbow"


SPECS: dict[str, Spec] = {
    "a-study-in-scarlet": Spec(
        "A Study in Scarlet",
        "A. Conan Doyle",
        r"(CHAPTER [IVX]+\. .*|PART I+\.( .*)?)",
        r"PART I\.",
    ),
    "a-tale-of-two-cities": Spec(
        "A Tale of Two Cities",
        "Charles Dickens",
        r"(Book the \w+--.*|[IVXL]+\. .*)",
        r"Book the First--Recalled to Life",
        2,
    ),
    "alice-in-wonderland": Spec(
        "Alice's Adventures in Wonderland",
        "Lewis Carroll",
        r"CHAPTER [IVX]+\. .*",
        r"CHAPTER I\. .*",
    ),
    "frankenstein": Spec("Frankenstein", "Mary Shelley", r"(Letter|Chapter) \d+", r"Letter 1", 2),
    "heart-of-darkness": Spec("Heart of Darkness", "Joseph Conrad", r"I{1,3}", r"I"),
    "pride-and-prejudice": Spec("Pride and Prejudice", "Jane Austen", r"Chapter \d+", r"Chapter 1"),
    "the-call-of-the-wild": Spec(
        "The Call of the Wild", "Jack London", r"Chapter [IVX]+\. .*", r"Chapter I\. .*"
    ),
    "tom-sawyer": Spec(
        "The Adventures of Tom Sawyer",
        "Mark Twain",
        r"(CHAPTER [IVXL]+|PREFACE|CONCLUSION)",
        r"PREFACE",
    ),
    "treasure-island": Spec(
        "Treasure Island",
        "Robert Louis Stevenson",
        r"(PART [A-Z]+--.*|\d{1,2})",
        r"PART ONE--The Old Buccaneer",
        1,
        True,
    ),
    "wuthering-heights": Spec(
        "Wuthering Heights", "Emily Brontë", r"CHAPTER [IVXL]+", r"CHAPTER I"
    ),
}

_ITALIC = re.compile(r"(?<![\w*])_(?=\S)([^_\n]{1,400}?)(?<=\S)_(?![\w*])")


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    label: str = ""  # "CHAPTER I." where the title is two lines in the book
    name: str = ""


@dataclass
class Book:
    slug: str
    title: str
    author: str
    front: list[str]
    contents: list[str]
    sections: list[Section]

    @property
    def chapters(self) -> list[Section]:
        return [s for s in self.sections if s.paragraphs]


def _groups(lines: list[str]) -> list[list[str]]:
    groups, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def parse_book(slug: str) -> Book:
    """The novel's structure from its Gutenberg text, by its spec."""
    spec = SPECS[slug]
    lines = (NOVELS / f"{slug}.txt").read_text(encoding="utf-8").split("\n")
    start_re, heading_re = re.compile(spec.start), re.compile(spec.heading)
    seen, start = 0, None
    for index, line in enumerate(lines):
        if start_re.fullmatch(line.strip()):
            seen += 1
            if seen == spec.occurrence:
                start = index
                break
    assert start is not None, slug
    head = lines[:start]
    contents_at = next(
        (i for i, line in enumerate(head) if line.strip().lower() == "contents"), None
    )
    front_lines = head if contents_at is None else head[:contents_at]
    contents = (
        [] if contents_at is None else [" ".join(g) for g in _groups(head[contents_at + 1 :])]
    )
    front = [" ".join(g) for g in _groups(front_lines)]
    sections: list[Section] = []
    groups = _groups(lines[start:])
    i = 0
    while i < len(groups):
        group = groups[i]
        if heading_re.fullmatch(group[0]):
            title = " ".join(group)
            section = Section(title)
            if spec.title_next and group[0].isdigit() and len(group) == 1 and i + 1 < len(groups):
                name = " ".join(groups[i + 1])
                section = Section(f"{group[0]}. {name}", label=group[0], name=name)
                i += 1
            sections.append(section)
        else:
            text = _ITALIC.sub(r"*\1*", " ".join(group))
            if sections:
                sections[-1].paragraphs.append(text)
            else:
                front.append(text)
        i += 1
    return Book(slug, spec.title, spec.author, front[:6], contents, sections)


def expectations(book: Book) -> dict:
    first = book.chapters[0].paragraphs[0]
    plain = first.replace("*", "")
    spans = [
        m.group(1)
        for c in book.chapters
        for p in c.paragraphs
        for m in re.finditer(r"\*(\w[^*]{1,38}\w)\*", p)
    ]
    return {
        "titles": [s.title for s in book.chapters],
        "first_words": " ".join(plain.split()[:8]),
        "italic": spans[len(spans) // 2] if spans else None,
    }


# -- the files ----------------------------------------------------------------------------------


def markdown(book: Book, contents: bool) -> str:
    """As an author writes Markdown: title, byline, parts as #, chapters as ##."""
    out = [f"# {book.title}", f"## by {book.author}"]
    if contents and book.contents:
        out.append("## Contents")
        out.extend(f"- {entry}" for entry in book.contents)
    out.extend(book.front[2:])
    for section in book.sections:
        out.append(f"{'##' if section.paragraphs else '#'} {section.title}")
        out.extend(p.replace("\\", "\\\\") for p in section.paragraphs)
    return "\n\n".join(out) + "\n"


def plain_text(book: Book, contents: bool, one_line: bool) -> str:
    out = [book.title.upper(), f"by {book.author}"]
    if contents and book.contents:
        out.append("Contents")
        out.extend(book.contents)
    out.extend(book.front[2:])
    for section in book.sections:
        out.append(section.title)
        out.extend(section.paragraphs)
    return ("\n" if one_line else "\n\n").join(out) + "\n"


def word_user_docx(book: Book, path: Path, contents: bool, two_line: bool) -> None:
    """python-docx as a Word user formats: bold centred titles typed into Normal
    paragraphs, page breaks before each chapter, italics as italic runs."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    from writer_desktop.domain.emphasis import parse_runs

    document = docx.Document()

    def centred(text: str, size: int | None = None) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = True
        if size:
            run.font.size = Pt(size)

    def page_break() -> None:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    centred(book.title, 24)
    byline = document.add_paragraph(f"by {book.author}")
    byline.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if contents and book.contents:
        page_break()
        centred("Contents")
        for entry in book.contents:
            document.add_paragraph(entry)
    for text in book.front[2:]:
        document.add_paragraph(text.replace("*", ""))
    for section in book.sections:
        page_break()
        if two_line and section.label:
            centred(section.label)
            centred(section.name)
        else:
            centred(section.title)
        for text in section.paragraphs:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(18)
            for run in parse_runs(text):
                added = paragraph.add_run(run.text)
                added.italic = run.italic or None
                added.bold = run.bold or None
    document.save(str(path))


@dataclass(frozen=True)
class CorpusFile:
    name: str
    slug: str
    format: str
    tool: str


def _variants(index: int, slug: str) -> list[CorpusFile]:
    odd = index % 2 == 1
    return [
        CorpusFile(f"{slug}.gutenberg.txt", slug, ".txt", "Project Gutenberg text, UTF-8"),
        CorpusFile(
            f"{slug}.md",
            slug,
            ".md",
            "Markdown, parts # chapters ##" + (", contents" if odd else ""),
        ),
        CorpusFile(f"{slug}.pandoc.docx", slug, ".docx", "pandoc" + (" --toc" if odd else "")),
        CorpusFile(
            f"{slug}.word.docx",
            slug,
            ".docx",
            "python-docx, bold centred titles, "
            "page breaks" + (", two-line titles" if odd else ", contents"),
        ),
        CorpusFile(f"{slug}.pandoc.odt", slug, ".odt", "pandoc"),
        CorpusFile(f"{slug}.pandoc.epub", slug, ".epub", "pandoc"),
        CorpusFile(f"{slug}.pandoc.rtf", slug, ".rtf", "pandoc -s"),
        CorpusFile(
            f"{slug}.{'utf16' if odd else 'cp1252'}.txt",
            slug,
            ".txt",
            "UTF-16, one line per paragraph" if odd else "cp1252, contents, blank lines",
        ),
    ]


def corpus_files() -> list[CorpusFile]:
    return [f for i, slug in enumerate(sorted(SPECS)) for f in _variants(i, slug)]


def _pandoc(source: Path, target: Path, *options: str) -> None:
    import pypandoc

    subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "markdown", str(source), "-o", str(target), *options],
        check=True,
        capture_output=True,
    )


def _build_novel(index: int, slug: str, folder: Path) -> None:
    book = parse_book(slug)
    odd = index % 2 == 1
    shutil.copy(NOVELS / f"{slug}.txt", folder / f"{slug}.gutenberg.txt")
    md = folder / f"{slug}.md"
    md.write_text(markdown(book, contents=odd), encoding="utf-8")
    plain_md = folder / f"{slug}.source.md"
    plain_md.write_text(markdown(book, contents=False), encoding="utf-8")
    meta = ["--metadata", f"title={book.title}", "--metadata", f"author={book.author}"]
    _pandoc(plain_md, folder / f"{slug}.pandoc.docx", *(["--toc"] if odd else []))
    _pandoc(plain_md, folder / f"{slug}.pandoc.odt")
    _pandoc(plain_md, folder / f"{slug}.pandoc.epub", *meta)
    _pandoc(plain_md, folder / f"{slug}.pandoc.rtf", "-s")
    word_user_docx(book, folder / f"{slug}.word.docx", contents=not odd, two_line=odd)
    if odd:
        text = plain_text(book, contents=True, one_line=True)
        (folder / f"{slug}.utf16.txt").write_bytes(text.replace("*", "_").encode("utf-16"))
    else:
        text = plain_text(book, contents=True, one_line=False)
        data = text.replace("*", "_").encode("cp1252", errors="replace")
        (folder / f"{slug}.cp1252.txt").write_bytes(data)
    plain_md.unlink()


def build_corpus() -> Path:
    """The corpus folder, built on first use (about a minute on two cores) and kept in
    the temp folder under a hash of the novels and of this builder."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(NOVELS.glob("*.txt")):
        if path.stem in SPECS:
            digest.update(path.read_bytes())
    folder = Path(tempfile.gettempdir()) / f"writer-corpus-{digest.hexdigest()[:12]}"
    if (folder / "done").exists():
        return folder
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda item: _build_novel(*item, building), enumerate(sorted(SPECS))))
    (building / "done").write_text("ok")
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)
    return folder


def load_expectations() -> dict:
    return json.loads(EXPECTATIONS.read_text(encoding="utf-8"))


def write_expectations() -> None:
    """Regenerate expectations.json from the specs (run by hand after changing a spec)."""
    data = {
        "novels": {slug: expectations(parse_book(slug)) for slug in sorted(SPECS)},
        "files": {
            f.name: {"novel": f.slug, "format": f.format, "tool": f.tool} for f in corpus_files()
        },
    }
    EXPECTATIONS.parent.mkdir(parents=True, exist_ok=True)
    EXPECTATIONS.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_expectations()
    print(build_corpus())
