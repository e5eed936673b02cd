"""InferenceWorker: the one thread that owns the model; jobs arrive by queue, answers by signal."""

from __future__ import annotations

import itertools
import logging
import queue
import threading

from PySide6.QtCore import QThread, Signal

from writer_desktop.config import Settings
from writer_desktop.inference.backend import GenerationJob, LlamaBackend, ModelLoadError

log = logging.getLogger(__name__)

_STOP = object()


class InferenceWorker(QThread):
    """Loads the model in the background, then runs jobs one at a time, in order."""

    model_loading = Signal(str)
    model_loaded = Signal(str)
    model_failed = Signal(str)
    job_started = Signal(int)
    token_received = Signal(int, str)
    progress = Signal(int, int, int)  # job id, tokens so far, max tokens
    job_finished = Signal(int, object)  # job id, GenerationResult
    job_failed = Signal(int, str)

    def __init__(self, settings: Settings, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("inference-worker")
        self._settings = settings
        self._queue: queue.PriorityQueue[tuple[int, int, object]] = queue.PriorityQueue()
        self._ids = itertools.count(1)
        self._jobs: dict[int, GenerationJob] = {}
        self._lock = threading.Lock()
        self.model_name = ""
        self.load_error: str | None = None

    # -- called from any thread ------------------------------------------------------------

    def submit(self, job: GenerationJob) -> int:
        """Queue a job; returns its id at once."""
        with self._lock:
            job.id = next(self._ids)
            self._jobs[job.id] = job
        self._queue.put((job.priority, job.id, job))
        return job.id

    def pending(self) -> int:
        """Jobs queued or running."""
        with self._lock:
            return len(self._jobs)

    def cancel(self, job_id: int) -> None:
        """Stop a queued or running job; it still ends with job_finished (cancelled=True)."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None:
            job.cancel_event.set()

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Cancel everything, let the thread free the model, and wait for it."""
        with self._lock:
            for job in self._jobs.values():
                job.cancel_event.set()
        self._queue.put((-1, 0, _STOP))
        self.wait(timeout_ms)

    # -- the worker thread -----------------------------------------------------------------

    def run(self) -> None:
        backend = LlamaBackend(self._settings)
        self.model_loading.emit(self._settings.model_path or "default model")
        try:
            self.model_name = backend.load()
        except ModelLoadError as exc:
            self.load_error = str(exc)
            log.warning("model failed to load: %s", exc)
            self.model_failed.emit(str(exc))
        else:
            log.info("model loaded: %s", self.model_name)
            self.model_loaded.emit(self.model_name)
        try:
            while True:
                _priority, _seq, item = self._queue.get()
                if item is _STOP:
                    break
                assert isinstance(item, GenerationJob)
                self._run_job(backend, item)
        finally:
            backend.close()

    def _run_job(self, backend: LlamaBackend, job: GenerationJob) -> None:
        try:
            if self.load_error is not None:
                self.job_failed.emit(job.id, self.load_error)
                return
            self.job_started.emit(job.id)
            count = 0

            def on_token(text: str) -> None:
                nonlocal count
                count += 1
                self.token_received.emit(job.id, text)
                self.progress.emit(job.id, count, job.max_tokens)

            result = backend.run(job, on_token)
            self.job_finished.emit(job.id, result)
        except Exception as exc:  # a failed job must not kill the worker
            log.exception("job %s failed", job.id)
            self.job_failed.emit(job.id, f"{type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                self._jobs.pop(job.id, None)
