"""Restore from backup: the story's automatic backups, newest first, one opened as a copy."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.domain import BackupInfo

INDEX_ROLE = Qt.ItemDataRole.UserRole


class BackupsDialog(QDialog):
    """Pick a backup; accepting leaves it in `chosen` for the window to open as a copy."""

    def __init__(self, backups: list[BackupInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Restore from backup"))
        self.resize(560, 380)
        self.backups = backups
        self.chosen: BackupInfo | None = None
        self.list = QListWidget()
        for index, backup in enumerate(backups):
            text = (
                self.tr("{0} — {1} chapters, {2} words").format(
                    backup.created.strftime("%Y-%m-%d %H:%M"),
                    backup.chapters,
                    f"{backup.words:,}",
                )
                if backup.readable
                else self.tr("{0} — cannot be read").format(
                    backup.created.strftime("%Y-%m-%d %H:%M")
                )
            )
            item = QListWidgetItem(text)
            item.setData(INDEX_ROLE, index)
            if not backup.readable:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
        if backups:
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        note = QLabel(
            self.tr(
                "Backups are made every few minutes while you write and when you close the "
                "story. The one you choose opens as a new file; this story is not changed."
            )
            if backups
            else self.tr("There are no backups of this story yet.")
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setText(
            self.tr("Open as a copy…")
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(bool(backups))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen = self.backups[item.data(INDEX_ROLE)]
        super().accept()
