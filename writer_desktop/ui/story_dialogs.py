"""The file dialogs of the main window: new, open, save as, recent files, settings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from writer_desktop.storage import StoryFileError

if TYPE_CHECKING:
    from writer_desktop.ui.main_window import MainWindow

STORY_FILTER = "Writer Assistant stories (*.wstory);;All files (*)"


def new_story_dialog(window: MainWindow) -> None:
    path, _ = QFileDialog.getSaveFileName(
        window, window.tr("New story"), str(Path.home()), STORY_FILTER
    )
    if path:
        window.new_story(Path(path))


def open_story_dialog(window: MainWindow) -> None:
    path, _ = QFileDialog.getOpenFileName(
        window, window.tr("Open story"), str(Path.home()), STORY_FILTER
    )
    if path:
        window.open_story(Path(path))


def save_as_dialog(window: MainWindow) -> None:
    if not window.stories.is_open:
        return
    path, _ = QFileDialog.getSaveFileName(
        window, window.tr("Save story as"), str(Path.home()), STORY_FILTER
    )
    if path:
        window.save_current_chapter()
        try:
            window.stories.save_as(Path(path))
        except (OSError, StoryFileError) as exc:
            window._error(window.tr("Cannot save the story"), str(exc))
        window.reload_story()


def fill_recent_menu(window: MainWindow) -> None:
    window.recent_menu.clear()
    for path in window.stories.recent.paths():
        action = window.recent_menu.addAction(str(path))
        action.triggered.connect(lambda _=False, p=path: window.open_story(p))
    window.recent_menu.setEnabled(bool(window.recent_menu.actions()))


def open_settings(window: MainWindow) -> None:
    from writer_desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.paths.settings_file, window)
    if dialog.exec():
        window.statusBar().showMessage(
            window.tr("Settings saved. Model settings apply the next time the app starts."), 8000
        )


def chapter_history(window: MainWindow) -> None:
    """Compare the chapter with its snapshots; restoring is one undo step, and the text it
    replaces is kept as a snapshot first."""
    from writer_desktop.ui.history_dialog import HistoryDialog

    chapter_id = window.editor.chapter_id
    if chapter_id is None or window.editor.ai_insertion_active:
        return
    window.save_current_chapter()
    current = window.editor.toPlainText()
    title = window.binder.currentItem().text() if window.binder.currentItem() else ""
    dialog = HistoryDialog(title, current, window.stories.snapshots(chapter_id), window)
    window.history_dialog = dialog

    def restore() -> None:
        if dialog.chosen is None or window.editor.chapter_id != chapter_id:
            return
        window.stories.snapshot_chapter(chapter_id, current, "before restoring a snapshot")
        window.editor.replace_range(0, len(current), dialog.chosen.content)
        window.save_current_chapter()
        window.statusBar().showMessage(
            window.tr("Restored the version of {0}.").format(dialog.chosen.created_at), 8000
        )

    dialog.accepted.connect(restore)
    dialog.open()
