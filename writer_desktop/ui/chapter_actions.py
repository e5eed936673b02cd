"""ChapterActions: the binder's chapters as the author handles them. Showing one in the
editor (the text before it saved or kept), adding, renaming, reordering, moving to the
trash with an undo, and restoring from the trash."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QMessageBox

from writer_desktop.services import StoryFileError

if TYPE_CHECKING:
    from writer_desktop.ui.main_window import MainWindow


class ChapterActions(QObject):
    """Owned by the window; the one way a chapter is shown, added, renamed, reordered,
    deleted or restored."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.stories = window.stories
        self.editor = window.editor
        self.binder = window.binder
        self.saver = window.saver
        self.last_deleted: tuple[int, str] | None = None  # for Chapter > Undo delete
        self.binder.chapter_selected.connect(self.show)
        self.binder.chapter_renamed.connect(self.stories.rename_chapter)
        self.binder.order_changed.connect(self.stories.reorder_chapters)

    def show(self, chapter_id: int) -> None:
        """The chapter in the editor; the one shown before is saved first (or kept, or
        given up on, as the author chooses), else it stays."""
        window, editor, saver = self.window, self.editor, self.saver
        if chapter_id == editor.chapter_id:
            return
        shown = editor.chapter_id
        if shown is not None and not saver.can_drop(self.tr("show another chapter")):
            self.binder.select_chapter(shown, quietly=True)  # stay where the text is
            return
        if window.ai.editor_busy and not window.ai.busy_with(chapter_id):
            window.ai.abandon()
            saver.save()
        if shown is not None:
            saver.leaving_chapter()
        chapter = self.stories.chapter(chapter_id)
        editor.load_chapter(chapter_id, chapter.content, chapter.ai_ranges)
        saver.loaded()
        self.show_outline(chapter.outline)
        window.refresh_counts()
        window.ai.refresh()
        window.feedback.reload_soon()

    def show_outline(self, outline: str) -> None:
        """An outline-only chapter shows its outline on the empty page."""
        self.editor.setPlaceholderText(
            self.tr(
                "Outline: {0}\n\nWrite here, or use AI > Generate chapter. "
                "Chapter > Edit outline… changes the outline."
            ).format(outline)
            if outline
            else self.tr("Write here…")
        )

    def add(self) -> None:
        if not self.stories.is_open:
            return
        self.saver.save()
        chapter = self.stories.add_chapter()
        self.binder.add_chapter(chapter)
        self.editor.setFocus()

    def rename(self) -> None:
        chapter_id = self.binder.current_chapter_id()
        if chapter_id is None:
            return
        current = self.binder.currentItem().text()
        title, ok = QInputDialog.getText(
            self.window, self.tr("Rename chapter"), self.tr("Title:"), text=current
        )
        if ok and title.strip():
            self.binder.currentItem().setText(title.strip())

    def delete(self) -> None:
        """Move the chapter to the trash (Chapter > Undo delete, or Trash…, brings it back)."""
        window = self.window
        chapter_id = self.binder.current_chapter_id()
        if chapter_id is None:
            return
        title = self.binder.currentItem().text()
        answer = QMessageBox.question(
            window,
            self.tr("Delete chapter"),
            self.tr(
                "Move “{0}” to the trash? Its text and history stay there until you empty "
                "the trash (Chapter > Trash…)."
            ).format(title),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        if not self.saver.can_drop(self.tr("delete the chapter")):
            return
        if window.ai.busy_with(chapter_id):
            window.ai.abandon()
        try:
            self.stories.delete_chapter(chapter_id)
        except StoryFileError as exc:
            window.show_error(self.tr("Cannot delete the chapter"), str(exc))
            return
        self.editor.load_chapter(None, "")
        self.saver.loaded()
        self.binder.remove_chapter(chapter_id)
        self.last_deleted = (chapter_id, title)
        window.menus.undo_delete_action.setText(self.tr("&Undo delete “{0}”").format(title))
        window.menus.undo_delete_action.setEnabled(True)
        window.statusBar().showMessage(
            self.tr("“{0}” is in the trash. Chapter > Undo delete brings it back.").format(title),
            10000,
        )
        if self.binder.count():
            self.show(self.binder.current_chapter_id())
        window.refresh_counts()
        window.ai.refresh()

    def undo_delete(self) -> None:
        if self.last_deleted is not None:
            self.restore(self.last_deleted[0])

    def restore(self, chapter_id: int) -> None:
        """A chapter back from the trash, where it was, and shown."""
        window = self.window
        try:
            chapter = self.stories.restore_chapter(chapter_id)
        except (StoryFileError, KeyError) as exc:
            window.show_error(self.tr("Cannot restore the chapter"), str(exc))
            return
        if self.last_deleted is not None and self.last_deleted[0] == chapter_id:
            self.last_deleted = None
            window.menus.undo_delete_action.setText(self.tr("&Undo delete chapter"))
            window.menus.undo_delete_action.setEnabled(False)
        self.binder.set_chapters(self.stories.chapters())
        assert chapter.id is not None
        self.binder.select_chapter(chapter.id)
        window.refresh_counts()
        window.statusBar().showMessage(self.tr("Restored “{0}”.").format(chapter.title), 6000)
