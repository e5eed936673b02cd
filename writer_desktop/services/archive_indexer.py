"""ArchiveIndexer: the story's chapters kept in the semantic archive, searched, and pinned
into the next prompts."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from writer_desktop.config import Settings
from writer_desktop.domain import PlotElement
from writer_desktop.services.story_service import StoryService

log = logging.getLogger(__name__)
SEARCH_RESULTS = 8


def story_key(path: Path) -> str:
    """Stories share one archive; each is told apart by its file's path."""
    return hashlib.sha1(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:16]


class ArchiveIndexer:
    """Off unless ARCHIVE_DB_PATH is set. Indexing runs on its own thread, one job at a time,
    so saving a chapter never waits for embeddings."""

    def __init__(self, settings: Settings, stories: StoryService) -> None:
        self.settings = settings
        self.stories = stories
        self._archive = None
        self._error: str | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive")
        self._lock = threading.Lock()
        self._pending: dict[int, Future] = {}
        self._queued: set[Future] = set()
        self.pinned: list[tuple[str, str]] = []  # (label, text) for the next prompts
        # Indexing queued for a story that is closed or switched is dropped, not run.
        stories.on_closing(lambda _session: self._cancel_pending())

    @property
    def enabled(self) -> bool:
        return bool(self.settings.archive_db_path)

    @property
    def error(self) -> str | None:
        return self._error

    def _service(self):
        """Opened on first use: ChromaDB and the embedding model load only when needed."""
        if self._archive is None and self.enabled and self._error is None:
            try:
                from writer_desktop.archive import ArchiveService

                path = Path(self.settings.archive_db_path).expanduser()
                path.mkdir(parents=True, exist_ok=True)
                self._archive = ArchiveService(path)
            except Exception as exc:  # a broken or unwritable archive must not stop writing
                log.exception("archive unavailable")
                self._error = (
                    f"The archive at {self.settings.archive_db_path} is unavailable: {exc}"
                )
        return self._archive

    # -- indexing --------------------------------------------------------------------------

    def index_chapter(self, chapter_id: int, title: str, text: str) -> Future | None:
        """Archive one chapter's text (replacing what the archive had of it)."""
        if not self.enabled or not self.stories.is_open:
            return None
        key = story_key(self._story_path())
        metadata = {
            "story": key,
            "story_title": self.stories.title(),
            "chapter": str(chapter_id),
            "chapter_title": title,
            "kind": "chapter",
        }
        content_id = f"{key}:chapter:{chapter_id}"

        def work() -> int:
            archive = self._service()
            if archive is None:
                return 0
            return archive.store_content_sync(content_id, text, metadata)

        future = self._submit(work)
        with self._lock:
            self._pending[chapter_id] = future
        future.add_done_callback(lambda _f: self._forget(chapter_id, future))
        return future

    def index_story(self) -> list[Future]:
        """Every chapter, character sheet and plot note of the open story."""
        futures = []
        for chapter in self.stories.chapters():
            assert chapter.id is not None
            futures.append(self.index_chapter(chapter.id, chapter.title, chapter.content))
        for character in self.stories.characters():
            sheet = "\n".join(
                part
                for part in (
                    f"{character.name} ({character.role})" if character.role else character.name,
                    character.bio,
                    character.goals,
                    character.current_state,
                    ", ".join(character.traits),
                )
                if part
            )
            futures.append(
                self._index(
                    f"character:{character.id}",
                    sheet,
                    {
                        "kind": "character",
                        "character": character.name,
                        "chapter_title": f"Character: {character.name}",
                    },
                )
            )
        for element in self.stories.plot_elements():
            futures.append(
                self._index(
                    f"plot:{element.id}",
                    element.content,
                    {"kind": "note", "chapter_title": f"Plot ({element.type})"},
                )
            )
        return [f for f in futures if f is not None]

    def _index(self, suffix: str, text: str, metadata: dict[str, str]) -> Future | None:
        if not self.enabled or not self.stories.is_open:
            return None
        key = story_key(self._story_path())
        content_id = f"{key}:{suffix}"
        metadata = {"story": key, "story_title": self.stories.title(), **metadata}

        def work() -> int:
            archive = self._service()
            return archive.store_content_sync(content_id, text, metadata) if archive else 0

        return self._submit(work)

    def remove_chapter(self, chapter_id: int) -> None:
        if not self.enabled or not self.stories.is_open:
            return
        content_id = f"{story_key(self._story_path())}:chapter:{chapter_id}"

        def work() -> None:
            archive = self._service()
            if archive is not None:
                archive.delete_content_sync(content_id)

        self._submit(work)

    def _submit(self, work) -> Future:
        future = self._executor.submit(work)
        with self._lock:
            self._queued.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future) -> None:
        with self._lock:
            self._queued.discard(future)

    def _story_path(self) -> Path:
        path = self.stories.path
        assert path is not None
        return path

    def _cancel_pending(self) -> None:
        with self._lock:
            pending = list(self._queued)
            self._queued.clear()
            self._pending.clear()
        for future in pending:
            future.cancel()
        self.pinned.clear()

    def _forget(self, chapter_id: int, future: Future) -> None:
        with self._lock:
            if self._pending.get(chapter_id) is future:
                del self._pending[chapter_id]

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._pending)

    # -- searching and pinning -------------------------------------------------------------

    def search(self, query: str, kind: str | None = None, n_results: int = SEARCH_RESULTS):
        """Hits in the open story, best first (blocking: call from a background thread)."""
        if not query.strip() or not self.stories.is_open:
            return []
        archive = self._service()
        if archive is None:
            return []
        where: dict[str, str] = {"story": story_key(self._story_path())}
        if kind:
            where["kind"] = kind
        return archive.search_sync(query, n_results=n_results, where=where)

    async def find(self, query: str, kind: str | None = None, n_results: int = SEARCH_RESULTS):
        """search() off the event loop; StoryChangedError if the story changed meanwhile."""
        if not self.stories.is_open:
            return []
        session = self.stories.session
        hits = await asyncio.to_thread(self.search, query, kind, n_results)
        self.stories.require(session)
        return hits

    def pin(self, label: str, text: str) -> None:
        if (label, text) not in self.pinned:
            self.pinned.append((label, text))

    def unpin(self, index: int) -> None:
        if 0 <= index < len(self.pinned):
            del self.pinned[index]

    def pinned_elements(self) -> list[PlotElement]:
        """Pinned passages as high-priority context (layer E)."""
        return [
            PlotElement(
                type="other",
                content=f"From {label}: {text}",
                priority="high",
                tags=["archive"],
                metadata={"source": "archive"},
            )
            for label, text in self.pinned
        ]

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        if self._archive is not None:
            self._archive.close()
            self._archive = None
