"""The AI menu: which actions can run now, and where each job's tokens and result go."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence

from writer_desktop.context import ContextBudgetError
from writer_desktop.inference import GenerationResult, InferenceWorker
from writer_desktop.services import AgentRun, AgentService, DistillService

if TYPE_CHECKING:
    from writer_desktop.ui.main_window import MainWindow

EDITOR_OPERATIONS = ("continue_chapter", "generate_chapter", "flesh_out")


@dataclass
class Sink:
    """Where one run's output goes."""

    run: AgentRun
    on_token: Callable[[str], None]
    on_finished: Callable[[GenerationResult], None]
    on_failed: Callable[[str], None]


class AiActions(QObject):
    """Enables AI actions only when they can run, and says why when they cannot."""

    generation_finished = Signal(object)  # GenerationResult of an editor stream
    generation_failed = Signal(str)
    prompt_assembled = Signal(object)  # AssembledPrompt
    model_ready = Signal()

    def __init__(
        self, worker: InferenceWorker, agents: AgentService, distill: DistillService
    ) -> None:
        super().__init__()
        self.worker = worker
        self.agents = agents
        self.distill = distill
        self.window: MainWindow | None = None
        self.model_state = "loading"
        self.model_detail = ""
        self.sinks: dict[int, Sink] = {}
        self.editor_run: AgentRun | None = None

        self.continue_action = self._action(
            self.tr("&Continue chapter"), "Ctrl+Return", lambda: self.continue_chapter()
        )
        self.generate_action = self._action(
            self.tr("&Generate chapter…"), None, lambda: self.window and self.window.ask_generate()
        )
        self.flesh_action = self._action(
            self.tr("&Flesh out selection"), "Ctrl+Shift+F", lambda: self.flesh_out()
        )
        self.modify_action = self._action(
            self.tr("&Modify chapter…"),
            "Ctrl+Shift+M",
            lambda: self.window and self.window.ask_modify(),
        )
        self.stop_action = self._action(self.tr("&Stop"), "Ctrl+.", self.stop)

        worker.model_loaded.connect(self._on_model_loaded)
        worker.model_failed.connect(self._on_model_failed)
        worker.token_received.connect(self._on_token)
        worker.job_finished.connect(self._on_finished)
        worker.job_failed.connect(self._on_failed)

    def _action(self, text: str, shortcut: str | None, slot) -> QAction:
        action = QAction(text)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def attach(self, window: MainWindow) -> None:
        self.window = window
        for action in self.actions():
            action.setParent(window)
        self._show_model_state()
        self.refresh()

    def actions(self) -> list[QAction]:
        return [
            self.continue_action,
            self.generate_action,
            self.flesh_action,
            self.modify_action,
            self.stop_action,
        ]

    # -- model state -----------------------------------------------------------------------

    def _on_model_loaded(self, name: str) -> None:
        self.model_state, self.model_detail = "ready", name
        self._show_model_state()
        self.refresh()
        self.model_ready.emit()

    def _on_model_failed(self, reason: str) -> None:
        self.model_state, self.model_detail = "failed", reason
        self._show_model_state()
        self.refresh()

    def _show_model_state(self) -> None:
        if self.window is None:
            return
        label = self.window.model_label
        if self.model_state == "ready":
            label.setText(self.tr("Model: {0}").format(self.model_detail))
            label.setToolTip(self.tr("The model is loaded and ready."))
        elif self.model_state == "failed":
            label.setText(self.tr("Model failed to load"))
            label.setToolTip(self.model_detail)
            self.window.statusBar().showMessage(
                self.tr("Model failed to load: {0}").format(self.model_detail)
            )
        else:
            label.setText(self.tr("Model: loading…"))

    def unavailable(self, needs_chapter: bool = True) -> str | None:
        """Why an AI action cannot run now, or None."""
        if self.model_state == "failed":
            return self.tr("AI is unavailable: {0}").format(self.model_detail)
        if self.model_state != "ready":
            return self.tr("The model is still loading.")
        if self.window is None or not self.window.stories.is_open:
            return self.tr("Open a story first.")
        if needs_chapter and self.window.editor.chapter_id is None:
            return self.tr("Open a chapter first.")
        return None

    def _why_not(self) -> str | None:
        reason = self.unavailable()
        if reason is None and self.editor_run is not None:
            return self.tr("The AI is writing in the editor; Stop it first.")
        return reason

    def refresh(self) -> None:
        """Enable what can run now; a disabled action's tooltip says why not."""
        reason = self._why_not()
        tips = {
            self.continue_action: self.tr("Continue the chapter from where it ends"),
            self.generate_action: self.tr("Write a whole chapter from the plot and outline"),
            self.flesh_action: self.tr("Expand the selected passage in place"),
            self.modify_action: self.tr("Rewrite the chapter or selection by an instruction"),
        }
        for action, tip in tips.items():
            action.setEnabled(reason is None)
            action.setToolTip(reason or tip)
        self.stop_action.setEnabled(self.editor_run is not None)
        if self.window is not None:
            self.window.ai_state_changed()

    # -- running ---------------------------------------------------------------------------

    def launch(
        self,
        start: Callable[[], AgentRun],
        on_token: Callable[[str], None],
        on_finished: Callable[[GenerationResult], None],
        on_failed: Callable[[str], None],
    ) -> AgentRun | None:
        """Start a run and route its output; a context that cannot fit is reported."""
        try:
            run = start()
        except ContextBudgetError as exc:
            message = self.tr("Cannot run: {0}").format(exc)
            if self.window is not None:
                self.window.statusBar().showMessage(message)
            on_failed(str(exc))
            return None
        self.sinks[run.job_id] = Sink(run, on_token, on_finished, on_failed)
        self.prompt_assembled.emit(run.prompt)
        return run

    def cancel(self, run: AgentRun | None) -> None:
        if run is not None:
            self.agents.cancel(run)

    def stop(self) -> None:
        """Stop the stream into the editor."""
        self.cancel(self.editor_run)

    def abandon(self) -> None:
        """Stop and take no more text into the editor: it is about to show something else."""
        self.stop()
        if self.window is not None:
            self.window.editor.end_ai_insertion()

    def busy_with(self, chapter_id: int) -> bool:
        return self.editor_run is not None and self.editor_run.chapter_id == chapter_id

    def _on_token(self, job_id: int, text: str) -> None:
        sink = self.sinks.get(job_id)
        if sink is not None:
            sink.on_token(text)

    def _on_finished(self, job_id: int, result: GenerationResult) -> None:
        if self.distill.owns(job_id):
            self.distill.finished(job_id, result)
            self._show_background()
            return
        sink = self.sinks.pop(job_id, None)
        if sink is not None:
            sink.on_finished(result)

    def _on_failed(self, job_id: int, message: str) -> None:
        if self.distill.owns(job_id):
            self.distill.failed(job_id)
            self._show_background()
            return
        sink = self.sinks.pop(job_id, None)
        if sink is not None:
            sink.on_failed(message)

    def _show_background(self) -> None:
        if self.window is None or self.editor_run is not None:
            return
        pending = self.distill.pending
        if pending:
            self.window.statusBar().showMessage(
                self.tr("Summarising earlier chapters for the context… {0} left").format(pending)
            )
        else:
            self.window.statusBar().showMessage(self.tr("Summaries up to date."), 4000)

    # -- streams into the editor -----------------------------------------------------------

    def continue_chapter(self, max_tokens: int | None = None) -> int | None:
        if self._why_not() is not None or self.window is None:
            return None
        editor = self.window.editor
        chapter_id = editor.chapter_id
        assert chapter_id is not None
        self.window.save_current_chapter()
        text = editor.toPlainText()
        return self._stream_into_editor(
            lambda: self.agents.continue_chapter(chapter_id, text, max_tokens),
            editor.begin_ai_insertion,
        )

    def generate_chapter(self, instructions: str = "", max_tokens: int | None = None) -> int | None:
        """Into the selected chapter if it is outline-only, else into a new chapter."""
        if self.unavailable(needs_chapter=False) is not None or self.window is None:
            return None
        window = self.window
        window.save_current_chapter()
        current = window.editor.chapter_id
        target = None
        if current is not None and not window.editor.toPlainText().strip():
            target = current
        run = self.launch(
            lambda: self.agents.generate_chapter(instructions, target, max_tokens),
            self._editor_token,
            self._editor_finished,
            self._editor_failed,
        )
        if run is None:
            return None
        chapter = run.extra["new_chapter"]
        if target is None:
            window.binder.add_chapter(chapter)  # selects it, and the editor shows it
        self._begin_editor_run(run, window.editor.begin_ai_insertion)
        return run.job_id

    def flesh_out(self, max_tokens: int | None = None) -> int | None:
        if self._why_not() is not None or self.window is None:
            return None
        editor = self.window.editor
        cursor = editor.textCursor()
        if not cursor.hasSelection():
            self.window.statusBar().showMessage(self.tr("Select the passage to flesh out."), 5000)
            return None
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        passage = cursor.selectedText().replace("\u2029", "\n")
        chapter_id = editor.chapter_id
        assert chapter_id is not None
        self.window.save_current_chapter()
        text = editor.toPlainText()
        return self._stream_into_editor(
            lambda: self.agents.flesh_out(chapter_id, text, passage, max_tokens),
            lambda: editor.begin_ai_insertion(replace=(start, end)),
        )

    def _stream_into_editor(
        self, start: Callable[[], AgentRun], begin: Callable[[], None]
    ) -> int | None:
        run = self.launch(start, self._editor_token, self._editor_finished, self._editor_failed)
        if run is None:
            return None
        self._begin_editor_run(run, begin)
        return run.job_id

    def _begin_editor_run(self, run: AgentRun, begin: Callable[[], None]) -> None:
        assert self.window is not None
        self.editor_run = run
        begin()
        self.window.statusBar().showMessage(self.tr("Writing…"))
        self.refresh()

    def _editor_token(self, text: str) -> None:
        if self.window is not None:
            self.window.editor.insert_ai_text(text)

    def _editor_finished(self, result: GenerationResult) -> None:
        self._end_editor_run()
        if self.window is not None:
            verb = self.tr("Stopped") if result.cancelled else self.tr("Done")
            self.window.statusBar().showMessage(
                self.tr("{0}: {1} tokens in {2:.1f} s").format(
                    verb, result.completion_tokens, result.seconds
                ),
                8000,
            )
        self.generation_finished.emit(result)

    def _editor_failed(self, message: str) -> None:
        self._end_editor_run()
        if self.window is not None:
            self.window.statusBar().showMessage(self.tr("AI failed: {0}").format(message))
        self.generation_failed.emit(message)

    def _end_editor_run(self) -> None:
        if self.editor_run is None:
            return
        self.editor_run = None
        if self.window is not None:
            self.window.editor.end_ai_insertion()
            self.window.save_current_chapter()
        self.refresh()
        if self.distill.pending:
            self._show_background()
