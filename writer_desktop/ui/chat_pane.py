"""Chat with the manuscript: the story is the context, conversations are kept in the file;
answers are shown as rendered Markdown, also while they stream."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.services import (
    AgentRun,
    ContextBudgetError,
    JobFailedError,
    StoryChangedError,
    StoryFileError,
)

if TYPE_CHECKING:
    from writer_desktop.ui.ai_actions import AiActions
    from writer_desktop.ui.main_window import MainWindow


class ChatPane(QWidget):
    """A conversation about the manuscript: questions and streamed answers, kept in the file."""

    def __init__(self, ai: AiActions, window: MainWindow) -> None:
        super().__init__()
        self.ai = ai
        self.window = window
        self.run: AgentRun | None = None
        self.answer = ""  # the answer streaming in
        self.task: asyncio.Task | None = None
        self.conversation = 1

        self.conversations = QComboBox()
        self.conversations.currentIndexChanged.connect(self._on_conversation_chosen)
        new_button = QPushButton(self.tr("New conversation"))
        new_button.clicked.connect(self.new_conversation)
        self.transcript = QTextBrowser()
        self.transcript.setOpenExternalLinks(False)
        # The conversation as Markdown; the answer streaming in is the last entry.
        self.entries: list[str] = []
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(120)
        self._render_timer.timeout.connect(self._render)
        self.question = QLineEdit()
        self.question.setPlaceholderText(self.tr("Ask about your story…"))
        self.question.returnPressed.connect(lambda: self.send())
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.clicked.connect(lambda: self.send())
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)

        top = QHBoxLayout()
        top.addWidget(self.conversations, 1)
        top.addWidget(new_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.question, 1)
        bottom.addWidget(self.send_button)
        bottom.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.transcript, 1)
        layout.addLayout(bottom)

    def reload(self) -> None:
        self.conversations.blockSignals(True)
        self.conversations.clear()
        numbers = self.ai.agents.conversations() if self.window.stories.is_open else []
        if self.conversation not in numbers:
            numbers.append(self.conversation)
        for number in sorted(numbers):
            self.conversations.addItem(self.tr("Conversation {0}").format(number), number)
        self.conversations.setCurrentIndex(self.conversations.findData(self.conversation))
        self.conversations.blockSignals(False)
        self._show_conversation()

    def new_conversation(self) -> None:
        if self.window.stories.is_open:
            self.conversation = self.ai.agents.new_conversation()
            self.reload()

    def _on_conversation_chosen(self, index: int) -> None:
        if index >= 0:
            self.conversation = self.conversations.itemData(index)
            self._show_conversation()

    def _show_conversation(self) -> None:
        self.entries = []
        if self.window.stories.is_open:
            for message in self.ai.agents.chat_messages(self.conversation):
                self._append(message.role, message.content)
        self._render()

    def _append(self, role: str, text: str) -> None:
        who = self.tr("You") if role == "user" else self.tr("Assistant")
        self.entries.append(f"**{who}:** {text}")

    def _note(self, text: str) -> None:
        self.entries.append(f"*{text}*")
        self._render()

    def _render(self) -> None:
        self._render_timer.stop()
        bar = self.transcript.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        self.transcript.setMarkdown("\n\n".join(self.entries))
        if at_end:
            bar.setValue(bar.maximum())

    def send(
        self, question: str | None = None, max_tokens: int | None = None
    ) -> asyncio.Task | None:
        question = (question if question is not None else self.question.text()).strip()
        reason = self.ai.unavailable(needs_chapter=False)
        if not question or self.task is not None or reason is not None:
            if reason:
                self._note(reason)
            return None
        self.question.clear()
        self._append("user", question)
        self._append("assistant", "")
        self.answer = ""
        self._render()
        starting = self.ai.agents.chat(
            self.conversation, question, self.window.editor.chapter_id, max_tokens
        )
        self.task = self.ai.spawn(self._answer(starting))
        self.update_buttons()
        return self.task

    async def _answer(self, starting) -> None:
        def started(run: AgentRun) -> None:
            self.run = run

        try:
            await self.ai.follow(starting, self._on_token, started)
        except (ContextBudgetError, JobFailedError, StoryFileError) as exc:
            self._note(self.tr("The answer failed: {0}").format(exc))
        except StoryChangedError:
            self._show_conversation()  # it belonged to a story that is closed now
        else:
            self._render()
        finally:
            self.run, self.task = None, None
            self.update_buttons()

    def stop(self) -> None:
        if self.run is not None:
            self.run.cancel()
        elif self.task is not None:
            self.task.cancel()

    def _on_token(self, text: str) -> None:
        self.answer += text
        self.entries[-1] = f"**{self.tr('Assistant')}:** {self.answer}"
        if not self._render_timer.isActive():
            self._render_timer.start()

    def update_buttons(self) -> None:
        self.send_button.setEnabled(self.task is None)
        self.stop_button.setEnabled(self.task is not None)
