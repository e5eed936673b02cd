"""Files built to hurt an importer: zip bombs, a repeated EPUB page, entity expansion,
backtracking bait, deeply nested RTF fields. Shared by the tests and the benchmark."""

from __future__ import annotations

import zipfile
from pathlib import Path

BIG_PART_MB = 600


def _big_member(archive: zipfile.ZipFile, name: str, megabytes: int, head: bytes) -> None:
    """A member of `megabytes` MB that compresses to about 0.6 MB (written in chunks, so
    building it never holds the whole part in memory)."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as handle:
        handle.write(head)
        chunk = b" " * (1024 * 1024)
        for _ in range(megabytes):
            handle.write(chunk)


def docx_bomb(path: Path, megabytes: int = BIG_PART_MB) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        _big_member(archive, "word/document.xml", megabytes, b"<?xml version='1.0'?><w:document>")
    return path


def odt_bomb(path: Path, megabytes: int = BIG_PART_MB) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        _big_member(archive, "content.xml", megabytes, b"<?xml version='1.0'?><office:document>")
    return path


def epub_repeated_page(
    path: Path, times: int = 120, page_mb: float = 8, varied: bool = False
) -> Path:
    """A small EPUB whose reading order lists one 8 MB page 120 times (varied: a page of
    words that do not compress much, so only the repetition is left to catch)."""
    import random

    chooser = random.Random(7)
    words = ["harbour", "light", "storm", "keeper", "rope", "salt", "wind", "gull", "tide"]
    sentence = (
        " ".join(chooser.choice(words) + str(chooser.randrange(999)) for _ in range(60))
        if varied
        else "All work and no play. " * 40
    )
    paragraph = "<p>" + sentence + "</p>\n"
    page = (
        "<?xml version='1.0' encoding='utf-8'?><html xmlns='http://www.w3.org/1999/xhtml'>"
        "<body>" + paragraph * int(page_mb * 1024 * 1024 // len(paragraph)) + "</body></html>"
    )
    spine = "".join("<itemref idref='p'/>" for _ in range(times))
    opf = (
        "<?xml version='1.0'?><package xmlns='http://www.idpf.org/2007/opf' version='3.0'>"
        "<metadata xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:title>x</dc:title>"
        "<dc:identifier id='id'>x</dc:identifier><dc:language>en</dc:language></metadata>"
        "<manifest><item id='p' href='p.xhtml' media-type='application/xhtml+xml'/></manifest>"
        f"<spine>{spine}</spine></package>"
    )
    container = (
        "<?xml version='1.0'?><container version='1.0' "
        "xmlns='urn:oasis:names:tc:opendocument:xmlns:container'><rootfiles>"
        "<rootfile full-path='OEBPS/content.opf' media-type='application/oebps-package+xml'/>"
        "</rootfiles></container>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", container)
        archive.writestr("OEBPS/content.opf", opf)
        archive.writestr("OEBPS/p.xhtml", page)
    return path


def docx_entities(path: Path, valid_docx: Path) -> Path:
    """A real .docx whose document.xml declares a billion-laughs entity."""
    laughs = (
        "<!DOCTYPE w [<!ENTITY a 'lol'>"
        + "".join(f"<!ENTITY {chr(98 + i)} '{('&' + chr(97 + i) + ';') * 10}'>" for i in range(9))
        + "]>"
    )
    with zipfile.ZipFile(valid_docx) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                head, _, rest = text.partition("?>")
                data = (head + "?>" + laughs + rest.replace("Mara", "&j;", 1)).encode("utf-8")
            target.writestr(info, data)
    return path


def markdown_backtracking(path: Path) -> Path:
    path.write_text("# a" + " " * 4000 + "x\n\nSome text.\n", encoding="utf-8")
    return path


def text_hostile_lines(path: Path) -> Path:
    lines = [
        "Chapter " * 20000,
        "_a " * 50000,
        "*a " * 50000,
        "I." + " " * 50000 + "x",
        "Contents",
        "1.  " + ". " * 30000 + "3",
        "Words of a chapter.",
    ]
    path.write_text("\n\n".join(lines), encoding="utf-8")
    return path


def rtf_nested_fields(path: Path, depth: int = 1000) -> Path:
    opening = '{\\field{\\*\\fldinst HYPERLINK "http://x"}{\\fldrslt ' * depth
    path.write_text("{\\rtf1\\ansi " + opening + "deep" + "}}" * depth + "\\par Words.}")
    return path


def all_hostile(folder: Path, valid_docx: Path) -> list[Path]:
    return [
        docx_bomb(folder / "bomb.docx"),
        odt_bomb(folder / "bomb.odt"),
        epub_repeated_page(folder / "repeated.epub"),
        epub_repeated_page(folder / "repeated-varied.epub", page_mb=0.5, varied=True),
        docx_entities(folder / "entities.docx", valid_docx),
        markdown_backtracking(folder / "backtrack.md"),
        text_hostile_lines(folder / "lines.txt"),
        rtf_nested_fields(folder / "nested.rtf"),
    ]
