"""The story-wide editing actions: Find and replace in story, its one-step undo, and
Rename character (manuscript and bible together). Owns its actions and dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMessageBox

from writer_desktop.services import StoryFileError
from writer_desktop.services.replace import ReplaceService
from writer_desktop.ui.project_replace_dialog import ProjectReplaceDialog

if TYPE_CHECKING:
    from writer_desktop.ui.main_window import MainWindow


class ReplaceActions(QObject):
    """Edit > Find and replace in story…, Undo replace in story, Rename character…"""

    def __init__(self, service: ReplaceService, window: MainWindow) -> None:
        super().__init__(window)
        self.service = service
        self.window = window
        self.dialog: ProjectReplaceDialog | None = None
        self.find_action = QAction(self.tr("Find and replace in &story…"), window)
        self.find_action.setShortcut(QKeySequence("Ctrl+Shift+J"))
        self.find_action.setToolTip(self.tr("Every chapter and the story bible at once"))
        self.find_action.triggered.connect(lambda: self.open_dialog())
        self.undo_action = QAction(self.tr("Undo replace in story"), window)
        self.undo_action.setEnabled(False)
        self.undo_action.triggered.connect(self.undo)
        self.rename_action = QAction(self.tr("Rename &character…"), window)
        self.rename_action.setToolTip(
            self.tr("A new name in every chapter and the story bible, as one step")
        )
        self.rename_action.triggered.connect(lambda: self.ask_rename())
        window.characters.rename_requested.connect(lambda: self.ask_rename())

    def actions(self) -> list[QAction]:
        return [self.find_action, self.undo_action, self.rename_action]

    def open_dialog(self, find: str = "") -> ProjectReplaceDialog | None:
        if not self.window.stories.is_open:
            return None
        if self.dialog is None:
            self.dialog = ProjectReplaceDialog(self.service, self.window)
            self.dialog.replaced.connect(self.show_changes)
        selected = self.window.editor.textCursor().selectedText()
        if find or (selected and "\u2029" not in selected):
            self.dialog.find_edit.setText(find or selected)
        self.dialog.undo_button.setEnabled(self.service.can_undo())
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def show_changes(self, chapter_ids: list[int]) -> None:
        """What the replacement (or its undo) changed, shown again: the chapter in the
        editor, the bible, the counts."""
        window = self.window
        editor = window.editor
        if editor.chapter_id is not None and editor.chapter_id in chapter_ids:
            chapter = window.stories.chapter(editor.chapter_id)
            editor.load_chapter(editor.chapter_id, chapter.content, chapter.ai_ranges)
            window.saver.loaded()
        window.characters.reload()
        window.plot.reload()
        window.refresh_counts()
        window.feedback.check_stale()
        self.undo_action.setEnabled(self.service.can_undo())

    def undo(self) -> None:
        put_back = self.service.undo()
        self.show_changes([p.id for p in put_back if p.kind == "chapter"])
        self.window.statusBar().showMessage(
            self.tr("The replacement in the story was undone."), 6000
        )

    def ask_rename(self, new_name: str | None = None) -> bool:
        """Rename the selected character everywhere, after saying how many places change."""
        window = self.window
        window.characters.save_current()
        character = window.characters.current_entry()
        if character is None:
            window.statusBar().showMessage(self.tr("Select a character first."), 5000)
            return False
        if new_name is None:
            new_name, ok = QInputDialog.getText(
                window,
                self.tr("Rename character"),
                self.tr("New name for {0} (in every chapter and the story bible):").format(
                    character.name
                ),
                text=character.name,
            )
            if not ok:
                return False
        new_name = new_name.strip()
        if not new_name or new_name == character.name:
            return False
        if not window.saver.can_drop(self.tr("rename a character")):
            return False  # the editor's text could not be saved: never write over it
        plan = self.service.rename_plan(character, new_name)
        answer = QMessageBox.question(
            window,
            self.tr("Rename character"),
            self.tr(
                "Rename {0} to {1}? {2} A snapshot of each chapter is kept, and Edit > "
                "Undo replace in story puts it all back."
            ).format(character.name, new_name, self.tr(plan.summary())),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            step = self.service.rename_character(character, new_name)
        except StoryFileError as exc:
            window.show_error(self.tr("The character was not renamed"), str(exc))
            return False
        self.show_changes(step.plan.chapter_ids)
        window.statusBar().showMessage(
            self.tr("Renamed {0} to {1}.").format(character.name, new_name), 8000
        )
        return True
