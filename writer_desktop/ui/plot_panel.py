"""The plot panel: scenes, arcs, worldbuilding and themes, with priority and tags."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPlainTextEdit

from writer_desktop.domain import PLOT_TYPES, PRIORITIES, PlotElement
from writer_desktop.ui.bible_panel import BiblePanel

LABEL_CHARS = 48


class PlotPanel(BiblePanel):
    noun = "plot element"

    def build_form(self, form: QFormLayout) -> None:
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(self.tr("e.g. The storm at the harbour"))
        self.type_combo = QComboBox()
        self.type_combo.addItems(list(PLOT_TYPES))
        self.priority_combo = QComboBox()
        self.priority_combo.addItems(list(PRIORITIES))
        self.content_edit = QPlainTextEdit()
        self.content_edit.setTabChangesFocus(True)
        self.content_edit.setMinimumHeight(60)
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText(self.tr("comma-separated, e.g. harbour, storm"))
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Type"), self.type_combo)
        form.addRow(self.tr("Priority"), self.priority_combo)
        form.addRow(self.tr("Content"), self.content_edit)
        form.addRow(self.tr("Tags"), self.tags_edit)
        self.title_edit.textEdited.connect(self.edited)
        self.type_combo.currentTextChanged.connect(self.edited)
        self.priority_combo.currentTextChanged.connect(self.edited)
        self.content_edit.textChanged.connect(self.edited)
        self.tags_edit.textEdited.connect(self.edited)

    def show_entry(self, entry: PlotElement) -> None:
        if self.type_combo.findText(entry.type) < 0:
            self.type_combo.addItem(entry.type)
        self.type_combo.setCurrentText(entry.type)
        self.title_edit.setText(entry.title)
        self.priority_combo.setCurrentText(entry.priority)
        self.content_edit.setPlainText(entry.content)
        self.tags_edit.setText(", ".join(entry.tags))

    def read_form(self, entry: PlotElement) -> PlotElement:
        return entry.model_copy(
            update={
                "title": self.title_edit.text().strip(),
                "type": self.type_combo.currentText(),
                "priority": self.priority_combo.currentText(),
                "content": self.content_edit.toPlainText(),
                "tags": [t.strip() for t in self.tags_edit.text().split(",") if t.strip()],
            }
        )

    def load_entries(self) -> list[PlotElement]:
        return self.stories.plot_elements()

    def store_entry(self, entry: PlotElement) -> PlotElement:
        return self.stories.save_plot_element(entry)

    def remove_entry(self, entry_id: int) -> None:
        self.stories.delete_plot_element(entry_id)

    def new_entry(self) -> PlotElement:
        return PlotElement(type="scene", content="")

    def label(self, entry: PlotElement) -> str:
        first_line = entry.content.strip().splitlines()[0] if entry.content.strip() else ""
        first_line = entry.title or first_line
        if len(first_line) > LABEL_CHARS:
            first_line = first_line[: LABEL_CHARS - 1] + "…"
        return f"[{entry.type} · {entry.priority}] {first_line or self.tr('(empty)')}"
