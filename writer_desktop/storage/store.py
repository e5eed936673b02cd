"""StoryStore: open, create and change one story file; converts ORM rows to domain models."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, event, func, select, update
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
from writer_desktop.storage.migrations import APPLICATION_ID, SCHEMA_VERSION, migrate
from writer_desktop.storage.orm import (
    ChapterRow,
    CharacterRow,
    ChatMessageRow,
    FeedbackRow,
    PlotElementRow,
    SnapshotRow,
    StoryRow,
    SummaryRow,
)

SQLITE_HEADER = b"SQLite format 3\x00"


class StoryFileError(Exception):
    """A story file that cannot be used; the message is meant for the author."""


class NotAStoryError(StoryFileError):
    pass


class NewerSchemaError(StoryFileError):
    pass


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _inspect(path: Path) -> int:
    """The file's schema version, read without changing a byte; raises if it is no story."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoryFileError(f"Cannot read {path.name}: {exc.strerror or exc}") from exc
    if header != SQLITE_HEADER:
        raise NotAStoryError(f"{path.name} is not a Writer Assistant story file.")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            app_id = connection.execute("PRAGMA application_id").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise NotAStoryError(f"{path.name} is damaged or not a story file ({exc}).") from exc
    if app_id != APPLICATION_ID:
        raise NotAStoryError(f"{path.name} is an SQLite file, but not a Writer Assistant story.")
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{path.name} was saved by a newer Writer Assistant (story format {version}; "
            f"this version reads up to {SCHEMA_VERSION}). Update the app to open it; "
            "the file was not changed."
        )
    return version


def _connect_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode survives a killed process; only a power cut can lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class StoryStore:
    """One open story file. Every method commits before it returns."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, title: str = "Untitled story") -> StoryStore:
        path = Path(path)
        if path.exists():
            raise StoryFileError(f"{path.name} already exists.")
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path)
        try:
            migrate(connection)
            now = _now().isoformat(sep=" ")
            connection.execute(
                "INSERT INTO story (id, title, created_at, updated_at) VALUES (1, ?, ?, ?)",
                (title, now, now),
            )
            connection.commit()
        except sqlite3.Error as exc:
            connection.close()
            path.unlink(missing_ok=True)
            raise StoryFileError(f"Cannot create {path.name}: {exc}") from exc
        connection.close()
        return cls._with_engine(path)

    @classmethod
    def open(cls, path: Path) -> StoryStore:
        path = Path(path)
        if not path.is_file():
            raise StoryFileError(f"{path} does not exist.")
        version = _inspect(path)
        if version < SCHEMA_VERSION:
            backup = path.with_name(f"{path.name}.v{version}.backup")
            shutil.copy2(path, backup)
            connection = sqlite3.connect(path)
            try:
                migrate(connection)
            except sqlite3.Error as exc:
                raise StoryFileError(
                    f"Could not upgrade {path.name} ({exc}); a copy is kept at {backup.name}."
                ) from exc
            finally:
                connection.close()
        return cls._with_engine(path)

    @classmethod
    def _with_engine(cls, path: Path) -> StoryStore:
        engine = create_engine(f"sqlite:///{path}")
        event.listen(engine, "connect", _connect_pragmas)
        return cls(path, engine)

    def close(self) -> None:
        self._engine.dispose()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def _upsert(self, row_class, row_id: int | None, values: dict):
        """A new row at the end of its list, or the existing row with new values."""
        with self._session() as session:
            if row_id is None:
                last = session.scalar(select(func.max(row_class.position)))
                row = row_class(position=(last or 0) + 1, **values)
                session.add(row)
            else:
                row = session.get(row_class, row_id)
                if row is None:
                    raise KeyError(row_id)
                for key, value in values.items():
                    setattr(row, key, value)
            session.flush()
            return row

    def _touch(self, session: Session) -> None:
        session.execute(update(StoryRow).values(updated_at=_now()))

    # -- story -----------------------------------------------------------------------------

    def title(self) -> str:
        with self._session() as session:
            return session.scalar(select(StoryRow.title)) or "Untitled story"

    def story(self) -> Story:
        """The whole story as one domain model."""
        return Story(
            title=self.title(),
            chapters=self.chapters(),
            characters=self.characters(),
            plot_elements=self.plot_elements(),
        )

    def set_title(self, title: str) -> None:
        with self._session() as session:
            session.execute(update(StoryRow).values(title=title, updated_at=_now()))

    # -- chapters --------------------------------------------------------------------------

    def chapters(self) -> list[Chapter]:
        with self._session() as session:
            rows = session.scalars(select(ChapterRow).order_by(ChapterRow.position))
            return [to_chapter(row) for row in rows]

    def chapter(self, chapter_id: int) -> Chapter:
        with self._session() as session:
            row = session.get(ChapterRow, chapter_id)
            if row is None:
                raise KeyError(chapter_id)
            return to_chapter(row)

    def add_chapter(self, title: str, content: str = "", outline: str = "") -> Chapter:
        with self._session() as session:
            last = session.scalar(select(func.max(ChapterRow.position)))
            row = ChapterRow(
                position=(last or 0) + 1,
                title=title,
                content=content,
                outline=outline,
                updated_at=_now(),
            )
            session.add(row)
            session.flush()
            self._touch(session)
            return to_chapter(row)

    def save_chapter_text(self, chapter_id: int, content: str) -> None:
        with self._session() as session:
            session.execute(
                update(ChapterRow)
                .where(ChapterRow.id == chapter_id)
                .values(content=content, updated_at=_now())
            )

    def add_chapters(self, chapters: list[tuple[str, str]]) -> list[Chapter]:
        """Append several chapters in one transaction: all of them, or none."""
        with self._session() as session:
            last = session.scalar(select(func.max(ChapterRow.position))) or 0
            rows = [
                ChapterRow(position=last + i, title=title, content=content, updated_at=_now())
                for i, (title, content) in enumerate(chapters, start=1)
            ]
            session.add_all(rows)
            session.flush()
            self._touch(session)
            return [to_chapter(row) for row in rows]

    def set_outline(self, chapter_id: int, outline: str) -> None:
        with self._session() as session:
            session.execute(
                update(ChapterRow).where(ChapterRow.id == chapter_id).values(outline=outline)
            )

    def rename_chapter(self, chapter_id: int, title: str) -> None:
        with self._session() as session:
            session.execute(
                update(ChapterRow).where(ChapterRow.id == chapter_id).values(title=title)
            )

    def reorder_chapters(self, chapter_ids: list[int]) -> None:
        with self._session() as session:
            for position, chapter_id in enumerate(chapter_ids, start=1):
                session.execute(
                    update(ChapterRow).where(ChapterRow.id == chapter_id).values(position=position)
                )

    def delete_chapter(self, chapter_id: int) -> None:
        with self._session() as session:
            session.execute(delete(ChapterRow).where(ChapterRow.id == chapter_id))
            self._touch(session)

    # -- characters ------------------------------------------------------------------------

    def characters(self) -> list[Character]:
        with self._session() as session:
            rows = session.scalars(select(CharacterRow).order_by(CharacterRow.position))
            return [to_character(row) for row in rows]

    def save_character(self, character: Character) -> Character:
        """Insert a character without an id, or update the one with its id."""
        row = self._upsert(CharacterRow, character.id, character.model_dump(exclude={"id"}))
        return to_character(row)

    def delete_character(self, character_id: int) -> None:
        with self._session() as session:
            session.execute(delete(CharacterRow).where(CharacterRow.id == character_id))

    # -- plot elements ---------------------------------------------------------------------

    def plot_elements(self) -> list[PlotElement]:
        with self._session() as session:
            rows = session.scalars(select(PlotElementRow).order_by(PlotElementRow.position))
            return [to_plot_element(row) for row in rows]

    def save_plot_element(self, element: PlotElement) -> PlotElement:
        row = self._upsert(PlotElementRow, element.id, plot_element_values(element))
        return to_plot_element(row)

    def delete_plot_element(self, element_id: int) -> None:
        with self._session() as session:
            session.execute(delete(PlotElementRow).where(PlotElementRow.id == element_id))

    # -- snapshots -------------------------------------------------------------------------

    def add_snapshot(self, chapter_id: int, content: str, reason: str) -> Snapshot:
        with self._session() as session:
            row = SnapshotRow(
                chapter_id=chapter_id, content=content, reason=reason, created_at=_now()
            )
            session.add(row)
            session.flush()
            return to_snapshot(row)

    def snapshots(self, chapter_id: int) -> list[Snapshot]:
        with self._session() as session:
            rows = session.scalars(
                select(SnapshotRow)
                .where(SnapshotRow.chapter_id == chapter_id)
                .order_by(SnapshotRow.id.desc())
            )
            return [to_snapshot(row) for row in rows]

    # -- feedback and chat -----------------------------------------------------------------

    def add_feedback(self, feedback: Feedback) -> Feedback:
        with self._session() as session:
            row = FeedbackRow(
                **feedback.model_dump(exclude={"id", "created_at"}), created_at=_now()
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
        with self._session() as session:
            row = ChatMessageRow(
                conversation=conversation, role=role, content=content, created_at=_now()
            )
            session.add(row)
            session.flush()
            return to_chat_message(row)

    def chat_messages(self, conversation: int) -> list[ChatMessage]:
        with self._session() as session:
            rows = session.scalars(
                select(ChatMessageRow)
                .where(ChatMessageRow.conversation == conversation)
                .order_by(ChatMessageRow.id)
            )
            return [to_chat_message(row) for row in rows]

    def conversations(self) -> list[int]:
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
        with self._session() as session:
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
                    created_at=_now(),
                )
            )
