"""StoryService: the open story and every change the author makes to it."""

from __future__ import annotations

from pathlib import Path

from writer_desktop.domain import Chapter, Character, PlotElement, Snapshot, word_count
from writer_desktop.services.recent import RecentFiles
from writer_desktop.storage import StoryFileError, StoryStore

STORY_SUFFIX = ".wstory"


class StoryService:
    """Holds at most one open story; every method writes through to its file."""

    def __init__(self, recent: RecentFiles) -> None:
        self.recent = recent
        self._store: StoryStore | None = None
        self._words: dict[int, int] = {}

    # -- files -----------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._store is not None

    @property
    def path(self) -> Path | None:
        return self._store.path if self._store else None

    @property
    def store(self) -> StoryStore:
        if self._store is None:
            raise StoryFileError("No story is open.")
        return self._store

    def new_story(self, path: Path, title: str | None = None) -> None:
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(STORY_SUFFIX)
        store = StoryStore.create(path, title or path.stem)
        self._switch(store)

    def open_story(self, path: Path) -> None:
        self._switch(StoryStore.open(Path(path)))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
        self._store = None
        self._words = {}

    def save_as(self, path: Path) -> None:
        """Copy the story to a new file (SQLite's backup API: consistent even mid-write)."""
        import sqlite3

        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(STORY_SUFFIX)
        if target.exists():
            target.unlink()
        source = sqlite3.connect(self.store.path)
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
        self.open_story(target)

    def _switch(self, store: StoryStore) -> None:
        self.close()
        self._store = store
        self._words = {c.id: c.words for c in store.chapters() if c.id is not None}
        self.recent.add(store.path)

    # -- story -----------------------------------------------------------------------------

    def title(self) -> str:
        return self.store.title()

    def story_words(self) -> int:
        return sum(self._words.values())

    # -- chapters --------------------------------------------------------------------------

    def chapters(self) -> list[Chapter]:
        return self.store.chapters()

    def chapter(self, chapter_id: int) -> Chapter:
        return self.store.chapter(chapter_id)

    def add_chapter(self, title: str | None = None) -> Chapter:
        title = title or f"Chapter {len(self._words) + 1}"
        chapter = self.store.add_chapter(title)
        assert chapter.id is not None
        self._words[chapter.id] = 0
        return chapter

    def save_chapter_text(self, chapter_id: int, text: str) -> None:
        self.store.save_chapter_text(chapter_id, text)
        self._words[chapter_id] = word_count(text)

    def note_chapter_words(self, chapter_id: int, words: int) -> None:
        """Live count of unsaved text, so the story total follows the typing."""
        self._words[chapter_id] = words

    def rename_chapter(self, chapter_id: int, title: str) -> None:
        self.store.rename_chapter(chapter_id, title.strip() or "Untitled chapter")

    def reorder_chapters(self, chapter_ids: list[int]) -> None:
        self.store.reorder_chapters(chapter_ids)

    def delete_chapter(self, chapter_id: int) -> None:
        self.store.delete_chapter(chapter_id)
        self._words.pop(chapter_id, None)

    def snapshot_chapter(self, chapter_id: int, text: str, reason: str) -> Snapshot:
        return self.store.add_snapshot(chapter_id, text, reason)

    def snapshots(self, chapter_id: int) -> list[Snapshot]:
        return self.store.snapshots(chapter_id)

    # -- story bible -----------------------------------------------------------------------

    def characters(self) -> list[Character]:
        return self.store.characters()

    def save_character(self, character: Character) -> Character:
        return self.store.save_character(character)

    def delete_character(self, character_id: int) -> None:
        self.store.delete_character(character_id)

    def plot_elements(self) -> list[PlotElement]:
        return self.store.plot_elements()

    def save_plot_element(self, element: PlotElement) -> PlotElement:
        return self.store.save_plot_element(element)

    def delete_plot_element(self, element_id: int) -> None:
        self.store.delete_plot_element(element_id)
