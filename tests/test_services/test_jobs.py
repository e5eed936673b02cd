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


class PacedRunner(ThreadRunner):
    """Writes `count` tokens, one every `every_s`: a model decoding at a steady pace."""

    def __init__(self, count: int, every_s: float) -> None:
        super().__init__()
        self.count, self.every_s = count, every_s

    def submit(self, job: GenerationJob, callbacks: JobCallbacks) -> int:
        import time

        def work() -> None:
            callbacks.on_started()
            for i in range(self.count):
                callbacks.on_token(f" t{i}")
                time.sleep(self.every_s)
            callbacks.on_finished(
                GenerationResult(1, "", self.count, 3, 0.1, 0.01, False, "length", "t")
            )

        thread = threading.Thread(target=work)
        self.threads.append(thread)
        thread.start()
        return 1


def test_a_steady_stream_wakes_the_loop_once_a_frame_not_once_a_token():
    """100 tokens a second for half a second: the loop takes them about ten times a second
    (DELIVER_EVERY_S), the first token at once, every token in order."""
    import time

    from writer_desktop.services import jobs

    async def main() -> tuple[list[str], int, float]:
        generation = Generation(PacedRunner(50, 0.01), GenerationJob(messages=[]))
        turns = 0
        generation.on_words.connect(lambda _words: None)
        original = generation._take_arrived

        def counted() -> None:
            nonlocal turns
            turns += 1
            original()

        generation._take_arrived = counted  # type: ignore[method-assign]
        started = time.perf_counter()
        received, first_s = [], 0.0
        async for token in generation:
            if not received:
                first_s = time.perf_counter() - started
            received.append(token)
        await generation.result()
        return received, turns, first_s

    received, turns, first_s = asyncio.run(main())
    assert received == [f" t{i}" for i in range(50)]
    assert first_s < jobs.DELIVER_EVERY_S  # the first token is not held back for a frame
    assert turns <= 50 * 0.01 / jobs.DELIVER_EVERY_S + 4  # not one per token
