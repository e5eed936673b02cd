"""How a run reaches the client: server-sent events, or one JSON answer, and in both cases a
client that goes away cancels its job."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable

from fastapi import Request

from writer_desktop.api.security import ApiError
from writer_desktop.services import (
    AgentOutputError,
    AgentRun,
    JobFailedError,
    StoryChangedError,
    StoryFileError,
)


async def events(run: AgentRun, shape: Callable[[AgentRun, object], dict]) -> AsyncIterator[dict]:
    """token events, then done (the whole answer) or error. Cancelled when the client goes:
    the job is cancelled with it."""
    try:
        async for token in run:
            yield {"event": "token", "data": json.dumps({"text": token})}
        value = await run.result()
        yield {"event": "done", "data": json.dumps(shape(run, value))}
    except (JobFailedError, AgentOutputError, StoryChangedError, StoryFileError) as exc:
        yield {"event": "error", "data": json.dumps({"detail": str(exc)})}
    finally:
        if not run.generation.done:
            run.cancel()


async def until_done_or_gone(request: Request, run: AgentRun) -> object:
    """The run's result; if the client disconnects first, the job is cancelled."""
    result = asyncio.ensure_future(run.result())
    while not result.done():
        done, _ = await asyncio.wait({result}, timeout=0.25)
        if not done and await request.is_disconnected():
            run.cancel()
            with contextlib.suppress(Exception):
                await result
            raise ApiError(499, "The client went away; the job was cancelled.")
    return result.result()
