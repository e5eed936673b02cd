"""The AI menu's editor actions (Continue, Generate, Flesh out, Stop), which AI actions can run
now, and the one way a widget follows an agent run on the event loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence

from writer_desktop.domain import word_count
from writer_desktop.services import (
    AgentRun,
    ContextBudgetError,
    Core,
    JobFailedError,
    StoryChangedError,
    StoryFileError,
    SummaryFailure,
)
from writer_desktop.ui.tasks import spawn

if TYPE_CHECKING:
    from writer_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)
T = TypeVar("T")


class AiActions(QObject):
    """Enables AI actions only when they can run, and says why when they cannot. Owns the
    run that streams into the editor; the panes own theirs."""

    generation_finished = Signal(object)  # GenerationResult of an editor stream
    generation_failed = Signal(str)
    token_streamed = Signal(str)  # a piece of text the AI put into the editor
    prompt_assembled = Signal(object)  # AssembledPrompt
    model_ready = Signal()
    state_changed = Signal()  # the model, the story, the chapter or the editor run changed

    def __init__(self, core: Core, window: MainWindow) -> None:
        super().__init__(window)
        self.agents = core.agents
        self.engine = core.engine
        self.distill = core.distill
        self.stories = core.stories
        self.activities = core.activities
        self.window = window
        self.editor_run: AgentRun | None = None
        self.editor_task: asyncio.Task | None = None

        self.continue_action = self._action(
            self.tr("&Continue chapter"), "Ctrl+Return", lambda: self.continue_chapter()
        )
        self.generate_action = self._action(
            self.tr("&Generate chapter…"), None, lambda: window.commands.ask_generate()
        )
        self.flesh_action = self._action(
            self.tr("&Flesh out selection"), "Ctrl+Shift+F", lambda: self.flesh_out()
        )
        self.modify_action = self._action(
            self.tr("&Modify chapter…"), "Ctrl+Shift+M", lambda: window.commands.ask_modify()
        )
        self.stop_action = self._action(self.tr("&Stop"), "Ctrl+.", self.stop)

        self.engine.changed.connect(self._on_model_state)
        self.activities.changed.connect(self._show_stop)
        self.distill.changed.connect(lambda _pending: self._show_background())
        self.distill.failed.connect(self._show_summary_failure)

    def _action(self, text: str, shortcut: str | None, slot) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def actions(self) -> list[QAction]:
        return [
            self.continue_action,
            self.generate_action,
            self.flesh_action,
            self.modify_action,
            self.stop_action,
        ]

    # -- model state -----------------------------------------------------------------------

    @property
    def model_state(self) -> str:
        return self.engine.state

    @property
    def model_detail(self) -> str:
        return self.engine.detail

    def _on_model_state(self, state: str, _detail: str) -> None:
        self.show_model_state()
        self.refresh()
        if state == "ready":
            self.model_ready.emit()

    def show_model_state(self) -> None:
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
        if self.stories.read_only:
            return self.tr("The story is open read-only.")
        if self.model_state == "failed":
            return self.tr("AI is unavailable: {0}").format(self.model_detail)
        if self.model_state != "ready":
            return self.tr("The model is still loading.")
        if not self.stories.is_open:
            return self.tr("Open a story first.")
        if needs_chapter and self.window.editor.chapter_id is None:
            return self.tr("Open a chapter first.")
        return None

    def why_not_editor(self) -> str | None:
        """Why an action that writes into the editor cannot run now, or None."""
        reason = self.unavailable()
        if reason is None and self.editor_busy:
            return self.tr("The AI is writing in the editor; Stop it first.")
        return reason

    @property
    def editor_busy(self) -> bool:
        return self.editor_task is not None

    def refresh(self) -> None:
        """Enable what can run now; a disabled action's tooltip says why not."""
        reason = self.why_not_editor()
        tips = {
            self.continue_action: self.tr("Continue the chapter from where it ends"),
            self.generate_action: self.tr("Write a whole chapter from the plot and outline"),
            self.flesh_action: self.tr("Expand the selected passage in place"),
            self.modify_action: self.tr("Rewrite the chapter or selection by an instruction"),
        }
        for action, tip in tips.items():
            action.setEnabled(reason is None)
            action.setToolTip(reason or tip)
        self._show_stop()
        self.state_changed.emit()

    def _show_stop(self) -> None:
        """Stop works for whatever the author started: the editor's stream, a Review,
        outline planning, chat, whether or not its pane is on screen."""
        busy = self.editor_busy or self.activities.foreground_busy
        self.stop_action.setEnabled(busy)
        self.stop_action.setToolTip(
            self.tr("Stop the AI") if busy else self.tr("Nothing to stop: the AI is idle.")
        )

    # -- following a run -------------------------------------------------------------------

    def spawn(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Run `work` on the event loop (see ui/tasks.py)."""
        return spawn(work)

    async def follow(
        self,
        starting: Awaitable[AgentRun[T]],
        on_token: Callable[[str], None],
        on_run: Callable[[AgentRun[T]], None] | None = None,
    ) -> T:
        """Start a run, hand each token to `on_token`, return the run's result. Raises what
        the services raise: ContextBudgetError, JobFailedError, StoryChangedError,
        AgentOutputError."""
        run = await starting
        self.prompt_assembled.emit(run.prompt)
        if on_run is not None:
            on_run(run)
        async for token in run:
            on_token(token)
        return await run.result()

    def stop(self) -> None:
        """Stop the stream into the editor, else every job the author started (Review,
        outlines, chat); what was written stays. Background summaries go on."""
        if self.editor_run is not None:
            self.editor_run.cancel()
        elif self.editor_task is not None:
            self.editor_task.cancel()
        else:
            self.activities.stop_foreground()

    def abandon(self) -> None:
        """Stop the editor's stream and take no more text into the editor: it is about to
        show something else (the panes' jobs are the story's, and end with it)."""
        if self.editor_run is not None:
            self.editor_run.cancel()
        elif self.editor_task is not None:
            self.editor_task.cancel()
        self.window.editor.end_ai_insertion()

    def busy_with(self, chapter_id: int) -> bool:
        return self.editor_run is not None and self.editor_run.chapter_id == chapter_id

    def _show_background(self) -> None:
        if self.editor_busy:
            return
        pending = self.distill.pending
        if pending:
            self.window.statusBar().showMessage(
                self.tr("Summarising earlier chapters for the context… {0} left").format(pending)
            )
        else:
            self.window.statusBar().showMessage(self.tr("Summaries up to date."), 4000)

    def _show_summary_failure(self, failure: SummaryFailure) -> None:
        """Said once per text: the service does not try it again until the text changes."""
        self.window.statusBar().showMessage(
            self.tr(
                "Could not summarise a {0} of {1} words: {2} It is tried again when its "
                "text changes."
            ).format(failure.kind, f"{failure.words:,}", failure.reason),
            15000,
        )

    # -- streams into the editor -----------------------------------------------------------

    def continue_chapter(self, max_tokens: int | None = None) -> asyncio.Task | None:
        if self.why_not_editor() is not None:
            return None
        editor = self.window.editor
        chapter_id = editor.chapter_id
        assert chapter_id is not None
        if not self.window.saver.save():
            return None
        text = editor.chapter_text()
        return self._stream_into_editor(
            self.agents.continue_chapter(chapter_id, text, max_tokens),
            lambda _run: editor.begin_ai_insertion(),
        )

    def generate_chapter(
        self, instructions: str = "", max_tokens: int | None = None
    ) -> asyncio.Task | None:
        """Into the selected chapter if it is empty, else into a new chapter."""
        if self.unavailable(needs_chapter=False) is not None or self.editor_busy:
            return None
        window = self.window
        if not window.saver.save():
            return None
        current = window.editor.chapter_id
        target = (
            current if current is not None and not window.editor.toPlainText().strip() else None
        )

        def begin(run: AgentRun) -> None:
            if target is None:
                window.binder.add_chapter(run.extra["new_chapter"])  # the editor shows it
            window.editor.begin_ai_insertion()

        return self._stream_into_editor(
            self.agents.generate_chapter(instructions, target, max_tokens), begin
        )

    def flesh_out(self, max_tokens: int | None = None) -> asyncio.Task | None:
        if self.why_not_editor() is not None:
            return None
        editor = self.window.editor
        cursor = editor.textCursor()
        if not cursor.hasSelection():
            self.window.statusBar().showMessage(self.tr("Select the passage to flesh out."), 5000)
            return None
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        passage = cursor.selectedText().replace("\u2029", "\n").replace("\u2028", "\n")
        chapter_id = editor.chapter_id
        assert chapter_id is not None
        if not self.window.saver.save():
            return None
        text = editor.toPlainText()
        return self._stream_into_editor(
            self.agents.flesh_out(chapter_id, text, passage, max_tokens),
            lambda _run: editor.begin_ai_insertion(replace=(start, end)),
        )

    def _stream_into_editor(
        self, starting: Awaitable[AgentRun], begin: Callable[[AgentRun], None]
    ) -> asyncio.Task:
        task = self.spawn(self._editor_stream(starting, begin))
        self.editor_task = task
        self.refresh()
        return task

    async def _editor_stream(
        self, starting: Awaitable[AgentRun], begin: Callable[[AgentRun], None]
    ) -> None:
        def started(run: AgentRun) -> None:
            self.editor_run = run
            begin(run)
            self.window.statusBar().showMessage(self.tr("Writing…"))

        editor = self.window.editor
        # Tokens go into the editor once per loop turn, not one by one: each insertion lays
        # the text out again. The generation hands them over in frames (DELIVER_EVERY_S), so
        # this is one insertion per frame.
        waiting: list[str] = []

        def flush() -> None:
            if waiting:
                editor.insert_ai_text("".join(waiting))
                for text in waiting:
                    self.token_streamed.emit(text)
                waiting.clear()

        def insert(text: str) -> None:
            if not waiting:
                asyncio.get_running_loop().call_soon(flush)
            waiting.append(text)

        try:
            try:
                result = await self.follow(starting, insert, started)
            finally:
                flush()
        except ContextBudgetError as exc:
            self._editor_failed(self.tr("Cannot run: {0}").format(exc), str(exc))
        except (JobFailedError, StoryFileError) as exc:
            self._editor_failed(self.tr("AI failed: {0}").format(exc), str(exc))
        except StoryChangedError:
            self._end_editor_run()
        except asyncio.CancelledError:
            self._end_editor_run()
            raise
        else:
            self._end_editor_run()
            verb = self.tr("Stopped") if result.cancelled else self.tr("Done")
            words = word_count(result.text)
            self.window.statusBar().showMessage(
                self.tr("{0}: {1} words in {2:.0f} s").format(verb, f"{words:,}", result.seconds),
                8000,
            )
            self.generation_finished.emit(result)

    def _editor_failed(self, shown: str, message: str) -> None:
        self._end_editor_run()
        self.window.statusBar().showMessage(shown)
        self.generation_failed.emit(message)

    def _end_editor_run(self) -> None:
        had_run = self.editor_run is not None
        self.editor_run = None
        self.editor_task = None
        if had_run:
            self.window.editor.end_ai_insertion()
            self.window.saver.save()
        self.refresh()
        if self.distill.pending:
            self._show_background()
