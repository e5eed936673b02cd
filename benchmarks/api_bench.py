"""The HTTP API and the OpenAI-compatible engine against the in-process core, on one machine
in one run: first SSE token over HTTP, decode speed over SSE against in-process, and the
app through llama_cpp.server against the embedded model."""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

QUESTION = "Tell me, at length, the whole story of the lighthouse keeper and the storm."
TOKENS = 160


def drive(work):
    """Run a coroutine to its end: with asyncio.run, or on the qasync loop an earlier
    benchmark left running over Qt (Qt's event processing moves it on)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    from PySide6.QtCore import QEventLoop

    task = loop.create_task(work)
    waiting = QEventLoop()  # Qt's own loop, woken when the task ends: no polling
    task.add_done_callback(lambda _task: waiting.quit())
    if not task.done():
        waiting.exec()
    return task.result()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rate(stamps: list[float]) -> float:
    return (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0


def _settings(**more):
    from writer_desktop.config import Settings

    return Settings.model_validate({"llm_seed": 1, "endpoint_chat_temperature": 0.0, **more})


async def _in_process(core) -> tuple[float, float]:
    """Decode rate and first-token time of a chat answer, straight from the services."""
    from writer_desktop.domain import StructuredContextContainer

    started = time.perf_counter()
    run = await core.context_agents.chat(StructuredContextContainer(), QUESTION, max_tokens=TOKENS)
    stamps: list[float] = []
    async for _token in run:
        stamps.append(time.perf_counter())
    await run.result()
    return _rate(stamps), (stamps[0] - started) if stamps else 0.0


def _over_sse(url: str) -> tuple[float, float]:
    body = {"messages": [{"role": "user", "content": QUESTION}], "max_tokens": TOKENS}
    stamps: list[float] = []
    started = time.perf_counter()
    with (
        httpx.Client(timeout=120) as client,
        client.stream(
            "POST", f"{url}/api/v1/llm-chat", json=body, headers={"Accept": "text/event-stream"}
        ) as response,
    ):
        for line in response.iter_lines():
            if line.startswith("event: token"):
                stamps.append(time.perf_counter())
    return _rate(stamps), (stamps[0] - started) if stamps else 0.0


def bench_api(trials: int = 3) -> dict[str, float]:
    """api_ttft_ms and api_overhead_ratio: the same answer over SSE and in process, turn
    about, on the server's own core (so the model and its cache are the same)."""
    import uvicorn

    from writer_desktop.api import create_app
    from writer_desktop.config import AppPaths
    from writer_desktop.services import build_core

    root = Path(tempfile.mkdtemp(prefix="api-bench-"))
    core = build_core(_settings(), AppPaths.under(root))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(core), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            if httpx.get(f"{url}/health").json()["model"]["state"] == "ready":
                break
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    sse_rates, sse_ttft, local_rates = [], [], []
    for _ in range(trials):
        rate, ttft = _over_sse(url)
        sse_rates.append(rate)
        sse_ttft.append(ttft)
        # In process, on the server's own loop: the same core, worker and model.
        assert core.engine.loop is not None
        future = asyncio.run_coroutine_threadsafe(_in_process(core), core.engine.loop)
        local_rates.append(future.result(120)[0])
    server.should_exit = True
    thread.join(30)
    return {
        "api_ttft_ms": round(statistics.median(sse_ttft) * 1000, 1),
        "api_tokens_per_s_sse": round(statistics.median(sse_rates), 1),
        "api_tokens_per_s_in_process": round(statistics.median(local_rates), 1),
        "api_overhead_ratio": round(
            statistics.median(sse_rates) / statistics.median(local_rates), 3
        ),
    }


def bench_openai_backend(trials: int = 3) -> dict[str, float]:
    """openai_backend_gen_ratio: decode speed of the app through llama_cpp.server (its own
    process) against the embedded worker, the same greedy job, turn about."""
    from writer_desktop.config import AppPaths
    from writer_desktop.inference import GenerationJob, default_model_path
    from writer_desktop.services import build_core

    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(default_model_path()),
            "--port",
            str(port),
            "--n_ctx",
            "4096",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    prompt = [{"role": "user", "content": QUESTION}]

    async def measure(core) -> float:
        await core.engine.wait_loaded()
        stamps: list[float] = []
        generation = core.jobs.generate(
            GenerationJob(messages=prompt, max_tokens=TOKENS, temperature=0.0), None
        )
        async for _token in generation:
            stamps.append(time.perf_counter())
        await generation.result()
        return _rate(stamps)

    async def both() -> tuple[list[float], list[float]]:
        root = Path(tempfile.mkdtemp(prefix="engine-bench-"))
        url = f"http://127.0.0.1:{port}"
        while True:
            try:
                if httpx.get(f"{url}/v1/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.2)
        server_core = build_core(
            _settings(llm_backend="openai", llm_base_url=url), AppPaths.under(root / "a")
        )
        embedded = build_core(_settings(), AppPaths.under(root / "b"))
        server_core.start()
        embedded.start()
        server_rates, embedded_rates = [], []
        for _ in range(trials):
            server_rates.append(await measure(server_core))
            embedded_rates.append(await measure(embedded))
        server_core.shutdown()
        embedded.shutdown()
        return server_rates, embedded_rates

    try:
        server_rates, embedded_rates = drive(both())
    finally:
        process.terminate()
        process.wait(20)
    server, embedded = statistics.median(server_rates), statistics.median(embedded_rates)
    return {
        "openai_backend_tokens_per_s": round(server, 1),
        "embedded_tokens_per_s": round(embedded, 1),
        "openai_backend_gen_ratio": round(server / embedded, 3),
    }


if __name__ == "__main__":
    print(json.dumps({**bench_api(), **bench_openai_backend()}, indent=2))
