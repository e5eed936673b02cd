"""BlockingRunner: jobs run at once in the calling thread, for headless use and benchmarks."""

from __future__ import annotations

import itertools

from writer_desktop.inference.backend import GenerationJob, LlamaBackend
from writer_desktop.inference.runner import JobCallbacks


class BlockingRunner:
    """Satisfies JobRunner; submit() returns when the job is done and its callbacks ran."""

    def __init__(self, backend: LlamaBackend) -> None:
        self.backend = backend
        self._ids = itertools.count(1)

    def submit(self, job: GenerationJob, callbacks: JobCallbacks) -> int:
        job.id = next(self._ids)
        callbacks.on_started()
        try:
            result = self.backend.run(job, callbacks.on_token)
        except Exception as exc:  # as the worker does: a failed job is reported, not raised
            callbacks.on_failed(f"{type(exc).__name__}: {exc}")
        else:
            callbacks.on_finished(result)
        return job.id

    def cancel(self, job_id: int) -> None:
        """Nothing to cancel: a job is over by the time its id is known."""
