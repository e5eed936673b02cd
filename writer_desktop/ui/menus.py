"""The main window's menus and toolbar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence

from writer_desktop.ui import story_dialogs

if TYPE_CHECKING:
    from writer_desktop.ui.main_window import MainWindow


def build_menus(self: MainWindow) -> None:
    bar = self.menuBar()
    file_menu = bar.addMenu(self.tr("&File"))
    self.new_action = self._action(
        self.tr("&New story…"),
        lambda: story_dialogs.new_story_dialog(self),
        QKeySequence.StandardKey.New,
    )
    self.open_action = self._action(
        self.tr("&Open…"),
        lambda: story_dialogs.open_story_dialog(self),
        QKeySequence.StandardKey.Open,
    )
    self.recent_menu = file_menu.addMenu(self.tr("Open &Recent"))
    self.save_as_action = self._action(
        self.tr("Save &As…"),
        lambda: story_dialogs.save_as_dialog(self),
        QKeySequence.StandardKey.SaveAs,
    )
    self.save_action = self._action(
        self.tr("&Save"), self.save_current_chapter, QKeySequence.StandardKey.Save
    )
    self.close_action = self._action(
        self.tr("&Close story"), self.close_story, QKeySequence.StandardKey.Close
    )
    self.settings_action = self._action(
        self.tr("Se&ttings…"), lambda: story_dialogs.open_settings(self)
    )
    quit_action = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
    file_menu.insertActions(self.recent_menu.menuAction(), [self.new_action, self.open_action])
    for action in (self.save_action, self.save_as_action, self.close_action):
        file_menu.addAction(action)
    file_menu.addSeparator()
    file_menu.addActions([self.manuscripts.import_action, self.manuscripts.export_story_action])
    file_menu.addSeparator()
    file_menu.addAction(self.settings_action)
    file_menu.addSeparator()
    file_menu.addAction(quit_action)
    self.recent_menu.aboutToShow.connect(lambda: story_dialogs.fill_recent_menu(self))

    edit_menu = bar.addMenu(self.tr("&Edit"))
    undo = self._action(self.tr("&Undo"), self.editor.undo, QKeySequence.StandardKey.Undo)
    redo = self._action(self.tr("&Redo"), self.editor.redo, QKeySequence.StandardKey.Redo)
    undo.setEnabled(False)
    redo.setEnabled(False)
    self.editor.undoAvailable.connect(undo.setEnabled)
    self.editor.redoAvailable.connect(redo.setEnabled)
    edit_menu.addActions([undo, redo])
    edit_menu.addSeparator()
    find = self._action(
        self.tr("&Find…"), lambda: self.find_bar.open(), QKeySequence.StandardKey.Find
    )
    replace = self._action(
        self.tr("Find and &replace…"), lambda: self.find_bar.open(replace=True), "Ctrl+H"
    )
    edit_menu.addActions([find, replace])

    chapter_menu = bar.addMenu(self.tr("&Chapter"))
    self.add_chapter_action = self._action(
        self.tr("&Add chapter"), self.add_chapter, "Ctrl+Shift+N"
    )
    self.rename_chapter_action = self._action(
        self.tr("&Rename chapter…"), self.rename_chapter, "F2"
    )
    self.delete_chapter_action = self._action(self.tr("&Delete chapter…"), self.delete_chapter)
    chapter_menu.addActions(
        [self.add_chapter_action, self.rename_chapter_action, self.delete_chapter_action]
    )
    chapter_menu.addSeparator()
    self.history_action = self._action(
        self.tr("&History…"), lambda: story_dialogs.chapter_history(self), "Ctrl+Shift+H"
    )
    chapter_menu.addAction(self.history_action)
    chapter_menu.addAction(self.manuscripts.export_chapter_action)

    ai_menu = bar.addMenu(self.tr("&AI"))
    ai_menu.addActions(self.ai.actions())
    ai_menu.addSeparator()
    ai_menu.addActions(self.commands.actions())

    view_menu = bar.addMenu(self.tr("&View"))
    for dock in (
        self.binder_dock,
        self.characters_dock,
        self.plot_dock,
        self.budget_dock,
        self.feedback_dock,
        self.chat_dock,
        self.archive_dock,
    ):
        view_menu.addAction(dock.toggleViewAction())

    toolbar = self.addToolBar(self.tr("Main"))
    toolbar.setObjectName("main-toolbar")
    toolbar.addActions([self.add_chapter_action])
    toolbar.addSeparator()
    toolbar.addActions(self.ai.actions())
    toolbar.addAction(self.commands.review_action)
