"""The chapter editor: plain prose, with AI insertions that undo as one step."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from writer_desktop.domain import word_count
from writer_desktop.ui.binder import manuscript_files
from writer_desktop.ui.emphasis_highlighter import EmphasisHighlighter


class ChapterEditor(QPlainTextEdit):
    """Holds the text of one chapter; the main window saves it through the story service."""

    ai_insertion_finished = Signal()
    files_dropped = Signal(list)  # manuscripts dropped on the page are imported, not pasted

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.locked = False
        self.setObjectName("chapter-editor")
        self.highlighter = EmphasisHighlighter(self.document())
        font = QFont("Serif")
        font.setPointSize(12)
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setPlaceholderText(self.tr("Write here…"))
        self.chapter_id: int | None = None
        self._ai_cursor: QTextCursor | None = None
        self._ai_started = False
        self._ai_replacing = False

    def canInsertFromMimeData(self, source) -> bool:
        if source.hasUrls() and manuscript_files(source.urls()):
            return True
        return super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source) -> None:
        paths = manuscript_files(source.urls()) if source.hasUrls() else []
        if paths:
            self.files_dropped.emit(paths)
            return
        super().insertFromMimeData(source)

    def set_locked(self, locked: bool) -> None:
        """Locked: nothing can be typed whatever chapter is shown (a read-only story)."""
        self.locked = locked
        self.setReadOnly(self.chapter_id is None or locked)

    def load_chapter(self, chapter_id: int | None, text: str) -> None:
        """Show a chapter; its undo history starts fresh."""
        self.chapter_id = chapter_id
        self.blockSignals(True)
        self.setPlainText(text)
        self.blockSignals(False)
        self.document().clearUndoRedoStacks()
        self.document().setModified(False)
        self.setReadOnly(chapter_id is None or self.locked)
        self.moveCursor(QTextCursor.MoveOperation.End)

    def replace_range(self, start: int, end: int, text: str) -> None:
        """Replace a range as one undo step (an accepted revision)."""
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(text)
        cursor.endEditBlock()

    def words(self) -> int:
        return word_count(self.toPlainText())

    # -- AI insertions ---------------------------------------------------------------------

    @property
    def ai_insertion_active(self) -> bool:
        return self._ai_cursor is not None

    def begin_ai_insertion(self, replace: tuple[int, int] | None = None) -> None:
        """Start streaming at the end of the chapter, or in place of the range `replace`;
        the author cannot type until it ends."""
        cursor = QTextCursor(self.document())
        if replace is None:
            cursor.movePosition(QTextCursor.MoveOperation.End)
        else:
            cursor.setPosition(replace[0])
            cursor.setPosition(replace[1], QTextCursor.MoveMode.KeepAnchor)
        self._ai_cursor = cursor
        self._ai_replacing = replace is not None
        self._ai_started = False
        self.setReadOnly(True)

    def insert_ai_text(self, text: str) -> None:
        cursor = self._ai_cursor
        if cursor is None or not text:
            return
        if not self._ai_started:
            text = text.lstrip() if self._ai_replacing else self._separator() + text.lstrip()
            if not text:
                return
            cursor.beginEditBlock()
            if self._ai_replacing:
                cursor.removeSelectedText()  # in the same undo step as the new text
            self._ai_started = True
        else:
            # Joining the previous block makes the whole stream one undo step.
            cursor.joinPreviousEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()
        self.ensureCursorVisible()

    def end_ai_insertion(self) -> None:
        if self._ai_cursor is None:
            return
        self._ai_cursor = None
        self.setReadOnly(self.chapter_id is None or self.locked)
        self.moveCursor(QTextCursor.MoveOperation.End)
        self.ai_insertion_finished.emit()

    def _separator(self) -> str:
        existing = self.toPlainText()
        if not existing.strip():
            return ""
        if existing.endswith("\n\n"):
            return ""
        return "\n" if existing.endswith("\n") else "\n\n"
