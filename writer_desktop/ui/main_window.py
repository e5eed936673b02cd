"""The main window: binder, chapter editor, story-bible docks, menus and status bar."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QToolTip,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from writer_desktop.domain import Chapter
from writer_desktop.resources import resource
from writer_desktop.services import Core, StoryFileError, StoryLockedError
from writer_desktop.ui.activity_indicator import ActivityIndicator
from writer_desktop.ui.agent_commands import AgentCommands
from writer_desktop.ui.ai_actions import AiActions
from writer_desktop.ui.archive_panel import ArchivePanel
from writer_desktop.ui.binder import Binder
from writer_desktop.ui.budget_view import BudgetView
from writer_desktop.ui.chapter_actions import ChapterActions
from writer_desktop.ui.chapter_editor import ChapterEditor
from writer_desktop.ui.chapter_saver import ChapterSaver
from writer_desktop.ui.character_panel import CharacterPanel
from writer_desktop.ui.chat_pane import ChatPane
from writer_desktop.ui.feedback_panes import FeedbackPanes
from writer_desktop.ui.find_bar import FindBar
from writer_desktop.ui.manuscript_actions import ManuscriptActions, manuscript_paths
from writer_desktop.ui.menus import MainMenus
from writer_desktop.ui.page_view import PageView
from writer_desktop.ui.plot_panel import PlotPanel
from writer_desktop.ui.replace_actions import ReplaceActions
from writer_desktop.ui.story_dialogs import StoryDialogs
from writer_desktop.ui.tasks import next_turn, spawn

log = logging.getLogger(__name__)

# The word counts in the status bar and the binder follow the text at most this often: while
# the model streams, every change repaints the status bar on the GUI thread, which shares the
# cores with the model.
WORD_COUNT_REFRESH_MS = 500


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
        self.editor.configure(self.settings, core.spelling)
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
        self.saver = ChapterSaver(self)
        self.activity = ActivityIndicator(core.activities, self)
        self.statusBar().addPermanentWidget(self.activity)
        self.statusBar().addPermanentWidget(self.saver.unsaved_label)
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
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.chat = ChatPane(self.ai, self)
        self.chat_dock = self._dock("chat", self.tr("Chat"), self.chat)
        self.tabifyDockWidget(self.budget_dock, self.chat_dock)
        self.archive = ArchivePanel(core.archive, self)
        self.archive_dock = self._dock("archive", self.tr("Archive"), self.archive)
        self.tabifyDockWidget(self.chat_dock, self.archive_dock)
        self.tabifyDockWidget(self.archive_dock, self.feedback_dock)
        # The page gets most of the window: the side panes start narrow, the feedback
        # opens when a review runs; the author's own layout is remembered (window.ini).
        self.feedback_dock.hide()
        self.resizeDocks(
            [self.binder_dock, self.characters_dock], [200, 300], Qt.Orientation.Horizontal
        )
        self.characters_dock.raise_()
        self.chapter_actions = ChapterActions(self)
        self.dialogs = StoryDialogs(self)
        self.page = PageView(self)
        self.replacing = ReplaceActions(core.replace, self)
        self.find_bar.story_wide_requested.connect(self.replacing.open_dialog)
        self.menus = MainMenus(self)
        self.leave_focus_action = QAction(self.tr("Leave focus mode"), self)
        self.leave_focus_action.setShortcut(QKeySequence("Esc"))
        self.leave_focus_action.triggered.connect(lambda: self.page.set_focus_mode(False))
        self.leave_focus_action.setEnabled(False)
        self.page.focus_changed.connect(self.leave_focus_action.setEnabled)
        self.addAction(self.leave_focus_action)
        self.editor.typing_refused.connect(self.say)
        spawn(self._load_spelling())

        self.ai.state_changed.connect(self._on_ai_state_changed)
        self.ai.prompt_assembled.connect(self.budget.show_report)
        self.ai.show_model_state()
        self.characters.list.currentItemChanged.connect(lambda *_: self.commands.refresh())
        self.characters.entries_changed.connect(
            lambda: self.feedback.reload(self.editor.chapter_id)
        )
        self.characters.entries_changed.connect(self._names_changed)

        self._words_timer = QTimer(self)
        self._words_timer.setSingleShot(True)
        self._words_timer.setInterval(WORD_COUNT_REFRESH_MS)
        self._words_timer.timeout.connect(self.refresh_counts)
        self.find_bar.about_to_replace_all.connect(
            lambda: self.saver.keep_snapshot(self.tr("before Replace All"))
        )

        self.editor.textChanged.connect(self._on_text_changed)
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

    def say(self, message: str) -> None:
        """A short message where the author looks: the status bar, or beside the cursor in
        focus mode (where the status bar is hidden)."""
        self.statusBar().showMessage(message, 6000)
        if self.page.focused:
            corner = self.editor.cursorRect().bottomLeft()
            QToolTip.showText(self.editor.viewport().mapToGlobal(corner), message, self.editor)

    def toolbars(self) -> list[QToolBar]:
        return self.findChildren(QToolBar)

    def show_feedback(self) -> None:
        """The feedback panes come into view when a review starts."""
        if not self.feedback_dock.isVisible() and not self.page.focused:
            self.feedback_dock.show()
            self.resizeDocks([self.feedback_dock], [460], Qt.Orientation.Horizontal)
        self.feedback_dock.raise_()

    def _names_changed(self) -> None:
        self.core.spelling.refresh()  # a new character's name is not a spelling mistake
        self.editor.highlighter.rehighlight()

    async def _load_spelling(self) -> None:
        try:
            await self.core.spelling.load()
        except Exception:  # no word list: the page simply has no red underlines
            log.exception("spell check unavailable")
            return
        if isValid(self.editor.highlighter):  # the window may be gone by now
            self.editor.highlighter.rehighlight()

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
        if not self.saver.can_drop(self.tr("start a new story")):
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
        """open_story_async on this thread: the file is checked and loaded here."""

        async def load(story: Path, read_only: bool) -> None:
            self.stories.open_story(story, read_only=read_only)

        async def show() -> None:
            self.reload_story()

        opening = self._open_with(load, show, path)
        try:
            opening.send(None)  # never suspends: `load` awaits nothing
        except StopIteration as done:
            return bool(done.value)
        opening.close()
        raise RuntimeError("opening a story synchronously suspended")

    async def open_story_async(self, path: Path) -> bool:
        """open_story for the menus: the file is checked and loaded on a worker thread
        while the window keeps answering."""

        async def load(story: Path, read_only: bool) -> None:
            await self.stories.open_story_async(story, read_only=read_only)

        return await self._open_with(load, self.reload_story_async, path)

    async def _open_with(self, load, show, path: Path) -> bool:
        """Open `path` with `load(path, read_only)`, then `show()` it: unsaved text kept, a
        story locked by another window offered read-only, a failure shown."""
        if not self.saver.can_drop(self.tr("open another story")):
            return False
        self.ai.abandon()
        try:
            await load(path, False)
        except StoryLockedError as exc:
            if not self.dialogs.ask_read_only(str(exc)):
                return False
            try:
                await load(path, True)
            except StoryFileError as again:
                self.show_error(self.tr("Cannot open the story"), str(again))
                return False
        except StoryFileError as exc:
            self.show_error(self.tr("Cannot open the story"), str(exc))
            return False
        await show()
        return True

    def close_story(self) -> bool:
        if not self.saver.can_drop(self.tr("close the story")):
            return False
        self.ai.abandon()
        self.stories.close()  # cancels the story's jobs; their late results are dropped
        self.reload_story()
        return True

    def reload_story(self) -> None:
        """Show the open story (or that none is open) in every part of the window."""
        for _step in self._reload_steps():
            pass

    async def reload_story_async(self, chapters: list[Chapter] | None = None) -> None:
        """reload_story one step per turn of the event loop (the first chapter, then the
        cast, the plot and the chat, then the counts), so the window answers between them.
        `chapters`: the story's, read already off this thread."""
        session = self.stories.session if self.stories.is_open else None
        if chapters is None and session is not None:
            chapters = await asyncio.to_thread(self.stories.chapters)  # a novel's text
            if not self.stories.is_current(session):
                return  # another story came in meanwhile; its own opening shows it
        for _step in self._reload_steps(chapters):
            await next_turn()
            if session is not None and not self.stories.is_current(session):
                return  # another story came in meanwhile; its own opening shows it

    def _reload_steps(self, chapters: list[Chapter] | None = None) -> Iterator[None]:
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
        if not is_open:
            self.characters.reload()
            self.plot.reload()
            self.chat.reload()
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
        self.editor.setPlaceholderText(self.tr("Write here…"))  # no "New story" hint now
        suffix = self.tr(" (read-only)") if read_only else ""
        self.setWindowTitle(f"{self.stories.title()}{suffix} — Writer Assistant")
        # Chapter ids restart in every file: forget the shown chapter before selecting one.
        self.editor.load_chapter(None, "")
        self.saver.loaded()
        if chapters is None:
            chapters = self.stories.chapters()
        self.binder.set_chapters(chapters, words=self.stories.chapter_words())
        yield  # the binder is painted, then the first chapter is laid out and painted
        if chapters:
            assert chapters[0].id is not None
            self.binder.select_chapter(chapters[0].id)
        yield
        self.characters.reload()
        yield
        self.plot.reload()
        self.chat.reload()
        yield
        self.refresh_counts()
        self.ai.refresh()
        self.story_opened.emit(str(self.stories.path))

    # -- chapters --------------------------------------------------------------------------

    # -- saving ----------------------------------------------------------------------------

    def _on_text_changed(self) -> None:
        self.saver.text_changed()
        if not self._words_timer.isActive():  # counts keep moving while the AI streams
            self._words_timer.start()

    def close_without_asking(self) -> None:
        """Close now (the app is shutting down): unsaved text that cannot be saved goes to a
        recovery file rather than a question nobody will answer."""
        self.saver.rescue_unsaved()
        self.saver.forget()
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
            self.binder.set_words(self.editor.chapter_id, chapter_words)
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
        zoom = self._window_state.value("zoom")
        if zoom is not None and str(zoom).isdigit():
            self.editor.set_zoom(int(zoom))

    def show_error(self, title: str, message: str) -> None:
        log.warning("%s: %s", title, message)
        QMessageBox.warning(self, title, message)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.saver.can_drop(self.tr("quit")):
            event.ignore()
            return
        self.page.set_focus_mode(False)  # the layout kept is the author's, not focus mode's
        self.ai.abandon()
        self.saver.save()
        self.characters.save_current()
        self.plot.save_current()
        self._window_state.setValue("geometry", self.saveGeometry())
        self._window_state.setValue("state", self.saveState())
        self._window_state.setValue("zoom", self.editor.zoom)
        self._window_state.sync()
        super().closeEvent(event)
