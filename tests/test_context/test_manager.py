"""ContextManager: filtering, priorities, trimming, distillation, shared prefix, the report."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from pydantic import ValidationError

from writer_desktop.config import Settings
from writer_desktop.context import ContextBudgetError, ContextManager, container_from_story
from writer_desktop.domain import (
    AGENT_TYPES,
    Chapter,
    ChapterContext,
    Character,
    CharacterContext,
    PlotElement,
    Story,
    StructuredContextContainer,
    SystemInstruction,
    UserRequest,
)

BASE = "You help an author write a novel."
SMALL = {"llm_n_ctx": 1024, "context_buffer_tokens": 24}


def manager(counter, summaries=None, **overrides) -> ContextManager:
    return ContextManager(Settings.model_validate({**SMALL, **overrides}), counter, summaries, BASE)


def prose(words: int, seed: str = "wave") -> str:
    return " ".join(f"{seed}{i % 7}." if i % 9 == 8 else f"{seed}{i % 5}" for i in range(words))


def run(cm, container, agent="writer", **kwargs):
    kwargs.setdefault("role", "You are the writer.")
    kwargs.setdefault("task", "Continue.")
    kwargs.setdefault("reserve_tokens", 300)
    return cm.process_context_for_agent(container, agent, "draft", **kwargs)


# -- the models ------------------------------------------------------------------------------


def test_container_validates_json_and_names_the_bad_field():
    good = StructuredContextContainer.model_validate_json(
        '{"plot_elements": [{"type": "arc", "content": "x", "priority": "high", "tags": ["t"]}],'
        ' "character_contexts": [{"character_id": "1", "character_name": "Mara",'
        ' "current_state": "tired", "goals": "g"}],'
        ' "user_requests": [{"type": "constraint", "content": "no magic"}],'
        ' "system_instructions": [{"type": "style", "content": "past tense",'
        ' "applies_to": ["writer"]}], "metadata": {"k": 1}}'
    )
    assert good.plot_elements[0].priority == "high"
    assert good.system_instructions[0].applies_to == ["writer"]
    with pytest.raises(ValidationError, match=r"plot_elements\.0\.priority"):
        StructuredContextContainer.model_validate({"plot_elements": [{"priority": "urgent"}]})
    with pytest.raises(ValidationError, match=r"user_requests\.0\.type"):
        StructuredContextContainer.model_validate(
            {"user_requests": [{"type": "demand", "content": "x"}]}
        )


# -- assembly --------------------------------------------------------------------------------


def test_agent_filter_and_phase_filter_and_custom_filter(exact_counter):
    container = StructuredContextContainer(
        system_instructions=[
            SystemInstruction(content="Score strictly.", applies_to=["rater"]),
            SystemInstruction(content="Use British spelling."),
        ],
        plot_elements=[
            PlotElement(type="theme", content="Revision notes", metadata={"phases": ["revise"]}),
            PlotElement(type="arc", content="The lamp fails.", tags=["secret"]),
        ],
    )
    cm = manager(exact_counter)
    writer = run(cm, container, "writer")
    rater = run(cm, container, "rater", role="You are the rater.")
    assert "Score strictly." not in writer.text and "Score strictly." in rater.agent_part
    assert "British spelling" in writer.shared
    assert "Revision notes" not in writer.text
    hidden = run(cm, container, custom_filters=(lambda e: "secret" not in getattr(e, "tags", []),))
    assert "The lamp fails." not in hidden.text
    statuses = {e.label: e.status for e in hidden.report.elements}
    assert statuses["arc: The lamp fails."] == "filtered"


def test_shared_prefix_is_byte_identical_for_every_agent(exact_counter):
    story = Story(
        title="Harbour",
        chapters=[Chapter(id=i, title=f"Ch {i}", content=prose(150, f"w{i}")) for i in (1, 2, 3)],
        characters=[Character(id=1, name="Mara"), Character(id=2, name="Tomas")],
        plot_elements=[PlotElement(type="arc", content="The lamp fails.")],
    )
    container = container_from_story(story, 3)
    cm = manager(exact_counter)
    prompts = {
        agent: run(cm, container, agent, role=f"You are the {agent}.", task=f"Task for {agent}.")
        for agent in AGENT_TYPES
    }
    shared = {p.shared for p in prompts.values()}
    assert len(shared) == 1
    assert all(p.messages()[0]["content"] == p.shared for p in prompts.values())
    assert len({p.agent_part for p in prompts.values()}) == len(AGENT_TYPES)


def test_current_chapter_keeps_its_end_when_too_long(exact_counter):
    ending = "The lamp went out."
    container = StructuredContextContainer(
        chapters=[
            ChapterContext(
                chapter_id="1", title="One", content=prose(3000) + " " + ending, is_current=True
            )
        ]
    )
    prompt = run(manager(exact_counter), container)
    assert prompt.text.rstrip().endswith("Continue.")
    assert ending in prompt.shared
    (chapter,) = [e for e in prompt.report.elements if e.label == "chapter: One"]
    assert chapter.status == "trimmed"


def test_old_chapters_fall_back_to_cached_summaries(exact_counter):
    chapters = [
        ChapterContext(
            chapter_id=str(i),
            title=f"Ch {i}",
            position=i,
            content=prose(300, f"c{i}"),
            is_current=i == 4,
        )
        for i in range(1, 5)
    ]
    summaries = {c.content.strip() + "\n": f"Summary of chapter {c.title}." for c in chapters}
    cm = manager(exact_counter, summaries=lambda kind, text: summaries.get(text))
    prompt = run(cm, StructuredContextContainer(chapters=chapters))
    assert "Summary of chapter Ch 1." in prompt.shared
    assert prompt.shared.index("Summary of chapter Ch 1") < prompt.shared.index("## Chapter: Ch 4")
    without = run(manager(exact_counter), StructuredContextContainer(chapters=chapters))
    assert without.report.needs_summary  # the service queues these for the model


def test_high_priority_that_cannot_fit_is_distilled(exact_counter):
    long_bio = "Mara kept the light for thirty years. " + prose(2000)
    container = StructuredContextContainer(
        character_contexts=[
            CharacterContext(character_id="1", character_name="Mara", bio=long_bio, priority="high")
        ]
    )
    prompt = run(manager(exact_counter), container)
    (mara,) = [e for e in prompt.report.elements if e.label == "character: Mara"]
    assert mara.status == "summarised"
    assert "Mara kept the light for thirty years." in prompt.shared
    assert [kind for kind, _ in prompt.report.needs_summary] == ["character"]


def test_high_priority_request_that_cannot_fit_is_a_clear_error(exact_counter):
    container = StructuredContextContainer(
        user_requests=[UserRequest(content=prose(2000), priority="high")]
    )
    with pytest.raises(ContextBudgetError, match="High-priority 'instruction: .* cannot be cut"):
        run(manager(exact_counter), container)


def test_high_priority_that_cannot_fit_even_distilled_is_a_clear_error(exact_counter):
    container = StructuredContextContainer(
        character_contexts=[
            CharacterContext(
                character_id=str(i), character_name=f"Person{i}", bio=prose(300), priority="high"
            )
            for i in range(60)
        ]
    )
    with pytest.raises(ContextBudgetError, match="High-priority 'character: Person.*layer D"):
        run(manager(exact_counter), container)


def test_mentioned_characters_and_tags_are_raised(exact_counter):
    story = Story(
        chapters=[Chapter(id=1, title="One", content="Tomas rowed out past the breakwater.")],
        characters=[Character(id=1, name="Mara Quill"), Character(id=2, name="Tomas Reed")],
        plot_elements=[
            PlotElement(type="arc", content="Smuggling", tags=["breakwater"]),
            PlotElement(type="arc", content="Old feud", tags=["feud"]),
        ],
    )
    container = container_from_story(story, 1, ["Have Quill watch from the tower."])
    priorities = {c.character_name: c.priority for c in container.character_contexts}
    assert priorities == {"Mara Quill": "high", "Tomas Reed": "high"}
    plot = {p.content: p.priority for p in container.plot_elements}
    assert plot == {"Smuggling": "high", "Old feud": "medium"}
    quiet = container_from_story(
        story.model_copy(update={"chapters": [Chapter(id=1, title="One", content="Nobody came.")]}),
        1,
    )
    assert {c.priority for c in quiet.character_contexts} == {"low"}


# -- properties ------------------------------------------------------------------------------

words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
)
separators = st.sampled_from([" ", " ", " ", "\n", "\n\n", ". "])
texts = st.lists(st.tuples(words, separators), min_size=1, max_size=120).map(
    lambda pairs: "".join(word + sep for word, sep in pairs)
)
priorities = st.sampled_from(["high", "medium", "low"])
containers = st.builds(
    StructuredContextContainer,
    plot_elements=st.lists(
        st.builds(
            PlotElement,
            type=st.sampled_from(["scene", "arc", "theme"]),
            content=texts,
            priority=priorities,
        ),
        max_size=6,
    ),
    character_contexts=st.lists(
        st.builds(
            CharacterContext,
            character_id=st.just("1"),
            character_name=st.just("Mara"),
            bio=texts,
            priority=st.sampled_from(["medium", "low"]),
        ),
        max_size=6,
    ),
    chapters=st.lists(
        st.builds(ChapterContext, chapter_id=st.just("c"), title=st.just("Ch"), content=texts),
        max_size=5,
    ),
)


@hyp_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(container=containers, reserve=st.integers(100, 700))
def test_prompt_fits_budget_and_report_adds_up(exact_counter, container, reserve):
    cm = manager(exact_counter)
    try:
        prompt = run(cm, container, reserve_tokens=reserve)
    except ContextBudgetError:
        return
    report = prompt.report
    real = exact_counter.count(prompt.shared) + exact_counter.count(prompt.agent_part)
    assert real == report.prompt_tokens <= report.total_budget
    assert sum(layer.used for layer in report.layers) == real
    assert all(layer.used <= layer.allowed for layer in report.layers if layer.layer != "A")
    assert sum(e.tokens for e in report.elements) + report.framing_tokens == real


@hyp_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(container=containers)
def test_no_element_is_dropped_while_a_lower_priority_one_stays(exact_counter, container):
    try:
        prompt = run(manager(exact_counter), container)
    except ContextBudgetError:
        return
    rank = {"high": 0, "medium": 1, "low": 2}
    for layer in ("C", "D", "E"):
        elements = [e for e in prompt.report.elements if e.layer == layer]
        dropped = [rank[e.priority] for e in elements if e.status == "dropped"]
        kept = [rank[e.priority] for e in elements if e.status != "dropped"]
        assert "high" not in [e.priority for e in elements if e.status == "dropped"]
        if dropped and kept:
            assert max(kept) <= min(dropped)


def test_paragraph_breaks_reach_the_model(exact_counter):
    container = StructuredContextContainer(
        chapters=[
            ChapterContext(
                chapter_id="1", title="One", content="First.\n\nSecond.", is_current=True
            )
        ]
    )
    assert "First.\n\nSecond.\n" in run(manager(exact_counter), container).shared
