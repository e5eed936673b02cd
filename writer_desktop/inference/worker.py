"""InferenceWorker: the one thread that owns the model; jobs arrive by queue, output leaves
by callbacks (see runner.py). Plain threading: the window and the HTTP API use it alike."""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from writer_desktop.config import Settings
from writer_desktop.inference.backend import GenerationJob, LlamaBackend, ModelLoadError
from writer_desktop.inference.runner import JobCallbacks

log = logging.getLogger(__name__)

_STOP = object()
ModelListener = Callable[[str, str], None]  # state ("loading", "ready", "failed"), detail


@dataclass
class _Queued:
    job: GenerationJob
    callbacks: JobCallbacks


class InferenceWorker:
    """Loads the model in the background, then runs jobs one at a time, by priority."""

    def __init__(self, settings: Settings, on_model_state: ModelListener | None = None) -> None:
        self._settings = settings
        self._on_model_state = on_model_state or (lambda _state, _detail: None)
        self._queue: queue.PriorityQueue[tuple[int, int, object]] = queue.PriorityQueue()
        self._ids = itertools.count(1)
        self._jobs: dict[int, GenerationJob] = {}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="inference-worker", daemon=True)
        self.state = "loading"
        self.model_name = ""
        self.load_error: str | None = None

    def start(self) -> None:
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread.is_alive()

    # -- called from any thread ------------------------------------------------------------

    def submit(self, job: GenerationJob, callbacks: JobCallbacks) -> int:
        """Queue a job; returns its id at once."""
        with self._lock:
            job.id = next(self._ids)
            self._jobs[job.id] = job
        self._queue.put((job.priority, job.id, _Queued(job, callbacks)))
        return job.id

    def pending(self) -> int:
        """Jobs queued or running."""
        with self._lock:
            return len(self._jobs)

    def cancel(self, job_id: int) -> None:
        """Stop a queued or running job; it still ends with on_finished (cancelled=True)."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None:
            job.cancel_event.set()

    def shutdown(self, timeout_s: float = 10.0) -> None:
        """Cancel everything, let the thread free the model, and wait for it."""
        with self._lock:
            for job in self._jobs.values():
                job.cancel_event.set()
        self._queue.put((-1, 0, _STOP))
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    # -- the worker thread -----------------------------------------------------------------

    def _set_state(self, state: str, detail: str) -> None:
        self.state = state
        try:
            self._on_model_state(state, detail)
        except Exception:  # a listener's bug must not stop the worker
            log.exception("model state listener failed")

    def _run(self) -> None:
        if self._settings.llm_backend == "openai":
            from writer_desktop.inference.openai_backend import OpenAIBackend

            backend: LlamaBackend | OpenAIBackend = OpenAIBackend(self._settings)
            loading = self._settings.llm_base_url
        else:
            backend = LlamaBackend(self._settings)
            loading = self._settings.model_path or "default model"
        self._set_state("loading", loading)
        try:
            self.model_name = backend.load()
        except Exception as exc:  # any failure, not only the expected ones, is reported
            self.load_error = (
                str(exc)
                if isinstance(exc, ModelLoadError)
                else (f"The model could not be loaded: {type(exc).__name__}: {exc}")
            )
            log.warning("model failed to load: %s", self.load_error)
            self._set_state("failed", self.load_error)
        else:
            log.info("model loaded: %s", self.model_name)
            self._set_state("ready", self.model_name)
        try:
            while True:
                _priority, _seq, item = self._queue.get()
                if item is _STOP:
                    break
                assert isinstance(item, _Queued)
                self._run_job(backend, item.job, item.callbacks)
                if self._queue.empty():
                    backend.idle()  # nothing waits: tidy up now, not in the next job's time
        finally:
            backend.close()
            self._fail_queued("The app is closing.")

    def _run_job(self, backend: Any, job: GenerationJob, callbacks: JobCallbacks) -> None:
        try:
            if self.load_error is not None:
                callbacks.on_failed(self.load_error)
                return
            callbacks.on_started()
            result = backend.run(job, callbacks.on_token)
            callbacks.on_finished(result)
        except Exception as exc:  # a failed job must not kill the worker
            log.exception("job %s failed", job.id)
            callbacks.on_failed(f"{type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                self._jobs.pop(job.id, None)

    def _fail_queued(self, reason: str) -> None:
        """Jobs still queued at shutdown end too: nobody waits on them forever."""
        while True:
            try:
                _priority, _seq, item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, _Queued):
                try:
                    item.callbacks.on_failed(reason)
                except Exception:
                    log.exception("job callback failed at shutdown")
