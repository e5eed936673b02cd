"""Editor, Character and Rater feedback side by side (or as tabs when the room is narrow):
each streams as rendered Markdown, stops, keeps history labelled by date and model, links
the passages it quotes to the editor, and says when the chapter has changed since."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.domain import RATER_ASPECTS, Feedback
from writer_desktop.services import (
    AgentOutputError,
    AgentRun,
    ContextBudgetError,
    JobFailedError,
    StoryChangedError,
    StoryFileError,
)
from writer_desktop.services.feedback_text import (
    QUOTE_SCHEME,
    history_label,
    is_stale,
    link_quotes,
    rating_markdown,
    rating_progress,
)
from writer_desktop.ui.rating_chart import RatingChart
from writer_desktop.ui.tasks import TURN_MS

if TYPE_CHECKING:
    from writer_desktop.ui.ai_actions import AiActions
    from writer_desktop.ui.main_window import MainWindow

TITLES = {
    "editor_review": "Editor",
    "character_feedback": "Character",
    "rater_feedback": "Rater",
}
AGENT_OF = {"editor_review": "editor", "character_feedback": "character", "rater_feedback": "rater"}
# Below this width the three panes are tabs, not columns too narrow to read.
SIDE_BY_SIDE_MIN_WIDTH = 960
# Streaming Markdown is rendered again at most this often.
RENDER_MS = 120
STALE_STYLE = "background: #fff3cd; color: #5c4400; padding: 3px; border-radius: 3px;"


class FeedbackPane(QWidget):
    """One reviewer: Run streams its answer in, Stop ends it, earlier results stay listed."""

    finished = Signal(object)  # Feedback, or None when stopped or failed

    def __init__(self, operation: str, ai: AiActions, window: MainWindow) -> None:
        super().__init__()
        self.operation = operation
        self.ai = ai
        self.window = window
        self.run: AgentRun | None = None
        self.task: asyncio.Task | None = None
        self.history: list[Feedback] = []

        self.title = QLabel(f"<b>{self.tr(TITLES[operation])}</b>")
        self.history_combo = QComboBox()
        self.history_combo.setToolTip(self.tr("Earlier results for this chapter"))
        self.history_combo.currentIndexChanged.connect(self._show_history_item)
        self.run_button = QToolButton()
        self.run_button.setText(self.tr("Run"))
        self.run_button.clicked.connect(lambda: self.start())
        self.stop_button = QToolButton()
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.history_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.history_combo.setMinimumContentsLength(6)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.run_button)
        header.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(header)
        layout.addWidget(self.history_combo)

        self.character_combo = QComboBox()
        if operation == "character_feedback":
            layout.addWidget(self.character_combo)
        self.chart = RatingChart()
        if operation == "rater_feedback":
            layout.addWidget(self.chart)
        else:
            self.chart.hide()
        self.stale_label = QLabel()
        self.stale_label.setWordWrap(True)
        self.stale_label.setStyleSheet(STALE_STYLE)
        self.stale_label.hide()
        layout.addWidget(self.stale_label)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setPlaceholderText(
            self.tr("No {0} feedback on this chapter yet: Run asks for it.").format(
                self.tr(TITLES[operation])
            )
        )
        self.text.anchorClicked.connect(self.open_link)
        layout.addWidget(self.text, 1)
        self.passages: list[str] = []  # the quoted passages the shown links point to
        self.streamed = ""  # the answer so far, while it streams
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_MS)
        self._render_timer.timeout.connect(self._render_stream)

    # -- running ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.task is not None

    def start(self, max_tokens: int | None = None) -> asyncio.Task | None:
        reason = self.ai.unavailable()
        if reason is not None or self.busy:
            self.text.setPlainText(reason or self.tr("Already running."))
            return None
        chapter_id = self.window.editor.chapter_id
        assert chapter_id is not None
        character = None
        if self.operation == "character_feedback":
            character = self._chosen_character()
            if character is None:
                self.text.setPlainText(self.tr("Add a character first: they answer in voice."))
                return None
        if self.operation == "rater_feedback":
            max_tokens = None  # a rating cut off mid-JSON is no rating: use the full allowance
        self.window.saver.save()
        self.text.clear()
        self.streamed = ""
        self.stale_label.hide()
        self.chart.set_scores({})
        if self.operation == "rater_feedback":
            self.text.setPlainText(self.tr("Rating… the Rater is reading the chapter."))
        starting = self.ai.agents.feedback(self.operation, chapter_id, character, max_tokens)
        self.task = self.ai.spawn(self._review(starting))
        self.update_buttons()
        return self.task

    async def _review(self, starting) -> None:
        def started(run: AgentRun) -> None:
            self.run = run

        feedback: Feedback | None = None
        note = self.tr("\n[stopped]")
        dropped = False
        try:
            feedback = await self.ai.follow(starting, self._on_token, started)
        except (ContextBudgetError, JobFailedError, StoryFileError) as exc:
            self._render_timer.stop()
            self.text.setPlainText(self.tr("Failed: {0}").format(exc))
            note = ""
        except AgentOutputError as exc:
            note = f"\n{exc}"
            if self.operation == "rater_feedback":  # never the raw JSON: say what went wrong
                note = self.tr("\nThe rating could not be read; run it again.")
        except StoryChangedError:
            dropped = True  # the story it was for is closed; this pane shows another now
        finally:
            self.run, self.task = None, None
            self.update_buttons()
        self._render_timer.stop()
        if feedback is not None or dropped:
            # Saved, or dropped with its story: show what the chapter on screen has.
            self.load_history(self.window.editor.chapter_id)
        elif note and self.operation == "rater_feedback":  # never the half-made JSON
            stopped = note == self.tr("\n[stopped]")
            self.text.setPlainText(self.tr("Rating stopped.") if stopped else note.strip())
        elif note:
            self._render_stream()
            self.text.append(note.strip())
        self.finished.emit(feedback)

    def stop(self) -> None:
        if self.run is not None:
            self.run.cancel()
        elif self.task is not None:
            self.task.cancel()

    def _on_token(self, text: str) -> None:
        self.streamed += text
        if not self._render_timer.isActive():
            self._render_timer.start()

    def _render_stream(self) -> None:
        """The answer so far: Markdown rendered, or for the Rater (JSON as it streams)
        how far the rating has got."""
        if self.operation == "rater_feedback":
            done = rating_progress(self.streamed)
            self.text.setPlainText(
                self.tr("Rating… {0} of {1} aspects scored.").format(done, len(RATER_ASPECTS))
            )
            return
        bar = self.text.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        self.text.setMarkdown(self.streamed)
        if at_end:
            bar.setValue(bar.maximum())

    def open_link(self, url: QUrl) -> None:
        """A quoted passage clicked: select it in the chapter."""
        if url.scheme() != QUOTE_SCHEME:
            return
        try:
            passage = self.passages[int(url.path())]
        except (ValueError, IndexError):
            return
        self.select_in_editor(passage)

    def select_in_editor(self, passage: str) -> bool:
        editor = self.window.editor
        found = editor.document().find(passage)
        if found.isNull():  # the note may have changed the case or the punctuation
            found = editor.document().find(passage.rstrip(".,;:!?…"))
        if found.isNull():
            self.window.statusBar().showMessage(
                self.tr("That passage is no longer in the chapter."), 6000
            )
            return False
        editor.setTextCursor(found)
        editor.ensureCursorVisible()
        editor.setFocus()
        return True

    def update_buttons(self) -> None:
        reason = self.ai.unavailable()
        self.stop_button.setEnabled(self.busy)
        self.run_button.setEnabled(not self.busy and reason is None)
        self.run_button.setToolTip(reason or self.tr("Run on the current chapter"))

    # -- what is shown ---------------------------------------------------------------------

    def _chosen_character(self):
        name = self.character_combo.currentText()
        for character in self.window.stories.characters():
            if character.name == name:
                return character
        return None

    def reload(self, chapter_id: int | None) -> None:
        if self.operation == "character_feedback":
            current = self.character_combo.currentText()
            self.character_combo.clear()
            if self.window.stories.is_open:
                self.character_combo.addItems([c.name for c in self.window.stories.characters()])
            if current:
                self.character_combo.setCurrentText(current)
        if not self.busy:
            self.load_history(chapter_id)
        self.update_buttons()

    def load_history(self, chapter_id: int | None) -> None:
        self.history = (
            self.ai.agents.history(chapter_id, AGENT_OF[self.operation])
            if chapter_id is not None and self.window.stories.is_open
            else []
        )
        self.history_combo.blockSignals(True)
        self.history_combo.clear()
        # Read only when there is feedback to date: a whole chapter, on the window's thread.
        chapter = self._chapter(chapter_id) if self.history else None
        for item in self.history:
            stale = chapter is not None and is_stale(item, chapter)
            self.history_combo.addItem(history_label(item, stale))
        self.history_combo.blockSignals(False)
        self.history_combo.setVisible(bool(self.history))
        if self.history:
            self._show_history_item(0)
        else:
            self.text.clear()
            self.passages = []
            self.stale_label.hide()
            self.chart.set_scores({})

    def _chapter(self, chapter_id: int | None):
        if chapter_id is None or not self.window.stories.is_open:
            return None
        try:
            return self.window.stories.chapter(chapter_id)
        except KeyError:
            return None

    def check_stale(self) -> None:
        """Say whether the feedback shown is older than the chapter's text."""
        index = self.history_combo.currentIndex()
        if self.busy or not 0 <= index < len(self.history):
            self.stale_label.hide()
            return
        chapter = self._chapter(self.window.editor.chapter_id)  # after every save: only now
        if chapter is None:
            self.stale_label.hide()
            return
        item = self.history[index]
        stale = is_stale(item, chapter)
        self.stale_label.setText(
            self.tr(
                "The chapter has changed since this was written: run it again to see "
                "what it makes of the text now."
            )
        )
        self.stale_label.setVisible(stale)
        self.history_combo.setItemText(index, history_label(item, stale))

    def _show_history_item(self, index: int) -> None:
        if not 0 <= index < len(self.history):
            return
        item = self.history[index]
        self.check_stale()
        if self.operation != "rater_feedback" or not item.scores:
            chapter_text = self.window.editor.toPlainText()
            markdown, self.passages = link_quotes(item.content, chapter_text)
            self.text.setMarkdown(markdown)
            return
        current = {a: item.scores[a]["score"] for a in RATER_ASPECTS}
        previous = None
        if index + 1 < len(self.history) and self.history[index + 1].scores:
            earlier = self.history[index + 1].scores or {}
            previous = {a: earlier[a]["score"] for a in RATER_ASPECTS}
        self.chart.set_scores(current, previous)
        markdown, self.passages = link_quotes(
            rating_markdown(item.scores), self.window.editor.toPlainText()
        )
        self.text.setMarkdown(markdown)


class FeedbackPanes(QWidget):
    """'Review chapter' runs the three reviewers, one after another on the one model."""

    def __init__(self, ai: AiActions, window: MainWindow) -> None:
        super().__init__()
        self._main_window = window
        self._reload_scheduled = False
        self.panes = {op: FeedbackPane(op, ai, window) for op in TITLES}
        self.review_button = QPushButton(self.tr("Review chapter (all three)"))
        self.review_button.clicked.connect(lambda: self.review())
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.review_button)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.tabs, 1)
        self.tabbed: bool | None = None
        self.arrange(tabbed=True)
        window.chapter_saved.connect(lambda _id: self.check_stale())

    def arrange(self, tabbed: bool) -> None:
        """Columns side by side when there is room to read them, else tabs."""
        if tabbed == self.tabbed:
            return
        self.tabbed = tabbed
        for pane in self.panes.values():
            pane.title.setVisible(not tabbed)  # a tab already says whose it is
            if tabbed:
                self.tabs.addTab(pane, self.tr(TITLES[pane.operation]))
            else:
                self.splitter.addWidget(pane)
                pane.show()  # a tab widget hides the pages not on top
        self.tabs.setVisible(tabbed)
        self.splitter.setVisible(not tabbed)
        if not tabbed:
            self.splitter.setSizes([10_000] * len(self.panes))  # equal columns

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.arrange(tabbed=event.size().width() < SIDE_BY_SIDE_MIN_WIDTH)
        super().resizeEvent(event)

    def check_stale(self) -> None:
        for pane in self.panes.values():
            pane.check_stale()

    def review(self, max_tokens: int | None = None) -> list[asyncio.Task]:
        """Start every pane; the three jobs queue one after another on the model."""
        tasks = []
        for pane in self.panes.values():
            task = pane.start(max_tokens)
            if task is not None:
                tasks.append(task)
        return tasks

    def reload(self, chapter_id: int | None) -> None:
        for pane in self.panes.values():
            pane.reload(chapter_id)

    def reload_soon(self) -> None:
        """reload() for the chapter on the page, in the next turn of the event loop: the
        chapter shows first and its feedback a moment later (four queries and perhaps a
        read of the whole chapter, which would otherwise lengthen the switch)."""
        if not self._reload_scheduled:
            self._reload_scheduled = True
            QTimer.singleShot(TURN_MS, self, self._reload_now)  # after the page is painted

    def _reload_now(self) -> None:
        self._reload_scheduled = False
        self.reload(self._main_window.editor.chapter_id)

    def refresh(self, reason: str | None) -> None:
        """Enable what can run now (called when the model or the story changes)."""
        for pane in self.panes.values():
            pane.update_buttons()
        self.review_button.setEnabled(reason is None)
        self.review_button.setToolTip(reason or self.tr("Editor, Character and Rater in turn"))
