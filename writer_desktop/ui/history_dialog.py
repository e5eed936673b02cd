"""A chapter's history: its snapshots, each compared with the text now, and restored."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.domain import Snapshot, word_count
from writer_desktop.services.revision import diff_changes_async
from writer_desktop.ui.diff_html import diff_html
from writer_desktop.ui.tasks import spawn


class HistoryDialog(QDialog):
    """Restoring keeps the text it replaces as a snapshot too: nothing is ever lost."""

    def __init__(
        self, title: str, current: str, snapshots: list[Snapshot], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("History of {0}").format(title))
        self.resize(860, 560)
        self.current = current
        self.snapshots = snapshots
        self.chosen: Snapshot | None = None
        self.comparing: asyncio.Task | None = None  # the snapshot being compared

        self.list = QListWidget()
        for snapshot in snapshots:
            stamp = snapshot.created_at.strftime("%Y-%m-%d %H:%M:%S") if snapshot.created_at else ""
            self.list.addItem(
                f"{stamp} · {snapshot.reason} · {word_count(snapshot.content):,} words"
            )
        self.list.currentRowChanged.connect(self._show)
        self.view = QTextBrowser()
        self.legend = QLabel(
            self.tr("Struck through: in the snapshot, not now. Highlighted: added since.")
        )
        self.legend.setWordWrap(True)
        restore = QPushButton(self.tr("Restore this version"))
        restore.clicked.connect(self.restore_selected)
        restore.setEnabled(bool(snapshots))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addWidget(self.view, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr("{0} earlier versions").format(len(snapshots))
                if snapshots
                else self.tr("No earlier versions yet: the app keeps one before every AI edit.")
            )
        )
        layout.addLayout(row, 1)
        layout.addWidget(self.legend)
        bottom = QHBoxLayout()
        bottom.addWidget(restore)
        bottom.addStretch()
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.finished.connect(self._stop_comparing)
        if snapshots:
            self.list.setCurrentRow(0)

    def _stop_comparing(self) -> None:
        if self.comparing is not None:
            self.comparing.cancel()
            self.comparing = None

    def _show(self, row: int) -> None:
        """Compare the chosen snapshot with the text now, off the GUI thread."""
        self._stop_comparing()
        if 0 <= row < len(self.snapshots):
            self.view.setPlainText(self.tr("Comparing…"))
            self.comparing = spawn(self._compare(self.snapshots[row].content))

    async def _compare(self, old: str) -> None:
        changes = await diff_changes_async(old, self.current)
        self.view.setHtml(diff_html(old, changes))
        self.comparing = None

    def restore_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.snapshots):
            self.chosen = self.snapshots[row]
            self.accept()
