"""The Writer agent: its role and task for each operation."""

from __future__ import annotations

from writer_desktop.agents.prompts import PromptLibrary
from writer_desktop.domain import Chapter


def continue_chapter_spec(prompts: PromptLibrary, chapter: Chapter) -> tuple[str, str]:
    """Role and task of Continue chapter; the context engine supplies everything else."""
    return prompts.get("continue_chapter").role_and_task(chapter_title=chapter.title)


def system_base(prompts: PromptLibrary, story_title: str) -> str:
    """The opening every agent shares, word for word."""
    return prompts.get("system_base").role_and_task(story_title=story_title)[1]


def distill_messages(prompts: PromptLibrary, kind: str, text: str) -> list[dict[str, str]]:
    return prompts.get(f"distill_{kind}").messages(text=text.strip())
