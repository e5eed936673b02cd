"""Importing manuscripts into stories and exporting stories: all or nothing, either way.

Files are read in a child process with a time and memory cap (manuscripts.isolation);
cancelling the awaiting task kills the child.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from writer_desktop.domain import Chapter
from writer_desktop.manuscripts import (
    AUTO,
    Block,
    ImportedChapter,
    ManuscriptError,
    SplitRule,
    choose_rule,
    export_manuscript,
    manuscript_title,
    split_chapters,
    split_options,
)
from writer_desktop.manuscripts.isolation import ReadJob, read_isolated
from writer_desktop.services.activity import ActivityService
from writer_desktop.services.backup_service import BackupService
from writer_desktop.services.story_service import StoryService


@dataclass
class ImportPreview:
    """A manuscript read and split, not yet imported; blocks allow another split."""

    path: Path
    chapters: list[ImportedChapter]
    blocks: list[Block] = field(default_factory=list)
    rule: SplitRule = AUTO
    title: str = ""  # the book's title as the manuscript gives it, else the file's name

    @property
    def words(self) -> int:
        return sum(chapter.words for chapter in self.chapters)


class ManuscriptService:
    """Manuscript files in (read, preview, import) and out (export) for the open story."""

    def __init__(
        self,
        stories: StoryService,
        backups: BackupService | None = None,
        activities: ActivityService | None = None,
    ) -> None:
        self.stories = stories
        self.backups = backups
        self.activities = activities or ActivityService()

    def read(self, path: Path) -> ImportPreview:
        """Read (in a capped child process) and split a manuscript; nothing is changed
        yet. Raises ManuscriptError."""
        path = Path(path)
        return self._preview(path, read_isolated(path))

    def _preview(self, path: Path, blocks: list[Block]) -> ImportPreview:
        rule = choose_rule(blocks)
        chapters = split_chapters(blocks, path.stem, rule)
        if not chapters:
            raise ManuscriptError(f"{path.name} holds no text to import.")
        title = manuscript_title(blocks) or path.stem
        for chapter in chapters:
            chapter.words  # noqa: B018 - counted here, off the window's thread, and kept
        return ImportPreview(path, chapters, blocks, rule, title)

    async def preview(self, path: Path) -> ImportPreview:
        """read() without blocking the caller's loop; cancelling the awaiting task kills
        the child process reading the file."""
        path = Path(path)
        job = ReadJob(path)
        task = asyncio.current_task()
        activity = self.activities.add(
            f"Importing {path.name}",
            "import",
            task.cancel if task is not None else job.kill,
            state="running",
            progress_kind="reading",
        )
        try:
            blocks = await asyncio.to_thread(job.wait)
            return await asyncio.to_thread(self._preview, path, blocks)
        except asyncio.CancelledError:
            job.kill()
            raise
        finally:
            self.activities.finish(activity)

    def split(self, preview: ImportPreview, rule: SplitRule) -> list[ImportedChapter]:
        """The preview's manuscript split another way (a heading level, "Chapter N"
        lines, page breaks, a pattern); raises ValueError for a bad pattern."""
        return split_chapters(preview.blocks, preview.path.stem, rule)

    def split_options(self, preview: ImportPreview) -> list[tuple[SplitRule, str]]:
        """The splits worth offering the author for this manuscript."""
        return split_options(preview.blocks)

    def import_into_current(self, chapters: list[ImportedChapter]) -> list[Chapter]:
        """Append the chapters to the open story in one transaction, after a backup of the
        story as it was (File > Restore from backup… goes back to before the import)."""
        if self.backups is not None:
            self.backups.backup_if_changed()
        return self.stories.add_chapters([(c.title, c.content) for c in chapters])

    async def import_into_current_async(self, chapters: list[ImportedChapter]) -> list[Chapter]:
        """import_into_current on a worker thread (the backup and a novel's worth of text),
        into the story open when it was called (StoryChangedError if another is open by
        the time the thread starts)."""
        session = self.stories.session

        def work() -> list[Chapter]:
            self.stories.require(session)
            return self.import_into_current(chapters)

        return await asyncio.to_thread(work)

    def import_as_new_story(
        self, chapters: list[ImportedChapter], story_path: Path, title: str
    ) -> Path:
        """A new story file holding the chapters, then opened; on any failure no file is
        left behind and the story that was open stays open. Returns the story's path."""
        story_path = StoryService.write_new_story(
            story_path, title, [(c.title, c.content) for c in chapters]
        )
        self.stories.open_story(story_path)
        return story_path

    async def import_as_new_story_async(
        self, chapters: list[ImportedChapter], story_path: Path, title: str
    ) -> Path:
        """import_as_new_story with the novel written on a worker thread and opened as
        open_story_async opens a story: the event loop's thread never waits for either."""
        story_path = await asyncio.to_thread(
            StoryService.write_new_story,
            story_path,
            title,
            [(c.title, c.content) for c in chapters],
        )
        await self.stories.open_story_async(story_path)
        return story_path

    def export_story(self, path: Path) -> Path:
        chapters = [(c.title, c.content) for c in self.stories.chapters() if c.content.strip()]
        return export_manuscript(self.stories.title(), chapters, path)

    def export_chapter(self, chapter_id: int, path: Path) -> Path:
        chapter = self.stories.chapter(chapter_id)
        return export_manuscript(chapter.title, [(chapter.title, chapter.content)], path)

    async def export_async(self, path: Path, chapter_id: int | None = None) -> Path:
        """The story (or the chapter `chapter_id`) written to `path` on a worker thread: a
        whole novel takes seconds as .docx or .epub, and the window must not wait."""
        if chapter_id is None:
            return await asyncio.to_thread(self.export_story, path)
        return await asyncio.to_thread(self.export_chapter, chapter_id, path)
