"""Manuscript files: reading .txt/.md/.docx/.odt/.rtf/.epub, splitting into chapters,
writing .md/.docx/.epub/.txt."""

from writer_desktop.manuscripts.chapters import ImportedChapter, split_chapters
from writer_desktop.manuscripts.readers import (
    SUPPORTED,
    Block,
    ManuscriptError,
    decode_text,
    read_manuscript,
)
from writer_desktop.manuscripts.writers import EXPORT_FORMATS, export_manuscript

__all__ = [
    "EXPORT_FORMATS",
    "SUPPORTED",
    "Block",
    "ImportedChapter",
    "ManuscriptError",
    "decode_text",
    "export_manuscript",
    "read_manuscript",
    "split_chapters",
]
