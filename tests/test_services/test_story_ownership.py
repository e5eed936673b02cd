"""Every job belongs to the story it was started for: a result that arrives after that story
was closed or switched is dropped, never written into the story open now."""

from __future__ import annotations

import pytest

from tests.conftest import run_async
from writer_desktop.config import Settings
from writer_desktop.domain import Character
from writer_desktop.inference import LlamaBackend
from writer_desktop.services import StoryChangedError, blocking_runner, build_core

pytestmark = pytest.mark.model

TEXT = "Mara climbed the lighthouse stairs as the storm came in. She lit the lamp."


@pytest.fixture(scope="module")
def backend():
    backend = LlamaBackend(Settings.model_validate({"llm_seed": 3}))
    backend.load()
    yield backend
    backend.close()


@pytest.fixture
def core(tmp_path, paths, backend, gui_loop):
    core = build_core(
        Settings.model_validate({"context_max_tokens": 700}), paths, blocking_runner(backend)
    )
    for name in ("b", "a"):  # story A is left open
        core.stories.new_story(tmp_path / f"{name}.wstory", name.upper())
        chapter = core.stories.add_chapter("One")
        core.stories.save_chapter_text(chapter.id, TEXT)
        core.stories.save_character(Character(name="Mara", role="keeper"))
    yield core
    core.shutdown()


def _contents(core) -> dict:
    """Everything an agent could have written into the open story."""
    stories = core.stories
    chapters = stories.chapters()
    return {
        "chapters": [(c.title, c.content, c.outline) for c in chapters],
        "feedback": [f.content for c in chapters for f in stories.feedback(c.id)],
        "chat": [
            (m.role, m.content) for n in stories.conversations() for m in stories.chat_messages(n)
        ],
        "characters": [c.model_dump() for c in stories.characters()],
        "summaries": stories.summaries(),
    }


OPERATIONS = {
    "continue": lambda a, ch, mara: a.continue_chapter(ch, TEXT, max_tokens=4),
    "generate": lambda a, ch, mara: a.generate_chapter("", None, max_tokens=4),
    "modify": lambda a, ch, mara: a.modify(ch, TEXT, TEXT, "Shorter", max_tokens=4),
    "flesh_out": lambda a, ch, mara: a.flesh_out(ch, TEXT, "She lit the lamp.", max_tokens=4),
    "editor_review": lambda a, ch, mara: a.feedback("editor_review", ch, max_tokens=4),
    "character_feedback": lambda a, ch, mara: a.feedback(
        "character_feedback", ch, mara, max_tokens=4
    ),
    "rater_feedback": lambda a, ch, mara: a.feedback("rater_feedback", ch),
    "details": lambda a, ch, mara: a.character_details(mara, ch),
    "bio": lambda a, ch, mara: a.regenerate_bio(mara, ch),
    "outlines": lambda a, ch, mara: a.chapter_outlines(2, ch),
    "chat": lambda a, ch, mara: a.chat(1, "Who is Mara?", ch, max_tokens=4),
}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_result_for_a_closed_story_is_dropped(core, tmp_path, operation):
    stories = core.stories
    chapter_id = stories.chapters()[0].id
    mara = stories.characters()[0]
    run = run_async(OPERATIONS[operation](core.agents, chapter_id, mara))
    a_before_result = _contents(core)

    stories.open_story(tmp_path / "b.wstory")  # the author switches story
    b_before = _contents(core)
    with pytest.raises(StoryChangedError):
        run_async(run.result())
    assert _contents(core) == b_before  # nothing of A's job reached B

    stories.open_story(tmp_path / "a.wstory")
    assert _contents(core) == a_before_result  # nor was it written into A after the fact


def test_summaries_for_a_closed_story_are_not_saved(core, tmp_path):
    stories = core.stories
    long_text = TEXT * 40
    tasks = core.distill.queue([("chapter", long_text)])
    assert len(tasks) == 1 and core.distill.pending == 1
    stories.open_story(tmp_path / "b.wstory")
    run_async(core.distill.wait())
    assert core.distill.pending == 0
    assert stories.summaries() == {}
    stories.open_story(tmp_path / "a.wstory")
    assert stories.summaries() == {}


def test_closing_a_story_cancels_its_queued_jobs(core, tmp_path):
    """With the real worker thread: jobs queued behind a long one are cancelled on switch."""
    from writer_desktop.services import build_core as build

    core.stories.close()  # one app writes a story at a time: this test's app takes over
    app_core = build(Settings.model_validate({}), core.paths)
    app_core.start()
    try:
        assert run_async(app_core.engine.wait_loaded()) == "ready"
        stories = app_core.stories
        stories.open_story(tmp_path / "a.wstory")
        chapter_id = stories.chapters()[0].id
        first = run_async(app_core.agents.feedback("editor_review", chapter_id, max_tokens=200))
        second = run_async(app_core.agents.chat(1, "Who is Mara?", chapter_id, max_tokens=200))
        assert len(app_core.jobs.live(stories.session)) >= 2
        stories.open_story(tmp_path / "b.wstory")
        for run in (first, second):
            with pytest.raises(StoryChangedError):
                run_async(run.result())
            assert run.generated is not None and run.generated.cancelled
        assert app_core.jobs.live() == []
        assert [m.role for m in stories.chat_messages(1)] == []
    finally:
        app_core.shutdown()
