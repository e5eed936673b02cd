"""The prompt cache with the real default model: prompts evaluated in stoppable batches,
the author's prompt kept across background jobs, grammar checked token by token."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from tests.gil import longest_wait
from writer_desktop.agents.specs import RATING_SCHEMA
from writer_desktop.inference import GenerationJob
from writer_desktop.inference.prompt_cache import PromptEvaluator, chat_prompt_tokens

pytestmark = pytest.mark.model

NOVEL = Path(__file__).resolve().parents[1] / "files" / "novels" / "a-tale-of-two-cities.txt"


def _chapter(chars: int, offset: int = 20_000) -> str:
    return NOVEL.read_text(encoding="utf-8")[offset : offset + chars]


def _messages(text: str, ask: str = "Continue the chapter.") -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "You are a novelist."},
        {"role": "user", "content": f"{text}\n\n{ask}"},
    ]


def test_prompt_tokens_are_the_ones_the_completion_evaluates(backend):
    messages = _messages(_chapter(600))
    prompt = chat_prompt_tokens(backend.llama, messages)
    assert prompt and len(prompt) > 100
    result = backend.run(GenerationJob(messages=messages, max_tokens=3, temperature=0.0), print)
    assert result.prompt_tokens == len(prompt)
    assert list(backend.llama._input_ids[: len(prompt)]) == prompt


def test_stop_during_prompt_evaluation_frees_the_model_at_once(backend):
    backend.llama.reset()
    job = GenerationJob(messages=_messages(_chapter(9_000)), max_tokens=8)
    stopped: list[float] = []

    def stop() -> None:
        time.sleep(0.4)
        stopped.append(time.perf_counter())
        job.cancel_event.set()

    threading.Thread(target=stop).start()
    tokens: list[str] = []
    result = backend.run(job, tokens.append)
    latency = time.perf_counter() - stopped[0]
    assert result.cancelled and result.finish_reason == "cancelled"
    assert tokens == [] and result.first_token_s is None
    assert latency < 0.5, f"the model was busy {latency:.2f} s after Stop"
    # The model is usable at once, and the same prompt still streams normally.
    again = backend.run(GenerationJob(messages=_messages(_chapter(300)), max_tokens=3), print)
    assert again.completion_tokens > 0 and not again.cancelled


def test_background_job_leaves_the_authors_prompt_cached(backend):
    author = _messages(_chapter(1_500), "Continue the chapter.")
    prompt = chat_prompt_tokens(backend.llama, author)
    assert prompt and len(prompt) > 256
    first = backend.run(GenerationJob(messages=author, max_tokens=6, temperature=0.0), print)
    summary = GenerationJob(
        messages=_messages(_chapter(800, offset=90_000), "Summarise this."),
        max_tokens=4,
        priority=10,
    )
    backend.run(summary, print)
    backend.run(summary, print)  # a queue of summaries: the prompt is copied out once
    assert backend.kept_prefix_tokens >= len(prompt)
    # The author's next job finds the whole prompt cached again, and the restored cache
    # gives the very same greedy continuation as before.
    cached: list[int] = []
    real_evaluate = PromptEvaluator.evaluate

    def evaluate(self, tokens, cancel):
        cached.append(self.cached_prefix(tokens))
        return real_evaluate(self, tokens, cancel)

    PromptEvaluator.evaluate = evaluate  # type: ignore[method-assign]
    try:
        again = backend.run(GenerationJob(messages=author, max_tokens=6, temperature=0.0), print)
    finally:
        PromptEvaluator.evaluate = real_evaluate  # type: ignore[method-assign]
    assert cached == [len(prompt)] and backend.kept_prefix_tokens == 0
    assert again.text == first.text


def test_a_queue_of_summaries_copies_the_authors_cache_once(backend, monkeypatch):
    import writer_desktop.inference.backend as module

    copies: list[int] = []
    original = module.save_prefix
    monkeypatch.setattr(module, "save_prefix", lambda llama: copies.append(1) or original(llama))
    backend.run(GenerationJob(messages=_messages(_chapter(1_500)), max_tokens=2), print)
    for n in range(3):
        summary = _messages(_chapter(300, offset=50_000 + n * 5_000), "Summarise this.")
        backend.run(GenerationJob(messages=summary, max_tokens=2, priority=10), print)
    assert copies == [1]


def test_an_idle_worker_puts_the_authors_prompt_back_at_once(backend):
    author = _messages(_chapter(1_500), "Continue the chapter.")
    prompt = chat_prompt_tokens(backend.llama, author)
    backend.run(GenerationJob(messages=author, max_tokens=2, temperature=0.0), print)
    summary = _messages(_chapter(300, offset=70_000), "Summarise this.")
    backend.run(GenerationJob(messages=summary, max_tokens=2, priority=10), print)
    assert backend.kept_prefix_tokens >= len(prompt)
    backend.idle()  # the queue ran dry
    assert backend.kept_prefix_tokens == 0
    assert PromptEvaluator(backend.llama).cached_prefix(prompt) == len(prompt)


def test_copying_the_authors_cache_lets_other_threads_run(backend):
    """The copy is tens of megabytes; the window's thread must not wait for the GIL while it
    is made (a zero-filled ctypes buffer held it for 30 ms after every Continue)."""
    from writer_desktop.inference.prompt_cache import restore_prefix, save_prefix

    author = _messages(_chapter(9_000), "Continue the chapter.")
    backend.run(GenerationJob(messages=author, max_tokens=1, temperature=0.0), print)
    assert backend.llama.n_tokens > 1_500
    with longest_wait() as waited:
        started = time.perf_counter()
        snapshot = save_prefix(backend.llama)
        copy_s = time.perf_counter() - started
    assert len(snapshot.data) > 20_000_000  # worth copying once, not twice per summary
    longest = waited[0]
    # Under the GIL switch interval (5 ms) plus a scheduler's slice, however long the copy.
    assert longest < max(0.02, copy_s / 3), (longest, copy_s)
    restore_prefix(backend.llama, snapshot)
    prompt = chat_prompt_tokens(backend.llama, author)
    assert PromptEvaluator(backend.llama).cached_prefix(prompt) == len(prompt)


def test_author_jobs_do_not_copy_the_cache(backend, monkeypatch):
    import writer_desktop.inference.backend as module

    copies: list[int] = []
    original = module.save_prefix
    monkeypatch.setattr(module, "save_prefix", lambda llama: copies.append(1) or original(llama))
    backend.run(GenerationJob(messages=_messages(_chapter(1_500)), max_tokens=2), print)
    assert copies == []


@pytest.mark.parametrize(
    "schema",
    [
        RATING_SCHEMA,
        {
            "type": "object",
            "properties": {"score": {"type": "integer", "enum": list(range(1, 11))}},
            "required": ["score"],
        },
    ],
    ids=["rating", "one-score"],
)
def test_grammar_first_sampling_gives_the_same_valid_json(backend, schema):
    """Greedy decoding: checking only the picked token must choose exactly what checking
    every candidate chooses, and the answer must parse."""
    messages = _messages(_chapter(400), "Rate this passage as JSON.")
    texts = []
    backend.write_fixed_text = False  # every token sampled, as llama-cpp-python's chain does
    for grammar_first in (False, True):
        backend.llama.grammar_first = grammar_first
        job = GenerationJob(
            messages=messages,
            max_tokens=300,
            temperature=0.0,
            response_format={"type": "json_object", "schema": schema},
        )
        texts.append(backend.run(job, lambda _t: None).text)
    backend.llama.grammar_first = True
    backend.write_fixed_text = True
    assert texts[0] == texts[1]
    answer = json.loads(texts[1])
    assert set(answer) == set(schema["required"])
