"""BlockingRunner: jobs run at once in the calling thread, for headless use and benchmarks."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from writer_desktop.inference.backend import GenerationJob, GenerationResult, LlamaBackend


class BlockingRunner:
    """Satisfies the services' JobRunner; submit() returns when the job is done."""

    def __init__(
        self, backend: LlamaBackend, on_token: Callable[[int, str], None] | None = None
    ) -> None:
        self.backend = backend
        self.on_token = on_token or (lambda _id, _text: None)
        self.results: dict[int, GenerationResult] = {}
        self._ids = itertools.count(1)

    def submit(self, job: GenerationJob) -> int:
        job.id = next(self._ids)
        self.results[job.id] = self.backend.run(job, lambda text: self.on_token(job.id, text))
        return job.id

    def cancel(self, job_id: int) -> None:
        """Nothing to cancel: a job is over by the time its id is known."""
