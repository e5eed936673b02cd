"""AgentService: every agent operation as an awaitable call that assembles the context,
queues a job for the open story and returns an AgentRun: its tokens as an async stream, and
`await run.result()` for what the operation produced (written into the story that asked for
it, and only that one)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

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
from writer_desktop.inference import GenerationJob, GenerationResult
from writer_desktop.services.activity import OPERATION_NAMES
from writer_desktop.services.context_service import ContextService
from writer_desktop.services.distill_service import DistillService
from writer_desktop.services.errors import AgentOutputError
from writer_desktop.services.jobs import Generation, JobService
from writer_desktop.services.story_service import StoryService, StorySession

CHAT_HISTORY_TURNS = 6
T = TypeVar("T")


@dataclass
class AgentRun(Generic[T]):
    """A started operation. `async for token in run` streams the answer; `await
    run.result()` finishes it: the operation's value, written into the story it belongs to
    (StoryChangedError if that story was closed meanwhile; JobFailedError if the model
    failed). Cancel with run.cancel() or by cancelling the task that awaits it."""

    operation: str
    chapter_id: int | None
    prompt: AssembledPrompt
    session: StorySession | None
    generation: Generation
    stories: StoryService = field(repr=False)
    finish: Callable[[GenerationResult], T] = field(repr=False)
    extra: dict[str, Any] = field(default_factory=dict)
    generated: GenerationResult | None = None

    def __aiter__(self) -> Generation:
        return self.generation.__aiter__()

    async def result(self) -> T:
        self.generated = await self.generation.result()
        if self.session is not None:
            self.stories.require(self.session)
        return self.finish(self.generated)

    def cancel(self) -> None:
        self.generation.cancel()

    @property
    def cancelled(self) -> bool:
        return self.generation.cancelled


def _not_current_chapter(element: object) -> bool:
    return not (isinstance(element, ChapterContext) and element.is_current)


def _same(result: GenerationResult) -> GenerationResult:
    return result


class AgentService:
    """The agents' operations for the open story: writing, feedback, the bible, chat."""

    def __init__(
        self,
        stories: StoryService,
        jobs: JobService,
        prompts: PromptLibrary,
        settings: Settings,
        context: ContextService,
        distill: DistillService,
    ) -> None:
        self.stories = stories
        self.jobs = jobs
        self.prompts = prompts
        self.settings = settings
        self.context = context
        self.distill = distill

    # -- the one way every operation starts ------------------------------------------------

    async def start(
        self,
        operation: str,
        chapter_id: int | None,
        values: dict[str, str],
        finish: Callable[[GenerationResult], T],
        *,
        reserve_tokens: int | None = None,
        max_tokens: int | None = None,
        requests: list[str] | None = None,
        custom_filters: tuple = (),
        schema: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> AgentRun[T]:
        """Assemble the open story's context, queue, and return the run. Raises
        ContextBudgetError when the context cannot fit, StoryFileError when no story is
        open."""
        session = self.stories.session
        op = OPERATIONS[operation]
        max_tokens = max_tokens or self.settings.endpoint(op.endpoint).max_tokens
        role, task = self.prompts.get(op.template).role_and_task(**values)
        prompt = await self.context.assemble(
            op.agent,
            chapter_id,
            role,
            task,
            reserve_tokens=reserve_tokens or max_tokens,
            requests=requests,
            phase=op.phase,
            custom_filters=custom_filters,
        )
        run = self.launch(
            operation,
            prompt,
            finish,
            session,
            chapter_id=chapter_id,
            max_tokens=max_tokens,
            schema=schema,
            extra=extra,
        )
        self.distill.queue(prompt.report.needs_summary)
        return run

    def launch(
        self,
        operation: str,
        prompt: AssembledPrompt,
        finish: Callable[[GenerationResult], T],
        session: StorySession | None,
        *,
        chapter_id: int | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        schema: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> AgentRun[T]:
        """Queue an assembled prompt as the operation's job, for the story of `session`
        (None: for no story). Sampling comes from the operation's ENDPOINT_* settings
        unless given."""
        op = OPERATIONS[operation]
        params = self.settings.endpoint(op.endpoint)
        schema = schema or op.schema
        job = GenerationJob(
            messages=prompt.messages(),
            temperature=params.temperature if temperature is None else temperature,
            max_tokens=max_tokens or params.max_tokens,
            operation=operation,
            response_format={"type": "json_object", "schema": schema} if schema else None,
        )
        generation = self.jobs.generate(
            job, session, self._activity_name(operation, chapter_id, extra)
        )
        return AgentRun(
            operation, chapter_id, prompt, session, generation, self.stories, finish, extra or {}
        )

    def _activity_name(
        self, operation: str, chapter_id: int | None, extra: dict[str, Any] | None
    ) -> str:
        """The job's name in the activity list: "Review: Editor · Chapter 3"."""
        name = OPERATION_NAMES.get(operation, (operation.replace("_", " ").capitalize(), ""))[0]
        character = (extra or {}).get("character_name")
        if character:
            name = f"Review: {character}"
        if chapter_id is not None and self.stories.is_open:
            # A chapter deleted meanwhile: the name alone says enough.
            with contextlib.suppress(KeyError):
                name = f"{name} · {self.stories.chapter(chapter_id).title}"
        return name

    # -- writing ---------------------------------------------------------------------------

    async def continue_chapter(
        self, chapter_id: int, current_text: str, max_tokens: int | None = None
    ) -> AgentRun[GenerationResult]:
        """Save the text, queue a continuation, keep a snapshot of what it continues. The
        caller inserts the tokens where the chapter ends."""
        chapter = self.stories.chapter(chapter_id)
        if chapter.content != current_text:  # the window has saved it already
            self.stories.save_chapter_text(chapter_id, current_text)
        run = await self.start(
            "continue_chapter",
            chapter_id,
            {"chapter_title": chapter.title},
            _same,
            max_tokens=max_tokens,
        )
        self.stories.snapshot_chapter(chapter_id, current_text, "before Continue chapter")
        return run

    async def generate_chapter(
        self,
        instructions: str = "",
        chapter_id: int | None = None,
        max_tokens: int | None = None,
        into_story: bool = False,
    ) -> AgentRun[GenerationResult]:
        """Write a chapter: into the outline-only chapter given, else into a new one
        (run.extra["new_chapter"]). The window streams the text into its editor; with
        `into_story` (no editor: the HTTP API) the result is appended to the chapter."""
        chapter = self.stories.chapter(chapter_id) if chapter_id else self.stories.add_chapter()
        assert chapter.id is not None
        target = chapter.id

        def write(result: GenerationResult) -> GenerationResult:
            text = result.text.strip()
            if into_story and text:
                before = self.stories.chapter(target).content.rstrip()
                self.stories.save_chapter_text(target, f"{before}\n\n{text}" if before else text)
            return result

        values = {
            "chapter_title": chapter.title,
            "outline": chapter.outline or "(none: follow the plot)",
            "instructions": instructions or "(none)",
        }
        requests = [instructions] if instructions.strip() else None
        return await self.start(
            "generate_chapter",
            chapter.id,
            values,
            write,
            requests=requests,
            max_tokens=max_tokens,
            extra={"new_chapter": chapter},
        )

    async def modify(
        self,
        chapter_id: int,
        full_text: str,
        passage: str,
        instruction: str,
        max_tokens: int | None = None,
    ) -> AgentRun[GenerationResult]:
        """Rewrite `passage` (the chapter or a selection) by an instruction."""
        self.stories.save_chapter_text(chapter_id, full_text)
        self.stories.snapshot_chapter(chapter_id, full_text, f"before Modify: {instruction}")
        values = {"instruction": instruction, "passage": passage.strip()}
        # The passage is in the task already: the chapter need not be in the context twice.
        return await self.start(
            "modify_chapter",
            chapter_id,
            values,
            _same,
            max_tokens=max_tokens,
            custom_filters=(_not_current_chapter,),
            extra={"passage": passage},
        )

    async def flesh_out(
        self, chapter_id: int, full_text: str, passage: str, max_tokens: int | None = None
    ) -> AgentRun[GenerationResult]:
        """Expand `passage`; the caller puts the tokens in its place."""
        self.stories.save_chapter_text(chapter_id, full_text)
        self.stories.snapshot_chapter(chapter_id, full_text, "before Flesh out")
        return await self.start(
            "flesh_out",
            chapter_id,
            {"passage": passage.strip()},
            _same,
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

    async def feedback(
        self,
        operation: str,
        chapter_id: int,
        character: Character | None = None,
        max_tokens: int | None = None,
    ) -> AgentRun[Feedback | None]:
        """Editor review, Character feedback (needs `character`) or Rater feedback. The
        result is kept with the chapter (None when stopped); a rating is checked against
        its schema (AgentOutputError)."""
        chapter = self.stories.chapter(chapter_id)
        values = {"chapter_title": chapter.title}
        character_name = ""
        if operation == "character_feedback":
            if character is None:
                raise ValueError("Character feedback needs a character")
            values |= {
                "character_name": character.name,
                "character_role": f", {character.role}" if character.role else "",
                "character_state": character.current_state or "as the chapter leaves you",
                "character_goals": character.goals or "what you have always wanted",
            }
            character_name = character.name

        def record(result: GenerationResult) -> Feedback | None:
            if result.cancelled:
                return None
            if not result.text.strip():
                raise AgentOutputError("The model gave no answer (only blank lines); run it again.")
            scores = None
            if operation == "rater_feedback":
                scores = parse_rating(result.text).model_dump()
            return self.stories.add_feedback(
                Feedback(
                    chapter_id=chapter_id,
                    agent=OPERATIONS[operation].agent,
                    character_name=character_name,
                    content=result.text.strip(),
                    scores=scores,
                    model=result.model_name,
                )
            )

        return await self.start(
            operation,
            chapter_id,
            values,
            record,
            reserve_tokens=self.review_reserve(),
            max_tokens=max_tokens,
            extra={"character_name": character_name},
        )

    def history(self, chapter_id: int, agent: str) -> list[Feedback]:
        """Earlier feedback of one agent for a chapter, newest first."""
        return self.stories.feedback(chapter_id, agent)

    # -- the story bible -------------------------------------------------------------------

    async def character_details(
        self, character: Character, chapter_id: int | None
    ) -> AgentRun[CharacterDetails]:
        """Proposed details for a character (nothing is saved: the author decides)."""
        return await self.start(
            "character_details",
            chapter_id,
            {"character_name": character.name, "known": _known(character)},
            lambda result: parse_character_details(result.text),
            requests=[f"About {character.name}"],
        )

    async def regenerate_bio(self, character: Character, chapter_id: int | None) -> AgentRun[str]:
        """A proposed new bio (nothing is saved: the author decides)."""
        return await self.start(
            "regenerate_bio",
            chapter_id,
            {"character_name": character.name, "known": _known(character)},
            lambda result: result.text.strip(),
            requests=[f"About {character.name}"],
        )

    async def chapter_outlines(self, count: int, chapter_id: int | None) -> AgentRun[list[Chapter]]:
        """Plan `count` chapters; the result adds them as outline-only chapters at the end
        of the binder of the story that asked (none when stopped)."""
        chapters = self.stories.chapters()
        last = chapters[-1].title if chapters else "the beginning"
        return await self.start(
            "chapter_outlines",
            chapter_id,
            {"count": str(count), "last_title": last},
            self._add_outlines,
            schema=outlines_schema(count),
        )

    def _add_outlines(self, result: GenerationResult) -> list[Chapter]:
        if result.cancelled:
            return []
        try:
            outlines = ChapterOutlines.model_validate_json(result.text)
        except ValidationError as exc:
            raise AgentOutputError(f"The outlines could not be read: {exc}") from exc
        added = []
        for item in outlines.chapters:
            chapter = self.stories.add_chapter(item.title.strip() or None)
            assert chapter.id is not None
            self.stories.set_outline(chapter.id, item.outline.strip())
            added.append(self.stories.chapter(chapter.id))
        return added

    # -- chat ------------------------------------------------------------------------------

    async def chat(
        self,
        conversation: int,
        question: str,
        chapter_id: int | None,
        max_tokens: int | None = None,
    ) -> AgentRun[ChatMessage | None]:
        """Ask about the manuscript; the question is kept at once, the answer when it ends
        (in the story that asked)."""
        history = self.stories.chat_messages(conversation)[-CHAT_HISTORY_TURNS:]
        self.stories.add_chat_message(conversation, "user", question)
        lines = [f"{'Author' if m.role == 'user' else 'You'}: {m.content}" for m in history]
        values = {"history": "\n".join(lines), "question": question}

        def record(result: GenerationResult) -> ChatMessage | None:
            if not result.text.strip():
                return None
            return self.stories.add_chat_message(conversation, "assistant", result.text.strip())

        return await self.start(
            "chat",
            chapter_id,
            values,
            record,
            max_tokens=max_tokens,
            requests=[question],
            extra={"conversation": conversation},
        )

    def conversations(self) -> list[int]:
        return self.stories.conversations()

    def chat_messages(self, conversation: int) -> list[ChatMessage]:
        return self.stories.chat_messages(conversation)

    def new_conversation(self) -> int:
        conversations = self.stories.conversations()
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
