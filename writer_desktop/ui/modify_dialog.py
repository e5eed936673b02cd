"""Modify chapter: the rewrite streams in, then each change can be accepted or rejected."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.services.revision import Change, apply_changes, diff_changes
from writer_desktop.ui.diff_html import diff_html

CONTEXT_CHARS = 30


class ModifyDialog(QDialog):
    """Emits `decided` with the text to put in place of the passage (None: rejected)."""

    decided = Signal(object)
    stop_requested = Signal()

    def __init__(self, passage: str, instruction: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Modify: {0}").format(instruction))
        self.resize(820, 640)
        self.passage = passage
        self.changes: list[Change] = []
        self.rewrite = ""

        self.status = QLabel(self.tr("Rewriting…"))
        self.stream = QPlainTextEdit()
        self.stream.setReadOnly(True)
        self.diff_view = QTextBrowser()
        self.diff_view.hide()
        self.change_list = QListWidget()
        self.change_list.hide()

        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop_requested.emit)
        self.accept_all_button = QPushButton(self.tr("Accept all"))
        self.accept_selected_button = QPushButton(self.tr("Accept checked"))
        self.reject_button = QPushButton(self.tr("Reject"))
        self.accept_all_button.clicked.connect(self.accept_all)
        self.accept_selected_button.clicked.connect(self.accept_checked)
        self.reject_button.clicked.connect(self.reject_all)
        for button in (self.accept_all_button, self.accept_selected_button):
            button.setEnabled(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.stop_button)
        buttons.addStretch()
        for button in (self.accept_all_button, self.accept_selected_button, self.reject_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.stream, 2)
        layout.addWidget(self.diff_view, 2)
        layout.addWidget(self.change_list, 1)
        layout.addLayout(buttons)

    # -- the stream ------------------------------------------------------------------------

    def add_token(self, text: str) -> None:
        self.rewrite += text
        self.stream.insertPlainText(text)

    def finish(self, text: str, cancelled: bool = False) -> None:
        """The whole rewrite is in: show it as changes to accept or reject."""
        self.stop_button.setEnabled(False)
        rewrite = text.strip()
        if not rewrite:
            self.status.setText(self.tr("The model gave no rewrite; nothing to change."))
            return
        # Keep the passage's own surrounding whitespace; only its body is rewritten.
        lead = self.passage[: len(self.passage) - len(self.passage.lstrip())]
        trail = self.passage[len(self.passage.rstrip()) :]
        self.rewrite = lead + rewrite + trail
        self.changes = diff_changes(self.passage, self.rewrite)
        self.stream.hide()
        self.diff_view.show()
        self.change_list.show()
        self.diff_view.setHtml(diff_html(self.passage, self.changes))
        for change in self.changes:
            before = self.passage[max(0, change.start - CONTEXT_CHARS) : change.start]
            item = QListWidgetItem(
                f"…{before.strip()} [{change.old.strip() or '+'}] → [{change.new.strip() or '−'}]"
            )
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.change_list.addItem(item)
        cut = self.tr(" (stopped early)") if cancelled else ""
        self.status.setText(
            self.tr("{0} changes{1}. Untick any you do not want.").format(len(self.changes), cut)
        )
        self.accept_all_button.setEnabled(bool(self.changes))
        self.accept_selected_button.setEnabled(bool(self.changes))

    def fail(self, message: str) -> None:
        self.stop_button.setEnabled(False)
        self.status.setText(self.tr("The rewrite failed: {0}").format(message))

    # -- the decision ----------------------------------------------------------------------

    def checked(self) -> set[int]:
        return {
            row
            for row in range(self.change_list.count())
            if self.change_list.item(row).checkState() == Qt.CheckState.Checked
        }

    def accept_all(self) -> None:
        self._decide({change.index for change in self.changes})

    def accept_checked(self) -> None:
        self._decide(self.checked())

    def reject_all(self) -> None:
        self.stop_requested.emit()
        self.decided.emit(None)
        self.reject()

    def _decide(self, accepted: set[int]) -> None:
        self.decided.emit(apply_changes(self.passage, self.changes, accepted))
        self.accept()
