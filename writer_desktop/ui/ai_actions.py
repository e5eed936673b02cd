"""The AI menu's actions and how their streamed output reaches the editor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence

from writer_desktop.context import AssembledPrompt, ContextBudgetError
from writer_desktop.inference import GenerationResult, InferenceWorker
from writer_desktop.services import DistillService, WriterService

if TYPE_CHECKING:
    from writer_desktop.ui.main_window import MainWindow


class AiActions(QObject):
    """Enables AI actions only when they can run, and says why when they cannot."""

    generation_finished = Signal(object)  # GenerationResult
    generation_failed = Signal(str)
    prompt_assembled = Signal(object)  # AssembledPrompt

    def __init__(
        self, worker: InferenceWorker, writer: WriterService, distill: DistillService
    ) -> None:
        super().__init__()
        self.worker = worker
        self.writer = writer
        self.distill = distill
        self.window: MainWindow | None = None
        self.model_state = "loading"
        self.model_detail = ""
        self.job_id: int | None = None
        self.job_chapter_id: int | None = None

        self.continue_action = QAction(self.tr("&Continue chapter"))
        self.continue_action.setShortcut(QKeySequence("Ctrl+Return"))
        self.continue_action.triggered.connect(lambda: self.continue_chapter())
        self.stop_action = QAction(self.tr("&Stop"))
        self.stop_action.setShortcut(QKeySequence("Ctrl+."))
        self.stop_action.triggered.connect(self.stop)

        worker.model_loaded.connect(self._on_model_loaded)
        worker.model_failed.connect(self._on_model_failed)
        worker.token_received.connect(self._on_token)
        worker.job_finished.connect(self._on_finished)
        worker.job_failed.connect(self._on_failed)

    def attach(self, window: MainWindow) -> None:
        self.window = window
        self.continue_action.setParent(window)
        self.stop_action.setParent(window)
        self._show_model_state()
        self.refresh()

    def actions(self) -> list[QAction]:
        return [self.continue_action, self.stop_action]

    # -- state -----------------------------------------------------------------------------

    def _on_model_loaded(self, name: str) -> None:
        self.model_state, self.model_detail = "ready", name
        self._show_model_state()
        self.refresh()

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

    def refresh(self) -> None:
        """Enable what can run now; the disabled action's tooltip says why not."""
        reason = self._why_not()
        self.continue_action.setEnabled(reason is None)
        self.continue_action.setToolTip(
            reason or self.tr("Continue the chapter from where it ends (Ctrl+Enter)")
        )
        self.stop_action.setEnabled(self.job_id is not None)

    def _why_not(self) -> str | None:
        if self.model_state == "failed":
            return self.tr("AI is unavailable: {0}").format(self.model_detail)
        if self.model_state != "ready":
            return self.tr("The model is still loading.")
        if self.window is None or self.window.editor.chapter_id is None:
            return self.tr("Open a chapter first.")
        if self.job_id is not None:
            return self.tr("The AI is busy; Stop it first.")
        return None

    def busy_with(self, chapter_id: int) -> bool:
        return self.job_id is not None and self.job_chapter_id == chapter_id

    # -- Continue chapter ------------------------------------------------------------------

    def continue_chapter(self, max_tokens: int | None = None) -> int | None:
        if self._why_not() is not None or self.window is None:
            return None
        editor = self.window.editor
        chapter_id = editor.chapter_id
        assert chapter_id is not None
        self.window.save_current_chapter()
        try:
            job_id, prompt = self.writer.continue_chapter(
                chapter_id, editor.toPlainText(), max_tokens
            )
        except ContextBudgetError as exc:
            self.window.statusBar().showMessage(self.tr("Cannot continue: {0}").format(exc))
            self.generation_failed.emit(str(exc))
            return None
        self.job_id = job_id
        self.job_chapter_id = chapter_id
        self.prompt_assembled.emit(prompt)
        editor.begin_ai_insertion()
        self.window.statusBar().showMessage(self.tr("Writing…"))
        self.refresh()
        return self.job_id

    def stop(self) -> None:
        if self.job_id is not None:
            self.writer.cancel(self.job_id)

    def abandon(self) -> None:
        """Stop and take no more text into the editor: it is about to show something else."""
        self.stop()
        if self.window is not None:
            self.window.editor.end_ai_insertion()

    def _on_token(self, job_id: int, text: str) -> None:
        if job_id == self.job_id and self.window is not None:
            self.window.editor.insert_ai_text(text)

    def _on_finished(self, job_id: int, result: GenerationResult) -> None:
        if self.distill.owns(job_id):
            self.distill.finished(job_id, result)
            self._show_background()
            return
        if job_id != self.job_id:
            return
        self._end_job()
        if self.window is not None:
            verb = self.tr("Stopped") if result.cancelled else self.tr("Done")
            self.window.statusBar().showMessage(
                self.tr("{0}: {1} tokens in {2:.1f} s").format(
                    verb, result.completion_tokens, result.seconds
                ),
                8000,
            )
        self.generation_finished.emit(result)

    def _on_failed(self, job_id: int, message: str) -> None:
        if self.distill.owns(job_id):
            self.distill.failed(job_id)
            self._show_background()
            return
        if job_id != self.job_id:
            return
        self._end_job()
        if self.window is not None:
            self.window.statusBar().showMessage(self.tr("AI failed: {0}").format(message))
        self.generation_failed.emit(message)

    def _show_background(self) -> None:
        if self.window is None or self.job_id is not None:
            return
        pending = self.distill.pending
        if pending:
            self.window.statusBar().showMessage(
                self.tr("Summarising earlier chapters for the context… {0} left").format(pending)
            )
        else:
            self.window.statusBar().showMessage(self.tr("Summaries up to date."), 4000)

    def _end_job(self) -> None:
        self.job_id = None
        self.job_chapter_id = None
        if self.window is not None:
            self.window.editor.end_ai_insertion()
            self.window.save_current_chapter()
        self.refresh()
        if self.distill.pending:
            self._show_background()
