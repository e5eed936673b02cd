"""Limits a manuscript must pass before it is read: file size, zip sizes and ratios,
duplicate EPUB manifest entries, XML declarations. Checked from the zip's directory
before anything is inflated."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # every member of a zip-based file together
MAX_RATIO = 100  # uncompressed / compressed, for members over RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_MEMBERS = 10_000
MAX_TEXT_CHARS = 30_000_000  # about 5 million words: ten long novels
TIME_LIMIT_S = 60.0
MEMORY_LIMIT_MB = 1024


class LimitError(Exception):
    """A file over one of the limits; the message names the limit."""


def check_zip(path: Path) -> zipfile.ZipFile:
    """Open a zip-based document after checking its directory; raises LimitError or
    zipfile.BadZipFile (a truncated file has no readable directory)."""
    archive = zipfile.ZipFile(path)
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        archive.close()
        raise LimitError(f"{path.name} holds {len(infos):,} parts; the limit is {MAX_MEMBERS:,}.")
    total = 0
    names: set[str] = set()
    for info in infos:
        total += info.file_size
        if info.filename in names:
            archive.close()
            raise LimitError(f"{path.name} holds the part {info.filename} twice.")
        names.add(info.filename)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            archive.close()
            raise LimitError(
                f"{path.name}: the part {info.filename} expands {ratio:,.0f} times "
                f"(to {info.file_size / 1e6:,.0f} MB); the limit is {MAX_RATIO} times."
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        archive.close()
        raise LimitError(
            f"{path.name} expands to {total / 1e6:,.0f} MB; the limit is "
            f"{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB uncompressed."
        )
    for info in infos:
        if info.filename.endswith((".xml", ".opf", ".xhtml", ".html", ".htm", ".ncx", ".rels")):
            with archive.open(info) as handle:
                head = handle.read(4096)
            if b"<!ENTITY" in head:
                archive.close()
                raise LimitError(
                    f"{path.name}: the part {info.filename} declares XML entities, "
                    "which are refused."
                )
    return archive


def check_epub_spine(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse an EPUB whose manifest or spine lists one page more than once (a small
    file that would otherwise read one large page hundreds of times)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        container = etree.fromstring(archive.read("META-INF/container.xml"), parser)
    except KeyError:
        raise LimitError(f"{path.name} has no META-INF/container.xml: not an EPUB.") from None
    rootfiles = container.xpath("//*[local-name()='rootfile']/@full-path")
    if not rootfiles:
        raise LimitError(f"{path.name} names no package document.")
    opf_path = str(rootfiles[0])
    opf = etree.fromstring(archive.read(opf_path), parser)
    base = posixpath.dirname(opf_path)
    hrefs: set[str] = set()
    ids: set[str] = set()
    for item in opf.xpath("//*[local-name()='manifest']/*[local-name()='item']"):
        href = posixpath.normpath(posixpath.join(base, item.get("href", "")))
        if href in hrefs or item.get("id") in ids:
            raise LimitError(
                f"{path.name} lists {href} more than once in its manifest; "
                "duplicate manifest entries are refused."
            )
        hrefs.add(href)
        ids.add(item.get("id", ""))
    seen: set[str] = set()
    for ref in opf.xpath("//*[local-name()='spine']/*[local-name()='itemref']/@idref"):
        if ref in seen:
            raise LimitError(
                f"{path.name} lists the page {ref} more than once in its reading order; "
                "duplicate entries are refused."
            )
        seen.add(ref)
