"""From a story to a StructuredContextContainer, with the auto-inclusion of what is mentioned."""

from __future__ import annotations

import re
from functools import lru_cache

from writer_desktop.domain import (
    ChapterContext,
    CharacterContext,
    Story,
    StructuredContextContainer,
    UserRequest,
)
from writer_desktop.domain.emphasis import strip_emphasis

_RAISE = {"low": "medium", "medium": "high", "high": "high"}


@lru_cache(maxsize=1024)
def plain_prose(content: str) -> str:
    """A chapter without its emphasis markers, as prompts get it; remembered, because a
    prompt strips every chapter of the story and only the edited one changes."""
    return strip_emphasis(content) if "*" in content else content


def mentions(text: str, names: list[str]) -> bool:
    """Whether any of the names stands in the text as a whole word, any case."""
    names = [n.strip() for n in names if n and n.strip()]
    if not names or not text:
        return False
    pattern = r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _name_forms(name: str) -> list[str]:
    """'Mara Quill' is mentioned as 'Mara Quill', 'Mara' or 'Quill'."""
    parts = [p for p in name.split() if len(p) > 2]
    return [name, *parts]


def container_from_story(
    story: Story,
    current_chapter_id: int | None,
    requests: list[str] | None = None,
) -> StructuredContextContainer:
    """Characters mentioned in the current chapter or the request rise to high priority,
    the rest go low; plot elements whose tags are mentioned rise one step."""
    requests = requests or []
    current = next((c for c in story.chapters if c.id == current_chapter_id), None)
    scan = "\n".join([current.content if current else "", *requests])

    characters = []
    for character in story.characters:
        mentioned = mentions(scan, _name_forms(character.name))
        characters.append(
            CharacterContext(
                character_id=str(character.id),
                character_name=character.name,
                role=character.role or None,
                bio=character.bio or None,
                goals=character.goals or None,
                current_state=character.current_state,
                traits=character.traits or None,
                priority="high" if mentioned else "low",
                metadata={"auto": "mentioned"} if mentioned else {},
            )
        )
    plot = []
    for element in story.plot_elements:
        if element.tags and mentions(scan, element.tags):
            element = element.model_copy(
                update={
                    "priority": _RAISE[element.priority],
                    "metadata": {**element.metadata, "auto": "tag mentioned"},
                }
            )
        plot.append(element)
    chapters = [
        ChapterContext(
            chapter_id=str(chapter.id),
            title=chapter.title,
            position=index,
            content=plain_prose(chapter.content),
            is_current=chapter.id == current_chapter_id,
        )
        for index, chapter in enumerate(story.chapters)
    ]
    return StructuredContextContainer(
        plot_elements=plot,
        character_contexts=characters,
        user_requests=[UserRequest(content=r, priority="high") for r in requests if r.strip()],
        chapters=chapters,
        metadata={"story_title": story.title, "current_chapter_id": current_chapter_id},
    )
