"""BackupService: rotating automatic backups of the open story, as Scrivener keeps them, and
restoring one as a copy. Backups are whole story files made through SQLite's backup API."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from pathlib import Path

from writer_desktop.config import Settings
from writer_desktop.domain import BackupInfo
from writer_desktop.services.errors import StoryFileError
from writer_desktop.services.story_service import STORY_SUFFIX, StoryService, StorySession
from writer_desktop.storage import copy_story, list_backups, make_backup, prune_backups

log = logging.getLogger(__name__)


def _changed_at(story: Path) -> float:
    """When the story last changed on disk (its write-ahead log counts)."""
    times = []
    for path in (story, Path(f"{story}-wal")):
        with contextlib.suppress(OSError):
            times.append(path.stat().st_mtime)
    return max(times, default=0.0)


class BackupService:
    """Keeps the last BACKUP_KEEP_LAST backups plus one a day for BACKUP_KEEP_DAYS, in the
    app's data folder, one subfolder per story file. A backup is made on close and every
    BACKUP_INTERVAL_MINUTES while the story changes (the window's timer calls
    backup_if_changed)."""

    def __init__(self, stories: StoryService, settings: Settings, folder: Path) -> None:
        self.stories = stories
        self.settings = settings
        self.folder = Path(folder)
        self._backed_up: dict[Path, float] = {}
        stories.on_closed(self._on_closed)

    def folder_for(self, story: Path) -> Path:
        """Backups of one story file: named by the story, told apart by its full path."""
        key = hashlib.sha1(str(story.resolve()).encode("utf-8")).hexdigest()[:10]
        return self.folder / f"{story.stem}-{key}"

    def backup_if_changed(self, story: Path | None = None) -> Path | None:
        """Back up the story (the open one by default) if it changed since its last backup;
        the new backup's path, or None. Raises StoryFileError when the copy fails."""
        story = story or self.stories.path
        if story is None or self.stories.read_only:
            return None
        return self._backup_if_changed(story)

    def _backup_if_changed(self, story: Path) -> Path | None:
        changed = _changed_at(story)
        if changed <= self._backed_up.get(story, 0.0):
            return None
        folder = self.folder_for(story)
        backup = make_backup(story, folder)
        prune_backups(
            folder, story.name, self.settings.backup_keep_last, self.settings.backup_keep_days
        )
        self._backed_up[story] = changed
        return backup

    async def backup_in_background(self) -> Path | None:
        """backup_if_changed on a thread: a big story never stalls the caller's loop."""
        story = self.stories.path
        if story is None:
            return None
        return await asyncio.to_thread(self.backup_if_changed, story)

    def _on_closed(self, session: StorySession) -> None:
        if session.read_only:
            return
        try:
            self._backup_if_changed(session.path)
        except StoryFileError:
            log.warning("backup on close failed", exc_info=True)

    def backups(self, story: Path | None = None) -> list[BackupInfo]:
        """The backups of a story (the open one by default), newest first."""
        story = story or self.stories.path
        if story is None:
            return []
        return list_backups(self.folder_for(story), story.name)

    def restore_as_copy(self, backup: BackupInfo, target: Path) -> Path:
        """Write the backup to `target` (never over the open story); the caller opens it."""
        target = Path(target)
        if not target.suffix:
            target = target.with_suffix(STORY_SUFFIX)
        if self.stories.path is not None and target.resolve() == self.stories.path.resolve():
            raise StoryFileError(
                f"{target.name} is the story you have open: restore the backup under another name."
            )
        return copy_story(backup.path, target)
