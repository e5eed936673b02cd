"""ContextService: the story as a container, assembled by the context engine for one agent."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from writer_desktop.agents import PromptLibrary, system_base
from writer_desktop.config import Settings
from writer_desktop.context import (
    AssembledPrompt,
    ContextManager,
    TokenCounter,
    container_from_story,
)
from writer_desktop.domain import PlotElement
from writer_desktop.inference import ModelLoadError, resolve_model_path
from writer_desktop.services.story_service import StoryService

log = logging.getLogger(__name__)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ContextService:
    def __init__(
        self,
        stories: StoryService,
        settings: Settings,
        prompts: PromptLibrary,
        pinned: Callable[[], list[PlotElement]] | None = None,
    ) -> None:
        self.stories = stories
        self.settings = settings
        self.prompts = prompts
        # Passages the author pinned from the archive: high-priority context for every prompt.
        self.pinned = pinned or (lambda: [])
        self._counter: TokenCounter | None = None
        self.last_prompt: AssembledPrompt | None = None

    @property
    def counter(self) -> TokenCounter:
        """Built on first use; the exact strategy falls back to tiktoken without a model."""
        if self._counter is None:
            strategy = self.settings.context_token_counter
            if strategy == "exact":
                try:
                    self._counter = TokenCounter("exact", resolve_model_path(self.settings))
                except (ModelLoadError, ValueError) as exc:
                    log.warning("exact token counting unavailable (%s); using tiktoken", exc)
                    self._counter = TokenCounter("tiktoken")
            else:
                self._counter = TokenCounter(strategy)
        return self._counter

    def assemble(
        self,
        agent: str,
        chapter_id: int | None,
        role: str,
        task: str,
        reserve_tokens: int,
        requests: list[str] | None = None,
        phase: str = "draft",
        custom_filters: tuple = (),
    ) -> AssembledPrompt:
        """Raises ContextBudgetError when the context cannot fit."""
        story = self.stories.story()
        container = container_from_story(story, chapter_id, requests)
        container.plot_elements.extend(self.pinned())
        summaries = self.stories.summaries()

        def lookup(kind: str, text: str) -> str | None:
            return summaries.get((kind, content_hash(text)))

        manager = ContextManager(
            self.settings, self.counter, lookup, system_base(self.prompts, story.title)
        )
        prompt = manager.process_context_for_agent(
            container,
            agent,
            phase,
            role=role,
            task=task,
            reserve_tokens=reserve_tokens,
            custom_filters=custom_filters,
        )
        self.last_prompt = prompt
        return prompt
