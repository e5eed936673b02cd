"""Editor, Character and Rater feedback side by side: each streams, stops and keeps history."""

from __future__ import annotations

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
from writer_desktop.inference import GenerationResult
from writer_desktop.services import AgentOutputError, AgentRun, parse_rating
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
    finished = Signal(object)  # Feedback, or None when stopped or failed

    def __init__(self, operation: str, ai: AiActions, window: MainWindow) -> None:
        super().__init__()
        self.operation = operation
        self.ai = ai
        self.window = window
        self.run: AgentRun | None = None
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
        return self.run is not None

    def start(self, max_tokens: int | None = None) -> AgentRun | None:
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
        self.window.save_current_chapter()
        self.text.clear()
        self.chart.set_scores({})
        self.run = self.ai.launch(
            lambda: self.ai.agents.feedback(self.operation, chapter_id, character, max_tokens),
            self._on_token,
            self._on_finished,
            self._on_failed,
        )
        self._update_buttons()
        return self.run

    def stop(self) -> None:
        self.ai.cancel(self.run)

    def _on_token(self, text: str) -> None:
        self.text.moveCursor(self.text.textCursor().MoveOperation.End)
        self.text.insertPlainText(text)

    def _on_finished(self, result: GenerationResult) -> None:
        run, self.run = self.run, None
        self._update_buttons()
        if result.cancelled or run is None:
            self.text.appendPlainText(self.tr("\n[stopped]"))
            self.finished.emit(None)
            return
        try:
            feedback = self.ai.agents.record_feedback(run, result)
        except AgentOutputError as exc:
            self.text.appendPlainText(f"\n{exc}")
            self.finished.emit(None)
            return
        self.load_history(run.chapter_id)
        self.finished.emit(feedback)

    def _on_failed(self, message: str) -> None:
        self.run = None
        self._update_buttons()
        self.text.setPlainText(self.tr("Failed: {0}").format(message))
        self.finished.emit(None)

    def _update_buttons(self) -> None:
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
        self._update_buttons()

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

    def review(self, max_tokens: int | None = None) -> list[AgentRun]:
        runs = []
        for pane in self.panes.values():
            run = pane.start(max_tokens)
            if run is not None:
                runs.append(run)
        return runs

    def reload(self, chapter_id: int | None) -> None:
        for pane in self.panes.values():
            pane.reload(chapter_id)

    def refresh(self, reason: str | None) -> None:
        """Enable what can run now (called when the model or the story changes)."""
        for pane in self.panes.values():
            pane._update_buttons()
        self.review_button.setEnabled(reason is None)
        self.review_button.setToolTip(reason or self.tr("Editor, Character and Rater in turn"))


__all__ = ["AGENT_OF", "FeedbackPane", "FeedbackPanes", "parse_rating"]
