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

from writer_desktop.services.revision import (
    Change,
    Comparison,
    apply_changes,
    compare_rewrite_async,
)
from writer_desktop.ui.diff_html import diff_html

CONTEXT_CHARS = 30
ITEM_CHARS = 80  # of a changed stretch in the list: the whole is in the view above


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ITEM_CHARS else text[: ITEM_CHARS - 1] + "…"


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
        self.comparison: Comparison | None = None
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

    async def finish(self, text: str, cancelled: bool = False, cut_off: bool = False) -> None:
        """The whole rewrite is in: compare it with the passage off the GUI thread, then show
        it as changes to accept or reject. `cancelled`: the author pressed Stop; `cut_off`:
        the model reached its length limit. Either way the rewrite covers only the start of
        the passage, and the rest stays as it is."""
        self.stop_button.setEnabled(False)
        self.rewrite = text
        if not text.strip():
            self.status.setText(self.tr("The model gave no rewrite; nothing to change."))
            return
        self.status.setText(self.tr("Comparing the rewrite with the original…"))
        comparison = await compare_rewrite_async(self.passage, text, cut_off or cancelled)
        self.show_comparison(comparison, "stopped" if cancelled else None)

    def show_comparison(self, comparison: Comparison, why: str | None = None) -> None:
        """Show a finished comparison: the marked text, and one tick per change. `why`:
        "stopped" when the author stopped the rewrite."""
        self.comparison = comparison
        self.changes = comparison.changes
        self.stop_button.setEnabled(False)
        self.stream.hide()
        self.diff_view.show()
        self.change_list.show()
        stop_note = self.tr("The model stopped here; the rest is unchanged.")
        self.diff_view.setHtml(
            diff_html(
                self.passage,
                self.changes,
                comparison.stopped_at,
                stop_note,
                comparison.unfinished,
            )
        )
        self.change_list.setUpdatesEnabled(False)
        for change in self.changes:
            before = self.passage[max(0, change.start - CONTEXT_CHARS) : change.start]
            item = QListWidgetItem(
                f"…{_short(before)} [{_short(change.old) or '+'}] → [{_short(change.new) or '−'}]"
            )
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.change_list.addItem(item)
        self.change_list.setUpdatesEnabled(True)
        count = len(self.changes)
        if why == "stopped":
            self.status.setText(
                self.tr(
                    "{0} changes (stopped early): the rest of the passage is unchanged. "
                    "Untick any you do not want."
                ).format(count)
            )
        elif comparison.cut_off:
            self.status.setText(
                self.tr(
                    "{0} changes. The model reached its length limit before the end: the rest "
                    "of the passage is unchanged. Untick any you do not want."
                ).format(count)
            )
        else:
            self.status.setText(self.tr("{0} changes. Untick any you do not want.").format(count))
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
