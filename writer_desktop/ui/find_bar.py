"""Find and replace in the chapter: a bar under the editor (Ctrl+F, Ctrl+H, Esc)."""

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


class FindBar(QWidget):
    """Find and replace in the chapter; Replace All is one undo step."""

    about_to_replace_all = Signal()

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText(self.tr("Find"))
        self.find_edit.returnPressed.connect(lambda: self.find_next())
        self.replace_edit = QLineEdit()
        self.replace_edit.setPlaceholderText(self.tr("Replace with"))
        self.case = QCheckBox(self.tr("Match case"))
        self.status = QLabel()
        buttons = []
        for text, slot in (
            (self.tr("Next"), lambda: self.find_next()),
            (self.tr("Previous"), lambda: self.find_next(backward=True)),
            (self.tr("Replace"), lambda: self.replace()),
            (self.tr("Replace all"), lambda: self.replace_all()),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.append(button)
        close = QPushButton("×")
        close.setFlat(True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.find_edit, 2)
        layout.addWidget(self.replace_edit, 2)
        layout.addWidget(self.case)
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
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        return flags

    def find_next(self, backward: bool = False) -> bool:
        needle = self.find_edit.text()
        if not needle:
            return False
        if self.editor.find(needle, self._flags(backward)):
            self.status.clear()
            return True
        # Wrap around once from the other end.
        cursor = self.editor.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
        )
        self.editor.setTextCursor(cursor)
        found = self.editor.find(needle, self._flags(backward))
        self.status.setText("" if found else self.tr("Not found"))
        return found

    def _selection_matches(self) -> bool:
        selected = self.editor.textCursor().selectedText()
        needle = self.find_edit.text()
        if self.case.isChecked():
            return selected == needle
        return selected.casefold() == needle.casefold()

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
