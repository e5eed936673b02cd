"""Importing manuscripts into stories and exporting stories: all or nothing, either way."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from writer_desktop.domain import Chapter
from writer_desktop.manuscripts import (
    ImportedChapter,
    ManuscriptError,
    export_manuscript,
    read_manuscript,
    split_chapters,
)
from writer_desktop.services.errors import StoryFileError
from writer_desktop.services.story_service import STORY_SUFFIX, StoryService


@dataclass
class ImportPreview:
    path: Path
    chapters: list[ImportedChapter]

    @property
    def words(self) -> int:
        return sum(chapter.words for chapter in self.chapters)


class ManuscriptService:
    """Manuscript files in (read, preview, import) and out (export) for the open story."""

    def __init__(self, stories: StoryService) -> None:
        self.stories = stories

    def read(self, path: Path) -> ImportPreview:
        """Read and split a manuscript; nothing is changed yet. Raises ManuscriptError."""
        path = Path(path)
        chapters = split_chapters(read_manuscript(path), path.stem)
        if not chapters:
            raise ManuscriptError(f"{path.name} holds no text to import.")
        return ImportPreview(path, chapters)

    async def preview(self, path: Path) -> ImportPreview:
        """read() on a thread: a long novel does not stall the caller's loop."""
        return await asyncio.to_thread(self.read, path)

    def import_into_current(self, chapters: list[ImportedChapter]) -> list[Chapter]:
        """Append the chapters to the open story in one transaction."""
        return self.stories.add_chapters([(c.title, c.content) for c in chapters])

    def import_as_new_story(
        self, chapters: list[ImportedChapter], story_path: Path, title: str
    ) -> None:
        """A new story file holding the chapters; on any failure no file is left behind."""
        story_path = Path(story_path)
        if not story_path.suffix:
            story_path = story_path.with_suffix(STORY_SUFFIX)
        if story_path.exists():
            raise StoryFileError(f"{story_path.name} already exists.")
        try:
            self.stories.new_story(story_path, title)
            self.import_into_current(chapters)
        except Exception:
            self.stories.close()
            for leftover in (story_path, Path(f"{story_path}-wal"), Path(f"{story_path}-shm")):
                leftover.unlink(missing_ok=True)
            self.stories.recent.remove(story_path)
            raise

    def export_story(self, path: Path) -> Path:
        chapters = [(c.title, c.content) for c in self.stories.chapters() if c.content.strip()]
        return export_manuscript(self.stories.title(), chapters, path)

    def export_chapter(self, chapter_id: int, path: Path) -> Path:
        chapter = self.stories.chapter(chapter_id)
        return export_manuscript(chapter.title, [(chapter.title, chapter.content)], path)
