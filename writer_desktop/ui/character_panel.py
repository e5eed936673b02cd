"""The character panel: the story's people, each with role, bio, goals, state and traits."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QMenu, QPlainTextEdit

from writer_desktop.domain import Character
from writer_desktop.ui.bible_panel import BiblePanel


def _text_box(height: int = 40) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    return box


class CharacterPanel(BiblePanel):
    noun = "character"
    rename_requested = Signal()  # Rename character…: everywhere in the story

    def build_form(self, form: QFormLayout) -> None:
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.name_edit = QLineEdit()
        self.role_edit = QLineEdit()
        self.bio_edit = _text_box(60)
        self.goals_edit = _text_box()
        self.state_edit = _text_box()
        self.traits_edit = QLineEdit()
        self.traits_edit.setPlaceholderText(self.tr("comma-separated, e.g. stubborn, kind"))
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Role"), self.role_edit)
        form.addRow(self.tr("Bio"), self.bio_edit)
        form.addRow(self.tr("Goals"), self.goals_edit)
        form.addRow(self.tr("Current state"), self.state_edit)
        form.addRow(self.tr("Traits"), self.traits_edit)
        for line in (self.name_edit, self.role_edit, self.traits_edit):
            line.textEdited.connect(self.edited)
        for box in (self.bio_edit, self.goals_edit, self.state_edit):
            box.textChanged.connect(self.edited)

    def _context_menu(self, position: QPoint) -> None:
        if self.list.itemAt(position) is None:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Rename character everywhere…"), self.rename_requested.emit)
        menu.exec(self.list.viewport().mapToGlobal(position))

    def show_entry(self, entry: Character) -> None:
        self.name_edit.setText(entry.name)
        self.role_edit.setText(entry.role)
        self.bio_edit.setPlainText(entry.bio)
        self.goals_edit.setPlainText(entry.goals)
        self.state_edit.setPlainText(entry.current_state)
        self.traits_edit.setText(", ".join(entry.traits))

    def read_form(self, entry: Character) -> Character:
        return entry.model_copy(
            update={
                "name": self.name_edit.text().strip() or entry.name,
                "role": self.role_edit.text().strip(),
                "bio": self.bio_edit.toPlainText(),
                "goals": self.goals_edit.toPlainText(),
                "current_state": self.state_edit.toPlainText(),
                "traits": [t.strip() for t in self.traits_edit.text().split(",") if t.strip()],
            }
        )

    def load_entries(self) -> list[Character]:
        return self.stories.characters()

    def store_entry(self, entry: Character) -> Character:
        return self.stories.save_character(entry)

    def remove_entry(self, entry_id: int) -> None:
        self.stories.delete_character(entry_id)

    def new_entry(self) -> Character:
        return Character(name=self.tr("New character"))

    def label(self, entry: Character) -> str:
        return f"{entry.name} — {entry.role}" if entry.role else entry.name
