"""Every agent operation with the real default model, headless through the services."""

from __future__ import annotations

import pytest

from writer_desktop.agents import PromptLibrary
from writer_desktop.config import Settings
from writer_desktop.domain import Character, PlotElement
from writer_desktop.inference import BlockingRunner, LlamaBackend
from writer_desktop.services import (
    AgentService,
    ContextService,
    DistillService,
    RecentFiles,
    StoryService,
    parse_character_details,
    parse_rating,
)

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
def agents(tmp_path, backend):
    settings = Settings.model_validate({})
    stories = StoryService(RecentFiles(tmp_path / "recent.json"))
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
    prompts = PromptLibrary()
    runner = BlockingRunner(backend)
    context = ContextService(stories, settings, prompts)
    service = AgentService(
        stories,
        runner,
        prompts,
        settings,
        context,
        DistillService(stories, runner, prompts, settings),
    )
    service.chapter_id = chapter.id
    yield service, runner
    stories.close()


def _text(runner, run) -> str:
    return runner.results[run.job_id].text


def test_every_operation_produces_output(agents):
    service, runner = agents
    chapter_id = service.chapter_id
    mara = service.stories.characters()[0]
    runs = {
        "continue": service.continue_chapter(chapter_id, OPENING, max_tokens=24),
        "generate": service.generate_chapter("The storm breaks.", max_tokens=24),
        "modify": service.modify(
            chapter_id, OPENING, OPENING, "Make it present tense", max_tokens=48
        ),
        "flesh_out": service.flesh_out(chapter_id, OPENING, "She struck a match.", max_tokens=24),
        "editor": service.feedback("editor_review", chapter_id, max_tokens=32),
        "character": service.feedback("character_feedback", chapter_id, mara, max_tokens=32),
        "rater": service.feedback("rater_feedback", chapter_id),
        "details": service.character_details(mara, chapter_id),
        "bio": service.regenerate_bio(mara, chapter_id),
        "outlines": service.chapter_outlines(2, chapter_id),
        "chat": service.chat(1, "Who is Mara?", chapter_id),
    }
    for name, run in runs.items():
        text = _text(runner, run)
        assert text.strip(), name
        assert "<|im_" not in text, name
    parse_rating(_text(runner, runs["rater"]))
    details = parse_character_details(_text(runner, runs["details"]))
    assert details.traits
    added = service.add_outlines(runner.results[runs["outlines"].job_id])
    assert len(added) == 2 and all(c.outline and not c.content for c in added)
    service.record_chat_reply(runs["chat"], runner.results[runs["chat"].job_id])
    assert [m.role for m in service.stories.store.chat_messages(1)] == ["user", "assistant"]


def test_rater_output_is_valid_and_in_range_ten_times_out_of_ten(agents):
    service, runner = agents
    for _ in range(10):
        run = service.feedback("rater_feedback", service.chapter_id)
        feedback = service.record_feedback(run, runner.results[run.job_id])
        assert all(1 <= v["score"] <= 10 and v["reason"] for v in feedback.scores.values())
    assert len(service.history(service.chapter_id, "rater")) == 10


def test_reviewers_share_one_prompt_prefix(agents):
    service, runner = agents
    mara = service.stories.characters()[0]
    runs = [
        service.feedback("editor_review", service.chapter_id, max_tokens=4),
        service.feedback("character_feedback", service.chapter_id, mara, max_tokens=4),
        service.feedback("rater_feedback", service.chapter_id),
    ]
    assert len({run.prompt.shared for run in runs}) == 1
    assert "You are Mara" in runs[1].prompt.agent_part


def test_modify_and_flesh_out_keep_a_snapshot_first(agents):
    service, _runner = agents
    service.modify(service.chapter_id, OPENING, OPENING, "Shorter", max_tokens=8)
    service.flesh_out(service.chapter_id, OPENING, "She struck a match.", max_tokens=8)
    reasons = [s.reason for s in service.stories.snapshots(service.chapter_id)]
    assert reasons[:2] == ["before Flesh out", "before Modify: Shorter"]
