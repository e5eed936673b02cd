"""StoryStore: open, create and change one story file; converts ORM rows to domain models.

Opening (storage/opening.py) checks the file before trusting it, takes the story's write
lock, backs the file up before a migration and picks a journal mode the folder supports.
Every change that names a row checks that it changed that row, and raises RowMissingError
when it did not.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from writer_desktop.domain import (
    Chapter,
    Character,
    ChatMessage,
    Feedback,
    PlotElement,
    Snapshot,
    Story,
)
from writer_desktop.storage.conversions import (
    plot_element_values,
    to_chapter,
    to_character,
    to_chat_message,
    to_feedback,
    to_plot_element,
    to_snapshot,
)
from writer_desktop.storage.engine import WRITE_OPTION
from writer_desktop.storage.errors import (
    DamagedStoryError,
    ForeignSchemaError,
    NewerSchemaError,
    NotAStoryError,
    ReadOnlyStoryError,
    RowMissingError,
    StoryFileError,
    StoryLockedError,
    row_missing,
    translate_database_error,
)
from writer_desktop.storage.inspection import SQLITE_HEADER, inspect_story
from writer_desktop.storage.lock import StoryLock
from writer_desktop.storage.opening import (
    OpenedFile,
    create_story_file,
    open_for_writing,
    open_read_only,
    utc_now,
)
from writer_desktop.storage.orm import (
    ChapterRow,
    CharacterRow,
    ChatMessageRow,
    DictionaryWordRow,
    FeedbackRow,
    PlotElementRow,
    SnapshotRow,
    StoryRow,
    SummaryRow,
)

log = logging.getLogger(__name__)

__all__ = [
    "SQLITE_HEADER",
    "DamagedStoryError",
    "ForeignSchemaError",
    "NewerSchemaError",
    "NotAStoryError",
    "ReadOnlyStoryError",
    "RowMissingError",
    "StoryFileError",
    "StoryLockedError",
    "StoryStore",
]

# Snapshots younger than this are all kept by prune_snapshots; older ones one per day.
SNAPSHOT_KEEP_ALL = timedelta(hours=24)


def _inspect(path: Path) -> int:
    """The file's schema version, read without changing a byte; raises if it is no story,
    a newer one, one whose schema was changed elsewhere, or a damaged one."""
    return inspect_story(path)


class StoryStore:
    """One open story file. Every method commits before it returns.

    Opened for writing (open, create) it holds the story's lock until close(); opened with
    read_only=True it takes no lock and every change raises ReadOnlyStoryError.
    """

    def __init__(
        self,
        path: Path,
        engine: Engine,
        *,
        read_only: bool = False,
        lock: StoryLock | None = None,
        journal_mode: str = "wal",
        keeper: sqlite3.Connection | None = None,
    ) -> None:
        """Wrap an engine on the story at `path`. Use open() or create(): a store made here
        directly holds no lock and has not checked its file."""
        self.path = path
        self._engine = engine
        self._read_only = read_only
        self._lock = lock
        self._journal_mode = journal_mode
        self._keeper = keeper  # the in-memory copy of an older story, read-only
        self._closed = False
        self._reads = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, title: str = "Untitled story") -> StoryStore:
        """Create a new story file at `path` (refused if it exists) and open it for writing."""
        path = Path(path)
        return cls._wrap(path, create_story_file(path, title))

    @classmethod
    def open(cls, path: Path, read_only: bool = False) -> StoryStore:
        """Open the story at `path` after checking it (see storage/inspection.py).

        For writing (the default) it takes the story's lock (StoryLockedError when another
        window or process has it), and upgrades an older story after copying it to
        `<name>.v<N>.backup`. With read_only=True no lock is taken and nothing is changed;
        an older story is then read through an upgraded copy in memory.
        """
        path = Path(path)
        if not path.is_file():
            raise StoryFileError(f"{path} does not exist.")
        return cls._wrap(path, open_read_only(path) if read_only else open_for_writing(path))

    @classmethod
    def _wrap(cls, path: Path, opened: OpenedFile) -> StoryStore:
        return cls(
            path,
            opened.engine,
            read_only=opened.read_only,
            lock=opened.lock,
            journal_mode=opened.journal_mode,
            keeper=opened.keeper,
        )

    @property
    def read_only(self) -> bool:
        """True when opened with read_only=True: every change raises ReadOnlyStoryError."""
        return self._read_only

    @property
    def journal_mode(self) -> str:
        """SQLite's journal mode for this story: "wal", or "delete" on a network folder."""
        return self._journal_mode

    def checkpoint(self) -> bool:
        """Copy everything in the WAL into the .wstory file and empty the WAL, so that the
        file alone holds the whole story. True when complete (no reader held it back); a
        no-op (True) outside WAL mode."""
        if self._read_only or self._journal_mode != "wal" or self._closed:
            return True
        try:
            raw = self._engine.raw_connection()
            try:
                busy, _log, _done = raw.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA wal_checkpoint(TRUNCATE)"
                ).fetchone()
            finally:
                raw.close()
        except (sqlite3.Error, DBAPIError) as exc:
            raise translate_database_error(self.path, exc, "save") from exc
        return busy == 0

    def close(self) -> None:
        """Checkpoint (the .wstory file is then complete on its own), close every connection
        and release the lock. Safe to call twice."""
        if self._closed:
            return
        try:
            self.checkpoint()
        except StoryFileError:
            log.warning("could not checkpoint %s on close", self.path, exc_info=True)
        finally:
            self._closed = True
            self._engine.dispose()
            if self._keeper is not None:
                self._keeper.close()
            if self._lock is not None:
                self._lock.release()

    def __enter__(self) -> StoryStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[Session]:
        if self._closed:
            raise StoryFileError(f"{self.path.name} is closed.")
        if write and self._read_only:
            raise ReadOnlyStoryError(
                f"{self.path.name} is open read-only; the change was not saved."
            )
        try:
            with (self._writes if write else self._reads)() as session, session.begin():
                yield session
        except (sqlite3.Error, DBAPIError) as exc:
            raise translate_database_error(self.path, exc, "save" if write else "read") from exc

    def _check_one(self, result, table: str, row_id: int | None, in_trash: bool = False) -> None:
        """Raise RowMissingError unless the statement changed a row."""
        if result.rowcount == 0:
            raise row_missing(self.path, table, row_id, in_trash=in_trash)

    def _upsert(self, row_class, row_id: int | None, values: dict):
        """A new row at the end of its list, or the existing row with new values."""
        with self._session(write=True) as session:
            if row_id is None:
                last = session.scalar(select(func.max(row_class.position)))
                row = row_class(position=(last or 0) + 1, **values)
                session.add(row)
            else:
                row = session.get(row_class, row_id)
                if row is None:
                    raise row_missing(self.path, row_class.__tablename__, row_id)
                for key, value in values.items():
                    setattr(row, key, value)
            session.flush()
            return row

    def _touch(self, session: Session) -> None:
        session.execute(update(StoryRow).values(updated_at=utc_now()))

    # -- story -----------------------------------------------------------------------------

    def title(self) -> str:
        """The story's title."""
        with self._session() as session:
            return session.scalar(select(StoryRow.title)) or "Untitled story"

    def story(self) -> Story:
        """The whole story as one domain model (chapters in the trash left out)."""
        return Story(
            title=self.title(),
            chapters=self.chapters(),
            characters=self.characters(),
            plot_elements=self.plot_elements(),
        )

    def set_title(self, title: str) -> None:
        """Rename the story."""
        with self._session(write=True) as session:
            result = session.execute(update(StoryRow).values(title=title, updated_at=utc_now()))
            self._check_one(result, "story", None)

    # -- chapters --------------------------------------------------------------------------

    @staticmethod
    def _live(chapter_id: int):
        return (ChapterRow.id == chapter_id) & ChapterRow.deleted_at.is_(None)

    def _in_trash(self, session: Session, chapter_id: int) -> bool:
        row = session.get(ChapterRow, chapter_id)
        return row is not None and row.deleted_at is not None

    def _change_chapter(self, chapter_id: int, **values) -> None:
        with self._session(write=True) as session:
            result = session.execute(
                update(ChapterRow).where(self._live(chapter_id)).values(**values)
            )
            if result.rowcount == 0:
                in_trash = self._in_trash(session, chapter_id)
                raise row_missing(self.path, "chapters", chapter_id, in_trash=in_trash)

    def chapters(self) -> list[Chapter]:
        """The story's chapters in order (not those in the trash)."""
        with self._session() as session:
            rows = session.scalars(
                select(ChapterRow)
                .where(ChapterRow.deleted_at.is_(None))
                .order_by(ChapterRow.position, ChapterRow.id)
            )
            return [to_chapter(row) for row in rows]

    def chapter(self, chapter_id: int) -> Chapter:
        """One chapter; KeyError when there is none with that id, or it is in the trash."""
        with self._session() as session:
            row = session.get(ChapterRow, chapter_id)
            if row is None or row.deleted_at is not None:
                raise KeyError(chapter_id)
            return to_chapter(row)

    def add_chapter(self, title: str, content: str = "", outline: str = "") -> Chapter:
        """Append a chapter at the end of the story."""
        with self._session(write=True) as session:
            last = session.scalar(select(func.max(ChapterRow.position)))
            row = ChapterRow(
                position=(last or 0) + 1,
                title=title,
                content=content,
                outline=outline,
                updated_at=utc_now(),
            )
            session.add(row)
            session.flush()
            self._touch(session)
            return to_chapter(row)

    def save_chapter_text(
        self, chapter_id: int, content: str, ai_ranges: list[tuple[int, int]] | None = None
    ) -> None:
        """Save a chapter's text (and, when given, where the AI wrote in it);
        RowMissingError when the chapter is gone or in the trash."""
        values: dict = {"content": content, "updated_at": utc_now()}
        if ai_ranges is not None:
            values["ai_ranges"] = [[start, end] for start, end in ai_ranges]
        self._change_chapter(chapter_id, **values)

    def add_chapters(self, chapters: list[tuple[str, str]]) -> list[Chapter]:
        """Append several chapters in one transaction: all of them, or none."""
        with self._session(write=True) as session:
            last = session.scalar(select(func.max(ChapterRow.position))) or 0
            rows = [
                ChapterRow(position=last + i, title=title, content=content, updated_at=utc_now())
                for i, (title, content) in enumerate(chapters, start=1)
            ]
            session.add_all(rows)
            session.flush()
            self._touch(session)
            return [to_chapter(row) for row in rows]

    def set_outline(self, chapter_id: int, outline: str) -> None:
        """Save a chapter's outline; RowMissingError when the chapter is gone."""
        self._change_chapter(chapter_id, outline=outline)

    def rename_chapter(self, chapter_id: int, title: str) -> None:
        """Rename a chapter; RowMissingError when the chapter is gone."""
        self._change_chapter(chapter_id, title=title)

    def reorder_chapters(self, chapter_ids: list[int]) -> None:
        """Put the chapters in this order, all or none (RowMissingError if one is gone)."""
        with self._session(write=True) as session:
            for position, chapter_id in enumerate(chapter_ids, start=1):
                result = session.execute(
                    update(ChapterRow).where(self._live(chapter_id)).values(position=position)
                )
                self._check_one(result, "chapters", chapter_id)

    def delete_chapter(self, chapter_id: int) -> None:
        """Move a chapter to the trash, with its snapshots and feedback (restore_chapter
        brings it back; empty_trash or purge_chapter delete it for good)."""
        with self._session(write=True) as session:
            result = session.execute(
                update(ChapterRow).where(self._live(chapter_id)).values(deleted_at=utc_now())
            )
            self._check_one(result, "chapters", chapter_id)
            self._touch(session)

    # -- the trash -------------------------------------------------------------------------

    def trash(self) -> list[Chapter]:
        """The chapters in the trash, most recently deleted first, with deleted_at set."""
        with self._session() as session:
            rows = session.scalars(
                select(ChapterRow)
                .where(ChapterRow.deleted_at.is_not(None))
                .order_by(ChapterRow.deleted_at.desc(), ChapterRow.id.desc())
            )
            return [to_chapter(row) for row in rows]

    def restore_chapter(self, chapter_id: int) -> Chapter:
        """Take a chapter out of the trash, back at its old place in the order (chapters
        from there on move down one), or at the end if the story is shorter now."""
        with self._session(write=True) as session:
            row = session.get(ChapterRow, chapter_id)
            if row is None or row.deleted_at is None:
                raise row_missing(self.path, "chapters", chapter_id)
            taken = session.scalar(
                select(func.count())
                .select_from(ChapterRow)
                .where(ChapterRow.deleted_at.is_(None), ChapterRow.position == row.position)
            )
            if taken:
                session.execute(
                    update(ChapterRow)
                    .where(ChapterRow.deleted_at.is_(None), ChapterRow.position >= row.position)
                    .values(position=ChapterRow.position + 1)
                    .execution_options(synchronize_session=False)
                )
            row.deleted_at = None
            session.flush()
            self._touch(session)
            return to_chapter(row)

    def purge_chapter(self, chapter_id: int) -> None:
        """Delete one chapter in the trash for good, with its snapshots and feedback.
        Only trashed chapters can be purged (RowMissingError otherwise)."""
        with self._session(write=True) as session:
            result = session.execute(
                delete(ChapterRow).where(
                    ChapterRow.id == chapter_id, ChapterRow.deleted_at.is_not(None)
                )
            )
            self._check_one(result, "chapters", chapter_id)

    def empty_trash(self) -> list[int]:
        """Delete every chapter in the trash for good; the ids removed (for the archive)."""
        with self._session(write=True) as session:
            ids = sorted(
                session.scalars(select(ChapterRow.id).where(ChapterRow.deleted_at.is_not(None)))
            )
            if ids:
                session.execute(delete(ChapterRow).where(ChapterRow.id.in_(ids)))
            return ids

    # -- characters ------------------------------------------------------------------------

    def characters(self) -> list[Character]:
        """The story's characters in order."""
        with self._session() as session:
            rows = session.scalars(select(CharacterRow).order_by(CharacterRow.position))
            return [to_character(row) for row in rows]

    def save_character(self, character: Character) -> Character:
        """Insert a character without an id, or update the one with its id."""
        row = self._upsert(CharacterRow, character.id, character.model_dump(exclude={"id"}))
        return to_character(row)

    def delete_character(self, character_id: int) -> None:
        """Delete a character; RowMissingError when there is none with that id."""
        with self._session(write=True) as session:
            result = session.execute(delete(CharacterRow).where(CharacterRow.id == character_id))
            self._check_one(result, "characters", character_id)

    # -- plot elements ---------------------------------------------------------------------

    def plot_elements(self) -> list[PlotElement]:
        """The story's plot elements in order."""
        with self._session() as session:
            rows = session.scalars(select(PlotElementRow).order_by(PlotElementRow.position))
            return [to_plot_element(row) for row in rows]

    def save_plot_element(self, element: PlotElement) -> PlotElement:
        """Insert a plot element without an id, or update the one with its id."""
        row = self._upsert(PlotElementRow, element.id, plot_element_values(element))
        return to_plot_element(row)

    def delete_plot_element(self, element_id: int) -> None:
        """Delete a plot element; RowMissingError when there is none with that id."""
        with self._session(write=True) as session:
            result = session.execute(delete(PlotElementRow).where(PlotElementRow.id == element_id))
            self._check_one(result, "plot_elements", element_id)

    # -- snapshots -------------------------------------------------------------------------

    def _require_chapter(self, session: Session, chapter_id: int) -> None:
        if session.get(ChapterRow, chapter_id) is None:
            raise row_missing(self.path, "chapters", chapter_id)

    def add_snapshot(self, chapter_id: int, content: str, reason: str) -> Snapshot:
        """Keep `content` as a version of the chapter; when it equals the chapter's latest
        snapshot, nothing is stored and that snapshot is returned."""
        with self._session(write=True) as session:
            self._require_chapter(session, chapter_id)
            latest = session.scalar(
                select(SnapshotRow)
                .where(SnapshotRow.chapter_id == chapter_id)
                .order_by(SnapshotRow.id.desc())
                .limit(1)
            )
            if latest is not None and latest.content == content:
                return to_snapshot(latest)
            row = SnapshotRow(
                chapter_id=chapter_id, content=content, reason=reason, created_at=utc_now()
            )
            session.add(row)
            session.flush()
            return to_snapshot(row)

    def snapshots(self, chapter_id: int) -> list[Snapshot]:
        """A chapter's snapshots, newest first."""
        with self._session() as session:
            rows = session.scalars(
                select(SnapshotRow)
                .where(SnapshotRow.chapter_id == chapter_id)
                .order_by(SnapshotRow.id.desc())
            )
            return [to_snapshot(row) for row in rows]

    def prune_snapshots(self, now: datetime | None = None) -> int:
        """Thin old snapshots: every chapter keeps all of its last 24 hours, and of older
        ones the newest of each day (UTC). Returns how many were deleted."""
        cutoff = (now or utc_now()) - SNAPSHOT_KEEP_ALL
        with self._session(write=True) as session:
            rows = session.execute(
                select(SnapshotRow.id, SnapshotRow.chapter_id, SnapshotRow.created_at)
                .where(SnapshotRow.created_at < cutoff)
                .order_by(SnapshotRow.created_at.desc(), SnapshotRow.id.desc())
            )
            kept_days: set[tuple[int, object]] = set()
            doomed = []
            for snapshot_id, chapter_id, created in rows:
                day = (chapter_id, created.date())
                if day in kept_days:
                    doomed.append(snapshot_id)
                else:
                    kept_days.add(day)
            for start in range(0, len(doomed), 500):
                session.execute(
                    delete(SnapshotRow).where(SnapshotRow.id.in_(doomed[start : start + 500]))
                )
            return len(doomed)

    # -- feedback and chat -----------------------------------------------------------------

    def add_feedback(self, feedback: Feedback) -> Feedback:
        """Keep an agent's feedback with its chapter (RowMissingError if the chapter is gone)."""
        with self._session(write=True) as session:
            self._require_chapter(session, feedback.chapter_id)
            row = FeedbackRow(
                **feedback.model_dump(exclude={"id", "created_at"}), created_at=utc_now()
            )
            session.add(row)
            session.flush()
            return to_feedback(row)

    def feedback(self, chapter_id: int, agent: str | None = None) -> list[Feedback]:
        """Newest first."""
        with self._session() as session:
            query = select(FeedbackRow).where(FeedbackRow.chapter_id == chapter_id)
            if agent is not None:
                query = query.where(FeedbackRow.agent == agent)
            rows = session.scalars(query.order_by(FeedbackRow.id.desc()))
            return [to_feedback(row) for row in rows]

    def add_chat_message(self, conversation: int, role: str, content: str) -> ChatMessage:
        """Append a message to a chat conversation."""
        with self._session(write=True) as session:
            row = ChatMessageRow(
                conversation=conversation, role=role, content=content, created_at=utc_now()
            )
            session.add(row)
            session.flush()
            return to_chat_message(row)

    def chat_messages(self, conversation: int) -> list[ChatMessage]:
        """A conversation's messages, oldest first."""
        with self._session() as session:
            rows = session.scalars(
                select(ChatMessageRow)
                .where(ChatMessageRow.conversation == conversation)
                .order_by(ChatMessageRow.id)
            )
            return [to_chat_message(row) for row in rows]

    def conversations(self) -> list[int]:
        """The numbers of the stored conversations, ascending."""
        with self._session() as session:
            query = select(ChatMessageRow.conversation).distinct()
            return sorted(session.scalars(query))

    # -- summaries (the context engine's distillation cache) -------------------------------

    def summaries(self, kind: str | None = None) -> dict[tuple[str, str], str]:
        """Every stored summary by (kind, content hash)."""
        with self._session() as session:
            query = select(SummaryRow.kind, SummaryRow.content_hash, SummaryRow.summary)
            if kind is not None:
                query = query.where(SummaryRow.kind == kind)
            return {(k, h): text for k, h, text in session.execute(query)}

    def save_summary(self, kind: str, content_hash: str, summary: str, model: str) -> None:
        """Store a summary, replacing one of the same kind and hash."""
        with self._session(write=True) as session:
            session.execute(
                delete(SummaryRow).where(
                    SummaryRow.kind == kind, SummaryRow.content_hash == content_hash
                )
            )
            session.add(
                SummaryRow(
                    kind=kind,
                    content_hash=content_hash,
                    summary=summary,
                    model=model,
                    created_at=utc_now(),
                )
            )

    # -- spelling --------------------------------------------------------------------------

    def dictionary_words(self) -> list[str]:
        """The words the author added to this story's spelling dictionary."""
        with self._session() as session:
            return list(session.scalars(select(DictionaryWordRow.word)))

    def add_dictionary_word(self, word: str) -> None:
        """Add a word to this story's spelling dictionary (once)."""
        with self._session(write=True) as session:
            if session.get(DictionaryWordRow, word) is None:
                session.add(DictionaryWordRow(word=word))
