"""The Writer agent's actions: builds the prompt, keeps a snapshot, submits the job."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from writer_desktop.agents import PromptLibrary, continue_chapter_spec
from writer_desktop.config import Settings
from writer_desktop.context import AssembledPrompt
from writer_desktop.inference.backend import GenerationJob

if TYPE_CHECKING:
    from writer_desktop.services.context_service import ContextService
    from writer_desktop.services.distill_service import DistillService
    from writer_desktop.services.story_service import StoryService


class JobRunner(Protocol):
    def submit(self, job: GenerationJob) -> int: ...

    def cancel(self, job_id: int) -> None: ...


class WriterService:
    def __init__(
        self,
        stories: StoryService,
        runner: JobRunner,
        prompts: PromptLibrary,
        settings: Settings,
        context: ContextService,
        distill: DistillService,
    ) -> None:
        self.stories = stories
        self.runner = runner
        self.prompts = prompts
        self.settings = settings
        self.context = context
        self.distill = distill

    def continue_chapter(
        self, chapter_id: int, current_text: str, max_tokens: int | None = None
    ) -> tuple[int, AssembledPrompt]:
        """Save and snapshot the text, assemble the context, queue the job.

        Returns the job id and the prompt; raises ContextBudgetError when it cannot fit.
        """
        self.stories.save_chapter_text(chapter_id, current_text)
        params = self.settings.endpoint("writer")
        max_tokens = max_tokens or params.max_tokens
        role, task = continue_chapter_spec(self.prompts, self.stories.chapter(chapter_id))
        prompt = self.context.assemble("writer", chapter_id, role, task, reserve_tokens=max_tokens)
        self.stories.snapshot_chapter(chapter_id, current_text, "before Continue chapter")
        job = GenerationJob(
            messages=prompt.messages(),
            temperature=params.temperature,
            max_tokens=max_tokens,
            operation="writer",
        )
        job_id = self.runner.submit(job)
        # Chapters that no longer fit get model summaries, for the next prompt.
        self.distill.queue(prompt.report.needs_summary)
        return job_id, prompt

    def cancel(self, job_id: int) -> None:
        self.runner.cancel(job_id)
