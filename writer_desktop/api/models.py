"""Request and response bodies of the HTTP API. Requests take the seed's
`structured_context` (a StructuredContextContainer) or a story file's chapter."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from writer_desktop.domain import StructuredContextContainer

TEXT_LIMIT = 2_000_000  # characters in any one text field


class StoryRef(BaseModel):
    """A chapter of a story file, for the story-scoped forms: the story opens in the
    server (one at a time; opening another cancels the first one's jobs)."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, max_length=4096, description="Path of a .wstory file")
    chapter_id: int | None = Field(None, ge=1, description="The chapter worked on")


class AgentRequest(BaseModel):
    """What every generating request may carry."""

    model_config = ConfigDict(extra="forbid")

    structured_context: StructuredContextContainer = Field(
        default_factory=StructuredContextContainer,
        description="The seed's structured context: plot elements, characters, requests, "
        "system instructions, chapters and metadata (metadata.story_title names the story)",
    )
    story: StoryRef | None = Field(
        None, description="Work on a story file's chapter instead of structured_context"
    )
    max_tokens: int | None = Field(None, ge=1, le=32768)
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    stream: bool = Field(
        False, description="Answer as server-sent events (or send Accept: text/event-stream)"
    )


class ChapterText(BaseModel):
    """The chapter under review, when it is not in structured_context.chapters."""

    chapter_title: str = Field("", max_length=500)
    chapter_content: str = Field("", max_length=TEXT_LIMIT)


class GenerateChapterRequest(AgentRequest):
    chapter_title: str = Field("", max_length=500)
    outline: str = Field("", max_length=TEXT_LIMIT)
    instructions: str = Field("", max_length=TEXT_LIMIT)


class ModifyChapterRequest(AgentRequest):
    passage: str = Field(
        "",
        max_length=TEXT_LIMIT,
        description="The text to rewrite (with a story: the chapter's text when empty)",
    )
    instruction: str = Field(min_length=1, max_length=10_000)


class FleshOutRequest(AgentRequest):
    passage: str = Field(min_length=1, max_length=TEXT_LIMIT)


class ReviewRequest(AgentRequest, ChapterText):
    pass


class CharacterFeedbackRequest(AgentRequest, ChapterText):
    character_name: str = Field(min_length=1, max_length=200)


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=TEXT_LIMIT)


class LlmChatRequest(AgentRequest):
    messages: list[ChatMessageIn] = Field(
        min_length=1, max_length=200, description="The conversation; the last is the question"
    )


class TokenCountRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=20_000_000)
    strategy: Literal["exact", "tiktoken", "estimate"] | None = None


class TokenCountResponse(BaseModel):
    tokens: int
    strategy: str
    characters: int


class GenerationOut(BaseModel):
    """A finished operation."""

    operation: str
    content: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    cancelled: bool
    finish_reason: str | None
    context_tokens: int = Field(description="Tokens of context the prompt carried")
    scores: dict[str, Any] | None = None
    saved: dict[str, Any] | None = Field(
        None, description="What the story-scoped form wrote into the story file"
    )


class ErrorOut(BaseModel):
    detail: str
    field: str | None = None
