"""What the agents hand back: ratings, character details, chapter outlines."""

from __future__ import annotations

from pydantic import BaseModel, Field

RATER_ASPECTS: tuple[str, ...] = (
    "overall",
    "prose",
    "pacing",
    "characters",
    "dialogue",
    "engagement",
)


class AspectScore(BaseModel):
    score: int = Field(ge=1, le=10)
    reason: str


class Rating(BaseModel):
    overall: AspectScore
    prose: AspectScore
    pacing: AspectScore
    characters: AspectScore
    dialogue: AspectScore
    engagement: AspectScore

    def scores(self) -> dict[str, int]:
        return {aspect: getattr(self, aspect).score for aspect in RATER_ASPECTS}


class CharacterDetails(BaseModel):
    role: str = ""
    bio: str = ""
    goals: str = ""
    current_state: str = ""
    traits: list[str] = Field(default_factory=list)


class ChapterOutline(BaseModel):
    title: str
    outline: str


class ChapterOutlines(BaseModel):
    chapters: list[ChapterOutline]
