"""Continue again after a small edit: is the prompt evaluated before reused?

Through the real services (build_core with the real inference worker and the default
model) on the real 150,000-word story (benchmarks/real_story.py): Continue on its last
chapter (4,555 words, cut to fit the prompt), cold; the continuation is kept, as the editor
keeps it, and the author types one sentence after it; Continue again. Each time to first
token is measured from the call (the text saved, the prompt assembled, the job queued) to
the first token on the event loop.

`continue_again_ttft_ratio` = the second time to first token / the first. llama-cpp-python
reuses the longest common token prefix of the previous prompt; the context engine keeps
the story so far byte-identical up to the edit (context/cutting.py), so only the tail is
evaluated again.

Background summaries are held back during the measurement: today a summary job queued by
the first Continue runs right after it and evicts the evaluated prompt (issue 17, item 6,
is that work's own fix). `continue_again_held_back_summaries` says how many were held back.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from benchmarks.api_bench import drive

CONTINUE_TOKENS = 16
TYPED = " She stood at the window a long while, and heard the footsteps coming."


async def _continue(core, chapter_id: int, text: str) -> tuple[float, str]:
    """(seconds from the call to the first token, the text generated)."""
    started = time.perf_counter()
    run = await core.agents.continue_chapter(chapter_id, text, max_tokens=CONTINUE_TOKENS)
    first = None
    pieces = []
    async for token in run:
        if first is None:
            first = time.perf_counter() - started
        pieces.append(token)
    await run.result()
    return (first if first is not None else time.perf_counter() - started), "".join(pieces)


async def _measure(core, story: Path) -> dict[str, float]:
    core.start(asyncio.get_running_loop())
    state = await core.engine.wait_loaded()
    assert state == "ready", core.engine.detail
    held_back: list[int] = []
    core.distill.queue = lambda needs: held_back.append(len(needs)) or []
    core.stories.open_story(story)
    chapter = core.stories.chapters()[-1]
    assert chapter.id is not None
    text = chapter.content
    cold, generated = await _continue(core, chapter.id, text)
    cold_prompt = core.context.last_prompt
    text = text + generated + TYPED  # the editor keeps the continuation; the author types
    again, _ = await _continue(core, chapter.id, text)
    again_prompt = core.context.last_prompt
    assert cold_prompt is not None and again_prompt is not None
    same = 0
    for a, b in zip(cold_prompt.shared, again_prompt.shared, strict=False):
        if a != b:
            break
        same += 1
    return {
        "continue_cold_ttft_s": round(cold, 3),
        "continue_again_ttft_s": round(again, 3),
        "continue_again_ttft_ratio": round(again / cold, 4),
        "continue_prompt_tokens": again_prompt.report.prompt_tokens,
        "continue_again_shared_prefix_chars": same,
        "continue_again_shared_chars": len(again_prompt.shared),
        "continue_again_held_back_summaries": sum(held_back),
    }


def bench_continue_again() -> dict[str, float]:
    from benchmarks.real_story import copy_of_story
    from writer_desktop.config import AppPaths, load_settings
    from writer_desktop.services import build_core

    with tempfile.TemporaryDirectory(prefix="continue-") as tmp:
        root = Path(tmp)
        story = copy_of_story(root)
        core = build_core(load_settings(None, env_file=None).settings, AppPaths.under(root / "h"))
        try:
            return drive(_measure(core, story))
        finally:
            core.shutdown()


if __name__ == "__main__":
    for name, value in bench_continue_again().items():
        print(f"{name:40} {value:>10g}")
