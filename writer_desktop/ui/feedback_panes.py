"""Editor, Character and Rater feedback side by side: each streams, stops and keeps history."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
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
from writer_desktop.ui.rating_chart import RatingChart

if TYPE_CHECKING:
    from writer_desktop.ui.ai_actions import AiActions
    from writer_desktop.ui.main_window import MainWindow

TITLES = {
    "editor_review": "Editor",
    "character_feedback": "Character",
    "rater_feedback": "Rater",
}
AGENT_OF = {"editor_review": "editor", "character_feedback": "character", "rater_feedback": "rater"}


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
        header.addWidget(self.title, 1)
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
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)

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
        self.chart.set_scores({})
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
            self.text.setPlainText(self.tr("Failed: {0}").format(exc))
            note = ""
        except AgentOutputError as exc:
            note = f"\n{exc}"
        except StoryChangedError:
            dropped = True  # the story it was for is closed; this pane shows another now
        finally:
            self.run, self.task = None, None
            self.update_buttons()
        if feedback is not None or dropped:
            # Saved, or dropped with its story: show what the chapter on screen has.
            self.load_history(self.window.editor.chapter_id)
        elif note:
            self.text.appendPlainText(note)
        self.finished.emit(feedback)

    def stop(self) -> None:
        if self.run is not None:
            self.run.cancel()
        elif self.task is not None:
            self.task.cancel()

    def _on_token(self, text: str) -> None:
        self.text.moveCursor(self.text.textCursor().MoveOperation.End)
        self.text.insertPlainText(text)

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
        for item in self.history:
            who = f"{item.character_name} · " if item.character_name else ""
            stamp = item.created_at.strftime("%Y-%m-%d %H:%M") if item.created_at else ""
            self.history_combo.addItem(f"{who}{stamp} · {item.model}")
        self.history_combo.blockSignals(False)
        if self.history:
            self._show_history_item(0)
        else:
            self.text.clear()
            self.chart.set_scores({})

    def _show_history_item(self, index: int) -> None:
        if not 0 <= index < len(self.history):
            return
        item = self.history[index]
        if self.operation != "rater_feedback" or not item.scores:
            self.text.setPlainText(item.content)
            return
        current = {a: item.scores[a]["score"] for a in RATER_ASPECTS}
        previous = None
        if index + 1 < len(self.history) and self.history[index + 1].scores:
            earlier = self.history[index + 1].scores or {}
            previous = {a: earlier[a]["score"] for a in RATER_ASPECTS}
        self.chart.set_scores(current, previous)
        self.text.setPlainText(
            "\n".join(
                f"{a}: {item.scores[a]['score']}/10 — {item.scores[a]['reason']}"
                for a in RATER_ASPECTS
            )
        )


class FeedbackPanes(QWidget):
    """'Review chapter' runs the three reviewers, one after another on the one model."""

    def __init__(self, ai: AiActions, window: MainWindow) -> None:
        super().__init__()
        self.panes = {op: FeedbackPane(op, ai, window) for op in TITLES}
        self.review_button = QPushButton(self.tr("Review chapter (all three)"))
        self.review_button.clicked.connect(lambda: self.review())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for pane in self.panes.values():
            splitter.addWidget(pane)
        layout = QVBoxLayout(self)
        layout.addWidget(self.review_button)
        layout.addWidget(splitter, 1)

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

    def refresh(self, reason: str | None) -> None:
        """Enable what can run now (called when the model or the story changes)."""
        for pane in self.panes.values():
            pane.update_buttons()
        self.review_button.setEnabled(reason is None)
        self.review_button.setToolTip(reason or self.tr("Editor, Character and Rater in turn"))
