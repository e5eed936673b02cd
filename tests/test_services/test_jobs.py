"""Generation: a runner thread's tokens reach the loop in order, each one, with one wake-up
of the loop per turn rather than one per token."""

from __future__ import annotations

import asyncio
import threading

from writer_desktop.inference import GenerationJob, GenerationResult, JobCallbacks
from writer_desktop.services.jobs import Generation

TOKENS = [f" w{i}" for i in range(2_000)]


class ThreadRunner:
    """Runs each job on its own thread, writing TOKENS as fast as it can (a model that
    outruns the loop)."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []

    def submit(self, job: GenerationJob, callbacks: JobCallbacks) -> int:
        def work() -> None:
            callbacks.on_started()
            for text in TOKENS:
                callbacks.on_token(text)
            callbacks.on_finished(
                GenerationResult(
                    1, "".join(TOKENS), len(TOKENS), 3, 0.1, 0.01, False, "length", "t"
                )
            )

        thread = threading.Thread(target=work)
        self.threads.append(thread)
        thread.start()
        return 1

    def cancel(self, job_id: int) -> None:
        pass


def test_every_token_arrives_in_order_with_fewer_wakeups_than_tokens():
    async def main() -> tuple[list[str], GenerationResult, int]:
        loop = asyncio.get_running_loop()
        wakeups = 0
        original = loop.call_soon_threadsafe

        def counting(callback, *args):
            nonlocal wakeups
            wakeups += 1
            return original(callback, *args)

        loop.call_soon_threadsafe = counting  # type: ignore[method-assign]
        generation = Generation(ThreadRunner(), GenerationJob(messages=[]))
        received = [token async for token in generation]
        return received, await generation.result(), wakeups

    received, result, wakeups = asyncio.run(main())
    assert received == TOKENS
    assert result.text == "".join(received)
    assert wakeups < len(TOKENS) / 2
