"""InferenceWorker: background load, queued jobs, callbacks, cancellation, failures."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from writer_desktop.config import Settings
from writer_desktop.inference import GenerationJob, InferenceWorker, JobCallbacks

PROMPT = [{"role": "user", "content": "Write a line about rain."}]


def wait_for(predicate: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


class Recorder:
    """Collects one job's callbacks, as they arrive on the worker thread."""

    def __init__(self, label: object = None, log: list | None = None) -> None:
        self.label = label
        self.log = log if log is not None else []
        self.tokens: list[str] = []
        self.threads: set[str] = set()
        self.result = None
        self.failure: str | None = None
        self.done = threading.Event()

    def callbacks(self) -> JobCallbacks:
        def token(text: str) -> None:
            self.threads.add(threading.current_thread().name)
            self.tokens.append(text)

        def finished(result) -> None:
            self.result = result
            self.log.append(("finished", self.label))
            self.done.set()

        def failed(message: str) -> None:
            self.failure = message
            self.done.set()

        return JobCallbacks(
            token, finished, failed, lambda: self.log.append(("started", self.label))
        )


@pytest.fixture
def worker():
    states: list[tuple[str, str]] = []
    worker = InferenceWorker(
        Settings.model_validate({"llm_n_ctx": 1024}), lambda s, d: states.append((s, d))
    )
    worker.start()
    wait_for(lambda: worker.state != "loading")
    assert states[0][0] == "loading" and states[-1][0] == "ready", states
    assert states[-1][1] == "SmolLM2 135M Instruct"
    yield worker
    worker.shutdown()
    assert not worker.is_running()


@pytest.mark.model
def test_jobs_stream_tokens_from_the_worker_thread(worker):
    recorder = Recorder()
    worker.submit(GenerationJob(messages=PROMPT, max_tokens=12), recorder.callbacks())
    assert recorder.done.wait(30)
    result = recorder.result
    assert result.text == "".join(recorder.tokens) and result.completion_tokens == len(
        recorder.tokens
    )
    assert recorder.threads == {"inference-worker"}


@pytest.mark.model
def test_jobs_run_in_order_and_a_cancelled_queued_job_finishes_empty(worker):
    log: list = []
    first, second = Recorder("first", log), Recorder("second", log)
    worker.submit(GenerationJob(messages=PROMPT, max_tokens=8), first.callbacks())
    second_id = worker.submit(GenerationJob(messages=PROMPT, max_tokens=8), second.callbacks())
    worker.cancel(second_id)
    assert first.done.wait(30) and second.done.wait(30)
    assert [label for kind, label in log if kind == "finished"] == ["first", "second"]
    assert second.result.cancelled and second.result.text == ""


def test_broken_model_fails_jobs_with_the_reason(tmp_path):
    worker = InferenceWorker(Settings.model_validate({"model_path": str(tmp_path / "gone.gguf")}))
    worker.start()
    wait_for(lambda: worker.state != "loading", 10)
    assert worker.state == "failed" and "not found" in (worker.load_error or "")
    recorder = Recorder()
    worker.submit(GenerationJob(messages=PROMPT, max_tokens=8), recorder.callbacks())
    assert recorder.done.wait(10)
    assert "not found" in (recorder.failure or "")
    worker.shutdown()


def test_an_unexpected_load_error_is_reported_not_fatal(tmp_path, monkeypatch):
    """Any exception while loading ends in 'failed' with the reason; jobs then fail too."""
    from writer_desktop.inference import backend

    def broken_load(self):
        raise KeyError("general.architecture")

    monkeypatch.setattr(backend.LlamaBackend, "load", broken_load)
    worker = InferenceWorker(Settings.model_validate({}))
    worker.start()
    wait_for(lambda: worker.state != "loading", 10)
    assert worker.state == "failed" and "KeyError" in (worker.load_error or "")
    recorder = Recorder()
    worker.submit(GenerationJob(messages=PROMPT, max_tokens=8), recorder.callbacks())
    assert recorder.done.wait(10) and recorder.failure
    worker.shutdown()
    assert not worker.is_running()


@pytest.mark.model
def test_background_jobs_wait_for_the_authors_requests(worker):
    log: list = []
    blocker = Recorder("blocker", log)
    background = Recorder("background", log)
    urgent = Recorder("urgent", log)
    worker.submit(GenerationJob(messages=PROMPT, max_tokens=8), blocker.callbacks())
    worker.submit(GenerationJob(messages=PROMPT, max_tokens=4, priority=10), background.callbacks())
    worker.submit(GenerationJob(messages=PROMPT, max_tokens=4), urgent.callbacks())
    assert background.done.wait(30)
    assert [label for kind, label in log if kind == "started"] == [
        "blocker",
        "urgent",
        "background",
    ]
    wait_for(lambda: worker.pending() == 0, 30)
