"""AgentService: every agent operation as a call that assembles context and queues a job,
and what becomes of each result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import ValidationError

from writer_desktop.agents import PromptLibrary
from writer_desktop.agents.specs import OPERATIONS, REVIEW_OPERATIONS, outlines_schema
from writer_desktop.config import Settings
from writer_desktop.context import AssembledPrompt
from writer_desktop.domain import (
    Chapter,
    ChapterContext,
    ChapterOutlines,
    Character,
    CharacterDetails,
    ChatMessage,
    Feedback,
    Rating,
)
from writer_desktop.inference.backend import GenerationJob, GenerationResult
from writer_desktop.services.context_service import ContextService
from writer_desktop.services.distill_service import DistillService
from writer_desktop.services.story_service import StoryService

CHAT_HISTORY_TURNS = 6


class JobRunner(Protocol):
    """Where jobs go: the inference worker, or anything that runs them the same way."""

    def submit(self, job: GenerationJob) -> int: ...

    def cancel(self, job_id: int) -> None: ...


class AgentOutputError(Exception):
    """The model's answer could not be used; the message is meant for the author."""


@dataclass
class AgentRun:
    """A queued operation: enough to route its tokens and finish it."""

    job_id: int
    operation: str
    chapter_id: int | None
    prompt: AssembledPrompt
    extra: dict[str, Any] = field(default_factory=dict)


def _not_current_chapter(element: object) -> bool:
    return not (isinstance(element, ChapterContext) and element.is_current)


class AgentService:
    def __init__(
        self,
        stories: StoryService,
        runner: JobRunner,
        prompts: PromptLibrary,
        settings: Settings,
        context: ContextService,
        distill: DistillService,
    ) -> None:
        self.stories = stories
        self.runner = runner
        self.prompts = prompts
        self.settings = settings
        self.context = context
        self.distill = distill

    # -- the one way every operation starts ------------------------------------------------

    def start(
        self,
        operation: str,
        chapter_id: int | None,
        values: dict[str, str],
        *,
        reserve_tokens: int | None = None,
        max_tokens: int | None = None,
        requests: list[str] | None = None,
        custom_filters: tuple = (),
        schema: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> AgentRun:
        """Raises ContextBudgetError when the context cannot fit."""
        op = OPERATIONS[operation]
        params = self.settings.endpoint(op.endpoint)
        max_tokens = max_tokens or params.max_tokens
        role, task = self.prompts.get(op.template).role_and_task(**values)
        prompt = self.context.assemble(
            op.agent,
            chapter_id,
            role,
            task,
            reserve_tokens=reserve_tokens or max_tokens,
            requests=requests,
            phase=op.phase,
            custom_filters=custom_filters,
        )
        schema = schema or op.schema
        job = GenerationJob(
            messages=prompt.messages(),
            temperature=params.temperature,
            max_tokens=max_tokens,
            operation=operation,
            response_format={"type": "json_object", "schema": schema} if schema else None,
        )
        job_id = self.runner.submit(job)
        self.distill.queue(prompt.report.needs_summary)
        return AgentRun(job_id, operation, chapter_id, prompt, extra or {})

    def cancel(self, run: AgentRun) -> None:
        self.runner.cancel(run.job_id)

    # -- writing ---------------------------------------------------------------------------

    def continue_chapter(
        self, chapter_id: int, current_text: str, max_tokens: int | None = None
    ) -> AgentRun:
        """Save the text, queue a continuation, keep a snapshot of what it continues."""
        self.stories.save_chapter_text(chapter_id, current_text)
        chapter = self.stories.chapter(chapter_id)
        run = self.start(
            "continue_chapter", chapter_id, {"chapter_title": chapter.title}, max_tokens=max_tokens
        )
        self.stories.snapshot_chapter(chapter_id, current_text, "before Continue chapter")
        return run

    def generate_chapter(
        self, instructions: str = "", chapter_id: int | None = None, max_tokens: int | None = None
    ) -> AgentRun:
        """Write a chapter: into an outline-only chapter given, else into a new one."""
        chapter = self.stories.chapter(chapter_id) if chapter_id else self.stories.add_chapter()
        assert chapter.id is not None
        values = {
            "chapter_title": chapter.title,
            "outline": chapter.outline or "(none: follow the plot)",
            "instructions": instructions or "(none)",
        }
        requests = [instructions] if instructions.strip() else None
        return self.start(
            "generate_chapter",
            chapter.id,
            values,
            requests=requests,
            max_tokens=max_tokens,
            extra={"new_chapter": chapter},
        )

    def modify(
        self,
        chapter_id: int,
        full_text: str,
        passage: str,
        instruction: str,
        max_tokens: int | None = None,
    ) -> AgentRun:
        """Rewrite `passage` (the chapter or a selection) by an instruction."""
        self.stories.save_chapter_text(chapter_id, full_text)
        self.stories.snapshot_chapter(chapter_id, full_text, f"before Modify: {instruction}")
        values = {"instruction": instruction, "passage": passage.strip()}
        # The passage is in the task already: the chapter need not be in the context twice.
        return self.start(
            "modify_chapter",
            chapter_id,
            values,
            max_tokens=max_tokens,
            custom_filters=(_not_current_chapter,),
            extra={"passage": passage},
        )

    def flesh_out(
        self, chapter_id: int, full_text: str, passage: str, max_tokens: int | None = None
    ) -> AgentRun:
        self.stories.save_chapter_text(chapter_id, full_text)
        self.stories.snapshot_chapter(chapter_id, full_text, "before Flesh out")
        return self.start(
            "flesh_out",
            chapter_id,
            {"passage": passage.strip()},
            max_tokens=max_tokens,
            custom_filters=(_not_current_chapter,),
            extra={"passage": passage},
        )

    # -- feedback --------------------------------------------------------------------------

    def review_reserve(self) -> int:
        """One answer reserve for the three reviewers, so they share one prompt prefix."""
        return max(
            self.settings.endpoint(OPERATIONS[op].endpoint).max_tokens for op in REVIEW_OPERATIONS
        )

    def feedback(
        self,
        operation: str,
        chapter_id: int,
        character: Character | None = None,
        max_tokens: int | None = None,
    ) -> AgentRun:
        """Editor review, Character feedback (needs `character`) or Rater feedback."""
        chapter = self.stories.chapter(chapter_id)
        values = {"chapter_title": chapter.title}
        extra: dict[str, Any] = {}
        if operation == "character_feedback":
            if character is None:
                raise ValueError("Character feedback needs a character")
            values |= {
                "character_name": character.name,
                "character_role": f", {character.role}" if character.role else "",
                "character_state": character.current_state or "as the chapter leaves you",
                "character_goals": character.goals or "what you have always wanted",
            }
            extra["character_name"] = character.name
        return self.start(
            operation,
            chapter_id,
            values,
            reserve_tokens=self.review_reserve(),
            max_tokens=max_tokens,
            extra=extra,
        )

    def record_feedback(self, run: AgentRun, result: GenerationResult) -> Feedback:
        """Keep the result with its chapter; a rating is checked against its schema."""
        scores = None
        if run.operation == "rater_feedback":
            scores = parse_rating(result.text).model_dump()
        assert run.chapter_id is not None
        return self.stories.store.add_feedback(
            Feedback(
                chapter_id=run.chapter_id,
                agent=OPERATIONS[run.operation].agent,
                character_name=run.extra.get("character_name", ""),
                content=result.text.strip(),
                scores=scores,
                model=result.model_name,
            )
        )

    def history(self, chapter_id: int, agent: str) -> list[Feedback]:
        return self.stories.store.feedback(chapter_id, agent)

    # -- the story bible -------------------------------------------------------------------

    def character_details(self, character: Character, chapter_id: int | None) -> AgentRun:
        return self.start(
            "character_details",
            chapter_id,
            {"character_name": character.name, "known": _known(character)},
            requests=[f"About {character.name}"],
            extra={"character": character},
        )

    def regenerate_bio(self, character: Character, chapter_id: int | None) -> AgentRun:
        return self.start(
            "regenerate_bio",
            chapter_id,
            {"character_name": character.name, "known": _known(character)},
            requests=[f"About {character.name}"],
            extra={"character": character},
        )

    def chapter_outlines(self, count: int, chapter_id: int | None) -> AgentRun:
        chapters = self.stories.chapters()
        last = chapters[-1].title if chapters else "the beginning"
        return self.start(
            "chapter_outlines",
            chapter_id,
            {"count": str(count), "last_title": last},
            schema=outlines_schema(count),
            extra={"count": count},
        )

    def add_outlines(self, result: GenerationResult) -> list[Chapter]:
        """Outline-only chapters at the end of the binder."""
        try:
            outlines = ChapterOutlines.model_validate_json(result.text)
        except ValidationError as exc:
            raise AgentOutputError(f"The outlines could not be read: {exc}") from exc
        added = []
        for item in outlines.chapters:
            chapter = self.stories.add_chapter(item.title.strip() or None)
            assert chapter.id is not None
            self.stories.store.set_outline(chapter.id, item.outline.strip())
            added.append(self.stories.chapter(chapter.id))
        return added

    # -- chat ------------------------------------------------------------------------------

    def chat(self, conversation: int, question: str, chapter_id: int | None) -> AgentRun:
        history = self.stories.store.chat_messages(conversation)[-CHAT_HISTORY_TURNS:]
        self.stories.store.add_chat_message(conversation, "user", question)
        lines = [f"{'Author' if m.role == 'user' else 'You'}: {m.content}" for m in history]
        values = {"history": "\n".join(lines), "question": question}
        return self.start(
            "chat", chapter_id, values, requests=[question], extra={"conversation": conversation}
        )

    def record_chat_reply(self, run: AgentRun, result: GenerationResult) -> ChatMessage:
        return self.stories.store.add_chat_message(
            run.extra["conversation"], "assistant", result.text.strip()
        )

    def new_conversation(self) -> int:
        conversations = self.stories.store.conversations()
        return (conversations[-1] + 1) if conversations else 1


def parse_rating(text: str) -> Rating:
    try:
        return Rating.model_validate_json(text)
    except ValidationError as exc:
        raise AgentOutputError(f"The rating could not be read: {exc}") from exc


def parse_character_details(text: str) -> CharacterDetails:
    try:
        return CharacterDetails.model_validate_json(text)
    except ValidationError as exc:
        raise AgentOutputError(f"The character details could not be read: {exc}") from exc


def _known(character: Character) -> str:
    facts = [f"name {character.name}"]
    for label, value in (
        ("role", character.role),
        ("bio", character.bio),
        ("goals", character.goals),
        ("current state", character.current_state),
    ):
        if value:
            facts.append(f"{label}: {value}")
    if character.traits:
        facts.append("traits: " + ", ".join(character.traits))
    return "; ".join(facts)
