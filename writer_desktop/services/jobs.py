"""Jobs on the event loop: a generation job's tokens as an async stream, the model's state,
and the rule that every job belongs to the story it was started for.

The runner (the worker thread) calls back on its own thread; everything here hands that
output to the asyncio loop with call_soon_threadsafe, so callers simply `await`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable

from writer_desktop.inference import GenerationJob, GenerationResult, JobCallbacks, JobRunner
from writer_desktop.services.activity import OPERATION_NAMES, ActivityService, WordCounter
from writer_desktop.services.errors import JobFailedError
from writer_desktop.services.events import Listeners
from writer_desktop.services.story_service import StoryService, StorySession

log = logging.getLogger(__name__)

_END = object()
# While a job streams, the loop takes its tokens ten times a second, not once per token:
# on a two-core machine every turn of the GUI thread (waking, inserting, laying out,
# painting) preempts one of the model's threads, and the other then waits for it at
# llama.cpp's barrier. Measured with Continue in the real window against raw
# llama-cpp-python (benchmarks/run.py generation, 5 trials): a wake-up per token 0.86-0.90
# of raw speed, every 0.05 s 0.957, every 0.1 s 1.03. The first token after a pause is
# handed over at once.
DELIVER_EVERY_S = 0.1


class Generation:
    """One job's output on the loop: `async for token in generation`, then
    `await generation.result()`. Cancelling the awaiting task cancels the job; after
    cancel() no more tokens are handed out, so nothing late reaches a widget."""

    def __init__(
        self,
        runner: JobRunner,
        job: GenerationJob,
        session: StorySession | None = None,
    ) -> None:
        self.session = session
        self._runner = runner
        self._loop = asyncio.get_running_loop()
        self._tokens: asyncio.Queue[object] = asyncio.Queue()
        self._done: asyncio.Future[GenerationResult] = self._loop.create_future()
        self._done.add_done_callback(_mark_retrieved)
        self._stopped = False
        self.started = False
        self._counter = WordCounter()
        # Told on the loop when the job starts running and as its words grow.
        self.on_started: Listeners[[]] = Listeners()
        self.on_words: Listeners[[int]] = Listeners()
        # Tokens from the runner wait here until the loop takes them. While `_polling`, the
        # loop takes them every DELIVER_EVERY_S by itself and the runner never wakes it.
        self._arrived: list[str] = []
        self._arrived_lock = threading.Lock()
        self._polling = False
        self.job_id = runner.submit(
            job,
            JobCallbacks(
                on_token=self._arrive,
                on_finished=lambda result: self._post(self._finish, result, None),
                on_failed=lambda message: self._post(self._finish, None, message),
                on_started=lambda: self._post(self._start),
            ),
        )

    def _post(self, callback: Callable[..., None], *args: object) -> None:
        """From the runner's thread to the loop's."""
        with contextlib.suppress(RuntimeError):  # a closed loop: the app is gone
            self._loop.call_soon_threadsafe(callback, *args)

    def _arrive(self, text: str) -> None:
        """On the runner's thread: keep the token; wake the loop only when it is not
        already coming back for tokens by itself."""
        with self._arrived_lock:
            self._arrived.append(text)
            if self._polling:
                return
            self._polling = True
        self._post(self._take_arrived)

    def _take_arrived(self) -> None:
        """On the loop: hand over what arrived, and come back in DELIVER_EVERY_S while
        tokens keep coming (the first turn that finds none stops the polling)."""
        with self._arrived_lock:
            arrived, self._arrived = self._arrived, []
            self._polling = bool(arrived) and not self._done.done()
        if not arrived:
            return
        if self._polling:
            self._loop.call_later(DELIVER_EVERY_S, self._take_arrived)
        for text in arrived:
            self._tokens.put_nowait(text)
            self._counter.add(text)
        if not self._stopped:
            self.on_words.emit(self._counter.words)

    def _start(self) -> None:
        self.started = True
        self.on_started.emit()

    @property
    def words(self) -> int:
        """Words of output so far."""
        return self._counter.words

    def _finish(self, result: GenerationResult | None, message: str | None) -> None:
        self._take_arrived()  # posted after the last token: nothing may come after the end
        self._tokens.put_nowait(_END)
        if self._done.done():
            return
        if result is not None:
            self._done.set_result(result)
        else:
            self._done.set_exception(JobFailedError(message or "The job failed."))

    @property
    def done(self) -> bool:
        return self._done.done()

    @property
    def cancelled(self) -> bool:
        return self._stopped

    def cancel(self) -> None:
        """Stop the job; the stream ends at once and result() says cancelled."""
        self._stopped = True
        self._runner.cancel(self.job_id)

    def __aiter__(self) -> Generation:
        return self

    async def __anext__(self) -> str:
        if self._stopped:
            raise StopAsyncIteration
        try:
            item = await self._tokens.get()
        except asyncio.CancelledError:
            self.cancel()
            raise
        if item is _END or self._stopped:
            raise StopAsyncIteration
        return str(item)

    async def result(self) -> GenerationResult:
        """The finished job (cancelled or not); raises JobFailedError when it failed."""
        try:
            return await asyncio.shield(self._done)
        except asyncio.CancelledError:
            self.cancel()
            raise

    def add_done_callback(self, callback: Callable[[Generation], None]) -> None:
        self._done.add_done_callback(lambda _future: callback(self))


def _mark_retrieved(future: asyncio.Future) -> None:
    """A failed job nobody awaited is not an 'exception never retrieved' warning."""
    if not future.cancelled():
        future.exception()


class JobService:
    """Starts generation jobs for the open story. Closing or switching the story cancels its
    jobs, queued or running; their results are dropped by the services that await them."""

    def __init__(
        self, runner: JobRunner, stories: StoryService, activities: ActivityService | None = None
    ) -> None:
        self.runner = runner
        self.stories = stories
        self.activities = activities or ActivityService()
        self._live: set[Generation] = set()
        stories.on_closing(self.cancel_story)

    def generate(
        self,
        job: GenerationJob,
        session: StorySession | None,
        name: str | None = None,
        background: bool = False,
    ) -> Generation:
        """Queue `job` for the story of `session` (None: for no story, as the API allows).
        It is listed in the activities as `name` (default: its operation's) until it ends."""
        generation = Generation(self.runner, job, session)
        self._live.add(generation)
        generation.add_done_callback(self._live.discard)
        default_name, progress_kind = OPERATION_NAMES.get(
            job.operation, (job.operation.replace("_", " ").capitalize(), "words")
        )
        activity = self.activities.add(
            name or default_name,
            job.operation,
            generation.cancel,
            background=background,
            progress_kind=progress_kind,
        )
        generation.on_started.connect(lambda: self.activities.started(activity))
        generation.on_words.connect(lambda words: self.activities.wrote(activity, words))
        generation.add_done_callback(lambda _g: self.activities.finish(activity))
        return generation

    def live(self, session: StorySession | None = None) -> list[Generation]:
        """Jobs not yet finished, of one story or of all."""
        return [g for g in self._live if session is None or g.session == session]

    def cancel_story(self, session: StorySession) -> None:
        for generation in self.live(session):
            generation.cancel()

    def cancel_all(self) -> None:
        for generation in list(self._live):
            generation.cancel()


class EngineService:
    """The model's state as the author sees it ("loading", "ready", "failed") on the loop,
    with listeners told of each change."""

    def __init__(self) -> None:
        self.state = "loading"
        self.detail = ""
        self.changed: Listeners[[str, str]] = Listeners()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready: asyncio.Event | None = None

    def attach_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop state changes are delivered on; call before the worker starts."""
        self._loop = loop
        self._ready = asyncio.Event()

    def from_worker(self, state: str, detail: str) -> None:
        """The runner's listener: called on its thread."""
        if self._loop is None:
            self._set(state, detail)
            return
        with contextlib.suppress(RuntimeError):  # a closed loop: the app is gone
            self._loop.call_soon_threadsafe(self._set, state, detail)

    def _set(self, state: str, detail: str) -> None:
        self.state, self.detail = state, detail
        if state != "loading" and self._ready is not None:
            self._ready.set()
        self.changed.emit(state, detail)

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The loop the core runs on (uvicorn's for the API, qasync's for the window)."""
        return self._loop

    async def wait_loaded(self) -> str:
        """Wait until the model is ready or has failed; returns the state."""
        if self.state == "loading" and self._ready is not None:
            await self._ready.wait()
        return self.state

    def unavailable(self) -> str | None:
        """Why the model cannot run jobs now, or None."""
        if self.state == "failed":
            return f"AI is unavailable: {self.detail}"
        if self.state != "ready":
            return "The model is still loading."
        return None
