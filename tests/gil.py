"""How long another Python thread (as the window's thread is) waits while some code runs:
a thread ticks as fast as it can and the longest gap between its ticks is what it waited
for the GIL (or a CPU)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def longest_wait() -> Iterator[list[float]]:
    """Yields a list that holds, once the block has run, the longest gap in seconds."""
    gaps: list[float] = []
    measuring = threading.Event()
    done = threading.Event()

    def tick() -> None:
        last = time.perf_counter()
        while not done.is_set():
            now = time.perf_counter()
            if measuring.is_set():
                gaps.append(now - last)
            last = now

    ticker = threading.Thread(target=tick)
    ticker.start()
    result: list[float] = []
    try:
        time.sleep(0.02)  # the ticker is running before the code starts
        measuring.set()
        yield result
    finally:
        done.set()
        ticker.join()
    result.append(max(gaps, default=0.0))
