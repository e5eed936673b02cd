"""Find and replace in the chapter: a bar under the editor (Ctrl+F, Ctrl+H, Esc), with a
match count, whole-word and case options, and a way on to the whole story."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from writer_desktop.services.replace import ReplaceOptions, count_in


class FindBar(QWidget):
    """Find and replace in the chapter; Replace All is one undo step."""

    about_to_replace_all = Signal()
    story_wide_requested = Signal(str)  # the text to find in every chapter and the bible

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText(self.tr("Find"))
        self.find_edit.returnPressed.connect(lambda: self.find_next())
        self.replace_edit = QLineEdit()
        self.replace_edit.setPlaceholderText(self.tr("Replace with"))
        for edit in (self.find_edit, self.replace_edit):
            edit.setMinimumWidth(220)
        self.case = QCheckBox(self.tr("Match case"))
        self.whole_word = QCheckBox(self.tr("Whole words"))
        self.status = QLabel()
        self.status.setMinimumWidth(90)
        self.find_edit.textChanged.connect(self.count_matches)
        self.case.toggled.connect(self.count_matches)
        self.whole_word.toggled.connect(self.count_matches)
        self.editor.textChanged.connect(self._recount_if_shown)
        buttons = []
        for text, slot in (
            (self.tr("Next"), lambda: self.find_next()),
            (self.tr("Previous"), lambda: self.find_next(backward=True)),
            (self.tr("Replace"), lambda: self.replace()),
            (self.tr("Replace all"), lambda: self.replace_all()),
            (
                self.tr("In whole story…"),
                lambda: self.story_wide_requested.emit(self.find_edit.text()),
            ),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.append(button)
        close = QPushButton("×")
        close.setFlat(True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.find_edit, 3)
        layout.addWidget(self.replace_edit, 3)
        layout.addWidget(self.case)
        layout.addWidget(self.whole_word)
        for button in buttons:
            layout.addWidget(button)
        layout.addWidget(self.status, 1)
        layout.addWidget(close)
        self.hide()

    def open(self, replace: bool = False) -> None:
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_edit.setText(selected)
        self.show()
        (self.replace_edit if replace and self.find_edit.text() else self.find_edit).setFocus()
        self.find_edit.selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            self.editor.setFocus()
        else:
            super().keyPressEvent(event)

    def _flags(self, backward: bool = False) -> QTextDocument.FindFlag:
        flags = QTextDocument.FindFlag(0)
        if self.case.isChecked():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        if self.whole_word.isChecked():
            flags |= QTextDocument.FindFlag.FindWholeWords
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        return flags

    def _options(self) -> ReplaceOptions:
        return ReplaceOptions(
            self.find_edit.text(),
            self.replace_edit.text(),
            whole_word=self.whole_word.isChecked(),
            match_case=self.case.isChecked(),
        )

    def count_matches(self) -> int:
        """Say how many matches the chapter has."""
        if not self.find_edit.text():
            self.status.clear()
            return 0
        count = count_in(self.editor.toPlainText(), self._options())
        self.status.setText(
            self.tr("No matches")
            if count == 0
            else self.tr("{0} matches").format(count)
            if count != 1
            else self.tr("1 match")
        )
        return count

    def _recount_if_shown(self) -> None:
        if self.isVisible() and self.find_edit.text():
            self.count_matches()

    def find_next(self, backward: bool = False) -> bool:
        needle = self.find_edit.text()
        if not needle:
            return False
        if self.editor.find(needle, self._flags(backward)):
            self.count_matches()
            return True
        # Wrap around once from the other end.
        cursor = self.editor.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
        )
        self.editor.setTextCursor(cursor)
        found = self.editor.find(needle, self._flags(backward))
        if not found:
            self.status.setText(self.tr("Not found"))
        return found

    def _selection_matches(self) -> bool:
        selected = self.editor.textCursor().selectedText()
        needle = self.find_edit.text()
        if self.case.isChecked():
            return selected == needle
        return selected.casefold() == needle.casefold()  # whole words: found by find()

    def replace(self) -> bool:
        """Replace the current match, then move to the next."""
        if self.editor.isReadOnly() or not self.find_edit.text():
            return False
        if not self._selection_matches() and not self.find_next():
            return False
        self.editor.textCursor().insertText(self.replace_edit.text())
        self.find_next()
        return True

    def replace_all(self) -> int:
        """Every match replaced, as one undo step."""
        needle = self.find_edit.text()
        if self.editor.isReadOnly() or not needle:
            return 0
        document = self.editor.document()
        found = document.find(needle, 0, self._flags())
        if not found.isNull():
            self.about_to_replace_all.emit()  # the window keeps a snapshot first
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        count = 0
        while not found.isNull():
            found.insertText(self.replace_edit.text())
            count += 1
            found = document.find(needle, found.position(), self._flags())
        cursor.endEditBlock()
        self.status.setText(self.tr("{0} replaced").format(count))
        return count
