"""MainMenus: the main window's menu bar and toolbar, and the actions they own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from writer_desktop.ui.main_window import MainWindow


class MainMenus(QObject):
    """Builds File, Edit, Chapter, AI and View, and the toolbar, from the window's parts."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        dialogs = window.dialogs
        bar = window.menuBar()

        file_menu = bar.addMenu(self.tr("&File"))
        self.new_action = self._action(
            self.tr("&New story…"), dialogs.new_story, QKeySequence.StandardKey.New
        )
        self.open_action = self._action(
            self.tr("&Open…"), dialogs.open_story, QKeySequence.StandardKey.Open
        )
        self.recent_menu = file_menu.addMenu(self.tr("Open &Recent"))
        self.save_as_action = self._action(
            self.tr("Save &As…"), dialogs.save_as, QKeySequence.StandardKey.SaveAs
        )
        self.save_action = self._action(
            self.tr("&Save"), window.saver.save_now, QKeySequence.StandardKey.Save
        )
        self.close_action = self._action(
            self.tr("&Close story"), window.close_story, QKeySequence.StandardKey.Close
        )
        self.settings_action = self._action(self.tr("Se&ttings…"), dialogs.open_settings)
        self.restore_backup_action = self._action(
            self.tr("Restore from &backup…"), dialogs.restore_backup
        )
        quit_action = self._action(self.tr("&Quit"), window.close, QKeySequence.StandardKey.Quit)
        file_menu.insertActions(self.recent_menu.menuAction(), [self.new_action, self.open_action])
        for action in (
            self.save_action,
            self.save_as_action,
            self.restore_backup_action,
            self.close_action,
        ):
            file_menu.addAction(action)
        file_menu.addSeparator()
        manuscripts = window.manuscripts
        file_menu.addActions([manuscripts.import_action, manuscripts.export_story_action])
        self.disclosure_action = self._action(
            self.tr("&Who wrote what…"), dialogs.disclosure_report
        )
        self.disclosure_action.setToolTip(
            self.tr("The passages the AI wrote and you have not edited, chapter by chapter")
        )
        file_menu.addAction(self.disclosure_action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self.recent_menu.aboutToShow.connect(lambda: dialogs.fill_recent_menu(self.recent_menu))

        editor = window.editor
        edit_menu = bar.addMenu(self.tr("&Edit"))
        undo = self._action(self.tr("&Undo"), editor.undo, QKeySequence.StandardKey.Undo)
        redo = self._action(self.tr("&Redo"), editor.redo, QKeySequence.StandardKey.Redo)
        undo.setEnabled(False)
        redo.setEnabled(False)
        editor.undoAvailable.connect(undo.setEnabled)
        editor.redoAvailable.connect(redo.setEnabled)
        edit_menu.addActions([undo, redo])
        edit_menu.addSeparator()
        find = self._action(
            self.tr("&Find…"), lambda: window.find_bar.open(), QKeySequence.StandardKey.Find
        )
        replace = self._action(
            self.tr("Find and &replace…"), lambda: window.find_bar.open(replace=True), "Ctrl+H"
        )
        edit_menu.addActions([find, replace])
        edit_menu.addSeparator()
        edit_menu.addActions(window.replacing.actions())

        format_menu = bar.addMenu(self.tr("F&ormat"))

        chapter_menu = bar.addMenu(self.tr("&Chapter"))
        self.add_chapter_action = self._action(
            self.tr("&Add chapter"), window.chapter_actions.add, "Ctrl+Shift+N"
        )
        self.rename_chapter_action = self._action(
            self.tr("&Rename chapter…"), window.chapter_actions.rename, "F2"
        )
        self.delete_chapter_action = self._action(
            self.tr("&Move chapter to trash…"), window.chapter_actions.delete
        )
        self.undo_delete_action = self._action(
            self.tr("&Undo delete chapter"), window.chapter_actions.undo_delete
        )
        self.undo_delete_action.setEnabled(False)
        self.trash_action = self._action(self.tr("&Trash…"), dialogs.trash)
        chapter_menu.addActions(
            [
                self.add_chapter_action,
                self.rename_chapter_action,
                self.delete_chapter_action,
                self.undo_delete_action,
                self.trash_action,
            ]
        )
        chapter_menu.addSeparator()
        self.history_action = self._action(
            self.tr("&History…"), dialogs.chapter_history, "Ctrl+Shift+H"
        )
        self.snapshot_action = self._action(
            self.tr("Take &snapshot…"), window.saver.ask_snapshot, "Ctrl+Alt+S"
        )
        self.snapshot_action.setToolTip(
            self.tr("Keep this version of the chapter under a name (Chapter > History…)")
        )
        chapter_menu.addActions([self.snapshot_action, self.history_action])
        chapter_menu.addAction(manuscripts.export_chapter_action)
        self.outline_action = self._action(self.tr("Edit &outline…"), dialogs.edit_outline)
        chapter_menu.addAction(self.outline_action)
        window.binder.addActions(
            [
                self.add_chapter_action,
                self.rename_chapter_action,
                self.outline_action,
                self.snapshot_action,
                self.history_action,
                manuscripts.export_chapter_action,
                self.delete_chapter_action,
            ]
        )

        ai_menu = bar.addMenu(self.tr("&AI"))
        ai_menu.addActions(window.ai.actions())
        ai_menu.addSeparator()
        ai_menu.addActions(window.commands.actions())

        view_menu = bar.addMenu(self.tr("&View"))
        window.page.fill_menus(format_menu, view_menu)
        for dock in window.docks():
            view_menu.addAction(dock.toggleViewAction())
        # Shortcuts that must work in focus mode, where the menu bar is hidden.
        window.addActions(format_menu.actions() + view_menu.actions() + [self.save_action])

        toolbar = window.addToolBar(self.tr("Main"))
        toolbar.setObjectName("main-toolbar")
        toolbar.addActions([self.add_chapter_action])
        toolbar.addSeparator()
        toolbar.addActions(window.ai.actions())
        toolbar.addAction(window.commands.review_action)

    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def story_actions(self) -> list[QAction]:
        """The actions that need an open story."""
        return [
            self.save_action,
            self.save_as_action,
            self.restore_backup_action,
            self.close_action,
            self.add_chapter_action,
            self.rename_chapter_action,
            self.delete_chapter_action,
            self.trash_action,
            self.snapshot_action,
            self.disclosure_action,
            self.outline_action,
            self.window.replacing.find_action,
            self.window.replacing.rename_action,
        ]

    def writing_actions(self) -> list[QAction]:
        """The actions that change the story: off while it is open read-only."""
        return [
            self.add_chapter_action,
            self.rename_chapter_action,
            self.delete_chapter_action,
            self.trash_action,
            self.snapshot_action,
            self.outline_action,
            self.window.replacing.find_action,
            self.window.replacing.rename_action,
        ]
