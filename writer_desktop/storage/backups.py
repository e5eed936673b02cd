"""Copies of stories through SQLite's backup API, and rotating automatic backups.

A story in WAL mode keeps its newest pages in `<name>.wstory-wal` until a checkpoint, so
copying the .wstory file alone can miss the last saves; SQLite's backup API copies what a
reader sees, WAL included. Every copy is written to a temporary file beside its target and
then renamed over it, so the target is at every moment either the old copy or the new one.

Automatic backups live in one folder, named `<story name>.backup-YYYYMMDD-HHMMSS.wstory`
(local time). Pruning keeps the newest `keep_last` plus the newest of each day of the last
`keep_days` days, and never the last one standing: the newest backup is always kept.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from writer_desktop.domain.story import BackupInfo, word_count
from writer_desktop.storage import lock
from writer_desktop.storage.errors import StoryFileError, StoryLockedError, translate_database_error
from writer_desktop.storage.inspection import connect_read_only, has_journal, inspect_story

STORY_SUFFIX = ".wstory"
_STAMP = "%Y%m%d-%H%M%S"


def _same_file(one: Path, other: Path) -> bool:
    try:
        if one.exists() and other.exists():
            return os.path.samefile(one, other)
    except OSError:
        pass
    return os.path.normcase(os.path.realpath(one)) == os.path.normcase(os.path.realpath(other))


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":  # pragma: no cover - Windows cannot open a folder
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def copy_story(source: Path, target: Path) -> Path:
    """Write a consistent copy of the story `source` (its WAL included) to `target`, as a
    single self-contained file (journal mode DELETE); return `target`.

    The copy goes to a temporary file beside `target`, which then replaces it in one
    rename: an existing target is never deleted first. Refuses (StoryFileError) to copy a
    file onto itself, and (StoryLockedError) onto a story open for writing somewhere.
    """
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise StoryFileError(f"{source.name} does not exist, so it cannot be copied.")
    if _same_file(source, target):
        raise StoryFileError(f"Cannot copy {source.name} onto itself.")
    if target.exists() and lock.is_locked(target):
        raise StoryLockedError(
            f"{target.name} is open for writing, so it cannot be replaced by a copy.",
            lock.read_holder(target),
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(descriptor)
    temporary = Path(name)
    try:
        _backup(source, temporary)
        _fsync_file(temporary)
        os.replace(temporary, target)
    except sqlite3.Error as exc:
        raise translate_database_error(source, exc, "copy") from exc
    except OSError as exc:
        raise StoryFileError(
            f"Could not copy {source.name} to {target.parent}: {exc.strerror or exc}"
        ) from exc
    finally:
        for leftover in (temporary, temporary.with_name(temporary.name + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    _fsync_folder(target.parent)
    return target


def _backup(source: Path, destination: Path) -> None:
    # A read-write connection (kept from changing anything by query_only) so that a WAL
    # left by a killed process is read in full; a read-only one may not recover it.
    reader = sqlite3.connect(str(source.absolute()), timeout=10)
    try:
        reader.execute("PRAGMA trusted_schema=OFF")
        reader.execute("PRAGMA query_only=ON")
        writer = sqlite3.connect(str(destination.absolute()))
        try:
            reader.backup(writer)
            # The copied header says WAL; a backup must be one file, whole on its own.
            writer.execute("PRAGMA journal_mode=DELETE")
            writer.commit()
        finally:
            writer.close()
    finally:
        reader.close()


def story_stem(story_name: str | Path) -> str:
    """The name backups of a story carry: its file name without `.wstory`."""
    name = Path(story_name).name
    return name[: -len(STORY_SUFFIX)] if name.endswith(STORY_SUFFIX) else name


def backup_name(story_name: str | Path, created: datetime) -> str:
    """The file name of a backup of `story_name` made at `created` (local time)."""
    return f"{story_stem(story_name)}.backup-{created.strftime(_STAMP)}{STORY_SUFFIX}"


def _backups_of(folder: Path, story_name: str | Path) -> dict[Path, datetime]:
    pattern = re.compile(
        re.escape(story_stem(story_name)) + r"\.backup-(\d{8}-\d{6})" + re.escape(STORY_SUFFIX)
    )
    found: dict[Path, datetime] = {}
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return found
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and entry.is_file():
            with contextlib.suppress(ValueError):
                found[entry] = datetime.strptime(match.group(1), _STAMP)
    return found


def make_backup(story: Path, folder: Path, now: datetime | None = None) -> Path:
    """Copy `story` into `folder` as a timestamped backup (see copy_story); its path."""
    created = now or datetime.now()
    return copy_story(Path(story), Path(folder) / backup_name(Path(story), created))


def backups_to_keep(
    created: list[datetime], keep_last: int, keep_days: int, now: datetime
) -> set[datetime]:
    """Which of the backup times to keep: the newest `keep_last` (at least one), and the
    newest of each calendar day within `keep_days` days before `now`."""
    ordered = sorted(set(created), reverse=True)
    keep = set(ordered[: max(1, keep_last)])
    cutoff = now - timedelta(days=keep_days)
    days_seen = set()
    for moment in ordered:
        if moment < cutoff:
            break
        if moment.date() not in days_seen:
            days_seen.add(moment.date())
            keep.add(moment)
    return keep


def prune_backups(
    folder: Path,
    story_name: str | Path,
    keep_last: int,
    keep_days: int,
    now: datetime | None = None,
) -> list[Path]:
    """Delete the backups of `story_name` in `folder` that backups_to_keep does not keep;
    return the deleted paths. Files not named like its backups are never touched."""
    found = _backups_of(Path(folder), story_name)
    keep = backups_to_keep(list(found.values()), keep_last, keep_days, now or datetime.now())
    deleted = []
    for path, created in sorted(found.items(), key=lambda item: item[1]):
        if created not in keep:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            deleted.append(path)
    return deleted


def list_backups(folder: Path, story_name: str | Path) -> list[BackupInfo]:
    """The backups of `story_name` in `folder`, newest first, each with its chapter and word
    counts (read read-only; a backup that cannot be read is listed with readable=False)."""
    infos = []
    for path, created in _backups_of(Path(folder), story_name).items():
        try:
            chapters, words = _count(path)
        except (StoryFileError, sqlite3.Error):
            infos.append(BackupInfo(path=path, created=created, readable=False))
            continue
        infos.append(BackupInfo(path=path, created=created, chapters=chapters, words=words))
    return sorted(infos, key=lambda info: info.created, reverse=True)


def _count(path: Path) -> tuple[int, int]:
    # Nobody writes a backup, so reading it leaves no -wal/-shm files in the folder.
    immutable = not has_journal(path)
    inspect_story(path, quick_check=False, exclusive=immutable)  # schema before any table
    connection = connect_read_only(path, immutable=immutable)
    try:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(chapters)")}
        query = "SELECT content FROM chapters"
        if "deleted_at" in columns:
            query += " WHERE deleted_at IS NULL"
        texts = [row[0] or "" for row in connection.execute(query)]
    finally:
        connection.close()
    return len(texts), sum(word_count(text) for text in texts)
