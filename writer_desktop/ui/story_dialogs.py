"""StoryDialogs: the main window's file dialogs (new, open, save as, recent files), the
settings dialog and the chapter history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox

from writer_desktop.services import RecoveredText, StoryFileError
from writer_desktop.ui.tasks import spawn

if TYPE_CHECKING:
    from writer_desktop.ui.history_dialog import HistoryDialog
    from writer_desktop.ui.main_window import MainWindow

STORY_FILTER = "Writer Assistant stories (*.wstory);;All files (*)"


class StoryDialogs(QObject):
    """Asks the author for a file or a choice, then tells the window what to do."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.history_dialog: HistoryDialog | None = None

    def new_story(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("New story"), str(Path.home()), STORY_FILTER
        )
        if path:
            self.window.new_story(Path(path))

    def open_story(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Open story"), str(Path.home()), STORY_FILTER
        )
        if path:
            spawn(self.window.open_story_async(Path(path)))

    def save_as(self) -> None:
        window = self.window
        if not window.stories.is_open:
            return
        path, _ = QFileDialog.getSaveFileName(
            window, self.tr("Save story as"), str(Path.home()), STORY_FILTER
        )
        if path and window.saver.can_drop(self.tr("save the story as another file")):
            window.ai.abandon()
            try:
                window.stories.save_as(Path(path))
            except (OSError, StoryFileError) as exc:
                window.show_error(self.tr("Cannot save the story"), str(exc))
            window.reload_story()

    def ask_unsaved(self, doing: str, reason: str) -> str:
        """The chapter could not be saved: "retry", "copy" (save the text elsewhere),
        "discard" or "cancel" (stay, keep the text in the editor)."""
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("The chapter is not saved"))
        box.setText(self.tr("The chapter could not be saved, so you cannot {0} yet.").format(doing))
        box.setInformativeText(
            self.tr(
                "{0}\n\nFree some disk space or check the folder, then Retry; or keep the "
                "text as a separate file."
            ).format(reason)
        )
        retry = box.addButton(self.tr("Retry"), QMessageBox.ButtonRole.AcceptRole)
        copy = box.addButton(self.tr("Save a copy as .txt…"), QMessageBox.ButtonRole.ActionRole)
        discard = box.addButton(self.tr("Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(retry)
        box.exec()
        return {retry: "retry", copy: "copy", discard: "discard", cancel: "cancel"}.get(
            box.clickedButton(), "cancel"
        )

    def ask_restore(self, item: RecoveredText) -> bool:
        """Offer back text kept after a crash."""
        story = item.story.name if item.story else self.tr("no story")
        answer = QMessageBox.question(
            self.window,
            self.tr("Restore unsaved text?"),
            self.tr(
                "When Writer Assistant closed unexpectedly on {0}, “{1}” of {2} had {3} words "
                "that were not saved. Add them to the story as a new chapter?"
            ).format(item.kept_at, item.chapter_title, story, item.words),
        )
        return answer == QMessageBox.StandardButton.Yes

    def save_text_copy(self, title: str, text: str) -> bool:
        """Write the chapter's text to a .txt file the author picks; True once written."""
        suggested = str(Path.home() / f"{title or 'chapter'}.txt")
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Save a copy of the chapter"), suggested, "Text (*.txt)"
        )
        if not path:
            return False
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            QMessageBox.warning(self.window, self.tr("Cannot save the copy"), str(exc))
            return False
        return True

    def trash(self) -> None:
        """The chapter trash: restore a chapter where it was, or empty the trash."""
        from writer_desktop.ui.trash_dialog import TrashDialog

        window = self.window
        if not window.stories.is_open:
            return
        dialog = TrashDialog(window.stories.trash(), window)
        self.trash_dialog = dialog

        def restore(chapter_id: int) -> None:
            window.chapter_actions.restore(chapter_id)
            dialog.show_chapters(window.stories.trash())

        def empty() -> None:
            try:
                removed = window.stories.empty_trash()
            except StoryFileError as exc:
                window.show_error(self.tr("Cannot empty the trash"), str(exc))
                return
            dialog.show_chapters(window.stories.trash())
            window.statusBar().showMessage(
                self.tr("{0} chapters deleted for good.").format(len(removed)), 8000
            )

        dialog.restore_requested.connect(restore)
        dialog.empty_requested.connect(empty)
        dialog.open()

    def restore_backup(self) -> None:
        """File > Restore from backup…: a backup opens as a new story file."""
        from writer_desktop.ui.backups_dialog import BackupsDialog

        window = self.window
        if not window.stories.is_open or window.stories.path is None:
            return
        story = window.stories.path
        dialog = BackupsDialog(window.core.backups.backups(story), window)
        self.backups_dialog = dialog

        def restore() -> None:
            chosen = dialog.chosen
            if chosen is None:
                return
            suggested = story.with_name(
                f"{story.stem} (backup {chosen.created:%Y-%m-%d %H%M}).wstory"
            )
            path, _ = QFileDialog.getSaveFileName(
                window, self.tr("Save the backup as"), str(suggested), STORY_FILTER
            )
            if not path:
                return
            try:
                written = window.core.backups.restore_as_copy(chosen, Path(path))
            except (OSError, StoryFileError) as exc:
                window.show_error(self.tr("Cannot restore the backup"), str(exc))
                return
            window.open_story(written)

        dialog.accepted.connect(restore)
        dialog.open()

    def ask_read_only(self, message: str) -> bool:
        """The story is open elsewhere: open it read-only instead?"""
        answer = QMessageBox.question(
            self.window,
            self.tr("The story is open elsewhere"),
            self.tr("{0}\n\nOpen it read-only? You can read and copy, but not change it.").format(
                message
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        for path in self.window.stories.recent.paths():
            action = menu.addAction(str(path))
            action.triggered.connect(lambda _=False, p=path: spawn(self.window.open_story_async(p)))
        menu.setEnabled(bool(menu.actions()))

    def open_settings(self) -> None:
        from writer_desktop.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.window.paths.settings_file, self.window)
        if dialog.exec():
            self.window.statusBar().showMessage(
                self.tr("Settings saved. Model settings apply the next time the app starts."),
                8000,
            )

    def chapter_history(self) -> None:
        """Compare the chapter with its snapshots; restoring is one undo step, and the text
        it replaces is kept as a snapshot first."""
        from writer_desktop.ui.history_dialog import HistoryDialog

        window = self.window
        editor = window.editor
        chapter_id = editor.chapter_id
        if chapter_id is None or editor.ai_insertion_active:
            return
        window.saver.save()
        current = editor.chapter_text()
        item = window.binder.currentItem()
        title = item.text() if item else ""
        dialog = HistoryDialog(title, current, window.stories.snapshots(chapter_id), window)
        self.history_dialog = dialog

        def restore() -> None:
            if dialog.chosen is None or editor.chapter_id != chapter_id:
                return
            window.stories.snapshot_chapter(chapter_id, current, "before restoring a snapshot")
            editor.replace_chapter_text(dialog.chosen.content)
            window.saver.save()
            window.statusBar().showMessage(
                self.tr("Restored the version of {0}.").format(dialog.chosen.created_at), 8000
            )

        dialog.accepted.connect(restore)
        dialog.open()

    def disclosure_report(self) -> None:
        """File > Who wrote what…: the AI-written passages, chapter by chapter."""
        from writer_desktop.ui.disclosure_dialog import DisclosureDialog

        window = self.window
        if not window.stories.is_open:
            return
        window.saver.save()  # the report counts what is on the page
        dialog = DisclosureDialog(
            window.stories.title(), window.stories.disclosure_report(), window
        )
        self.disclosure_dialog = dialog
        dialog.open()

    def edit_outline(self) -> None:
        """Chapter > Edit outline…: the plan of the chapter, written or changed by hand."""
        window = self.window
        chapter_id = window.binder.current_chapter_id()
        if chapter_id is None or window.stories.read_only:
            return
        chapter = window.stories.chapter(chapter_id)
        outline, ok = QInputDialog.getMultiLineText(
            window,
            self.tr("Outline of “{0}”").format(chapter.title),
            self.tr("What happens in this chapter:"),
            chapter.outline,
        )
        if not ok:
            return
        try:
            window.stories.set_outline(chapter_id, outline.strip())
        except StoryFileError as exc:
            window.show_error(self.tr("Cannot save the outline"), str(exc))
            return
        if window.editor.chapter_id == chapter_id:
            window.chapter_actions.show_outline(outline.strip())
        item = window.binder.currentItem()
        if item is not None:
            item.setToolTip(self.tr("Outline: {0}").format(outline.strip()) if outline else "")
