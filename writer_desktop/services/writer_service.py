"""The Writer agent's actions: builds the prompt, keeps a snapshot, submits the job."""

from __future__ import annotations

from typing import Protocol

from writer_desktop.agents import PromptLibrary, continue_chapter_messages
from writer_desktop.config import Settings
from writer_desktop.inference.backend import GenerationJob
from writer_desktop.services.story_service import StoryService


class JobRunner(Protocol):
    def submit(self, job: GenerationJob) -> int: ...

    def cancel(self, job_id: int) -> None: ...


class WriterService:
    def __init__(
        self, stories: StoryService, runner: JobRunner, prompts: PromptLibrary, settings: Settings
    ) -> None:
        self.stories = stories
        self.runner = runner
        self.prompts = prompts
        self.settings = settings

    def continue_chapter(self, chapter_id: int, current_text: str, max_tokens: int | None = None) -> int:
        """Save the text as it stands, snapshot it, and queue a continuation; returns the job id."""
        self.stories.save_chapter_text(chapter_id, current_text)
        self.stories.snapshot_chapter(chapter_id, current_text, "before Continue chapter")
        chapter = self.stories.chapter(chapter_id)
        messages = continue_chapter_messages(
            self.prompts, self.stories.title(), chapter, self.stories.characters()
        )
        params = self.settings.endpoint("writer")
        job = GenerationJob(
            messages=messages,
            temperature=params.temperature,
            max_tokens=max_tokens or params.max_tokens,
            operation="writer",
        )
        return self.runner.submit(job)

    def cancel(self, job_id: int) -> None:
        self.runner.cancel(job_id)
