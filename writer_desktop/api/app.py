"""create_app(core): the seed's /api/v1 endpoints, /health and /docs over the Core's services,
exactly as the window uses them. Generating endpoints answer JSON, or server-sent events
(`stream: true` or `Accept: text/event-stream`); a client that goes away cancels its job."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sse_starlette.sse import EventSourceResponse

from writer_desktop import __version__
from writer_desktop.api.models import (
    AgentRequest,
    ChapterText,
    CharacterFeedbackRequest,
    ErrorOut,
    FleshOutRequest,
    GenerateChapterRequest,
    GenerationOut,
    LlmChatRequest,
    ModifyChapterRequest,
    ReviewRequest,
    StoryRef,
    TokenCountRequest,
    TokenCountResponse,
)
from writer_desktop.api.security import ApiError, BodyLimit, TokenCheck, error_response
from writer_desktop.api.streaming import events, until_done_or_gone
from writer_desktop.domain import Feedback, Rating, StructuredContextContainer
from writer_desktop.services import (
    AgentOutputError,
    AgentRun,
    ContextBudgetError,
    Core,
    JobFailedError,
    ModelLoadError,
    StoryChangedError,
    StoryFileError,
)
from writer_desktop.services.context_agents import with_chapter

log = logging.getLogger(__name__)

ERRORS = {401: {"model": ErrorOut}, 413: {"model": ErrorOut}, 422: {"model": ErrorOut}}
AGENT_ERRORS = {
    **ERRORS,
    404: {"model": ErrorOut},
    409: {"model": ErrorOut},
    503: {"model": ErrorOut},
}


def create_app(core: Core, manage_core: bool = True) -> FastAPI:
    """The API over `core`. With manage_core, the app starts the core's model on its loop
    at startup and shuts the core down at exit."""
    settings = core.settings

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if manage_core:
            core.start(asyncio.get_running_loop())
        try:
            yield
        finally:
            if manage_core:
                core.shutdown()

    app = FastAPI(
        title="Writer Assistant",
        version=__version__,
        description="The agents of Writer Assistant over HTTP: the same services as the app.",
        lifespan=lifespan,
    )
    if settings.api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.api_cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
        )
    app.add_middleware(BodyLimit, limit=settings.api_max_body_bytes)
    app.add_middleware(TokenCheck, token=settings.api_token)

    @app.exception_handler(ApiError)
    async def apierror_response(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.detail, exc.field)

    @app.exception_handler(ContextBudgetError)
    async def budgeterror_response(_request: Request, exc: ContextBudgetError) -> JSONResponse:
        return error_response(422, str(exc), "structured_context")

    @app.exception_handler(StoryFileError)
    async def storyerror_response(_request: Request, exc: StoryFileError) -> JSONResponse:
        return error_response(409, str(exc), "story")

    @app.exception_handler(StoryChangedError)
    async def changederror_response(_request: Request, exc: StoryChangedError) -> JSONResponse:
        return error_response(409, str(exc), "story")

    @app.exception_handler(JobFailedError)
    async def joberror_response(_request: Request, exc: JobFailedError) -> JSONResponse:
        return error_response(503, str(exc))

    @app.exception_handler(ModelLoadError)
    async def modelerror_response(_request: Request, exc: ModelLoadError) -> JSONResponse:
        return error_response(503, str(exc))

    @app.exception_handler(AgentOutputError)
    async def outputerror_response(_request: Request, exc: AgentOutputError) -> JSONResponse:
        return error_response(502, str(exc))

    # -- how every generating endpoint answers ---------------------------------------------

    async def model_ready() -> None:
        if await core.engine.wait_loaded() != "ready":
            raise ApiError(503, f"The model is not available: {core.engine.detail}")

    def open_story(ref: StoryRef) -> int | None:
        path = Path(ref.path).expanduser()
        if not path.is_file():
            raise ApiError(404, f"There is no story file at {ref.path}.", "story.path")
        current = core.stories.path
        if current is None or current.resolve() != path.resolve():
            core.stories.open_story(path)
        if ref.chapter_id is not None:
            try:
                core.stories.chapter(ref.chapter_id)
            except KeyError:
                raise ApiError(
                    404, f"{path.name} has no chapter {ref.chapter_id}.", "story.chapter_id"
                ) from None
        return ref.chapter_id

    def need_chapter(ref: StoryRef) -> int:
        chapter_id = open_story(ref)
        if chapter_id is None:
            raise ApiError(422, "This operation needs story.chapter_id.", "story.chapter_id")
        return chapter_id

    def shape(run: AgentRun, value: object) -> dict:
        result = run.generated
        assert result is not None
        out = GenerationOut(
            operation=run.operation,
            content=result.text.strip(),
            model=result.model_name,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            seconds=round(result.seconds, 3),
            cancelled=result.cancelled,
            finish_reason=result.finish_reason,
            context_tokens=run.prompt.report.prompt_tokens,
        )
        if isinstance(value, Rating):
            out.scores = value.model_dump()
        if isinstance(value, Feedback):
            out.saved = {"feedback_id": value.id, "chapter_id": value.chapter_id}
            if value.scores:
                out.scores = value.scores
        return out.model_dump()

    async def answer(
        request: Request, body: AgentRequest, start: Callable[[], Awaitable[AgentRun]]
    ) -> Any:
        await model_ready()
        run = await start()
        streaming = body.stream or "text/event-stream" in request.headers.get("accept", "")
        if streaming:
            return EventSourceResponse(events(run, shape), ping=15)
        return shape(run, await until_done_or_gone(request, run))

    def container_of(
        body: AgentRequest, chapter: ChapterText | None = None
    ) -> StructuredContextContainer:
        container = body.structured_context
        if chapter is not None:
            container = with_chapter(container, chapter.chapter_title, chapter.chapter_content)
        return container

    # -- endpoints -------------------------------------------------------------------------

    @app.get("/health", tags=["service"])
    async def health() -> dict:
        """The model's state, the archive's, and the jobs running."""
        return {
            "status": "ok",
            "version": __version__,
            "model": {"state": core.engine.state, "detail": core.engine.detail},
            "archive": {"enabled": core.archive.enabled, "error": core.archive.error},
            "story": str(core.stories.path) if core.stories.path else None,
            "jobs": len(core.jobs.live()),
        }

    @app.post(
        "/api/v1/generate-chapter",
        response_model=GenerationOut,
        responses=AGENT_ERRORS,
        tags=["writer"],
    )
    async def generate_chapter(request: Request, body: GenerateChapterRequest) -> Any:
        """A chapter from the plot and the story so far. With `story`, the text is
        written into that chapter (an empty or outline-only one), or a new one."""
        if body.story is not None:
            chapter_id = open_story(body.story)
            return await answer(
                request,
                body,
                lambda: core.agents.generate_chapter(
                    body.instructions, chapter_id, body.max_tokens, into_story=True
                ),
            )
        return await answer(
            request,
            body,
            lambda: core.context_agents.generate_chapter(
                container_of(body),
                body.chapter_title,
                body.outline,
                body.instructions,
                max_tokens=body.max_tokens,
                temperature=body.temperature,
            ),
        )

    @app.post(
        "/api/v1/modify-chapter",
        response_model=GenerationOut,
        responses=AGENT_ERRORS,
        tags=["writer"],
    )
    async def modify_chapter(request: Request, body: ModifyChapterRequest) -> Any:
        """The passage (or, with `story`, the chapter) rewritten by the instruction. Nothing
        is applied: the caller decides."""
        if body.story is not None:
            chapter_id = need_chapter(body.story)
            text = core.stories.chapter(chapter_id).content
            passage = body.passage or text
            return await answer(
                request,
                body,
                lambda: core.agents.modify(
                    chapter_id, text, passage, body.instruction, body.max_tokens
                ),
            )
        if not body.passage.strip():
            raise ApiError(422, "passage is empty.", "passage")
        return await answer(
            request,
            body,
            lambda: core.context_agents.modify_chapter(
                container_of(body),
                body.passage,
                body.instruction,
                max_tokens=body.max_tokens,
                temperature=body.temperature,
            ),
        )

    @app.post(
        "/api/v1/flesh-out", response_model=GenerationOut, responses=AGENT_ERRORS, tags=["writer"]
    )
    async def flesh_out(request: Request, body: FleshOutRequest) -> Any:
        """The passage expanded in the author's voice."""
        if body.story is not None:
            chapter_id = need_chapter(body.story)
            text = core.stories.chapter(chapter_id).content
            return await answer(
                request,
                body,
                lambda: core.agents.flesh_out(chapter_id, text, body.passage, body.max_tokens),
            )
        return await answer(
            request,
            body,
            lambda: core.context_agents.flesh_out(
                container_of(body),
                body.passage,
                max_tokens=body.max_tokens,
                temperature=body.temperature,
            ),
        )

    def review(operation: str):
        async def endpoint(request: Request, body: ReviewRequest) -> Any:
            if body.story is not None:
                chapter_id = need_chapter(body.story)
                return await answer(
                    request,
                    body,
                    lambda: core.agents.feedback(operation, chapter_id, None, body.max_tokens),
                )
            container = container_of(body, body)
            if operation == "rater_feedback":
                return await answer(
                    request,
                    body,
                    lambda: core.context_agents.rater_feedback(
                        container, temperature=body.temperature
                    ),
                )
            return await answer(
                request,
                body,
                lambda: core.context_agents.editor_review(
                    container, max_tokens=body.max_tokens, temperature=body.temperature
                ),
            )

        return endpoint

    app.post(
        "/api/v1/editor-review",
        response_model=GenerationOut,
        responses=AGENT_ERRORS,
        tags=["feedback"],
        summary="Editor review of the current chapter",
    )(review("editor_review"))
    app.post(
        "/api/v1/rater-feedback",
        response_model=GenerationOut,
        responses=AGENT_ERRORS,
        tags=["feedback"],
        summary="Scores 1-10 for overall, prose, pacing, characters, dialogue, engagement",
    )(review("rater_feedback"))

    @app.post(
        "/api/v1/character-feedback",
        response_model=GenerationOut,
        responses=AGENT_ERRORS,
        tags=["feedback"],
    )
    async def character_feedback(request: Request, body: CharacterFeedbackRequest) -> Any:
        """A character on the current chapter, in their own voice."""
        if body.story is not None:
            chapter_id = need_chapter(body.story)
            character = next(
                (c for c in core.stories.characters() if c.name == body.character_name), None
            )
            if character is None:
                raise ApiError(
                    404, f"The story has no character {body.character_name!r}.", "character_name"
                )
            return await answer(
                request,
                body,
                lambda: core.agents.feedback(
                    "character_feedback", chapter_id, character, body.max_tokens
                ),
            )
        return await answer(
            request,
            body,
            lambda: core.context_agents.character_feedback(
                container_of(body, body),
                body.character_name,
                max_tokens=body.max_tokens,
                temperature=body.temperature,
            ),
        )

    @app.post(
        "/api/v1/llm-chat", response_model=GenerationOut, responses=AGENT_ERRORS, tags=["chat"]
    )
    async def llm_chat(request: Request, body: LlmChatRequest) -> Any:
        """Talk about the story: the last message is the question, the others history."""
        *history, last = body.messages
        if last.role != "user" or not last.content.strip():
            raise ApiError(422, "The last message must be the user's question.", "messages")
        if body.story is not None:
            open_story(body.story)
            conversation = core.agents.new_conversation()
            return await answer(
                request,
                body,
                lambda: core.agents.chat(
                    conversation, last.content, body.story.chapter_id, body.max_tokens
                ),
            )
        return await answer(
            request,
            body,
            lambda: core.context_agents.chat(
                container_of(body),
                last.content,
                [(m.role, m.content) for m in history],
                max_tokens=body.max_tokens,
                temperature=body.temperature,
            ),
        )

    @app.post(
        "/api/v1/tokens/count",
        response_model=TokenCountResponse,
        responses=ERRORS,
        tags=["service"],
    )
    async def count_tokens(body: TokenCountRequest) -> TokenCountResponse:
        """Tokens in a text, by the model's own tokenizer (exact), tiktoken or an estimate."""
        tokens, strategy = await asyncio.to_thread(
            core.context.count_tokens, body.text, body.strategy
        )
        return TokenCountResponse(tokens=tokens, strategy=strategy, characters=len(body.text))

    return app
