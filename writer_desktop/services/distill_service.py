"""DistillService: summaries written by the model in the background, kept in the story file."""

from __future__ import annotations

import asyncio
import logging

from writer_desktop.agents import PromptLibrary, distill_messages
from writer_desktop.config import Settings
from writer_desktop.inference import GenerationJob
from writer_desktop.services.context_service import content_hash
from writer_desktop.services.errors import JobFailedError
from writer_desktop.services.jobs import Generation, JobService, Listeners
from writer_desktop.services.story_service import StoryService, StorySession

log = logging.getLogger(__name__)

BACKGROUND_PRIORITY = 10
SUMMARY_NAMES = {
    "chapter": "Summarising an earlier chapter",
    "character": "Summarising a character",
    "plot": "Summarising plot notes",
}
KIND_OF = {"chapter": "chapter", "summary": "chapter", "character": "character", "plot": "plot"}


class DistillService:
    """Queues a summary job per text the context engine could not fit whole; each summary is
    saved into the story that asked for it, or dropped if that story was closed."""

    def __init__(
        self, stories: StoryService, jobs: JobService, prompts: PromptLibrary, settings: Settings
    ) -> None:
        self.stories = stories
        self.jobs = jobs
        self.prompts = prompts
        self.settings = settings
        self._queued: dict[tuple[str, str], asyncio.Task] = {}
        self.changed: Listeners[[int]] = Listeners()  # summaries still pending

    @property
    def pending(self) -> int:
        return len(self._queued)

    def queue(self, needs: list[tuple[str, str]]) -> list[asyncio.Task]:
        """Queue a summary for each (kind, text) not yet summarised or queued; runs on the
        event loop (the tasks save what comes back)."""
        if not self.stories.is_open:
            return []
        session = self.stories.session
        stored = self.stories.summaries()
        tasks = []
        for kind, text in needs:
            key = (kind, content_hash(text))
            if key in stored or key in self._queued or kind not in KIND_OF:
                continue
            temperature = getattr(self.settings, f"distill_{KIND_OF[kind]}_temperature")
            job = GenerationJob(
                messages=distill_messages(self.prompts, KIND_OF[kind], text),
                temperature=temperature,
                max_tokens=self.settings.distill_max_tokens,
                operation="distill",
                priority=BACKGROUND_PRIORITY,
            )
            generation = self.jobs.generate(
                job, session, name=SUMMARY_NAMES[KIND_OF[kind]], background=True
            )
            task = asyncio.get_running_loop().create_task(
                self._save_when_done(key, generation, session)
            )
            self._queued[key] = task
            tasks.append(task)
        if tasks:
            self.changed.emit(self.pending)
        return tasks

    async def _save_when_done(
        self, key: tuple[str, str], generation: Generation, session: StorySession
    ) -> None:
        try:
            result = await generation.result()
        except JobFailedError as exc:
            log.warning("summary failed: %s", exc)
            return
        finally:
            self._queued.pop(key, None)
            self.changed.emit(self.pending)
        summary = result.text.strip()
        if summary and not result.cancelled and self.stories.is_current(session):
            kind, digest = key
            self.stories.save_summary(kind, digest, summary, result.model_name)

    async def wait(self) -> None:
        """Until every queued summary is saved or dropped."""
        while self._queued:
            await asyncio.gather(*self._queued.values(), return_exceptions=True)
