"""ArchiveProcess: the archive (ChromaDB and the embedding model) in a child process, with
ArchiveService's calls.

Why a process: ChromaDB's Rust core holds Python's GIL through a whole write (about 6 ms,
and 1 ms a chunk more). In the app's process that froze the window's thread for 60-100 ms
at a time while a story was archived in the background, however the writes were batched or
prioritised. In a child process the writes hold only the child's GIL.

The two talk over the child's stdin and stdout in frames (an 8-byte length, then a pickle):
a call is (id, name, args), its answer (id, ok, value or exception). The child answers
calls on a few threads, so a search is not queued behind a chapter being archived. If the
child dies, every waiting and later call raises ArchiveUnavailableError; closing the
child's stdin (close(), or the app's process ending) makes it close the store and exit.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from writer_desktop.archive.async_forms import AsyncForms
from writer_desktop.archive.errors import ArchiveUnavailableError
from writer_desktop.archive.hits import ArchiveHit

log = logging.getLogger(__name__)

CHILD_FLAG = "--archive-child"
OPEN_TIMEOUT_S = 180.0  # a cold start imports ChromaDB from a slow disk
CLOSE_TIMEOUT_S = 60.0  # the chapter being archived finishes first
CHILD_THREADS = 3  # archiving, a search, and a count or two meanwhile
# The whole child runs below the app's priority (its embedding thread lower still): the
# window and the model's jobs come first.
CHILD_NICENESS = 5
CALLS = frozenset(
    {
        "store_content_sync",
        "search_sync",
        "content_ids_sync",
        "delete_content_sync",
        "count_sync",
        "embedded_chunks",
    }
)
_HEADER = struct.Struct("!Q")


def child_command(path: Path) -> list[str]:
    """How to start the archive's child: this package under Python, or the frozen app
    itself (which has no `-m`) with the flag its entry point hands on to child_main."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG, str(path)]
    return [sys.executable, "-m", "writer_desktop.archive", str(path)]


def _write_frame(stream: IO[bytes], payload: object) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> Any:
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


class ArchiveProcess(AsyncForms):
    """ArchiveService's calls, answered by an ArchiveService in a child process.

    Opening waits until the child has opened the store, so a broken archive raises
    ArchiveUnavailableError here, as ArchiveService does. Any thread may call."""

    def __init__(self, path: Path, open_timeout_s: float = OPEN_TIMEOUT_S) -> None:
        self.path = Path(path)
        self._calls: dict[int, Future] = {}
        self._calls_lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._closed = False
        self._failure: str | None = None
        opened: Future = Future()
        self._calls[0] = opened
        try:
            self._process = subprocess.Popen(
                child_command(self.path), stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
        except OSError as exc:
            raise ArchiveUnavailableError(f"The archive could not be started: {exc}") from exc
        self._reader = threading.Thread(
            target=self._read_answers, name="archive-answers", daemon=True
        )
        self._reader.start()
        try:
            opened.result(timeout=open_timeout_s)
        except TimeoutError:
            self._stop_child()
            raise ArchiveUnavailableError(
                f"The archive in {self.path} did not open within {open_timeout_s:g} s"
            ) from None
        except ArchiveUnavailableError:
            self._stop_child()
            raise

    # -- ArchiveService's synchronous calls -------------------------------------------------

    def store_content_sync(
        self, content_id: str, text: str, metadata: Mapping[str, Any] | None = None
    ) -> int:
        """Store `text` as `content_id`'s chunks in place of its earlier ones (only new
        chunks are embedded); how many chunks the content has now."""
        return self._call("store_content_sync", content_id, text, dict(metadata or {}))

    def search_sync(
        self, query: str, n_results: int = 5, where: Mapping[str, Any] | None = None
    ) -> list[ArchiveHit]:
        """The contents that best match `query`, best first, at most `n_results`."""
        return self._call("search_sync", query, n_results, dict(where) if where else None)

    def content_ids_sync(self, where: Mapping[str, Any] | None = None) -> set[str]:
        """The ids of the contents stored (matching `where`)."""
        return self._call("content_ids_sync", dict(where) if where else None)

    def delete_content_sync(self, content_id: str) -> None:
        """Remove every chunk of `content_id`."""
        self._call("delete_content_sync", content_id)

    def count_sync(self) -> int:
        """How many chunks the archive holds."""
        return self._call("count_sync")

    @property
    def embedded_chunks(self) -> int:
        """How many chunks the child has embedded since it opened the archive."""
        return self._call("embedded_chunks")

    # -- lifetime ---------------------------------------------------------------------------

    @property
    def failed(self) -> bool:
        """Whether the child stopped without being closed (every call now raises)."""
        with self._calls_lock:
            return self._failure is not None and not self._closed

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._process.pid

    def close(self) -> None:
        """Let the child finish the calls it has, close the store and exit (its files stay);
        later calls raise ArchiveUnavailableError."""
        with self._calls_lock:
            if self._closed:
                return
            self._closed = True
        self._stop_child()

    def __enter__(self) -> ArchiveProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- the conversation -------------------------------------------------------------------

    def _call(self, name: str, *args: Any) -> Any:
        future: Future = Future()
        with self._calls_lock:
            if self._closed:
                raise ArchiveUnavailableError("The archive has been closed")
            if self._failure is not None:
                raise ArchiveUnavailableError(self._failure)
            call_id = next(self._ids)
            self._calls[call_id] = future
        try:
            with self._send_lock:
                assert self._process.stdin is not None
                _write_frame(self._process.stdin, (call_id, name, args))
        except (OSError, ValueError) as exc:  # the child has gone (broken pipe)
            with self._calls_lock:
                self._calls.pop(call_id, None)
            raise ArchiveUnavailableError(self._failure or f"The archive stopped: {exc}") from exc
        return future.result()

    def _read_answers(self) -> None:
        """The reader thread: hands each answer to its caller; when the child's output ends,
        fails every call still waiting."""
        stream = self._process.stdout
        assert stream is not None
        try:
            while True:
                call_id, ok, value = _read_frame(stream)
                with self._calls_lock:
                    future = self._calls.pop(call_id, None)
                if future is None:
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):
            pass
        code = self._process.wait()
        with self._calls_lock:
            if self._closed:
                reason = "The archive has been closed"
            else:
                reason = f"The archive's process stopped (exit code {code})"
                log.error("%s", reason)
            self._failure = reason
            waiting = list(self._calls.values())
            self._calls.clear()
        for future in waiting:
            future.set_exception(ArchiveUnavailableError(reason))

    def _stop_child(self) -> None:
        with self._send_lock:
            try:
                assert self._process.stdin is not None
                self._process.stdin.close()  # the child's signal to close the store and exit
            except OSError:
                pass
        try:
            self._process.wait(timeout=CLOSE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            log.error("the archive's process did not exit; killing it")
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout=5)


# -- the child ----------------------------------------------------------------------------


def _portable(exc: BaseException) -> BaseException:
    """`exc` as the app's process can unpickle it without ChromaDB: ours and Python's own
    exceptions as they are, anything else as ArchiveUnavailableError with its message."""
    if isinstance(exc, ArchiveUnavailableError) or type(exc).__module__ == "builtins":
        try:
            pickle.loads(pickle.dumps(exc))
            return exc
        except Exception:
            pass
    return ArchiveUnavailableError(f"{type(exc).__name__}: {exc}")


def child_main(argv: list[str]) -> int:
    """The child: opens the archive at argv[0], then answers calls until its stdin ends
    (the frozen app's `--archive-child PATH`, or `python -m writer_desktop.archive PATH`)."""
    path = Path(argv[0])
    with contextlib.suppress(AttributeError, OSError):  # below the app: the window first
        os.nice(CHILD_NICENESS)
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a library prints goes to stderr, never into the answers
    requests = sys.stdin.buffer
    answer_lock = threading.Lock()

    def answer(call_id: int, ok: bool, value: object) -> None:
        try:
            frame = (call_id, ok, value if ok else _portable(value))  # type: ignore[arg-type]
            pickle.dumps(frame)
        except Exception as exc:
            frame = (call_id, False, ArchiveUnavailableError(f"An unsendable answer: {exc}"))
        with answer_lock:
            _write_frame(answers, frame)

    try:
        from writer_desktop.archive.service import ArchiveService

        service = ArchiveService(path)
    except Exception as exc:
        answer(0, False, exc)
        return 1
    answer(0, True, None)

    def run(call_id: int, name: str, args: tuple) -> None:
        try:
            if name not in CALLS:
                raise ArchiveUnavailableError(f"The archive has no call {name!r}")
            value = getattr(service, name)
            if callable(value):
                value = value(*args)
        except Exception as exc:
            answer(call_id, False, exc)
        else:
            answer(call_id, True, value)

    pool = ThreadPoolExecutor(max_workers=CHILD_THREADS, thread_name_prefix="archive-call")
    try:
        while True:
            try:
                call_id, name, args = _read_frame(requests)
            except EOFError:
                break
            pool.submit(run, call_id, name, args)
    finally:
        pool.shutdown(wait=True)
        service.close()
        answers.close()
    return 0
