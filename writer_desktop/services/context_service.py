"""ContextService: the story as a container, assembled by the context engine for one agent.

Assembly reads the whole story and counts tokens: tens of milliseconds on a long novel,
hundreds the first time. `assemble` and `assemble_container` therefore run it on a worker
thread and the caller awaits it; the GUI thread never waits. `build_prompt` and
`build_container_prompt` are the same work on the calling thread (benchmarks, tests).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections.abc import Callable
from functools import lru_cache

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


@lru_cache(maxsize=4096)
def content_hash(text: str) -> str:
    """The key a text's summary is kept under. Remembered: every prompt looks up the
    summary of every earlier chapter, and they rarely change."""
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
        self._counter_lock = threading.Lock()  # two threads must not load the vocab twice
        self._other_counters: dict[str, TokenCounter] = {}
        self.last_prompt: AssembledPrompt | None = None

    @property
    def counter(self) -> TokenCounter:
        """Built on first use; the exact strategy falls back to tiktoken without a model."""
        with self._counter_lock:
            if self._counter is None:
                self._counter = self._make_counter()
            return self._counter

    def _make_counter(self) -> TokenCounter:
        strategy = self.settings.context_token_counter
        if strategy == "exact" and self.settings.llm_backend == "openai":
            from writer_desktop.inference.openai_backend import server_tokenizer

            tokenizer = server_tokenizer(self.settings)
            return (
                TokenCounter("exact", tokenizer=tokenizer)
                if tokenizer
                else TokenCounter("tiktoken")
            )
        if strategy == "exact":
            try:
                problem = cpu_problem()  # the model's tokenizer is llama.cpp too
                if problem:
                    raise ModelLoadError(problem)
                return TokenCounter("exact", resolve_model_path(self.settings))
            except (ModelLoadError, ValueError) as exc:
                log.warning("exact token counting unavailable (%s); using tiktoken", exc)
                return TokenCounter("tiktoken")
        return TokenCounter(strategy)

    async def assemble(
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
        """The open story's context for one agent, assembled on a worker thread. Raises
        ContextBudgetError when the context cannot fit."""
        pinned = self.pinned()  # read here: the archive's list belongs to this thread
        return await asyncio.to_thread(
            self.build_prompt,
            agent,
            chapter_id,
            role,
            task,
            reserve_tokens,
            requests,
            phase,
            custom_filters,
            pinned,
        )

    def build_prompt(
        self,
        agent: str,
        chapter_id: int | None,
        role: str,
        task: str,
        reserve_tokens: int,
        requests: list[str] | None = None,
        phase: str = "draft",
        custom_filters: tuple = (),
        pinned: list[PlotElement] | None = None,
    ) -> AssembledPrompt:
        """`assemble` on the calling thread: `pinned` passages (default: the archive's
        pinned ones) join the story's context."""
        story = self.stories.story()
        container = container_from_story(story, chapter_id, requests)
        container.plot_elements.extend(self.pinned() if pinned is None else pinned)
        summaries = self.stories.summaries()

        def lookup(kind: str, text: str) -> str | None:
            return summaries.get((kind, content_hash(text)))

        return self.build_container_prompt(
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

    async def assemble_container(
        self,
        container: StructuredContextContainer,
        agent: str,
        role: str,
        task: str,
        reserve_tokens: int,
        story_title: str,
        phase: str = "draft",
        custom_filters: tuple = (),
    ) -> AssembledPrompt:
        """A caller's own container (the HTTP API's structured_context) for one agent, by
        the same engine on a worker thread; without a story there are no cached summaries."""
        return await asyncio.to_thread(
            self.build_container_prompt,
            container,
            agent,
            role,
            task,
            reserve_tokens,
            story_title,
            phase,
            custom_filters,
        )

    def build_container_prompt(
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
        """`assemble_container` on the calling thread."""
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
