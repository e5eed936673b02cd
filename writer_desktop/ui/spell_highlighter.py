"""ProseHighlighter: what the page shows over the text without changing it: misspelt words
underlined in red, and the AI's words tinted until the author edits them."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextBlock, QTextCharFormat, QTextDocument

from writer_desktop.ui.prose_document import AI_WRITTEN
from writer_desktop.ui.tasks import TURN_MS

LONGEST_CHECKED = 20_000  # a paragraph longer than this is not spell checked: typing stays fast
AI_TINT_LIGHT = QColor(90, 140, 230, 40)
AI_TINT_DARK = QColor(120, 160, 255, 55)
# Marking paragraphs in one turn of the event loop stops after this long; the rest are marked
# in later turns. Qt marks a whole chapter in one go when it is shown (about 0.3 ms a
# paragraph: 30 ms for a 4,500-word chapter, far more for a long one), and the window would
# not answer meanwhile.
SLICE_S = 0.006
MISSPELT_COLOUR = QColor("#d0021b")


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
        # Born "over budget": Qt's first pass over a new chapter is put off whole, so the
        # page is painted before any paragraph is marked.
        self._turn_started: float | None = float("-inf")
        self._catching_up = False
        self._scheduled = False
        self._later: deque[QTextBlock] = deque()

    def set_dark(self, dark: bool) -> None:
        self.tint = AI_TINT_DARK if dark else AI_TINT_LIGHT
        self.rehighlight()

    @property
    def pending(self) -> int:
        """Paragraphs waiting for a later turn of the event loop to be marked."""
        return len(self._later)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        if not self._catching_up:
            now = time.perf_counter()
            if self._turn_started is None:
                self._turn_started = now
                self._schedule()
            elif now - self._turn_started > SLICE_S:
                self._later.append(self.currentBlock())  # marked in a later turn
                self._schedule()
                return
        self._mark(text)

    def _schedule(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            # A real timer (TURN_MS), so the page paints and keys are read in between; the
            # call is dropped if the highlighter goes with its document.
            QTimer.singleShot(TURN_MS, self, self._next_turn)

    def _next_turn(self) -> None:
        """Mark the paragraphs put off, SLICE_S at a time, one turn of the loop after another."""
        self._scheduled = False
        self._turn_started = None
        started = time.perf_counter()
        self._catching_up = True
        try:
            while self._later and time.perf_counter() - started < SLICE_S:
                block = self._later.popleft()
                if block.isValid() and block.document() is self.document():
                    self.rehighlightBlock(block)
        finally:
            self._catching_up = False
        if self._later:
            self._schedule()

    def _mark(self, text: str) -> None:
        if self.tint_ai:
            self._tint_ai_words()
        if self.spell_check and self.spelling is not None and len(text) <= LONGEST_CHECKED:
            for start, length in self.spelling.misspelt_spans(text):
                marked = QTextCharFormat(self.format(start))
                marked.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
                marked.setUnderlineColor(MISSPELT_COLOUR)
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
