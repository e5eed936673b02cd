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
        window._refresh_story()


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
