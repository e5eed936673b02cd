"""The inference engine on real prose: how soon Stop frees the model during a cold prompt,
whether a background summary costs the author's next Continue its cached prompt, and how
fast the Rater's schema-constrained JSON is generated."""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.api_bench import drive

NOVEL = Path(__file__).resolve().parents[1] / "tests" / "files" / "novels"


def _prose(name: str, offset: int, chars: int) -> str:
    """`chars` characters of a real novel from `offset`, cut at a sentence's end."""
    text = (NOVEL / name).read_text(encoding="utf-8")[offset : offset + chars]
    return text[: text.rindex(".") + 1]


def _messages(text: str, ask: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "You are a novelist helping an author."},
        {"role": "user", "content": f"{text}\n\n{ask}"},
    ]


def _core(root: Path, settings):
    from writer_desktop.config import AppPaths
    from writer_desktop.services import build_core

    return build_core(settings, AppPaths.under(root / "home"))


async def _wait(predicate, timeout_s: float = 900.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the worker did not answer in time")
        await asyncio.sleep(0.001)


def bench_stop(runs: int = 3) -> dict[str, float]:
    """Stop pressed 1 s into a cold ~4,000-token prompt (a chapter of A Tale of Two
    Cities), through the real worker thread (build_core), until the worker is free."""
    from writer_desktop.config import Settings
    from writer_desktop.inference import GenerationJob

    settings = Settings.model_validate({"llm_n_ctx": 8192})
    latencies: list[float] = []
    prompt_tokens: list[int] = []

    async def measure(core, offset: int) -> None:
        job = GenerationJob(
            messages=_messages(
                _prose("a-tale-of-two-cities.txt", offset, 16_500), "Continue the chapter."
            ),
            max_tokens=32,
        )
        generation = core.jobs.generate(job, None)
        await _wait(lambda: generation.started)
        await asyncio.sleep(1.0)
        stopped = time.perf_counter()
        generation.cancel()
        await _wait(lambda: core.runner.pending() == 0)
        latencies.append((time.perf_counter() - stopped) * 1000)
        result = await generation.result()
        assert result.cancelled and result.completion_tokens == 0, result
        prompt_tokens.append(result.prompt_tokens)

    async def main(core) -> None:
        core.start()
        assert await core.engine.wait_loaded() == "ready", core.engine.detail
        for run in range(runs):  # a different chapter each time: each prompt is cold
            await measure(core, 40_000 + run * 60_000)

    with tempfile.TemporaryDirectory() as tmp:
        core = _core(Path(tmp), settings)
        try:
            drive(main(core))
        finally:
            core.shutdown()
    return {
        "stop_prompt_tokens": statistics.median(prompt_tokens),
        "stop_latency_ms": round(statistics.median(latencies), 1),
        "stop_latency_max_ms": round(max(latencies), 1),
    }


def bench_background_keeps_prefix(chars: int = 5_000) -> dict[str, float]:
    """Continue, then a background summary of another chapter (priority 10), then Continue
    again on the same prompt: the second Continue's first token, with the author's prompt
    cache saved and restored around the summary and without (as before)."""
    from writer_desktop.config import Settings
    from writer_desktop.inference import GenerationJob
    from writer_desktop.inference import backend as backend_module

    settings = Settings.model_validate({"llm_n_ctx": 8192})
    author = _messages(_prose("pride-and-prejudice.txt", 50_000, chars), "Continue the chapter.")
    summary = _messages(_prose("pride-and-prejudice.txt", 300_000, 3_000), "Summarise this.")
    figures: dict[str, float] = {}

    async def run(core, messages, priority: int = 0):
        generation = core.jobs.generate(
            GenerationJob(messages=messages, max_tokens=8, temperature=0.0, priority=priority),
            None,
        )
        async for _token in generation:
            pass
        return await generation.result()

    async def main(core) -> None:
        core.start()
        assert await core.engine.wait_loaded() == "ready", core.engine.detail
        for label, keep in (("kept", backend_module.KEEP_PREFIX_TOKENS), ("evicted", 10**9)):
            backend_module.KEEP_PREFIX_TOKENS = keep
            first = await run(core, author)
            await run(core, summary, priority=10)
            again = await run(core, author)
            figures["continue_prompt_tokens"] = first.prompt_tokens
            figures[f"continue_first_ttft_s_{label}"] = round(first.first_token_s or 0.0, 3)
            figures[f"continue_after_summary_ttft_s_{label}"] = round(again.first_token_s or 0.0, 3)
            await run(core, _messages("An unrelated note.", "Say hello."))  # cold again

    saved = backend_module.KEEP_PREFIX_TOKENS
    with tempfile.TemporaryDirectory() as tmp:
        core = _core(Path(tmp), settings)
        try:
            drive(main(core))
        finally:
            backend_module.KEEP_PREFIX_TOKENS = saved
            core.shutdown()
    figures["continue_after_summary_ttft_ratio"] = round(
        figures["continue_after_summary_ttft_s_kept"]
        / figures["continue_after_summary_ttft_s_evicted"],
        4,
    )
    return figures


def bench_rater_json() -> dict[str, float]:
    """Tokens per second of the Rater's JSON (its real schema, greedy) over a real passage:
    unconstrained, with llama-cpp-python's grammar over every candidate, and with the
    grammar asked only about the picked token (what the app uses). Both constrained answers
    must parse as a Rating."""
    from writer_desktop.agents.specs import RATING_SCHEMA
    from writer_desktop.config import Settings
    from writer_desktop.domain import Rating
    from writer_desktop.inference import GenerationJob, LlamaBackend

    backend = LlamaBackend(Settings.model_validate({"llm_n_ctx": 4096}))
    backend.load()
    passage = _prose("the-call-of-the-wild.txt", 30_000, 2_000)
    messages = _messages(
        passage,
        "Rate this chapter from 1 to 10 for overall, prose, pacing, characters, dialogue and "
        "engagement, each with a short reason, as JSON.",
    )
    figures: dict[str, float] = {}
    fmt = {"type": "json_object", "schema": RATING_SCHEMA}
    stamps: list[float] = []
    for label, response_format, grammar_first in (
        ("free", None, True),
        ("grammar_all_candidates", fmt, False),
        ("grammar_first", fmt, True),
    ):
        backend.llama.grammar_first = grammar_first
        stamps.clear()
        job = GenerationJob(
            messages=messages, max_tokens=300, temperature=0.0, response_format=response_format
        )
        result = backend.run(job, lambda _t: stamps.append(time.perf_counter()))
        rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
        figures[f"rater_tokens_per_s_{label}"] = round(rate, 1)
        if response_format is not None:
            Rating.model_validate(json.loads(result.text))  # valid, or the bench fails
            figures["rater_json_tokens"] = result.completion_tokens
    backend.close()
    figures["rater_grammar_first_speedup"] = round(
        figures["rater_tokens_per_s_grammar_first"]
        / figures["rater_tokens_per_s_grammar_all_candidates"],
        2,
    )
    return figures


def bench_engine() -> dict[str, float]:
    return {**bench_stop(), **bench_background_keeps_prefix(), **bench_rater_json()}


PARTS = {
    "stop": bench_stop,
    "prefix": bench_background_keeps_prefix,
    "rater": bench_rater_json,
}

if __name__ == "__main__":  # one part alone: python -m benchmarks.engine_bench stop
    import sys

    for part in sys.argv[1:] or list(PARTS):
        print(json.dumps(PARTS[part](), indent=2), flush=True)
