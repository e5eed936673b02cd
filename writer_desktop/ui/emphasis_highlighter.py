"""EmphasisHighlighter: `*italic*` and `**bold**` in the chapter shown as italic and bold,
their markers greyed, as novelWriter shows its own markup."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

# A marker hugging a word on both sides, as in Markdown; one paragraph at a time.
_EMPHASIS = re.compile(r"(?<![\\*])(\*{1,3})(?=[^\s*])([^*\n]{1,2000}?)(?<=[^\s\\*])\1(?!\*)")
LONGEST_HIGHLIGHTED = 20_000  # a paragraph longer than this is left plain: typing stays fast


class EmphasisHighlighter(QSyntaxHighlighter):
    """Highlights each paragraph's emphasis as the author types."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.marker = QTextCharFormat()
        self.marker.setForeground(QColor("#9a9a9a"))
        self.formats = {}
        for width in (1, 2, 3):
            text_format = QTextCharFormat()
            text_format.setFontItalic(width in (1, 3))
            if width >= 2:
                text_format.setFontWeight(QFont.Weight.Bold)
            self.formats[width] = text_format

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        if "*" not in text or len(text) > LONGEST_HIGHLIGHTED:
            return
        for match in _EMPHASIS.finditer(text):
            width = len(match.group(1))
            start, end = match.span()
            self.setFormat(start, width, self.marker)
            self.setFormat(start + width, end - start - 2 * width, self.formats[width])
            self.setFormat(end - width, width, self.marker)
