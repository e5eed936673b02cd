"""The Writer agent's prompts."""

from __future__ import annotations

from writer_desktop.agents.prompts import PromptLibrary
from writer_desktop.domain import Chapter, Character

# The tail of a long chapter is what a continuation needs; this keeps the prompt in n_ctx
# until the context engine budgets it properly.
CHAPTER_TAIL_CHARS = 6000


def describe_characters(characters: list[Character]) -> str:
    if not characters:
        return "(none yet)"
    lines = []
    for character in characters:
        facts = [f for f in (character.role, character.current_state) if f]
        line = f"- {character.name}" + (f" ({'; '.join(facts)})" if facts else "")
        if character.bio:
            line += f": {character.bio}"
        if character.goals:
            line += f" Goals: {character.goals}"
        if character.traits:
            line += f" Traits: {', '.join(character.traits)}."
        lines.append(line)
    return "\n".join(lines)


def continue_chapter_messages(
    prompts: PromptLibrary,
    story_title: str,
    chapter: Chapter,
    characters: list[Character],
) -> list[dict[str, str]]:
    text = chapter.content.strip()
    if len(text) > CHAPTER_TAIL_CHARS:
        text = "…" + text[-CHAPTER_TAIL_CHARS:]
    return prompts.get("continue_chapter").messages(
        story_title=story_title,
        chapter_title=chapter.title,
        chapter_text=text or "(The chapter is empty: begin it.)",
        characters=describe_characters(characters),
    )
