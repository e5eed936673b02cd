"""Prompt parts every agent shares: the system base and the distillation prompts."""

from __future__ import annotations

from writer_desktop.agents.prompts import PromptLibrary

# What a summarised text is, in the prompts for its parts and for combining them.
DISTILLED_WHAT = {
    "chapter": "chapter of a novel",
    "character": "character's notes",
    "plot": "plot note",
}


def system_base(prompts: PromptLibrary, story_title: str) -> str:
    """The opening every agent shares, word for word."""
    return prompts.get("system_base").role_and_task(story_title=story_title)[1]


def distill_messages(prompts: PromptLibrary, kind: str, text: str) -> list[dict[str, str]]:
    """The prompt that summarises a whole text of one kind (chapter, character, plot)."""
    return prompts.get(f"distill_{kind}").messages(text=text.strip())


def distill_part_messages(
    prompts: PromptLibrary, kind: str, text: str, number: int, count: int
) -> list[dict[str, str]]:
    """The prompt that summarises part `number` of `count` of a text too long for one."""
    return prompts.get("distill_part").messages(
        text=text.strip(), what=DISTILLED_WHAT[kind], number=str(number), count=str(count)
    )


def distill_combine_messages(
    prompts: PromptLibrary, kind: str, summaries: list[str]
) -> list[dict[str, str]]:
    """The prompt that combines the summaries of consecutive parts into one summary."""
    text = "\n\n".join(f"Part {n}: {s.strip()}" for n, s in enumerate(summaries, 1))
    return prompts.get("distill_combine").messages(text=text, what=DISTILLED_WHAT[kind])
