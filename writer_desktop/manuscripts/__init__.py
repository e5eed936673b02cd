"""Manuscript files: reading .txt/.md/.docx/.odt/.rtf/.epub (in a child process with
limits), splitting into chapters, emphasis markers, writing .md/.docx/.epub/.txt."""

from writer_desktop.domain.emphasis import parse_runs, strip_emphasis
from writer_desktop.manuscripts.chapters import (
    AUTO,
    ImportedChapter,
    SplitRule,
    choose_rule,
    manuscript_title,
    split_chapters,
    split_options,
)
from writer_desktop.manuscripts.readers import (
    SUPPORTED,
    Block,
    ManuscriptError,
    decode_text,
    read_manuscript,
)
from writer_desktop.manuscripts.writers import EXPORT_FORMATS, export_manuscript

__all__ = [
    "AUTO",
    "EXPORT_FORMATS",
    "SUPPORTED",
    "Block",
    "ImportedChapter",
    "ManuscriptError",
    "SplitRule",
    "choose_rule",
    "decode_text",
    "export_manuscript",
    "manuscript_title",
    "parse_runs",
    "read_manuscript",
    "split_chapters",
    "split_options",
    "strip_emphasis",
]
