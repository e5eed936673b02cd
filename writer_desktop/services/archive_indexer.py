"""ArchiveIndexer: the story's chapters kept in the semantic archive, searched, and pinned
into the next prompts.

Indexing runs on one thread, one item at a time; the embedding in it runs at low priority
(archive.embeddings), so the model's jobs come first. The archive keys
each chunk by a hash of its text, so opening a story or saving a chapter embeds only what
changed. Progress (chapters archived of those queued) and failures, with their reason, are
kept for the panel to show.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from writer_desktop.config import Settings
from writer_desktop.domain import PlotElement
from writer_desktop.services.activity import Activity, ActivityService
from writer_desktop.services.story_service import StoryService

log = logging.getLogger(__name__)
SEARCH_RESULTS = 8


@dataclass(frozen=True)
class IndexProgress:
    """Where background indexing stands: `done` of `total` items queued since the archive
    was last idle, and the failures so far as (what, reason)."""

    done: int
    total: int
    failures: tuple[tuple[str, str], ...]

    @property
    def busy(self) -> bool:
        return self.done < self.total


def story_key(path: Path) -> str:
    """Stories share one archive; each is told apart by its file's path."""
    return hashlib.sha1(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:16]


class ArchiveIndexer:
    """Off unless ARCHIVE_DB_PATH is set. Indexing runs on its own thread, one job at a time,
    so saving a chapter never waits for embeddings."""

    def __init__(
        self,
        settings: Settings,
        stories: StoryService,
        activities: ActivityService | None = None,
    ) -> None:
        self.settings = settings
        self.stories = stories
        self.activities = activities or ActivityService()
        self._activity: Activity | None = None  # this round of indexing, while it lasts
        self._archive = None
        self._error: str | None = None
        # At normal priority: the embedding itself runs on the embedder's low-priority
        # thread (archive.embeddings), the ChromaDB writes here hold Python's GIL.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive")
        self._lock = threading.Lock()
        self._open_lock = threading.Lock()
        self._pending: dict[int, Future] = {}
        self._queued: set[Future] = set()
        self._total = 0
        self._done = 0
        self._failures: list[tuple[str, str]] = []
        self.pinned: list[tuple[str, str]] = []  # (label, text) for the next prompts
        # Indexing queued for a story that is closed or switched is dropped, not run.
        stories.on_closing(lambda _session: self._cancel_pending())

    @property
    def enabled(self) -> bool:
        return bool(self.settings.archive_db_path)

    @property
    def error(self) -> str | None:
        return self._error

    def open_in_background(self) -> Future | None:
        """Start the archive (its process, the store) on the archive's thread now, so the
        first story opened or search made does not wait for it; None when it is off."""
        if not self.enabled:
            return None
        return self._executor.submit(self._service)

    def _service(self):
        """Opened on first use: ChromaDB and the embedding model load only when needed."""
        # The indexing thread and a search thread may both get here first: open it once.
        with self._open_lock:
            return self._open_service()

    def _open_service(self):
        if self._archive is not None and self._archive.failed:
            # Its process died (killed, or out of memory): the next use starts another.
            log.warning("the archive's process stopped; starting it again")
            self._archive.close()
            self._archive = None
        if self._archive is None and self.enabled and self._error is None:
            try:
                from writer_desktop.archive import ArchiveProcess

                path = Path(self.settings.archive_db_path).expanduser()
                path.mkdir(parents=True, exist_ok=True)
                self._archive = ArchiveProcess(path)
            except Exception as exc:  # a broken or unwritable archive must not stop writing
                log.exception("archive unavailable")
                self._error = (
                    f"The archive at {self.settings.archive_db_path} is unavailable: {exc}"
                )
        return self._archive

    # -- indexing --------------------------------------------------------------------------

    def index_chapter(
        self, chapter_id: int, title: str, text: str, story: tuple[str, str] | None = None
    ) -> Future | None:
        """Archive one chapter's text (replacing what the archive had of it). `story` is the
        open story's (key, title) when the caller has read them already."""
        if not self.enabled or not self.stories.is_open:
            return None
        key, story_title = story or self._story_stamp()
        metadata = {
            "story": key,
            "story_title": story_title,
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

        future = self._submit(work, title)
        with self._lock:
            self._pending[chapter_id] = future
        future.add_done_callback(lambda _f: self._forget(chapter_id, future))
        return future

    def index_story_in_background(self) -> Future | None:
        """index_story with the story read on the archive's thread, not the caller's (the
        window's, when a story opens: reading a whole novel there froze it)."""
        if not self.enabled or not self.stories.is_open:
            return None
        path = self._story_path()

        def work() -> int:
            if not self.stories.is_open or self.stories.path != path:
                return 0  # another story is open now; its own opening indexes it
            return len(self.index_story(expected_path=path))

        return self._submit(work, "the story")

    def index_story(self, expected_path: Path | None = None) -> list[Future]:
        """Every chapter, character sheet and plot note of the open story (only new or
        changed chunks are embedded); chapters the story no longer has leave the archive.
        With `expected_path`, nothing is queued unless that story is still the open one
        once everything has been read (any thread may call this)."""
        if not self.enabled or not self.stories.is_open:
            return []
        stamp = self._story_stamp()
        chapters = self.stories.chapters()
        characters = self.stories.characters()
        elements = self.stories.plot_elements()
        if expected_path is not None and self.stories.path != expected_path:
            return []
        self._drop_missing_chapters(stamp[0], {c.id for c in chapters})
        futures: list[Future | None] = []
        for chapter in chapters:
            assert chapter.id is not None
            futures.append(
                self.index_chapter(chapter.id, chapter.title, chapter.content, story=stamp)
            )
        for character in characters:
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
                    stamp,
                )
            )
        for element in elements:
            futures.append(
                self._index(
                    f"plot:{element.id}",
                    element.content,
                    {"kind": "note", "chapter_title": f"Plot ({element.type})"},
                    stamp,
                )
            )
        return [f for f in futures if f is not None]

    def _index(
        self,
        suffix: str,
        text: str,
        metadata: dict[str, str],
        story: tuple[str, str] | None = None,
    ) -> Future | None:
        if not self.enabled or not self.stories.is_open:
            return None
        key, story_title = story or self._story_stamp()
        content_id = f"{key}:{suffix}"
        metadata = {"story": key, "story_title": story_title, **metadata}

        def work() -> int:
            archive = self._service()
            return archive.store_content_sync(content_id, text, metadata) if archive else 0

        return self._submit(work, metadata["chapter_title"])

    def remove_chapter(self, chapter_id: int) -> Future | None:
        """Take a chapter's chunks out of the archive (deleted, or emptied from the trash)."""
        if not self.enabled or not self.stories.is_open:
            return None
        content_id = f"{story_key(self._story_path())}:chapter:{chapter_id}"

        def work() -> None:
            archive = self._service()
            if archive is not None:
                archive.delete_content_sync(content_id)

        return self._submit(work, f"chapter {chapter_id}")

    def _drop_missing_chapters(self, key: str, chapter_ids: set[int | None]) -> Future | None:
        """Remove the archived chapters of story `key` that it no longer has (deleted while
        the archive was off, or in the trash)."""
        keep = {f"{key}:chapter:{chapter_id}" for chapter_id in chapter_ids}

        def work() -> int:
            archive = self._service()
            if archive is None:
                return 0
            stale = archive.content_ids_sync({"story": key, "kind": "chapter"}) - keep
            for content_id in stale:
                archive.delete_content_sync(content_id)
            return len(stale)

        return self._submit(work, "chapters no longer in the story")

    def _submit(self, work, what: str) -> Future:
        def guarded():
            try:
                return work()
            except Exception as exc:  # shown in the panel; writing goes on
                log.exception("archiving %s failed", what)
                with self._lock:
                    self._failures.append((what, str(exc) or type(exc).__name__))
                raise

        with self._lock:  # held while submitting, so a quick failure is never reset below
            if not self._queued:  # a new round of work: progress counts from here
                self._total = self._done = 0
                self._failures.clear()
                self._activity = self.activities.add(
                    "Archiving chapters and notes",
                    "archive",
                    self.stop_indexing,
                    background=True,
                    progress_kind="items",
                    item_name="done",
                )
            future = self._executor.submit(guarded)
            self._queued.add(future)
            self._total += 1
            self._report()
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: Future) -> None:
        with self._lock:
            if future in self._queued:
                self._queued.discard(future)
                self._done += 1
                self._report()

    def _report(self) -> None:
        """Tell the activity list where this round stands (called with the lock held)."""
        activity = self._activity
        if activity is None:
            return
        if self._queued:
            self.activities.counted(activity, self._done, self._total)
        else:
            self.activities.finish(activity)
            self._activity = None

    def stop_indexing(self) -> None:
        """Drop the indexing still queued (the item being embedded finishes); what is not
        archived now is archived the next time the chapter is saved or the story opened."""
        with self._lock:
            pending = list(self._queued)
        for future in pending:
            future.cancel()  # a cancelled future's callback counts it as finished

    @property
    def embedded_chunks(self) -> int:
        """How many chunks have been embedded since the archive was opened (unchanged text is
        never embedded again)."""
        return self._archive.embedded_chunks if self._archive is not None else 0

    @property
    def progress(self) -> IndexProgress:
        """How far background indexing has got, and what failed (for the panel)."""
        with self._lock:
            return IndexProgress(self._done, self._total, tuple(self._failures))

    def _story_path(self) -> Path:
        path = self.stories.path
        assert path is not None
        return path

    def _story_stamp(self) -> tuple[str, str]:
        """The open story's archive key and title, as every archived item records them."""
        return story_key(self._story_path()), self.stories.title()

    def _cancel_pending(self) -> None:
        with self._lock:
            pending = list(self._queued)
            self._queued.clear()
            self._pending.clear()
            self._total = self._done = 0
            self._failures.clear()
            self._report()
        for future in pending:
            future.cancel()
        self.pinned.clear()

    def _forget(self, chapter_id: int, future: Future) -> None:
        with self._lock:
            if self._pending.get(chapter_id) is future:
                del self._pending[chapter_id]

    @property
    def busy(self) -> bool:
        """Whether chapters are still waiting to be archived."""
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
        # A chapter in the trash is not offered (its chunks go when the trash is emptied).
        trashed = {f":chapter:{chapter.id}" for chapter in self.stories.trash()}
        hits = await asyncio.to_thread(self.search, query, kind, n_results + len(trashed))
        self.stories.require(session)
        live = [hit for hit in hits if not hit.content_id.endswith(tuple(trashed) or ("\0",))]
        return live[:n_results]

    def pin(self, label: str, text: str) -> None:
        """Put a passage into every next prompt (until unpinned)."""
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
