"""The main window: binder, chapter editor, story-bible docks, menus and status bar."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QIcon
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.resources import resource
from writer_desktop.services import Core, StoryFileError, StoryLockedError
from writer_desktop.ui.agent_commands import AgentCommands
from writer_desktop.ui.ai_actions import AiActions
from writer_desktop.ui.archive_panel import ArchivePanel
from writer_desktop.ui.binder import Binder
from writer_desktop.ui.budget_view import BudgetView
from writer_desktop.ui.chapter_editor import ChapterEditor
from writer_desktop.ui.character_panel import CharacterPanel
from writer_desktop.ui.chat_pane import ChatPane
from writer_desktop.ui.feedback_panes import FeedbackPanes
from writer_desktop.ui.find_bar import FindBar
from writer_desktop.ui.manuscript_actions import ManuscriptActions, manuscript_paths
from writer_desktop.ui.menus import MainMenus
from writer_desktop.ui.plot_panel import PlotPanel
from writer_desktop.ui.story_dialogs import StoryDialogs
from writer_desktop.ui.tasks import spawn

log = logging.getLogger(__name__)

# Whatever the typing rhythm, unsaved text is never older than this (a kill -9 loses at most
# this much typing, plus the few ms a save takes).
AUTOSAVE_MAX_LATENCY_S = 0.75
IDLE_CHECKPOINT_MS = 5000
# Leaving a chapter that grew or shrank by this many words keeps a snapshot of it.
SNAPSHOT_CHANGED_WORDS = 300


class MainWindow(QMainWindow):
    """The author's window onto one open story. Composes its parts (menus, dialogs, panes,
    AI actions) and awaits the services of the Core it is given."""

    story_opened = Signal(str)
    chapter_saved = Signal(int)

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.settings = core.settings
        self.paths = core.paths
        self.stories = core.stories
        self.setObjectName("main-window")
        self.setWindowIcon(QIcon(str(resource("icons", "writer-assistant.png"))))
        self.resize(1280, 800)

        self.editor = ChapterEditor()
        self.find_bar = FindBar(self.editor)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.editor, 1)
        column.addWidget(self.find_bar)
        self.setCentralWidget(central)
        self.binder = Binder()
        self.characters = CharacterPanel(self.stories)
        self.plot = PlotPanel(self.stories)
        self.binder_dock = self._dock("binder", self.tr("Chapters"), self.binder, left=True)
        self.characters_dock = self._dock("characters", self.tr("Characters"), self.characters)
        self.plot_dock = self._dock("plot", self.tr("Plot"), self.plot)
        self.budget = BudgetView()
        self.budget_dock = self._dock("budget", self.tr("Context"), self.budget)
        self.tabifyDockWidget(self.characters_dock, self.plot_dock)
        self.tabifyDockWidget(self.plot_dock, self.budget_dock)

        self.words_label = QLabel()
        self.model_label = QLabel(self.tr("Model: starting…"))
        self.save_error: str | None = None
        self.unsaved_label = QLabel()
        self.unsaved_label.setObjectName("unsaved-indicator")
        self.unsaved_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.unsaved_label.hide()
        self.statusBar().addPermanentWidget(self.unsaved_label)
        self.statusBar().addPermanentWidget(self.words_label)
        self.statusBar().addPermanentWidget(self.model_label)

        self.ai = AiActions(core, self)
        self.manuscripts = ManuscriptActions(self, core.manuscripts)
        self.setAcceptDrops(True)
        self.binder.files_dropped.connect(self.import_dropped)
        self.editor.files_dropped.connect(self.import_dropped)
        self.commands = AgentCommands(self.ai, self)
        self.feedback = FeedbackPanes(self.ai, self)
        self.feedback_dock = self._dock("feedback", self.tr("Feedback"), self.feedback)
        # Side docks run the full height; the feedback panes sit under the editor only.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.feedback_dock)
        self.chat = ChatPane(self.ai, self)
        self.chat_dock = self._dock("chat", self.tr("Chat"), self.chat)
        self.tabifyDockWidget(self.budget_dock, self.chat_dock)
        self.archive = ArchivePanel(core.archive, self)
        self.archive_dock = self._dock("archive", self.tr("Archive"), self.archive)
        self.tabifyDockWidget(self.chat_dock, self.archive_dock)
        self.characters_dock.raise_()
        self.dialogs = StoryDialogs(self)
        self.menus = MainMenus(self)

        self.ai.state_changed.connect(self._on_ai_state_changed)
        self.ai.prompt_assembled.connect(self.budget.show_report)
        self.ai.show_model_state()
        self.characters.list.currentItemChanged.connect(lambda *_: self.commands.refresh())
        self.characters.entries_changed.connect(
            lambda: self.feedback.reload(self.editor.chapter_id)
        )

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(self.settings.autosave_delay_ms)
        self._autosave.timeout.connect(self.save_current_chapter)
        self._dirty_since: float | None = None
        self._words_timer = QTimer(self)
        self._words_timer.setSingleShot(True)
        self._words_timer.setInterval(250)
        self._words_timer.timeout.connect(self.refresh_counts)
        # When the author pauses, the story file alone is made complete (WAL folded in).
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(IDLE_CHECKPOINT_MS)
        self._idle_timer.timeout.connect(self.stories.checkpoint)
        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(self.settings.backup_interval_minutes * 60_000)
        self._backup_timer.timeout.connect(self.back_up)
        self._backup_timer.start()
        self._last_deleted: tuple[int, str] | None = None
        self._loaded_words = 0
        self.find_bar.about_to_replace_all.connect(
            lambda: self.keep_snapshot(self.tr("before Replace All"))
        )

        self.editor.textChanged.connect(self._on_text_changed)
        self.binder.chapter_selected.connect(self.show_chapter)
        self.binder.chapter_renamed.connect(self._on_chapter_renamed)
        self.binder.order_changed.connect(self._on_order_changed)
        self._window_state = QSettings(
            str(self.paths.config_dir / "window.ini"), QSettings.Format.IniFormat
        )
        self._restore_window_state()
        self.reload_story()

    # -- building --------------------------------------------------------------------------

    def _dock(self, name: str, title: str, widget: QWidget, left: bool = False) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}-dock")
        dock.setWidget(widget)
        area = (
            Qt.DockWidgetArea.LeftDockWidgetArea if left else Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.addDockWidget(area, dock)
        return dock

    def docks(self) -> list[QDockWidget]:
        return [
            self.binder_dock,
            self.characters_dock,
            self.plot_dock,
            self.budget_dock,
            self.feedback_dock,
            self.chat_dock,
            self.archive_dock,
        ]

    # -- story files -----------------------------------------------------------------------

    def new_story(self, path: Path, title: str | None = None) -> bool:
        if not self.can_drop_editor_text(self.tr("start a new story")):
            return False
        self.ai.abandon()
        try:
            self.stories.new_story(path, title)
        except StoryFileError as exc:
            self.show_error(self.tr("Cannot create the story"), str(exc))
            return False
        self.stories.add_chapter(self.tr("Chapter 1"))
        self.reload_story()
        return True

    def open_story(self, path: Path) -> bool:
        if not self.can_drop_editor_text(self.tr("open another story")):
            return False
        self.ai.abandon()
        try:
            self.stories.open_story(path)
        except StoryLockedError as exc:
            if not self.dialogs.ask_read_only(str(exc)):
                return False
            try:
                self.stories.open_story(path, read_only=True)
            except StoryFileError as again:
                self.show_error(self.tr("Cannot open the story"), str(again))
                return False
        except StoryFileError as exc:
            self.show_error(self.tr("Cannot open the story"), str(exc))
            return False
        self.reload_story()
        return True

    def close_story(self) -> bool:
        if not self.can_drop_editor_text(self.tr("close the story")):
            return False
        self.ai.abandon()
        self.stories.close()  # cancels the story's jobs; their late results are dropped
        self.reload_story()
        return True

    def reload_story(self) -> None:
        is_open = self.stories.is_open
        read_only = self.stories.read_only
        for action in self.menus.story_actions():
            action.setEnabled(is_open)
        for action in self.menus.writing_actions():
            action.setEnabled(is_open and not read_only)
        self._last_deleted = None
        self.menus.undo_delete_action.setEnabled(False)
        self.editor.set_locked(read_only)
        self.binder.set_read_only(read_only)
        self.characters.setEnabled(not read_only)
        self.plot.setEnabled(not read_only)
        self.characters.reload()
        self.plot.reload()
        self.chat.reload()
        if not is_open:
            self.feedback.reload(None)
            self.binder.set_chapters([])
            self.editor.load_chapter(None, "")
            self.editor.setPlaceholderText(
                self.tr(
                    "No story is open.\n\nFile > New story… (Ctrl+N) starts one; "
                    "File > Open… (Ctrl+O) opens one."
                )
            )
            self.setWindowTitle(self.tr("Writer Assistant"))
            self.refresh_counts()
            self.ai.refresh()
            return
        suffix = self.tr(" (read-only)") if read_only else ""
        self.setWindowTitle(f"{self.stories.title()}{suffix} — Writer Assistant")
        # Chapter ids restart in every file: forget the shown chapter before selecting one.
        self.editor.load_chapter(None, "")
        self._dirty_since = None
        chapters = self.stories.chapters()
        self.binder.set_chapters(chapters)
        if chapters:
            assert chapters[0].id is not None
            self.binder.select_chapter(chapters[0].id)
        self.refresh_counts()
        self.ai.refresh()
        self.story_opened.emit(str(self.stories.path))

    # -- chapters --------------------------------------------------------------------------

    def show_chapter(self, chapter_id: int) -> None:
        if chapter_id == self.editor.chapter_id:
            return
        shown = self.editor.chapter_id
        if shown is not None and not self.can_drop_editor_text(self.tr("show another chapter")):
            self.binder.select_chapter(shown, quietly=True)  # stay where the text is
            return
        if self.ai.editor_busy and not self.ai.busy_with(chapter_id):
            self.ai.abandon()
            self.save_current_chapter()
        if shown is not None and abs(self.editor.words() - self._loaded_words) >= (
            SNAPSHOT_CHANGED_WORDS
        ):
            self.keep_snapshot(self.tr("after much writing"))
        chapter = self.stories.chapter(chapter_id)
        self.editor.load_chapter(chapter_id, chapter.content)
        self._loaded_words = self.editor.words()
        self.editor.setPlaceholderText(
            self.tr("Outline: {0}\n\nWrite here, or use AI > Generate chapter.").format(
                chapter.outline
            )
            if chapter.outline
            else self.tr("Write here…")
        )
        self.refresh_counts()
        self.ai.refresh()
        self.feedback.reload(chapter_id)

    def add_chapter(self) -> None:
        if not self.stories.is_open:
            return
        self.save_current_chapter()
        chapter = self.stories.add_chapter()
        self.binder.add_chapter(chapter)
        self.editor.setFocus()

    def rename_chapter(self) -> None:
        chapter_id = self.binder.current_chapter_id()
        if chapter_id is None:
            return
        current = self.binder.currentItem().text()
        title, ok = QInputDialog.getText(
            self, self.tr("Rename chapter"), self.tr("Title:"), text=current
        )
        if ok and title.strip():
            self.binder.currentItem().setText(title.strip())

    def delete_chapter(self) -> None:
        """Move the chapter to the trash (Chapter > Undo delete, or Trash…, brings it back)."""
        chapter_id = self.binder.current_chapter_id()
        if chapter_id is None:
            return
        title = self.binder.currentItem().text()
        answer = QMessageBox.question(
            self,
            self.tr("Delete chapter"),
            self.tr(
                "Move “{0}” to the trash? Its text and history stay there until you empty "
                "the trash (Chapter > Trash…)."
            ).format(title),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        if not self.can_drop_editor_text(self.tr("delete the chapter")):
            return
        if self.ai.busy_with(chapter_id):
            self.ai.abandon()
        try:
            self.stories.delete_chapter(chapter_id)
        except StoryFileError as exc:
            self.show_error(self.tr("Cannot delete the chapter"), str(exc))
            return
        self._autosave.stop()
        self._dirty_since = None
        self.editor.load_chapter(None, "")
        self.binder.remove_chapter(chapter_id)
        self._last_deleted = (chapter_id, title)
        self.menus.undo_delete_action.setText(self.tr("&Undo delete “{0}”").format(title))
        self.menus.undo_delete_action.setEnabled(True)
        self.statusBar().showMessage(
            self.tr("“{0}” is in the trash. Chapter > Undo delete brings it back.").format(title),
            10000,
        )
        if self.binder.count():
            self.show_chapter(self.binder.current_chapter_id())
        self.refresh_counts()
        self.ai.refresh()

    def undo_delete_chapter(self) -> None:
        if self._last_deleted is not None:
            self.restore_chapter(self._last_deleted[0])

    def restore_chapter(self, chapter_id: int) -> None:
        """A chapter back from the trash, where it was, and shown."""
        try:
            chapter = self.stories.restore_chapter(chapter_id)
        except (StoryFileError, KeyError) as exc:
            self.show_error(self.tr("Cannot restore the chapter"), str(exc))
            return
        if self._last_deleted is not None and self._last_deleted[0] == chapter_id:
            self._last_deleted = None
            self.menus.undo_delete_action.setText(self.tr("&Undo delete chapter"))
            self.menus.undo_delete_action.setEnabled(False)
        self.binder.set_chapters(self.stories.chapters())
        assert chapter.id is not None
        self.binder.select_chapter(chapter.id)
        self.refresh_counts()
        self.statusBar().showMessage(self.tr("Restored “{0}”.").format(chapter.title), 6000)

    def _on_chapter_renamed(self, chapter_id: int, title: str) -> None:
        self.stories.rename_chapter(chapter_id, title)

    def _on_order_changed(self, chapter_ids: list[int]) -> None:
        self.stories.reorder_chapters(chapter_ids)

    # -- saving ----------------------------------------------------------------------------

    def _on_text_changed(self) -> None:
        if self.editor.chapter_id is None:
            return
        now = time.monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        age = now - self._dirty_since
        if age >= AUTOSAVE_MAX_LATENCY_S:
            self.save_current_chapter()
        else:
            # After a pause in typing, or when the oldest unsaved keystroke comes of age.
            left_ms = int((AUTOSAVE_MAX_LATENCY_S - age) * 1000)
            self._autosave.start(max(1, min(self.settings.autosave_delay_ms, left_ms)))
        if not self._words_timer.isActive():  # counts keep moving while the AI streams
            self._words_timer.start()

    def save_current_chapter(self) -> bool:
        """Save the editor's text if it changed. False when the save failed: the text is
        still only in the editor, the window says so, and autosave keeps trying."""
        self._autosave.stop()
        chapter_id = self.editor.chapter_id
        if chapter_id is None or self._dirty_since is None or not self.stories.is_open:
            return True
        try:
            self.stories.save_chapter_text(chapter_id, self.editor.toPlainText())
        except Exception as exc:  # a full disk, a vanished file or row: keep the text, say so
            log.exception("save failed")
            self.save_error = str(exc) or type(exc).__name__
            self.unsaved_label.setText(self.tr("Not saved!"))
            self.unsaved_label.setToolTip(
                self.tr("The chapter could not be saved: {0}").format(self.save_error)
            )
            self.unsaved_label.show()
            self.statusBar().showMessage(self.save_error)
            self._autosave.start(max(self.settings.autosave_delay_ms, 2000))
            return False
        self._dirty_since = None
        self._idle_timer.start()
        if self.save_error is not None:
            self.save_error = None
            self.unsaved_label.hide()
            self.statusBar().showMessage(self.tr("Saved."), 4000)
        self.chapter_saved.emit(chapter_id)
        return True

    def can_drop_editor_text(self, doing: str) -> bool:
        """Before anything that would take the chapter out of the editor (another chapter,
        story or import, closing, quitting): True once the text is saved, or kept as a copy,
        or the author chose to discard it; False when they chose to stay."""
        while not self.save_current_chapter():
            choice = self.dialogs.ask_unsaved(doing, self.save_error or "")
            if choice == "retry":
                continue
            if choice == "copy":
                title = self.binder.currentItem().text() if self.binder.currentItem() else ""
                if not self.dialogs.save_text_copy(title, self.editor.toPlainText()):
                    continue
            elif choice != "discard":
                return False
            self._autosave.stop()
            self._dirty_since = None
            self.save_error = None
            self.unsaved_label.hide()
        return True

    def keep_snapshot(self, reason: str) -> None:
        """A snapshot of the chapter as the editor has it (saved first)."""
        chapter_id = self.editor.chapter_id
        if chapter_id is None or self.stories.read_only or not self.save_current_chapter():
            return
        try:
            self.stories.snapshot_chapter(chapter_id, self.editor.toPlainText(), reason)
        except StoryFileError as exc:
            self.statusBar().showMessage(self.tr("No snapshot kept: {0}").format(exc), 8000)

    def back_up(self) -> None:
        """The timer's automatic backup, off the GUI thread; a failure is shown, not fatal."""

        async def work() -> None:
            try:
                made = await self.core.backups.backup_in_background()
            except (OSError, StoryFileError) as exc:
                self.statusBar().showMessage(self.tr("Backup failed: {0}").format(exc), 15000)
                return
            if made is not None:
                self.statusBar().showMessage(self.tr("Backed up."), 3000)

        if self.stories.is_open and not self.stories.read_only:
            spawn(work())

    def rescue_unsaved(self) -> str:
        """For the crash handler: save the chapter, or keep its text in a recovery file;
        says in one sentence which happened."""
        chapter_id = self.editor.chapter_id
        if chapter_id is None or self._dirty_since is None or not self.stories.is_open:
            return self.tr("Your story is saved.")
        if self.save_current_chapter():
            return self.tr("Your story is saved.")
        title = self.binder.currentItem().text() if self.binder.currentItem() else ""
        kept = self.core.recovery.keep(self.stories.path, title, self.editor.toPlainText())
        return self.tr(
            "The chapter “{0}” could not be saved to the story; its text is kept in {1} "
            "and will be offered back at the next start."
        ).format(title, kept.with_suffix(".txt"))

    def close_without_asking(self) -> None:
        """Close now (the app is shutting down): unsaved text that cannot be saved goes to a
        recovery file rather than a question nobody will answer."""
        self.rescue_unsaved()
        self._autosave.stop()
        self._dirty_since = None
        self.close()

    def offer_recovered(self) -> int:
        """Text kept after a crash: offered back, each as a new chapter of its story.
        Returns how many were restored."""
        restored = 0
        for item in self.core.recovery.pending():
            if not self.dialogs.ask_restore(item):
                continue
            elsewhere = item.story is not None and item.story != self.stories.path
            if elsewhere and not (item.story.exists() and self.open_story(item.story)):
                continue
            if not self.stories.is_open:
                continue
            chapter = self.core.recovery.restore(item)
            self.binder.add_chapter(chapter)
            restored += 1
        return restored

    def refresh_counts(self) -> None:
        if not self.stories.is_open:
            self.words_label.setText("")
            return
        if self.editor.chapter_id is not None:
            chapter_words = self.editor.words()
            self.stories.note_chapter_words(self.editor.chapter_id, chapter_words)
        else:
            chapter_words = 0
        self.words_label.setText(
            self.tr("Chapter: {0} words · Story: {1} words").format(
                f"{chapter_words:,}", f"{self.stories.story_words():,}"
            )
        )

    # -- manuscripts dropped on the window --------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if manuscript_paths(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = manuscript_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.import_dropped(paths)

    def import_dropped(self, paths: list) -> None:
        self.manuscripts.import_file(paths[0])

    # -- AI ----------------------------------------------------------------------------------

    def _on_ai_state_changed(self) -> None:
        self.commands.refresh()
        self.feedback.refresh(self.ai.unavailable())
        self.manuscripts.refresh()

    # -- settings, state, closing ----------------------------------------------------------

    def _restore_window_state(self) -> None:
        geometry = self._window_state.value("geometry")
        state = self._window_state.value("state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def show_error(self, title: str, message: str) -> None:
        log.warning("%s: %s", title, message)
        QMessageBox.warning(self, title, message)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.can_drop_editor_text(self.tr("quit")):
            event.ignore()
            return
        self.ai.abandon()
        self.save_current_chapter()
        self.characters.save_current()
        self.plot.save_current()
        self._window_state.setValue("geometry", self.saveGeometry())
        self._window_state.setValue("state", self.saveState())
        self._window_state.sync()
        super().closeEvent(event)
