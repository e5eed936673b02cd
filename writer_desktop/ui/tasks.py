"""spawn(): run a coroutine on the GUI's event loop (qasync), keeping a reference to it and
handing a bug inside it to the crash handler instead of losing it; next_turn(): let the
window paint and answer before going on."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
_running: set[asyncio.Task] = set()

# A real timer, not a zero delay: work queued with no delay (asyncio.sleep(0), a 0 ms
# QTimer) runs in the same pass of Qt's event loop as the work before it, so the window
# would neither paint nor answer in between.
TURN_MS = 1


async def next_turn() -> None:
    """Resume in a later pass of the event loop: paints, input and timers come first."""
    await asyncio.sleep(TURN_MS / 1000)


def spawn(work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
    task = asyncio.ensure_future(work)
    _running.add(task)
    task.add_done_callback(_done)
    return task


def _done(task: asyncio.Task) -> None:
    _running.discard(task)
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        sys.excepthook(type(error), error, error.__traceback__)
