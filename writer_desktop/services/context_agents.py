"""ContextAgents: the seed's agent operations over a caller's own StructuredContextContainer
(what the HTTP API receives), with the same prompts, context engine and job queue as the
window's AgentService. Nothing is written to any story."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from writer_desktop.agents import PromptLibrary
from writer_desktop.agents.specs import OPERATIONS
from writer_desktop.domain import (
    ChapterContext,
    CharacterContext,
    Rating,
    StructuredContextContainer,
    UserRequest,
)
from writer_desktop.inference import GenerationResult
from writer_desktop.services.agent_service import AgentRun, AgentService, parse_rating
from writer_desktop.services.context_service import ContextService

T = TypeVar("T")
DEFAULT_TITLE = "Untitled story"


def _same(result: GenerationResult) -> GenerationResult:
    return result


def _not_current_chapter(element: object) -> bool:
    return not (isinstance(element, ChapterContext) and element.is_current)


def with_chapter(
    container: StructuredContextContainer, title: str, content: str
) -> StructuredContextContainer:
    """The container with `content` as its current chapter (the one being worked on)."""
    if not content.strip():
        return container
    chapters = [c.model_copy(update={"is_current": False}) for c in container.chapters]
    position = max((c.position for c in chapters), default=-1) + 1
    chapters.append(
        ChapterContext(
            chapter_id="request",
            title=title or "This chapter",
            position=position,
            content=content,
            is_current=True,
            priority="high",
        )
    )
    return container.model_copy(update={"chapters": chapters})


def current_title(container: StructuredContextContainer, fallback: str = "This chapter") -> str:
    for chapter in container.chapters:
        if chapter.is_current:
            return chapter.title
    return fallback


class ContextAgents:
    """One method per seed endpoint; each returns an AgentRun to stream and await."""

    def __init__(self, agents: AgentService, context: ContextService, prompts: PromptLibrary):
        self.agents = agents
        self.context = context
        self.prompts = prompts

    async def _run(
        self,
        operation: str,
        container: StructuredContextContainer,
        values: dict[str, str],
        finish: Callable[[GenerationResult], T],
        *,
        max_tokens: int | None,
        temperature: float | None,
        custom_filters: tuple = (),
    ) -> AgentRun[T]:
        """Raises ContextBudgetError when the context cannot fit."""
        op = OPERATIONS[operation]
        max_tokens = max_tokens or self.agents.settings.endpoint(op.endpoint).max_tokens
        role, task = self.prompts.get(op.template).role_and_task(**values)
        title = str(container.metadata.get("story_title") or DEFAULT_TITLE)
        prompt = await self.context.assemble_container(
            container,
            op.agent,
            role,
            task,
            reserve_tokens=max_tokens,
            story_title=title,
            phase=op.phase,
            custom_filters=custom_filters,
        )
        return self.agents.launch(
            operation, prompt, finish, None, max_tokens=max_tokens, temperature=temperature
        )

    async def generate_chapter(
        self,
        container: StructuredContextContainer,
        chapter_title: str = "",
        outline: str = "",
        instructions: str = "",
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> AgentRun[GenerationResult]:
        """A new chapter from the plot, characters and story so far in the container."""
        values = {
            "chapter_title": chapter_title or "Next chapter",
            "outline": outline or "(none: follow the plot)",
            "instructions": instructions or "(none)",
        }
        if instructions.strip():
            container = container.model_copy(
                update={
                    "user_requests": [
                        *container.user_requests,
                        UserRequest(content=instructions, priority="high"),
                    ]
                }
            )
        return await self._run(
            "generate_chapter",
            container,
            values,
            _same,
            max_tokens=max_tokens,
            temperature=temperature,
        )

    async def modify_chapter(
        self,
        container: StructuredContextContainer,
        passage: str,
        instruction: str,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> AgentRun[GenerationResult]:
        """`passage` rewritten by `instruction`."""
        return await self._run(
            "modify_chapter",
            container,
            {"instruction": instruction, "passage": passage.strip()},
            _same,
            max_tokens=max_tokens,
            temperature=temperature,
            custom_filters=(_not_current_chapter,),
        )

    async def flesh_out(
        self,
        container: StructuredContextContainer,
        passage: str,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> AgentRun[GenerationResult]:
        """`passage` expanded in the author's voice."""
        return await self._run(
            "flesh_out",
            container,
            {"passage": passage.strip()},
            _same,
            max_tokens=max_tokens,
            temperature=temperature,
            custom_filters=(_not_current_chapter,),
        )

    async def editor_review(
        self,
        container: StructuredContextContainer,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> AgentRun[GenerationResult]:
        """The Editor on the container's current chapter."""
        return await self._run(
            "editor_review",
            container,
            {"chapter_title": current_title(container)},
            _same,
            max_tokens=max_tokens,
            temperature=temperature,
        )

    async def character_feedback(
        self,
        container: StructuredContextContainer,
        character_name: str,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> AgentRun[GenerationResult]:
        """The named character (from the container's character_contexts, or just a name)
        on the current chapter, in their own voice."""
        character = next(
            (c for c in container.character_contexts if c.character_name == character_name),
            CharacterContext(character_id=character_name, character_name=character_name),
        )
        values = {
            "chapter_title": current_title(container),
            "character_name": character.character_name,
            "character_role": f", {character.role}" if character.role else "",
            "character_state": character.current_state or "as the chapter leaves you",
            "character_goals": character.goals or "what you have always wanted",
        }
        return await self._run(
            "character_feedback",
            container,
            values,
            _same,
            max_tokens=max_tokens,
            temperature=temperature,
        )

    async def rater_feedback(
        self,
        container: StructuredContextContainer,
        *,
        temperature: float | None = None,
    ) -> AgentRun[Rating]:
        """Scores 1-10 with reasons, schema-constrained; AgentOutputError if unreadable."""
        return await self._run(
            "rater_feedback",
            container,
            {"chapter_title": current_title(container)},
            lambda result: parse_rating(result.text),
            max_tokens=None,  # a rating cut off mid-JSON is no rating
            temperature=temperature,
        )

    async def chat(
        self,
        container: StructuredContextContainer,
        question: str,
        history: list[tuple[str, str]] = (),  # type: ignore[assignment]
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> AgentRun[GenerationResult]:
        """An answer about the story; `history` is (role, text) pairs, oldest first."""
        lines = [f"{'Author' if role == 'user' else 'You'}: {text}" for role, text in history]
        container = container.model_copy(
            update={
                "user_requests": [
                    *container.user_requests,
                    UserRequest(type="question", content=question, priority="high"),
                ]
            }
        )
        return await self._run(
            "chat",
            container,
            {"history": "\n".join(lines), "question": question},
            _same,
            max_tokens=max_tokens,
            temperature=temperature,
        )
