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
from writer_desktop.domain import PlotElement, StructuredContextContainer
from writer_desktop.inference import ModelLoadError, resolve_model_path
from writer_desktop.inference.cpu import cpu_problem
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
        self._other_counters: dict[str, TokenCounter] = {}
        self.last_prompt: AssembledPrompt | None = None

    @property
    def counter(self) -> TokenCounter:
        """Built on first use; the exact strategy falls back to tiktoken without a model."""
        if self._counter is None:
            strategy = self.settings.context_token_counter
            if strategy == "exact" and self.settings.llm_backend == "openai":
                from writer_desktop.inference.openai_backend import server_tokenizer

                tokenizer = server_tokenizer(self.settings)
                self._counter = (
                    TokenCounter("exact", tokenizer=tokenizer)
                    if tokenizer
                    else TokenCounter("tiktoken")
                )
            elif strategy == "exact":
                try:
                    problem = cpu_problem()  # the model's tokenizer is llama.cpp too
                    if problem:
                        raise ModelLoadError(problem)
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
        """The open story's context for one agent. Raises ContextBudgetError when the
        context cannot fit."""
        story = self.stories.story()
        container = container_from_story(story, chapter_id, requests)
        container.plot_elements.extend(self.pinned())
        summaries = self.stories.summaries()

        def lookup(kind: str, text: str) -> str | None:
            return summaries.get((kind, content_hash(text)))

        return self.assemble_container(
            container,
            agent,
            role,
            task,
            reserve_tokens,
            story.title,
            phase=phase,
            custom_filters=custom_filters,
            summary=lookup,
        )

    def assemble_container(
        self,
        container: StructuredContextContainer,
        agent: str,
        role: str,
        task: str,
        reserve_tokens: int,
        story_title: str,
        phase: str = "draft",
        custom_filters: tuple = (),
        summary: Callable[[str, str], str | None] | None = None,
    ) -> AssembledPrompt:
        """A caller's own container (the HTTP API's structured_context) for one agent, by
        the same engine; without a story there are no cached summaries."""
        manager = ContextManager(
            self.settings,
            self.counter,
            summary or (lambda _kind, _text: None),
            system_base(self.prompts, story_title),
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

    def count_tokens(self, text: str, strategy: str | None = None) -> tuple[int, str]:
        """Tokens in `text` by the configured counter, or by the strategy named; returns
        the count and the strategy that counted."""
        if strategy is None or strategy == self.counter.strategy:
            return self.counter.count(text), self.counter.strategy
        if strategy not in self._other_counters:
            path = resolve_model_path(self.settings) if strategy == "exact" else None
            self._other_counters[strategy] = TokenCounter(strategy, path)  # type: ignore[arg-type]
        return self._other_counters[strategy].count(text), strategy
