"""The AI actions that ask the author something first or end in a dialog: generate, modify,
outlines, character details and bio, review."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog

from writer_desktop.domain import Character
from writer_desktop.services import (
    AgentOutputError,
    AgentRun,
    ContextBudgetError,
    JobFailedError,
    StoryChangedError,
    StoryFileError,
)
from writer_desktop.ui.modify_dialog import ModifyDialog
from writer_desktop.ui.proposal_dialog import ProposalDialog

if TYPE_CHECKING:
    from writer_desktop.ui.ai_actions import AiActions
    from writer_desktop.ui.main_window import MainWindow

DETAIL_FIELDS = ["role", "bio", "goals", "current_state", "traits"]


# What a run in a dialog or the status bar can end with, short of a bug.
RUN_ERRORS = (ContextBudgetError, JobFailedError, AgentOutputError, StoryFileError)


class AgentCommands(QObject):
    """Generate, Modify, outlines, character details and bio, and Review: the AI actions that
    ask something first or end in a dialog."""

    def __init__(self, ai: AiActions, window: MainWindow) -> None:
        super().__init__(window)
        self.ai = ai
        self.window = window
        self.dialog: ModifyDialog | ProposalDialog | None = None
        self.review_action = self._action(self.tr("&Review chapter"), "Ctrl+Shift+R", self.review)
        self.outline_action = self._action(
            self.tr("Generate chapter &outlines…"), None, lambda: self.ask_outlines()
        )
        self.details_action = self._action(
            self.tr("Generate character &details"), None, lambda: self.character_details()
        )
        self.bio_action = self._action(
            self.tr("Regenerate character &bio"), None, lambda: self.regenerate_bio()
        )

    def review(self) -> None:
        """Run the reviewers, with their panes in view."""
        self.window.show_feedback()
        self.window.feedback.review()

    def _action(self, text: str, shortcut: str | None, slot) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def actions(self) -> list[QAction]:
        return [self.review_action, self.outline_action, self.details_action, self.bio_action]

    def refresh(self) -> None:
        story_reason = self.ai.unavailable(needs_chapter=False)
        chapter_reason = self.ai.unavailable()
        character_reason = story_reason or (
            None
            if self.window.characters.current_entry() is not None
            else self.tr("Select a character first.")
        )
        for action, reason in (
            (self.review_action, chapter_reason),
            (self.outline_action, story_reason),
            (self.details_action, character_reason),
            (self.bio_action, character_reason),
        ):
            action.setEnabled(reason is None)
            action.setToolTip(reason or action.text().replace("&", ""))

    # -- Generate and Modify ---------------------------------------------------------------

    def ask_generate(self) -> None:
        instructions, ok = QInputDialog.getMultiLineText(
            self.window,
            self.tr("Generate chapter"),
            self.tr("Anything the chapter must do? (optional)"),
        )
        if ok:
            self.ai.generate_chapter(instructions)

    def ask_modify(self) -> None:
        instruction, ok = QInputDialog.getText(
            self.window,
            self.tr("Modify chapter"),
            self.tr("How should the chapter (or the selection) change?"),
            text=self.tr("Tighten the prose"),
        )
        if ok and instruction.strip():
            self.modify(instruction.strip())

    def modify(self, instruction: str, max_tokens: int | None = None) -> ModifyDialog | None:
        """Rewrite the selection, or the whole chapter, shown as changes to accept."""
        if self.ai.why_not_editor() is not None:
            return None
        editor = self.window.editor
        chapter_id = editor.chapter_id
        assert chapter_id is not None
        cursor = editor.textCursor()
        full_text = editor.toPlainText()
        if cursor.hasSelection():
            start, end = cursor.selectionStart(), cursor.selectionEnd()
        else:
            start, end = 0, len(full_text)
        passage = full_text[start:end]
        dialog = ModifyDialog(passage, instruction, self.window)
        starting = self.ai.agents.modify(chapter_id, full_text, passage, instruction, max_tokens)

        async def rewrite() -> None:
            try:
                result = await self.ai.follow(
                    starting,
                    dialog.add_token,
                    lambda run: dialog.stop_requested.connect(run.cancel),
                )
            except RUN_ERRORS as exc:
                dialog.fail(str(exc))
            except StoryChangedError:
                dialog.reject()
            else:
                # Compared off the GUI thread; a rewrite cut off by max_tokens covers only
                # the start of the passage.
                await dialog.finish(
                    result.text, result.cancelled, cut_off=result.finish_reason == "length"
                )

        task = self.ai.spawn(rewrite())
        dialog.rejected.connect(task.cancel)

        def apply(text: object) -> None:
            # Only if the chapter is still the one that was rewritten, and unchanged.
            if text is None or editor.chapter_id != chapter_id or editor.toPlainText() != full_text:
                return
            editor.replace_range(start, end, str(text))
            self.window.saver.save()

        dialog.decided.connect(apply)
        dialog.open()
        self.dialog = dialog
        return dialog

    # -- outlines --------------------------------------------------------------------------

    def ask_outlines(self) -> None:
        count, ok = QInputDialog.getInt(
            self.window,
            self.tr("Generate chapter outlines"),
            self.tr("How many chapters to plan?"),
            3,
            1,
            12,
        )
        if ok:
            self.outlines(count)

    def outlines(self, count: int) -> asyncio.Task | None:
        """Plan `count` chapters; they appear in the binder of the story that asked."""
        if self.ai.unavailable(needs_chapter=False) is not None:
            return None
        status = self.window.statusBar()
        status.showMessage(self.tr("Planning {0} chapters…").format(count))
        stories = self.window.stories
        asking = stories.session
        starting = self.ai.agents.chapter_outlines(count, self.window.editor.chapter_id)

        async def plan() -> None:
            try:
                chapters = await self.ai.follow(starting, lambda _text: None)
            except RUN_ERRORS as exc:
                status.showMessage(str(exc))
                return
            except StoryChangedError:
                return
            if asking is None or not stories.is_current(asking):
                return  # saved in the story that asked, which the window no longer shows
            for chapter in chapters:
                self.window.binder.append_chapter(chapter)
            if not chapters:
                status.showMessage(self.tr("Outline planning stopped."), 8000)
            else:
                status.showMessage(
                    self.tr("Added {0} outline chapters.").format(len(chapters)), 8000
                )

        return self.ai.spawn(plan())

    # -- characters ------------------------------------------------------------------------

    def character_details(self) -> ProposalDialog | None:
        return self._propose(
            self.tr("Character details"),
            DETAIL_FIELDS,
            lambda character, chapter_id: self.ai.agents.character_details(character, chapter_id),
            lambda details: details.model_dump(),
        )

    def regenerate_bio(self) -> ProposalDialog | None:
        return self._propose(
            self.tr("New bio"),
            ["bio"],
            lambda character, chapter_id: self.ai.agents.regenerate_bio(character, chapter_id),
            lambda bio: {"bio": bio},
        )

    def _propose(
        self,
        title: str,
        fields: list[str],
        start: Callable[[Character, int | None], Awaitable[AgentRun]],
        read: Callable[[object], dict[str, object]],
    ) -> ProposalDialog | None:
        if self.window.characters.current_entry() is None:
            return None
        if self.ai.unavailable(needs_chapter=False) is not None:
            return None
        self.window.characters.save_current()
        character = self.window.characters.current_entry()
        assert character is not None
        dialog = ProposalDialog(f"{title}: {character.name}", character, fields, self.window)
        starting = start(character, self.window.editor.chapter_id)

        async def propose() -> None:
            try:
                value = await self.ai.follow(starting, dialog.add_token)
            except RUN_ERRORS as exc:
                dialog.fail(str(exc))
            except StoryChangedError:
                dialog.reject()
            else:
                dialog.propose(read(value))

        task = self.ai.spawn(propose())
        dialog.rejected.connect(task.cancel)
        dialog.accepted.connect(
            lambda: self.window.characters.replace_current(dialog.result_character())
        )
        dialog.open()
        self.dialog = dialog
        return dialog
