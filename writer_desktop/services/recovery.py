"""RecoveryService: chapter text that could not be saved to its story (a crash, a full disk)
kept in plain files in the app's data folder, offered back at the next start."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from writer_desktop.domain import Chapter, word_count
from writer_desktop.services.story_service import StoryService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecoveredText:
    """One kept text: which story and chapter it belongs to, and when it was kept."""

    path: Path
    story: Path | None
    chapter_title: str
    text: str
    kept_at: str

    @property
    def words(self) -> int:
        return word_count(self.text)


class RecoveryService:
    """Keeps unsaved text as JSON files (written whole, then renamed into place), lists
    them, restores one as a new chapter, or sets it aside."""

    def __init__(self, folder: Path, stories: StoryService) -> None:
        self.folder = Path(folder)
        self.stories = stories

    def keep(self, story: Path | None, chapter_title: str, text: str) -> Path:
        """Write the text to a recovery file; returns its path. Raises OSError only if
        even that cannot be written."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now()
        path = self.folder / f"recovered-{stamp:%Y%m%d-%H%M%S-%f}.json"
        record = {
            "story": str(story) if story else None,
            "chapter_title": chapter_title,
            "text": text,
            "kept_at": stamp.isoformat(timespec="seconds"),
        }
        partial = path.with_suffix(".part")
        with partial.open("w", encoding="utf-8") as handle:
            json.dump(record, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
        # The text alone too, for an author who opens the folder rather than the app.
        path.with_suffix(".txt").write_text(text, encoding="utf-8")
        return path

    def pending(self) -> list[RecoveredText]:
        """Kept texts not yet restored or set aside, oldest first."""
        found = []
        for path in sorted(self.folder.glob("recovered-*.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                log.warning("unreadable recovery file %s", path)
                continue
            story = record.get("story")
            found.append(
                RecoveredText(
                    path,
                    Path(story) if story else None,
                    str(record.get("chapter_title", "")),
                    str(record.get("text", "")),
                    str(record.get("kept_at", "")),
                )
            )
        return found

    def restore(self, item: RecoveredText) -> Chapter:
        """Add the text to the open story as a new chapter, then set the file aside."""
        title = f"Recovered: {item.chapter_title}" if item.chapter_title else "Recovered text"
        chapter = self.stories.add_chapter(title)
        assert chapter.id is not None
        self.stories.save_chapter_text(chapter.id, item.text)
        self.set_aside(item)
        return self.stories.chapter(chapter.id)

    def set_aside(self, item: RecoveredText) -> None:
        """Not offered again; the files stay in the folder, renamed, in case."""
        for path in (item.path, item.path.with_suffix(".txt")):
            if path.exists():
                path.rename(path.with_name(path.name.replace("recovered-", "done-", 1)))
