"""DistillService: summaries written by the model in the background, kept in the story file.

A text too long for one prompt (a 6,000-word chapter against the default 4,096-token
context) is summarised map-reduce: split between paragraphs into pieces that fit, counted by
the context engine's token counter, each piece summarised, and the piece summaries combined
into one (in rounds, if even they do not fit one prompt). Every job runs at background
priority, so the author's own requests go first. A summary that fails says why once and is
not tried again until its text changes.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from writer_desktop.agents import (
    PromptLibrary,
    distill_combine_messages,
    distill_messages,
    distill_part_messages,
)
from writer_desktop.config import Settings
from writer_desktop.inference import GenerationJob
from writer_desktop.services.context_service import ContextService, content_hash
from writer_desktop.services.errors import JobFailedError
from writer_desktop.services.jobs import JobService, Listeners
from writer_desktop.services.story_service import StoryService, StorySession

log = logging.getLogger(__name__)

BACKGROUND_PRIORITY = 10
SUMMARY_NAMES = {
    "chapter": "Summarising an earlier chapter",
    "character": "Summarising a character",
    "plot": "Summarising plot notes",
}
KIND_OF = {"chapter": "chapter", "summary": "chapter", "character": "character", "plot": "plot"}
# Tokens a chat template adds around each message, and a margin for the difference between
# counting pieces apart and counting them joined.
TEMPLATE_TOKENS_PER_MESSAGE = 8
MARGIN_SHARE = 0.05

# The units a text is cut into, coarse to fine: paragraphs (a line with the blank lines
# after it), sentences, words.
_UNITS = (
    re.compile(r"[^\n]*\n*"),
    re.compile(r"[^.!?…\n]*(?:[.!?…]+[\"'”’)\]]*)?\s*"),
    re.compile(r"\S*\s*"),
)


class SummaryFailed(Exception):
    """A summary the model could not write; the message says why."""


class _Dropped(Exception):
    """A summary job cancelled (its story closed): nothing to save, nothing to report."""


@dataclass(frozen=True)
class SummaryFailure:
    """Why a text could not be summarised; it is not tried again until the text changes."""

    kind: str
    words: int
    reason: str

    @property
    def message(self) -> str:
        return (
            f"Could not summarise a {KIND_OF.get(self.kind, self.kind)} of {self.words:,} "
            f"words: {self.reason} It is tried again when its text changes."
        )


def _units(
    text: str, limit: int, count: Callable[[str], int], level: int = 0
) -> list[tuple[str, int]]:
    """`text` as (unit, tokens) in order, each unit within `limit`: paragraphs, and a
    paragraph too long for one piece cut between sentences, then between words."""
    units: list[tuple[str, int]] = []
    for unit in _UNITS[level].findall(text):
        if not unit:
            continue
        tokens = count(unit)
        if tokens <= limit:
            units.append((unit, tokens))
        elif level + 1 < len(_UNITS):
            units.extend(_units(unit, limit, count, level + 1))
        else:  # one "word" longer than a whole piece: cut by characters
            step = max(1, len(unit) * limit // (tokens + 1))
            units.extend(
                (unit[i : i + step], count(unit[i : i + step])) for i in range(0, len(unit), step)
            )
    return units


def _group(units: list[tuple[str, int]], cap: int) -> list[list[tuple[str, int]]]:
    groups: list[list[tuple[str, int]]] = []
    size = 0
    for unit in units:
        if groups and size + unit[1] <= cap:
            groups[-1].append(unit)
            size += unit[1]
        else:
            groups.append([unit])
            size = unit[1]
    return groups


def split_to_fit(text: str, limit: int, count: Callable[[str], int]) -> list[str]:
    """`text` cut into consecutive pieces of at most `limit` tokens each (by `count`),
    between paragraphs where it can be (between sentences, then words, inside a paragraph
    too long for one piece): as few pieces as fit, of about equal size. Joined, the pieces
    are `text` again."""
    if limit < 1:
        raise ValueError("a piece must hold at least one token")
    units = _units(text, limit, count)
    if not units:
        return []
    fewest = len(_group(units, limit))
    # The smallest cap that still needs no more pieces: the pieces come out even.
    low, high = max(1, math.ceil(sum(t for _, t in units) / fewest)), limit
    while low < high:
        middle = (low + high) // 2
        if len(_group(units, middle)) <= fewest:
            high = middle
        else:
            low = middle + 1
    return ["".join(unit for unit, _ in group) for group in _group(units, high)]


class DistillService:
    """Queues a summary job per text the context engine could not fit whole; each summary is
    saved into the story that asked for it, or dropped if that story was closed."""

    def __init__(
        self,
        stories: StoryService,
        jobs: JobService,
        prompts: PromptLibrary,
        settings: Settings,
        context: ContextService,
    ) -> None:
        self.stories = stories
        self.jobs = jobs
        self.prompts = prompts
        self.settings = settings
        self.context = context  # its token counter sizes the pieces
        self._queued: dict[tuple[str, str], asyncio.Task] = {}
        self._failures: dict[tuple[str, str], SummaryFailure] = {}
        self.changed: Listeners[[int]] = Listeners()  # summaries still pending
        self.failed: Listeners[[SummaryFailure]] = Listeners()  # once per text

    @property
    def pending(self) -> int:
        return len(self._queued)

    @property
    def failures(self) -> list[SummaryFailure]:
        """The texts that could not be summarised (until their text changes)."""
        return list(self._failures.values())

    def queue(self, needs: list[tuple[str, str]]) -> list[asyncio.Task]:
        """Queue a summary for each (kind, text) not yet summarised, queued or failed; runs
        on the event loop (the tasks save what comes back)."""
        if not self.stories.is_open:
            return []
        session = self.stories.session
        stored = self.stories.summaries()
        tasks = []
        for kind, text in needs:
            key = (kind, content_hash(text))
            if key in stored or key in self._queued or key in self._failures:
                continue
            if kind not in KIND_OF:
                continue
            task = asyncio.get_running_loop().create_task(self._run(key, text, session))
            self._queued[key] = task
            tasks.append(task)
        if tasks:
            self.changed.emit(self.pending)
        return tasks

    async def _run(self, key: tuple[str, str], text: str, session: StorySession) -> None:
        kind = key[0]
        failure = None
        try:
            summary, model = await self._summarise(KIND_OF[kind], text, session)
        except _Dropped:
            return
        except SummaryFailed as exc:
            failure = SummaryFailure(kind, len(text.split()), str(exc))
        finally:
            self._queued.pop(key, None)
            self.changed.emit(self.pending)
        if failure is not None:
            # Said once; the same text is not queued again (a changed text has a new key).
            self._failures[key] = failure
            log.warning("%s", failure.message)
            self.failed.emit(failure)
        elif self.stories.is_current(session):
            self.stories.save_summary(kind, key[1], summary, model)

    # -- map-reduce ------------------------------------------------------------------------

    def _room(self, messages: list[dict[str, str]]) -> int:
        """Tokens left for the text in a prompt made of `messages` (with empty text)."""
        settings = self.settings
        overhead = sum(
            self.context.counter.count(m["content"]) + TEMPLATE_TOKENS_PER_MESSAGE for m in messages
        )
        margin = math.ceil(settings.llm_n_ctx * MARGIN_SHARE)
        return settings.llm_n_ctx - settings.distill_max_tokens - overhead - margin

    def _plan(self, kind: str, text: str) -> list[str]:
        """The pieces of `text`, each fitting one part prompt (one piece: it fits whole);
        token counting, so it runs on a worker thread."""
        whole = self._room(distill_messages(self.prompts, kind, ""))
        if whole < 1:
            raise SummaryFailed(
                f"the context ({self.settings.llm_n_ctx} tokens) leaves no room for text "
                f"beside the {self.settings.distill_max_tokens}-token summary."
            )
        if self.context.counter.count(text) <= whole:
            return [text]
        room = self._room(distill_part_messages(self.prompts, kind, "", 99, 99))
        if room < 1:
            raise SummaryFailed("the context is too small for a part of the text.")
        pieces = split_to_fit(text, room, self.context.counter.count)
        return [piece for piece in pieces if piece.strip()]

    async def _summarise(self, kind: str, text: str, session: StorySession) -> tuple[str, str]:
        """The summary of `text` and the model that wrote it."""
        pieces = await asyncio.to_thread(self._plan, kind, text)
        if len(pieces) <= 1:
            return await self._ask(distill_messages(self.prompts, kind, text), kind, session)
        log.info("summarising a %s of %d words in %d pieces", kind, len(text.split()), len(pieces))
        summaries = await self._all(
            [
                distill_part_messages(self.prompts, kind, piece, number, len(pieces))
                for number, piece in enumerate(pieces, 1)
            ],
            kind,
            session,
        )
        return await self._combine(kind, [s for s, _ in summaries], session)

    async def _combine(
        self, kind: str, summaries: list[str], session: StorySession
    ) -> tuple[str, str]:
        """One summary of the consecutive parts' summaries: in one prompt if they fit,
        otherwise combined in groups first, round after round."""
        room = self._room(distill_combine_messages(self.prompts, kind, []))
        count = self.context.counter.count
        while True:
            labelled = [f"Part {n}: {s}\n\n" for n, s in enumerate(summaries, 1)]
            sizes = await asyncio.to_thread(lambda texts: [count(x) for x in texts], labelled)
            groups = _group(list(zip(summaries, sizes, strict=True)), room)
            if len(groups) == 1:
                return await self._ask(
                    distill_combine_messages(self.prompts, kind, summaries), kind, session
                )
            if len(groups) >= len(summaries):
                raise SummaryFailed(
                    "its part summaries are too long to combine in the context; "
                    "a smaller DISTILL_MAX_TOKENS or a larger LLM_N_CTX would help."
                )
            combined = await self._all(
                [distill_combine_messages(self.prompts, kind, [s for s, _ in g]) for g in groups],
                kind,
                session,
            )
            summaries = [s for s, _ in combined]

    async def _all(
        self, prompts: list[list[dict[str, str]]], kind: str, session: StorySession
    ) -> list[tuple[str, str]]:
        """Every prompt's summary; the first failure cancels the rest."""
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self._ask(m, kind, session)) for m in prompts]
        except BaseExceptionGroup as errors:
            # A closed story explains any failure beside it; otherwise the first failure.
            for wanted in (_Dropped, SummaryFailed):
                for error in errors.exceptions:
                    if isinstance(error, wanted):
                        raise error from None
            raise
        return [task.result() for task in tasks]

    async def _ask(
        self, messages: list[dict[str, str]], kind: str, session: StorySession
    ) -> tuple[str, str]:
        """One summary job at background priority: its text and the model's name."""
        if not self.stories.is_current(session):
            raise _Dropped  # its story was closed while the earlier pieces ran
        job = GenerationJob(
            messages=messages,
            temperature=getattr(self.settings, f"distill_{kind}_temperature"),
            max_tokens=self.settings.distill_max_tokens,
            operation="distill",
            priority=BACKGROUND_PRIORITY,
        )
        generation = self.jobs.generate(
            job, session, name=SUMMARY_NAMES.get(kind, "Summarising"), background=True
        )
        try:
            result = await generation.result()
        except JobFailedError as exc:
            raise SummaryFailed(f"the model failed ({exc}).") from exc
        if result.cancelled or not self.stories.is_current(session):
            raise _Dropped
        summary = result.text.strip()
        if not summary:
            raise SummaryFailed("the model wrote no summary.")
        return summary, result.model_name

    async def wait(self) -> None:
        """Until every queued summary is saved, dropped or failed."""
        while self._queued:
            await asyncio.gather(*self._queued.values(), return_exceptions=True)
