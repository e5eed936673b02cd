"""StoryLock: one writer per story, through an OS file lock beside the story file.

The lock is `filelock`'s FileLock on `<name>.wstory.lock` (flock on Unix, LockFileEx on
Windows). The operating system drops such a lock when its process ends, however it ends,
so a story left locked by a crash or `kill -9` opens again without any manual step. Who
holds the lock is written to `<name>.wstory.lock.json`, a separate file because Windows
forbids other processes to read a locked file's bytes. The lock file itself stays after
closing: deleting it could let two processes lock two different files of the same name.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import filelock

from writer_desktop import __version__
from writer_desktop.storage.errors import StoryFileError, StoryLockedError, describe_time


def lock_path(story: Path) -> Path:
    """The lock file of a story: `<name>.wstory.lock` beside it."""
    story = Path(story)
    return story.with_name(f"{story.name}.lock")


def info_path(story: Path) -> Path:
    """The file that says who holds a story's lock: `<name>.wstory.lock.json`."""
    story = Path(story)
    return story.with_name(f"{story.name}.lock.json")


@dataclass(frozen=True)
class LockHolder:
    """Who holds a story open for writing, as written beside the story when it was locked."""

    user: str
    host: str
    pid: int
    app_version: str
    since: datetime

    @classmethod
    def this_process(cls) -> LockHolder:
        """The holder record for this process, now."""
        try:
            user = getpass.getuser()
        except Exception:  # no user name in some sandboxes and services
            user = ""
        return cls(
            user=user,
            host=socket.gethostname(),
            pid=os.getpid(),
            app_version=__version__,
            since=datetime.now(UTC),
        )

    def to_json(self) -> str:
        """The record as JSON text (time in ISO 8601 with its offset)."""
        values = asdict(self)
        values["since"] = self.since.isoformat()
        return json.dumps(values, indent=2)

    @classmethod
    def from_json(cls, text: str) -> LockHolder | None:
        """The record read back, or None when the text is not one."""
        try:
            values = json.loads(text)
            return cls(
                user=str(values.get("user", "")),
                host=str(values["host"]),
                pid=int(values["pid"]),
                app_version=str(values.get("app_version", "")),
                since=datetime.fromisoformat(values["since"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def describe(self, story_name: str) -> str:
        """The sentence an author reads when the story cannot be opened for writing."""
        since = describe_time(self.since)
        if self.pid == os.getpid() and self.host == socket.gethostname():
            return f"{story_name} is already open in this Writer Assistant (since {since})."
        return (
            f"{story_name} is open in Writer Assistant on {self.host} (process {self.pid}) "
            f"since {since}. Close it there first, or open it read-only."
        )


def read_holder(story: Path) -> LockHolder | None:
    """Who the lock-info file beside `story` names, or None. The record may be stale (a
    crashed holder); only the OS lock says whether the story is really held."""
    try:
        return LockHolder.from_json(info_path(story).read_text(encoding="utf-8"))
    except OSError:
        return None


class StoryLock:
    """The write lock of one story file. acquire() never waits: a held story is refused
    at once with StoryLockedError. Works across processes and within one process (two
    StoryLock objects on one story exclude each other). Release from any thread."""

    def __init__(self, story: Path) -> None:
        self.story = Path(story)
        self.path = lock_path(self.story)
        self.holder: LockHolder | None = None
        # thread_local=False: the GUI thread may open a story and a worker thread close it.
        self._lock = filelock.FileLock(self.path, timeout=0, thread_local=False)

    @property
    def is_held(self) -> bool:
        """Whether this object holds the lock now."""
        return self._lock.is_locked

    def acquire(self) -> StoryLock:
        """Take the lock, or raise StoryLockedError saying who has the story open."""
        if self._lock.is_locked:
            return self
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            holder = read_holder(self.story)
            if holder is None:
                message = (
                    f"{self.story.name} is open in another Writer Assistant "
                    f"(its lock file {self.path.name} is held). Close it there first, "
                    "or open it read-only."
                )
            else:
                message = holder.describe(self.story.name)
            raise StoryLockedError(message, holder) from None
        except OSError as exc:
            raise StoryFileError(
                f"Cannot open {self.story.name} for writing: its folder does not allow the "
                f"lock file {self.path.name} ({exc.strerror or exc}). Open it read-only, or "
                "copy it to a folder you can write to."
            ) from exc
        self.holder = LockHolder.this_process()
        self._write_info(self.holder)
        return self

    def held_by_anyone(self) -> bool:
        """Whether the lock is held now, by this object or any other, in any process."""
        if self._lock.is_locked:
            return True
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            return True
        except OSError:
            return False
        self._lock.release(force=True)
        return False

    def release(self) -> None:
        """Give the lock up (a no-op when not held) and remove the holder record."""
        if not self._lock.is_locked:
            return
        try:
            if read_holder(self.story) == self.holder:
                info_path(self.story).unlink(missing_ok=True)
        except OSError:
            pass  # a stale record is harmless: the OS lock is what counts
        finally:
            self._lock.release(force=True)
            self.holder = None

    def _write_info(self, holder: LockHolder) -> None:
        target = info_path(self.story)
        temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        try:
            temporary.write_text(holder.to_json(), encoding="utf-8")
            os.replace(temporary, target)
        except OSError:
            # The record only explains a refusal; the lock itself is already held.
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

    def __enter__(self) -> StoryLock:
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()


def is_locked(story: Path) -> bool:
    """Whether some process holds the story's write lock now. Creates no file: a story
    without a lock file beside it has never been opened for writing and is not held."""
    if not lock_path(story).exists():
        return False
    return StoryLock(story).held_by_anyone()
