"""Every agent operation: its template, agent, settings, phase and output schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from writer_desktop.domain import RATER_ASPECTS

# Plain words only: the grammar keeps control characters and quotes out of the reasons.
_REASON = {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9 ,.;:'()-]{2,40}$"}
_WORD = {"type": "string", "pattern": "^[A-Za-z][A-Za-z -]{1,30}$"}
_TEXT = {"type": "string", "pattern": '^[^"\\\\\\x00-\\x1f]{1,600}$'}

RATING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        aspect: {
            "type": "object",
            "properties": {
                "score": {"type": "integer", "enum": list(range(1, 11))},
                "reason": _REASON,
            },
            "required": ["score", "reason"],
        }
        for aspect in RATER_ASPECTS
    },
    "required": list(RATER_ASPECTS),
}

CHARACTER_DETAILS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "role": _TEXT,
        "bio": _TEXT,
        "goals": _TEXT,
        "current_state": _TEXT,
        "traits": {"type": "array", "items": _WORD, "minItems": 1, "maxItems": 6},
    },
    "required": ["role", "bio", "goals", "current_state", "traits"],
}


def outlines_schema(count: int) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "chapters": {
                "type": "array",
                "minItems": count,
                "maxItems": count,
                "items": {
                    "type": "object",
                    "properties": {"title": _TEXT, "outline": _TEXT},
                    "required": ["title", "outline"],
                },
            }
        },
        "required": ["chapters"],
    }


@dataclass(frozen=True)
class Operation:
    name: str
    agent: str  # which agent's context filters apply
    endpoint: str  # ENDPOINT_<endpoint>_TEMPERATURE / _MAX_TOKENS
    phase: str
    schema: dict[str, Any] | None = None

    @property
    def template(self) -> str:
        return self.name


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation("generate_chapter", "writer", "writer", "draft"),
        Operation("continue_chapter", "writer", "writer", "draft"),
        Operation("modify_chapter", "writer", "modify", "revise"),
        Operation("flesh_out", "writer", "flesh_out", "revise"),
        Operation("editor_review", "editor", "editor", "review"),
        Operation("character_feedback", "character", "character", "review"),
        Operation("rater_feedback", "rater", "rater", "review", RATING_SCHEMA),
        Operation(
            "character_details", "writer", "character_details", "plan", CHARACTER_DETAILS_SCHEMA
        ),
        Operation("regenerate_bio", "writer", "bio", "plan"),
        Operation("chapter_outlines", "writer", "outline", "plan"),
        Operation("chat", "chat", "chat", "chat"),
    )
}

REVIEW_OPERATIONS: tuple[str, ...] = ("editor_review", "character_feedback", "rater_feedback")
