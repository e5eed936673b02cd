"""InferenceWorker: background load, queued jobs, signals, cancellation, failures."""

from __future__ import annotations

import pytest

from writer_desktop.config import Settings
from writer_desktop.inference import GenerationJob, InferenceWorker

PROMPT = [{"role": "user", "content": "Write a line about rain."}]


@pytest.fixture
def worker(qtbot):
    worker = InferenceWorker(Settings.model_validate({"llm_n_ctx": 1024}))
    with qtbot.waitSignal(worker.model_loaded, timeout=60_000) as loaded:
        worker.start()
    assert "Smollm2" in loaded.args[0]
    yield worker
    worker.shutdown()
    assert not worker.isRunning()


@pytest.mark.model
def test_jobs_stream_tokens_from_the_worker_thread(qtbot, worker):
    tokens: list[str] = []
    worker.token_received.connect(lambda _id, text: tokens.append(text))
    with qtbot.waitSignal(worker.job_finished, timeout=30_000) as finished:
        job_id = worker.submit(GenerationJob(messages=PROMPT, max_tokens=12))
    result_id, result = finished.args
    assert result_id == job_id
    assert result.text == "".join(tokens) and result.completion_tokens == len(tokens) > 0


@pytest.mark.model
def test_jobs_run_in_order_and_a_cancelled_queued_job_finishes_empty(qtbot, worker):
    finished: list[tuple[int, object]] = []
    worker.job_finished.connect(lambda job_id, result: finished.append((job_id, result)))
    first = worker.submit(GenerationJob(messages=PROMPT, max_tokens=8))
    second = worker.submit(GenerationJob(messages=PROMPT, max_tokens=8))
    worker.cancel(second)
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=30_000)
    assert [job_id for job_id, _ in finished] == [first, second]
    assert finished[1][1].cancelled and finished[1][1].text == ""


def test_broken_model_fails_jobs_with_the_reason(qtbot, tmp_path):
    worker = InferenceWorker(Settings.model_validate({"model_path": str(tmp_path / "gone.gguf")}))
    with qtbot.waitSignal(worker.model_failed, timeout=10_000) as failed:
        worker.start()
    assert "not found" in failed.args[0]
    with qtbot.waitSignal(worker.job_failed, timeout=10_000) as job_failed:
        worker.submit(GenerationJob(messages=PROMPT, max_tokens=8))
    assert "not found" in job_failed.args[1]
    worker.shutdown()


@pytest.mark.model
def test_background_jobs_wait_for_the_authors_requests(qtbot, worker):
    order: list[int] = []
    worker.job_started.connect(order.append)
    blocker = worker.submit(GenerationJob(messages=PROMPT, max_tokens=8))
    background = worker.submit(GenerationJob(messages=PROMPT, max_tokens=4, priority=10))
    urgent = worker.submit(GenerationJob(messages=PROMPT, max_tokens=4))
    qtbot.waitUntil(lambda: len(order) == 3, timeout=30_000)
    assert order == [blocker, urgent, background]
    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=30_000)
