"""Every agent operation with the real default model, headless through the Core's services."""

from __future__ import annotations

import pytest

from tests.conftest import run_async
from writer_desktop.config import Settings
from writer_desktop.domain import Character, PlotElement
from writer_desktop.inference import LlamaBackend
from writer_desktop.services import blocking_runner, build_core

pytestmark = pytest.mark.model

OPENING = (
    "Mara climbed the lighthouse stairs as the storm came in. The lamp had failed twice "
    'that week. "Not tonight," she told the dark glass, and struck a match.'
)


@pytest.fixture(scope="module")
def backend():
    backend = LlamaBackend(Settings.model_validate({"llm_seed": 7}))
    backend.load()
    yield backend
    backend.close()


@pytest.fixture
def core(tmp_path, paths, backend, gui_loop):
    """The Core as the app builds it, over a runner that runs each job at once."""
    core = build_core(Settings.model_validate({}), paths, blocking_runner(backend))
    stories = core.stories
    stories.new_story(tmp_path / "s.wstory", "The Harbour Light")
    chapter = stories.add_chapter("The Storm")
    stories.save_chapter_text(chapter.id, OPENING)
    stories.save_character(
        Character(
            name="Mara",
            role="lighthouse keeper",
            goals="Keep the light burning",
            current_state="Soaked",
        )
    )
    stories.save_plot_element(
        PlotElement(
            type="arc", content="Someone sabotages the lamp.", tags=["lamp"], priority="high"
        )
    )
    core.chapter_id = chapter.id
    yield core
    core.shutdown()


async def finish(starting):
    """Start a run, read its stream, return (streamed text, result)."""
    run = await starting
    streamed = "".join([token async for token in run])
    return run, streamed, await run.result()


def test_every_operation_produces_output(core):
    agents, chapter_id = core.agents, core.chapter_id
    mara = core.stories.characters()[0]
    starts = {
        "continue": lambda: agents.continue_chapter(chapter_id, OPENING, max_tokens=24),
        "generate": lambda: agents.generate_chapter("The storm breaks.", max_tokens=24),
        "modify": lambda: agents.modify(
            chapter_id, OPENING, OPENING, "Make it present tense", max_tokens=48
        ),
        "flesh_out": lambda: agents.flesh_out(
            chapter_id, OPENING, "She struck a match.", max_tokens=24
        ),
        "editor": lambda: agents.feedback("editor_review", chapter_id, max_tokens=32),
        "character": lambda: agents.feedback("character_feedback", chapter_id, mara, max_tokens=32),
        "rater": lambda: agents.feedback("rater_feedback", chapter_id),
        "details": lambda: agents.character_details(mara, chapter_id),
        "bio": lambda: agents.regenerate_bio(mara, chapter_id),
        "outlines": lambda: agents.chapter_outlines(2, chapter_id),
        "chat": lambda: agents.chat(1, "Who is Mara?", chapter_id),
    }
    results = {}
    for name, start in starts.items():
        run, streamed, value = run_async(finish(start()))
        assert run.generated is not None
        text = run.generated.text
        assert text.strip() and streamed == text, name
        assert "<|im_" not in text, name
        results[name] = value
    assert results["rater"].scores and results["rater"].agent == "rater"
    assert results["details"].traits
    assert results["bio"]
    added = results["outlines"]
    assert len(added) == 2 and all(c.outline and not c.content for c in added)
    assert [m.role for m in agents.chat_messages(1)] == ["user", "assistant"]
    assert results["character"].character_name == "Mara"


def test_rater_output_is_valid_and_in_range_ten_times_out_of_ten(core):
    for _ in range(10):
        _run, _text, feedback = run_async(
            finish(core.agents.feedback("rater_feedback", core.chapter_id))
        )
        assert all(1 <= v["score"] <= 10 and v["reason"] for v in feedback.scores.values())
    assert len(core.agents.history(core.chapter_id, "rater")) == 10


def test_reviewers_share_one_prompt_prefix(core):
    agents, chapter_id = core.agents, core.chapter_id
    mara = core.stories.characters()[0]
    runs = [
        run_async(finish(agents.feedback("editor_review", chapter_id, max_tokens=4)))[0],
        run_async(finish(agents.feedback("character_feedback", chapter_id, mara, max_tokens=4)))[0],
        run_async(finish(agents.feedback("rater_feedback", chapter_id)))[0],
    ]
    assert len({run.prompt.shared for run in runs}) == 1
    assert "You are Mara" in runs[1].prompt.agent_part


def test_modify_and_flesh_out_keep_a_snapshot_first(core):
    agents, chapter_id = core.agents, core.chapter_id
    run_async(finish(agents.modify(chapter_id, OPENING, OPENING, "Shorter", max_tokens=8)))
    revised = OPENING + " The lamp held."
    run_async(finish(agents.flesh_out(chapter_id, revised, "She struck a match.", max_tokens=8)))
    reasons = [s.reason for s in core.stories.snapshots(chapter_id)]
    assert reasons[:2] == ["before Flesh out", "before Modify: Shorter"]
    # The same text again is not kept twice.
    run_async(finish(agents.flesh_out(chapter_id, revised, "She struck a match.", max_tokens=8)))
    assert len(core.stories.snapshots(chapter_id)) == 2
