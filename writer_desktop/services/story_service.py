"""StoryService: the open story and every change the author makes to it. The only door to
the story file: other services and the widgets reach storage through it."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from writer_desktop.domain import (
    Chapter,
    Character,
    ChatMessage,
    Feedback,
    PlotElement,
    Snapshot,
    Story,
    word_count,
)
from writer_desktop.domain.authorship import disclosure_report
from writer_desktop.services.errors import SaveFailedError, StoryChangedError
from writer_desktop.services.events import Listeners
from writer_desktop.services.recent import RecentFiles
from writer_desktop.storage import StoryFileError, StoryStore, copy_story

log = logging.getLogger(__name__)


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve() or (one.exists() and one.samefile(other))
    except OSError:
        return False


STORY_SUFFIX = ".wstory"


@dataclass(frozen=True)
class StorySession:
    """One opening of one story file. Work started for a story carries its session; the
    result is written only if that session is still the open one."""

    serial: int
    path: Path
    read_only: bool = False


class StoryService:
    """Holds at most one open story; every method writes through to its file."""

    def __init__(self, recent: RecentFiles) -> None:
        self.recent = recent
        self._store: StoryStore | None = None
        self._words: dict[int, int] = {}
        self._serial = 0
        self._closing: list[Callable[[StorySession], None]] = []
        self._closed: list[Callable[[StorySession], None]] = []
        self.purged: Listeners[[list[int]]] = Listeners()  # chapter ids gone for good

    # -- files -----------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._store is not None

    @property
    def path(self) -> Path | None:
        return self._store.path if self._store else None

    @property
    def _open_store(self) -> StoryStore:
        if self._store is None:
            raise StoryFileError("No story is open.")
        return self._store

    @property
    def session(self) -> StorySession:
        """The open story's session (raises StoryFileError when none is open)."""
        store = self._open_store
        return StorySession(self._serial, store.path, store.read_only)

    def is_current(self, session: StorySession | None) -> bool:
        return session is not None and self.is_open and session.serial == self._serial

    def require(self, session: StorySession) -> None:
        """Raise StoryChangedError unless `session` is still the open story."""
        if not self.is_current(session):
            raise StoryChangedError(
                f"{session.path.name} was closed before the result arrived; nothing was written."
            )

    @contextmanager
    def _writing(self, what: str) -> Iterator[StoryStore]:
        """A write to the story file; any failure (a full disk, a vanished file) becomes a
        SaveFailedError that says what was not saved, in words."""
        store = self._open_store
        try:
            yield store
        except StoryFileError:
            raise
        except (sqlite3.Error, SQLAlchemyError, OSError) as exc:
            reason = getattr(exc, "orig", None) or exc
            raise SaveFailedError(f"Could not save {what} to {store.path.name}: {reason}") from exc

    def on_closing(self, listener: Callable[[StorySession], None]) -> None:
        """Call `listener` with the session just before its story is closed or switched
        (on the thread that closes it)."""
        self._closing.append(listener)

    def on_closed(self, listener: Callable[[StorySession], None]) -> None:
        """Call `listener` with the session once its story file has been let go of: the
        file is then complete and unlocked. When a story is switched from the event loop
        this runs on a worker thread (a backup of a novel takes a while)."""
        self._closed.append(listener)

    def new_story(self, path: Path, title: str | None = None) -> None:
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(STORY_SUFFIX)
        store = StoryStore.create(path, title or path.stem)
        self._switch(store)

    @staticmethod
    def write_new_story(path: Path, title: str, chapters: list[tuple[str, str]]) -> Path:
        """A new story file at `path` holding (title, text) chapters, written and closed
        without opening it here (any thread: an import writes a whole novel). On any failure
        no file is left behind. Returns the path, with the story suffix added if it had none.
        Raises StoryFileError (already there, unwritable, disk full)."""
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(STORY_SUFFIX)
        if path.exists():
            raise StoryFileError(f"{path.name} already exists.")
        store = StoryStore.create(path, title or path.stem)  # refuses a file that is there
        try:
            try:
                store.add_chapters(chapters)
            finally:
                store.close()
        except BaseException as exc:  # only what this call created is removed
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            if isinstance(exc, StoryFileError | KeyboardInterrupt | SystemExit):
                raise
            if isinstance(exc, sqlite3.Error | SQLAlchemyError | OSError):
                raise SaveFailedError(f"Could not write {path.name}: {exc}") from exc
            raise
        return path

    def open_story(self, path: Path, read_only: bool = False) -> None:
        """Open a story file (checked first; locked for writing unless `read_only`).
        Raises StoryFileError, StoryLockedError when another app has it open."""
        path = Path(path)
        if self._store is not None and _same_file(path, self._store.path):
            if self._store.read_only == read_only:
                return
            self.close()  # the same file in the other mode: let go of it first
        self._switch(StoryStore.open(path, read_only=read_only))

    @property
    def read_only(self) -> bool:
        return self._store is not None and self._store.read_only

    def close(self) -> None:
        detached = self._detach()
        if detached is not None:
            self._release(*detached)

    def _detach(self) -> tuple[StoryStore, StorySession] | None:
        """Stop being the open story (the closing listeners told first); the store, still
        open, is the caller's to _release."""
        detached = None
        if self._store is not None:
            session = self.session
            self._tell(self._closing, session)
            detached = (self._store, session)
        self._store = None
        self._words = {}
        self._serial += 1
        return detached

    def _release(self, store: StoryStore, session: StorySession) -> None:
        """Close a detached story's file (checkpointed, unlocked), then tell the closed
        listeners (any thread)."""
        store.close()
        self._tell(self._closed, session)

    @staticmethod
    def _tell(listeners: list[Callable[[StorySession], None]], session: StorySession) -> None:
        for listener in listeners:
            try:
                listener(session)
            except Exception:  # closing must go on: the file is what matters
                log.exception("story closing listener failed")

    def save_as(self, path: Path) -> None:
        """Copy the story to a new file and open that: SQLite's backup API into a temporary
        file beside the target, renamed into place, so neither file is ever half-written;
        the open story itself is refused as a target."""
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(STORY_SUFFIX)
        source = self._open_store.path
        if _same_file(target, source):
            raise StoryFileError(
                f"{target.name} is the story you have open: choose another name to save a copy."
            )
        if not self.read_only:
            self._open_store.checkpoint()
        copy_story(source, target)
        self.open_story(target)

    async def open_story_async(self, path: Path, read_only: bool = False) -> None:
        """open_story with the slow part (the file's checks, thinning its snapshots, counting
        its words) on a worker thread, so the event loop's thread never waits for it; the
        switch itself happens on the caller's thread. Raises what open_story raises."""
        path = Path(path)
        if self._store is not None and _same_file(path, self._store.path):
            if self._store.read_only == read_only:
                return
            self.close()
        loading = asyncio.get_running_loop().run_in_executor(None, self._load, path, read_only)
        try:
            store, words = await asyncio.shield(loading)
        except asyncio.CancelledError:
            # Nobody will take the story: let go of its lock once it has opened.
            loading.add_done_callback(lambda f: f.exception() or f.result()[0].close())
            raise
        detached = self._detach()
        self._install(store, words)
        if detached is not None:  # the story before: checkpointed and backed up off this thread
            await asyncio.to_thread(self._release, *detached)

    @staticmethod
    def _load(path: Path, read_only: bool) -> tuple[StoryStore, dict[int, int]]:
        store = StoryStore.open(path, read_only=read_only)
        try:
            return store, StoryService._prepare(store)
        except BaseException:
            store.close()
            raise

    @staticmethod
    def _prepare(store: StoryStore) -> dict[int, int]:
        """Thin the snapshots and count each chapter's words (any thread)."""
        if not store.read_only:
            try:  # snapshots thinned by age: all of the last day, then one a day
                store.prune_snapshots()
            except StoryFileError:
                log.warning("could not thin the snapshots of %s", store.path, exc_info=True)
        return {c.id: c.words for c in store.chapters() if c.id is not None}

    def _switch(self, store: StoryStore) -> None:
        self._install(store, self._prepare(store))

    def _install(self, store: StoryStore, words: dict[int, int]) -> None:
        self.close()
        self._store = store
        self._words = words
        self.recent.add(store.path)

    # -- story -----------------------------------------------------------------------------

    def title(self) -> str:
        return self._open_store.title()

    def story(self) -> Story:
        """The whole story: chapters, characters and plot, as one domain object."""
        return self._open_store.story()

    def story_words(self) -> int:
        return sum(self._words.values())

    def chapter_words(self) -> dict[int, int]:
        """Each chapter's word count as last counted (on opening, saving, or typing)."""
        return dict(self._words)

    # -- chapters --------------------------------------------------------------------------

    def chapters(self) -> list[Chapter]:
        return self._open_store.chapters()

    def chapter(self, chapter_id: int) -> Chapter:
        return self._open_store.chapter(chapter_id)

    def add_chapter(self, title: str | None = None) -> Chapter:
        title = title or f"Chapter {len(self._words) + 1}"
        with self._writing("the new chapter") as store:
            chapter = store.add_chapter(title)
        assert chapter.id is not None
        self._words[chapter.id] = 0
        return chapter

    def add_chapters(self, chapters: list[tuple[str, str]]) -> list[Chapter]:
        """Append (title, text) chapters in one transaction: all of them or none."""
        with self._writing("the chapters") as store:
            added = store.add_chapters(chapters)
        for chapter in added:
            assert chapter.id is not None
            self._words[chapter.id] = chapter.words
        return added

    def save_chapter_text(
        self, chapter_id: int, text: str, ai_ranges: list[tuple[int, int]] | None = None
    ) -> None:
        """Save a chapter's text; `ai_ranges`, when given, replaces the record of where
        the AI wrote in it (positions in emphasis.document_text of the text)."""
        with self._writing("the chapter") as store:
            store.save_chapter_text(chapter_id, text, ai_ranges)
        self._words[chapter_id] = word_count(text)

    def set_outline(self, chapter_id: int, outline: str) -> None:
        with self._writing("the outline") as store:
            store.set_outline(chapter_id, outline)

    def note_chapter_words(self, chapter_id: int, words: int) -> None:
        """Live count of unsaved text, so the story total follows the typing."""
        self._words[chapter_id] = words

    def rename_chapter(self, chapter_id: int, title: str) -> None:
        with self._writing("the chapter title") as store:
            store.rename_chapter(chapter_id, title.strip() or "Untitled chapter")

    def reorder_chapters(self, chapter_ids: list[int]) -> None:
        with self._writing("the chapter order") as store:
            store.reorder_chapters(chapter_ids)

    def delete_chapter(self, chapter_id: int) -> None:
        with self._writing("the deletion") as store:
            store.delete_chapter(chapter_id)
        self._words.pop(chapter_id, None)

    def trash(self) -> list[Chapter]:
        """Deleted chapters, most recently deleted first (with their snapshots and
        feedback, until the trash is emptied)."""
        return self._open_store.trash()

    def restore_chapter(self, chapter_id: int) -> Chapter:
        """Back from the trash to where it was."""
        with self._writing("the restored chapter") as store:
            chapter = store.restore_chapter(chapter_id)
        self._words[chapter_id] = chapter.words
        return chapter

    def empty_trash(self) -> list[int]:
        """Delete the trashed chapters for good; the purged listeners (the archive) are told
        their ids."""
        with self._writing("the emptied trash") as store:
            ids = store.empty_trash()
        if ids:
            self.purged.emit(ids)
        return ids

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the story file, so the .wstory alone is complete
        (when the author pauses, and on close)."""
        if self._store is not None and not self._store.read_only:
            try:
                self._store.checkpoint()
            except StoryFileError:
                log.warning("checkpoint failed", exc_info=True)

    def snapshot_chapter(self, chapter_id: int, text: str, reason: str) -> Snapshot:
        with self._writing("a snapshot") as store:
            return store.add_snapshot(chapter_id, text, reason)

    def snapshots(self, chapter_id: int) -> list[Snapshot]:
        return self._open_store.snapshots(chapter_id)

    # -- story bible -----------------------------------------------------------------------

    def characters(self) -> list[Character]:
        return self._open_store.characters()

    def save_character(self, character: Character) -> Character:
        with self._writing("the character") as store:
            return store.save_character(character)

    def delete_character(self, character_id: int) -> None:
        with self._writing("the deletion") as store:
            store.delete_character(character_id)

    def plot_elements(self) -> list[PlotElement]:
        return self._open_store.plot_elements()

    def save_plot_element(self, element: PlotElement) -> PlotElement:
        with self._writing("the plot element") as store:
            return store.save_plot_element(element)

    def delete_plot_element(self, element_id: int) -> None:
        with self._writing("the deletion") as store:
            store.delete_plot_element(element_id)

    # -- what the agents leave behind ------------------------------------------------------

    def add_feedback(self, feedback: Feedback) -> Feedback:
        with self._writing("the feedback") as store:
            return store.add_feedback(feedback)

    def feedback(self, chapter_id: int, agent: str | None = None) -> list[Feedback]:
        """A chapter's feedback, newest first."""
        return self._open_store.feedback(chapter_id, agent)

    def conversations(self) -> list[int]:
        return self._open_store.conversations()

    def chat_messages(self, conversation: int) -> list[ChatMessage]:
        return self._open_store.chat_messages(conversation)

    def add_chat_message(self, conversation: int, role: str, content: str) -> ChatMessage:
        with self._writing("the chat message") as store:
            return store.add_chat_message(conversation, role, content)

    def summaries(self, kind: str | None = None) -> dict[tuple[str, str], str]:
        """Summaries by (kind, content hash)."""
        return self._open_store.summaries(kind)

    def save_summary(self, kind: str, content_hash: str, summary: str, model: str) -> None:
        with self._writing("the summary") as store:
            store.save_summary(kind, content_hash, summary, model)

    # -- spelling --------------------------------------------------------------------------

    def dictionary_words(self) -> set[str]:
        """Words the author added to the open story's spelling dictionary."""
        return set(self._open_store.dictionary_words()) if self.is_open else set()

    def add_dictionary_word(self, word: str) -> None:
        """Teach the open story's spelling dictionary a word."""
        with self._writing("the dictionary word") as store:
            store.add_dictionary_word(word)

    def disclosure_report(self) -> str:
        """Markdown listing, chapter by chapter, the text the AI wrote and the author has
        not edited since."""
        return disclosure_report(self.title(), self.chapters())
