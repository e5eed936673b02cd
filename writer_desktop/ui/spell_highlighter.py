"""ProseHighlighter: what the page shows over the text without changing it: misspelt words
underlined in red, and the AI's words tinted until the author edits them."""

from __future__ import annotations

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from writer_desktop.ui.prose_document import AI_WRITTEN

LONGEST_CHECKED = 20_000  # a paragraph longer than this is not spell checked: typing stays fast
AI_TINT_LIGHT = QColor(90, 140, 230, 40)
AI_TINT_DARK = QColor(120, 160, 255, 55)


class ProseHighlighter(QSyntaxHighlighter):
    """Marks each paragraph again as the author types (Qt calls highlightBlock)."""

    def __init__(self, document: QTextDocument, like: ProseHighlighter | None = None) -> None:
        # Each chapter's document has its own, which goes with it: a highlighter moved to
        # another document would first clear the old one, which lays it out again.
        super().__init__(document)
        self.spelling = like.spelling if like else None  # a SpellingService
        self.spell_check = like.spell_check if like else True
        self.tint_ai = like.tint_ai if like else True
        self.tint = like.tint if like else AI_TINT_LIGHT

    def set_dark(self, dark: bool) -> None:
        self.tint = AI_TINT_DARK if dark else AI_TINT_LIGHT
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        if self.tint_ai:
            self._tint_ai_words()
        if self.spell_check and self.spelling is not None and len(text) <= LONGEST_CHECKED:
            for start, length in self.spelling.misspelt_spans(text):
                marked = QTextCharFormat(self.format(start))
                marked.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
                marked.setUnderlineColor(QColor("#d0021b"))
                self.setFormat(start, length, marked)

    def _tint_ai_words(self) -> None:
        block = self.currentBlock()
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if fragment.isValid() and fragment.charFormat().boolProperty(AI_WRITTEN):
                tinted = QTextCharFormat()
                tinted.setBackground(self.tint)
                tinted.setToolTip("Written by the AI")
                self.setFormat(fragment.position() - block.position(), fragment.length(), tinted)
            fragments += 1
