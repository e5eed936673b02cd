"""DistillService: summaries written by the model in the background, kept in the story file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from writer_desktop.agents import PromptLibrary, distill_messages
from writer_desktop.config import Settings
from writer_desktop.inference.backend import GenerationJob, GenerationResult
from writer_desktop.services.context_service import content_hash
from writer_desktop.services.story_service import StoryService

if TYPE_CHECKING:
    from writer_desktop.services.agent_service import JobRunner

BACKGROUND_PRIORITY = 10
KIND_OF = {"chapter": "chapter", "summary": "chapter", "character": "character", "plot": "plot"}


class DistillService:
    def __init__(
        self, stories: StoryService, runner: JobRunner, prompts: PromptLibrary, settings: Settings
    ) -> None:
        self.stories = stories
        self.runner = runner
        self.prompts = prompts
        self.settings = settings
        self._jobs: dict[int, tuple[str, str]] = {}

    @property
    def pending(self) -> int:
        return len(self._jobs)

    def queue(self, needs: list[tuple[str, str]]) -> list[int]:
        """Queue a summary for each (kind, text) not yet summarised or queued."""
        if not self.stories.is_open:
            return []
        stored = self.stories.store.summaries()
        queued = set(self._jobs.values())
        job_ids = []
        for kind, text in needs:
            key = (kind, content_hash(text))
            if key in stored or key in queued or kind not in KIND_OF:
                continue
            temperature = getattr(self.settings, f"distill_{KIND_OF[kind]}_temperature")
            job = GenerationJob(
                messages=distill_messages(self.prompts, KIND_OF[kind], text),
                temperature=temperature,
                max_tokens=self.settings.distill_max_tokens,
                operation="distill",
                priority=BACKGROUND_PRIORITY,
            )
            job_id = self.runner.submit(job)
            self._jobs[job_id] = key
            queued.add(key)
            job_ids.append(job_id)
        return job_ids

    def owns(self, job_id: int) -> bool:
        return job_id in self._jobs

    def finished(self, job_id: int, result: GenerationResult) -> None:
        kind, digest = self._jobs.pop(job_id)
        summary = result.text.strip()
        if summary and not result.cancelled and self.stories.is_open:
            self.stories.store.save_summary(kind, digest, summary, result.model_name)

    def failed(self, job_id: int) -> None:
        self._jobs.pop(job_id, None)

    def cancel_all(self) -> None:
        for job_id in list(self._jobs):
            self.runner.cancel(job_id)
