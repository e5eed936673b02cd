"""Prompt parts every agent shares: the system base and the distillation prompts."""

from __future__ import annotations

from writer_desktop.agents.prompts import PromptLibrary


def system_base(prompts: PromptLibrary, story_title: str) -> str:
    """The opening every agent shares, word for word."""
    return prompts.get("system_base").role_and_task(story_title=story_title)[1]


def distill_messages(prompts: PromptLibrary, kind: str, text: str) -> list[dict[str, str]]:
    return prompts.get(f"distill_{kind}").messages(text=text.strip())
