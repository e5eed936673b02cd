"""Find and replace in the whole story: the chapters and the story bible, with a count of
matches as you type, whole-word and case options, each change previewed as in the Modify
dialog, and the replacement done (and undone) as one step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
)

from writer_desktop.services import StoryFileError
from writer_desktop.services.replace import (
    ReplaceOptions,
    ReplacePlan,
    ReplaceService,
    changes_in,
)
from writer_desktop.ui.diff_html import diff_html

if TYPE_CHECKING:
    from writer_desktop.ui.main_window import MainWindow

COUNT_DELAY_MS = 250
PLACE_ROLE = Qt.ItemDataRole.UserRole


class ProjectReplaceDialog(QDialog):
    """Emits `replaced` with the chapter ids changed (the window shows them again)."""

    replaced = Signal(list)

    def __init__(self, service: ReplaceService, window: MainWindow) -> None:
        super().__init__(window)
        self.service = service
        self.window = window
        self.plan: ReplacePlan | None = None
        self.setWindowTitle(self.tr("Find and replace in the whole story"))
        self.resize(980, 620)
        self._timer = QTimer(self)  # counting waits for a pause in the typing
        self._timer.setSingleShot(True)
        self._timer.setInterval(COUNT_DELAY_MS)
        self._timer.timeout.connect(self.refresh)

        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText(self.tr("Text to find"))
        self.replace_edit = QLineEdit()
        self.replace_edit.setPlaceholderText(self.tr("Replace with"))
        for edit in (self.find_edit, self.replace_edit):
            edit.setMinimumWidth(360)
            edit.textChanged.connect(self._schedule_count)
        self.whole_word = QCheckBox(self.tr("Whole words only"))
        self.match_case = QCheckBox(self.tr("Match case"))
        self.in_chapters = QCheckBox(self.tr("Chapters"))
        self.in_bible = QCheckBox(self.tr("Story bible (characters and plot)"))
        for box in (self.whole_word, self.match_case, self.in_chapters, self.in_bible):
            box.toggled.connect(self._schedule_count)
        self.in_chapters.setChecked(True)
        self.in_bible.setChecked(True)
        options = QHBoxLayout()
        for box in (self.whole_word, self.match_case):
            options.addWidget(box)
        options.addSpacing(24)
        options.addWidget(QLabel(self.tr("Look in:")))
        for box in (self.in_chapters, self.in_bible):
            options.addWidget(box)
        options.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Find"), self.find_edit)
        form.addRow(self.tr("Replace with"), self.replace_edit)
        form.addRow("", options)

        self.count_label = QLabel(self.tr("Type what to find."))
        self.places = QListWidget()
        self.places.currentItemChanged.connect(self._show_place)
        self.preview = QTextBrowser()
        self.preview.setPlaceholderText(self.tr("Choose a place to see its changes."))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.places)
        splitter.addWidget(self.preview)
        splitter.setSizes([300, 680])

        self.replace_button = QPushButton(self.tr("Replace all"))
        self.replace_button.setEnabled(False)
        self.replace_button.clicked.connect(self.replace_all)
        self.undo_button = QPushButton(self.tr("Undo the replacement"))
        self.undo_button.clicked.connect(self.undo)
        self.undo_button.setEnabled(service.can_undo())
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.replace_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    def options(self) -> ReplaceOptions:
        return ReplaceOptions(
            find=self.find_edit.text(),
            replace=self.replace_edit.text(),
            whole_word=self.whole_word.isChecked(),
            match_case=self.match_case.isChecked(),
            chapters=self.in_chapters.isChecked(),
            bible=self.in_bible.isChecked(),
        )

    def _schedule_count(self) -> None:
        self._timer.start()

    def refresh(self) -> ReplacePlan:
        """Count the matches and list the places (the editor's text is saved first, so
        what is counted is what is on screen)."""
        self._timer.stop()
        self.window.saver.save()
        self.window.characters.save_current()
        self.window.plot.save_current()
        self.plan = self.service.plan(self.options())
        self.places.clear()
        for index, place in enumerate(self.plan.places):
            where = self.tr("Chapter") if place.kind == "chapter" else self.tr("Bible")
            item = QListWidgetItem(
                self.tr("{0}: {1} — {2}").format(where, place.label, place.matches)
            )
            item.setData(PLACE_ROLE, index)
            self.places.addItem(item)
        if not self.find_edit.text():
            self.count_label.setText(self.tr("Type what to find."))
        else:
            self.count_label.setText(self.tr(self.plan.summary()))
        self.replace_button.setEnabled(bool(self.plan.places))
        if self.places.count():
            self.places.setCurrentRow(0)
        else:
            self.preview.clear()
        return self.plan

    def _show_place(self, item: QListWidgetItem | None) -> None:
        if item is None or self.plan is None:
            self.preview.clear()
            return
        place = self.plan.places[item.data(PLACE_ROLE)]
        changes = changes_in(place.before, self.plan.options)
        self.preview.setHtml(diff_html(place.before, changes))
        first = self.preview.document().find(changes[0].old) if changes else None
        if first is not None and not first.isNull():
            self.preview.setTextCursor(first)
            self.preview.ensureCursorVisible()

    def replace_all(self) -> bool:
        """Replace everywhere listed, as one step (snapshots of each chapter first)."""
        if not self.window.saver.can_drop(self.tr("replace in the whole story")):
            return False  # the editor's text could not be saved: never write over it
        plan = self.refresh()
        if not plan.places:
            return False
        try:
            self.service.apply(plan)
        except StoryFileError as exc:
            self.window.show_error(self.tr("The replacement was not made"), str(exc))
            return False
        self.replaced.emit(plan.chapter_ids)
        self.window.statusBar().showMessage(
            self.tr("Replaced: {0} Edit > Undo replace in story puts it back.").format(
                self.tr(plan.summary())
            ),
            10000,
        )
        self.count_label.setText(self.tr("Done. {0}").format(self.tr(plan.summary())))
        self.undo_button.setEnabled(True)
        self.replace_button.setEnabled(False)
        self.places.clear()
        self.preview.clear()
        return True

    def undo(self) -> None:
        put_back = self.service.undo()
        self.replaced.emit([p.id for p in put_back if p.kind == "chapter"])
        self.undo_button.setEnabled(False)
        self.count_label.setText(self.tr("The replacement was undone."))
