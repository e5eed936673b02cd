"""Prompt templates: parsing, overrides, and what the Continue prompt carries."""

from __future__ import annotations

import pytest

from writer_desktop.agents import (
    OPERATIONS,
    PromptLibrary,
    PromptTemplate,
    distill_combine_messages,
    distill_messages,
    distill_part_messages,
    system_base,
)


def test_template_splits_into_system_and_user_messages():
    template = PromptTemplate.parse("t", "[system]\nBe $tone.\n[user]\nWrite about $topic.\n")
    assert template.messages(tone="brief", topic="rain") == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Write about rain."},
    ]


def test_template_without_user_part_is_an_error():
    with pytest.raises(ValueError, match="no \\[user\\]"):
        PromptTemplate.parse("t", "[system]\nonly this")


def test_override_folder_wins_over_built_in(tmp_path):
    (tmp_path / "continue_chapter.txt").write_text(
        "[system]\nBe bold.\n[user]\nGo on: $chapter_title"
    )
    role, task = (
        PromptLibrary(tmp_path).get("continue_chapter").role_and_task(chapter_title="Storm")
    )
    assert (role, task) == ("Be bold.", "Go on: Storm")


def test_continue_spec_names_the_chapter_and_asks_for_prose_only():
    role, task = PromptLibrary().get("continue_chapter").role_and_task(chapter_title="The Storm")
    assert "Writer" in role and "only story prose" in role
    assert '"The Storm"' in task


def test_system_base_is_the_same_for_the_same_story():
    prompts = PromptLibrary()
    assert system_base(prompts, "Harbour") == system_base(prompts, "Harbour")
    assert '"Harbour"' in system_base(prompts, "Harbour")


def test_every_distillation_kind_has_its_own_prompt():
    prompts = PromptLibrary()
    texts = {
        kind: distill_messages(prompts, kind, "Some text.")[-1]["content"]
        for kind in ("chapter", "character", "plot")
    }
    assert len(set(texts.values())) == 3
    assert all(t.endswith("Some text.") for t in texts.values())


def test_every_operation_has_a_template_with_its_placeholders_filled():
    import re

    prompts = PromptLibrary()
    for name in OPERATIONS:
        template = prompts.get(name)
        names = set(re.findall(r"\$(\w+)", template.system.template + template.user.template))
        role, task = template.role_and_task(**{n: f"<{n}>" for n in names})
        assert task, name


def test_a_long_text_has_prompts_for_its_parts_and_for_combining_them():
    prompts = PromptLibrary()
    part = distill_part_messages(prompts, "chapter", "Buck ran.\n", 2, 3)[-1]["content"]
    assert "part 2 of 3 of one chapter of a novel" in part and part.endswith("Buck ran.")
    combine = distill_combine_messages(prompts, "chapter", ["Buck ran.", "Buck howled."])
    assert combine[-1]["content"].endswith("Part 1: Buck ran.\n\nPart 2: Buck howled.")
