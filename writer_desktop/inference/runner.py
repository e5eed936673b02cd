"""JobRunner: where generation jobs go, and the callbacks that carry their output back.

Two runners satisfy it: the InferenceWorker thread (the app, the API) and the BlockingRunner
(jobs run in the calling thread). The services turn the callbacks into async streams."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from writer_desktop.inference.backend import GenerationJob, GenerationResult


@dataclass(frozen=True)
class JobCallbacks:
    """What becomes of one job's output. Called on the runner's thread, in this order:
    on_started once, on_token per piece of text, then exactly one of on_finished or
    on_failed (a job that was cancelled finishes with result.cancelled set)."""

    on_token: Callable[[str], None]
    on_finished: Callable[[GenerationResult], None]
    on_failed: Callable[[str], None]
    on_started: Callable[[], None] = lambda: None


class JobRunner(Protocol):
    """Runs GenerationJobs one at a time on the one thread that owns the model."""

    def submit(self, job: GenerationJob, callbacks: JobCallbacks) -> int:
        """Queue a job; returns its id."""
        ...

    def cancel(self, job_id: int) -> None:
        """Stop a queued or running job; it still ends with on_finished (cancelled)."""
        ...
