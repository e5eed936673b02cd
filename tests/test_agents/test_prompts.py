"""Prompt templates: parsing, overrides, and what the Continue prompt carries."""

from __future__ import annotations

import pytest

from writer_desktop.agents import PromptLibrary, PromptTemplate, continue_chapter_messages
from writer_desktop.agents.writer import CHAPTER_TAIL_CHARS
from writer_desktop.domain import Chapter, Character


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
    (tmp_path / "continue_chapter.txt").write_text("[user]\nGo on: $chapter_text")
    messages = PromptLibrary(tmp_path).get("continue_chapter").messages(
        chapter_text="x", story_title="", chapter_title="", characters=""
    )
    assert messages == [{"role": "user", "content": "Go on: x"}]


def test_continue_prompt_carries_chapter_text_and_characters():
    chapter = Chapter(id=1, title="The Storm", content="Rain hit the glass.")
    mara = Character(name="Mara", role="keeper", goals="Keep the light", traits=["wry"])
    messages = continue_chapter_messages(PromptLibrary(), "Harbour", chapter, [mara])
    joined = "\n".join(m["content"] for m in messages)
    assert "Rain hit the glass." in joined and "The Storm" in joined
    assert "Mara (keeper)" in joined and "Keep the light" in joined and "wry" in joined
    assert messages[0]["role"] == "system" and messages[-1]["role"] == "user"


def test_long_chapter_keeps_its_ending():
    text = "start " + "middle " * 5000 + "the very end."
    chapter = Chapter(id=1, content=text)
    user = continue_chapter_messages(PromptLibrary(), "T", chapter, [])[-1]["content"]
    assert "the very end." in user and "start " not in user
    assert len(user) < CHAPTER_TAIL_CHARS + 500
