"""The import preview: the chapters found in a manuscript, to adjust before importing;
the author can choose how the book is split, and count and titles follow live."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.services import ImportedChapter, ImportPreview
from writer_desktop.services.manuscript_service import SplitRule

Splitter = Callable[[ImportPreview, SplitRule], list[ImportedChapter]]

PREVIEW_CHARS = 90


class ImportDialog(QDialog):
    """The chapters found in a manuscript: tick, rename, merge, or split another way."""

    def __init__(
        self,
        preview: ImportPreview,
        story_open: bool,
        parent: QWidget | None = None,
        splitter: Splitter | None = None,
        options: list[tuple[SplitRule, str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import {0}").format(preview.path.name))
        self.resize(760, 520)
        self.preview = preview
        self.splitter = splitter
        self.chapters = [c.copy() for c in preview.chapters]  # counted already

        self.split_choice = QComboBox()
        for rule, label in options or []:
            self.split_choice.addItem(self.tr(label), rule)
        self.split_choice.addItem(self.tr("Lines matching my pattern"), "pattern")
        self.pattern = QLineEdit()
        self.pattern.setPlaceholderText(self.tr("e.g. ^Scene \\d+"))
        self.pattern.setEnabled(False)
        self.split_error = QLabel()
        self.split_choice.currentIndexChanged.connect(self._on_split_changed)
        self.pattern.textChanged.connect(self._on_split_changed)
        split_row = QHBoxLayout()
        split_row.addWidget(QLabel(self.tr("Split into chapters by:")))
        split_row.addWidget(self.split_choice, 1)
        split_row.addWidget(self.pattern, 1)

        self.summary = QLabel()
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Chapter title"), self.tr("Words"), self.tr("Begins")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemChanged.connect(self._on_item_changed)
        merge = QPushButton(self.tr("Merge into the chapter above"))
        merge.clicked.connect(self.merge_selected)
        self.new_story = QRadioButton(self.tr("As a new story"))
        self.current_story = QRadioButton(self.tr("Into the open story (appended)"))
        self.current_story.setEnabled(story_open)
        (self.current_story if story_open else self.new_story).setChecked(True)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Import"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(merge)
        row.addStretch()
        row.addWidget(self.new_story)
        row.addWidget(self.current_story)
        layout = QVBoxLayout(self)
        if splitter is not None:
            layout.addLayout(split_row)
            layout.addWidget(self.split_error)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(
            QLabel(self.tr("Untick a chapter to leave it out; edit a title by double-clicking it."))
        )
        layout.addLayout(row)
        layout.addWidget(buttons)
        self._fill()

    def choose_split(self, rule: SplitRule) -> None:
        """Split the manuscript by rule and show the result (the author's choice)."""
        if self.splitter is None:
            return
        try:
            chapters = self.splitter(self.preview, rule)
        except ValueError as exc:
            self.split_error.setText(str(exc))
            return
        self.split_error.setText("")
        self.chapters = [ImportedChapter(c.title, c.content, c.include) for c in chapters]
        self._fill()

    def _on_split_changed(self, *_args) -> None:
        data = self.split_choice.currentData()
        self.pattern.setEnabled(data == "pattern")
        if data == "pattern":
            if self.pattern.text().strip():
                self.choose_split(SplitRule("pattern", pattern=self.pattern.text()))
        elif isinstance(data, SplitRule):
            self.choose_split(data)

    def _fill(self) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.chapters))
        for row, chapter in enumerate(self.chapters):
            title = QTableWidgetItem(chapter.title)
            title.setFlags(title.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            title.setCheckState(
                Qt.CheckState.Checked if chapter.include else Qt.CheckState.Unchecked
            )
            words = QTableWidgetItem(f"{chapter.words:,}")
            opening = chapter.content[: PREVIEW_CHARS * 4]  # not the whole chapter's words
            begins = QTableWidgetItem(" ".join(opening.split())[:PREVIEW_CHARS])
            for item in (words, begins):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, title)
            self.table.setItem(row, 1, words)
            self.table.setItem(row, 2, begins)
        self.table.resizeColumnToContents(0)
        self.table.blockSignals(False)
        self._update_summary()

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 0:
            self.chapters[item.row()].title = item.text().strip() or self.chapters[item.row()].title
            self._update_summary()

    def _update_summary(self) -> None:
        chosen = self.selected_chapters()
        self.summary.setText(
            self.tr("{0} of {1} chapters, {2} words").format(
                len(chosen), len(self.chapters), f"{sum(c.words for c in chosen):,}"
            )
        )

    def merge_selected(self) -> None:
        row = self.table.currentRow()
        if row <= 0:
            return
        above, this = self.chapters[row - 1], self.chapters.pop(row)
        above.content = f"{above.content}\n\n{this.content}"
        self._fill()
        self.table.selectRow(row - 1)

    def selected_chapters(self) -> list[ImportedChapter]:
        return [
            chapter
            for row, chapter in enumerate(self.chapters)
            if self.table.item(row, 0) is None
            or self.table.item(row, 0).checkState() == Qt.CheckState.Checked
        ]

    @property
    def into_current(self) -> bool:
        return self.current_story.isChecked()
