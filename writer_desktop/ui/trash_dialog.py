"""The chapter trash: deleted chapters, restored where they were or deleted for good."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.domain import Chapter

ID_ROLE = Qt.ItemDataRole.UserRole


class TrashDialog(QDialog):
    """Lists the trash; Restore and Empty trash act at once through the window's callbacks."""

    restore_requested = Signal(int)  # chapter id
    empty_requested = Signal()

    def __init__(self, chapters: list[Chapter], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Trash"))
        self.resize(520, 360)
        self.list = QListWidget()
        self.note = QLabel()
        self.restore_button = QPushButton(self.tr("Restore"))
        self.restore_button.clicked.connect(self._restore)
        self.empty_button = QPushButton(self.tr("Empty trash…"))
        self.empty_button.clicked.connect(self._empty)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.empty_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.show_chapters(chapters)

    def show_chapters(self, chapters: list[Chapter]) -> None:
        self.list.clear()
        for chapter in chapters:
            when = chapter.deleted_at.strftime("%Y-%m-%d %H:%M") if chapter.deleted_at else ""
            item = QListWidgetItem(
                self.tr("{0} — {1} words, deleted {2}").format(chapter.title, chapter.words, when)
            )
            item.setData(ID_ROLE, chapter.id)
            self.list.addItem(item)
        if chapters:
            self.list.setCurrentRow(0)
        self.note.setText(
            self.tr(
                "Deleted chapters keep their text, history and feedback until you empty the trash."
            )
            if chapters
            else self.tr("The trash is empty.")
        )
        self.restore_button.setEnabled(bool(chapters))
        self.empty_button.setEnabled(bool(chapters))

    def _restore(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.restore_requested.emit(item.data(ID_ROLE))

    def _empty(self) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Empty trash"),
            self.tr(
                "Delete the {0} chapters in the trash for good, with their history? Automatic "
                "backups still hold them for a while."
            ).format(self.list.count()),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.empty_requested.emit()
