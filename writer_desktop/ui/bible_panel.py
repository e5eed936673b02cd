"""The shared shape of the story-bible panels: a list of entries beside a form for one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.services import StoryService

ID_ROLE = Qt.ItemDataRole.UserRole
SAVE_DELAY_MS = 400


class BiblePanel(QWidget):
    """Edits go to the story file a moment after the author stops typing."""

    entries_changed = Signal()
    noun = "entry"

    def __init__(self, stories: StoryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stories = stories
        self._entries: dict[int, Any] = {}
        self._current_id: int | None = None
        self._loading = False

        self.list = QListWidget()
        self.list.currentItemChanged.connect(self._on_select)
        self.add_button = QPushButton(self.tr("Add"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.add_button.clicked.connect(self.add_entry)
        self.delete_button.clicked.connect(self.delete_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch()

        self.form_widget = QWidget()
        self.form = QFormLayout(self.form_widget)
        self.build_form(self.form)

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.form_widget, 2)

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_current)
        self._set_form_enabled(False)

    # -- for subclasses --------------------------------------------------------------------

    def build_form(self, form: QFormLayout) -> None:
        raise NotImplementedError

    def show_entry(self, entry: Any) -> None:
        raise NotImplementedError

    def read_form(self, entry: Any) -> Any:
        raise NotImplementedError

    def load_entries(self) -> list[Any]:
        raise NotImplementedError

    def store_entry(self, entry: Any) -> Any:
        raise NotImplementedError

    def remove_entry(self, entry_id: int) -> None:
        raise NotImplementedError

    def new_entry(self) -> Any:
        raise NotImplementedError

    def label(self, entry: Any) -> str:
        raise NotImplementedError

    def edited(self) -> None:
        """Connect every form field's change signal here."""
        if not self._loading and self._current_id is not None:
            self._save_timer.start()

    # -- behaviour -------------------------------------------------------------------------

    def reload(self) -> None:
        self._save_timer.stop()
        self._loading = True
        self.list.clear()
        self._entries = {}
        self._current_id = None
        if self.stories.is_open:
            for entry in self.load_entries():
                self._entries[entry.id] = entry
                self._append(entry)
        self._loading = False
        self._set_form_enabled(False)
        self.add_button.setEnabled(self.stories.is_open)
        if self.list.count():
            self.list.setCurrentRow(0)

    def add_entry(self) -> None:
        self.save_current()
        entry = self.store_entry(self.new_entry())
        self._entries[entry.id] = entry
        item = self._append(entry)
        self.list.setCurrentItem(item)
        self.entries_changed.emit()

    def delete_current(self) -> None:
        if self._current_id is None:
            return
        entry = self._entries[self._current_id]
        answer = QMessageBox.question(
            self,
            self.tr("Delete"),
            self.tr("Delete the {0} “{1}”?").format(self.noun, self.label(entry)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._save_timer.stop()
        self.remove_entry(self._current_id)
        del self._entries[self._current_id]
        self._current_id = None
        self.list.takeItem(self.list.currentRow())
        if not self.list.count():
            self._set_form_enabled(False)
        self.entries_changed.emit()

    def current_entry(self) -> Any:
        return self._entries.get(self._current_id) if self._current_id is not None else None

    def replace_current(self, entry: Any) -> None:
        """Store an entry edited elsewhere (an accepted AI proposal) and show it."""
        saved = self.store_entry(entry)
        self._entries[saved.id] = saved
        if saved.id == self._current_id:
            self._loading = True
            self.show_entry(saved)
            self._loading = False
            item = self.list.currentItem()
            if item is not None:
                item.setText(self.label(saved))
        self.entries_changed.emit()

    def save_current(self) -> None:
        self._save_timer.stop()
        if self._current_id is None or self._loading:
            return
        entry = self.read_form(self._entries[self._current_id])
        saved = self.store_entry(entry)
        self._entries[saved.id] = saved
        item = self.list.currentItem()
        if item is not None and item.data(ID_ROLE) == saved.id:
            item.setText(self.label(saved))
        self.entries_changed.emit()

    def _append(self, entry: Any) -> QListWidgetItem:
        item = QListWidgetItem(self.label(entry))
        item.setData(ID_ROLE, entry.id)
        self.list.addItem(item)
        return item

    def _on_select(self, current: QListWidgetItem | None, _previous: object) -> None:
        if self._loading:
            return
        self.save_current()
        if current is None:
            self._current_id = None
            self._set_form_enabled(False)
            return
        self._current_id = current.data(ID_ROLE)
        self._loading = True
        self.show_entry(self._entries[self._current_id])
        self._loading = False
        self._set_form_enabled(True)

    def _set_form_enabled(self, enabled: bool) -> None:
        self.form_widget.setEnabled(enabled)
        self.delete_button.setEnabled(enabled)
