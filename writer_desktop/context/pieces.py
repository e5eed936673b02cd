"""Turning a container's elements into prompt pieces: layer, text, priority, how to shorten."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from writer_desktop.domain import (
    PRIORITY_RANK,
    ChapterContext,
    CharacterContext,
    PlotElement,
    StructuredContextContainer,
    SystemInstruction,
    UserRequest,
)

Element = PlotElement | CharacterContext | UserRequest | SystemInstruction | ChapterContext
ElementFilter = Callable[[Any], bool]
# Chapters this close to the current one are medium priority; older ones are low.
RECENT_CHAPTERS = 2
# Scene elements describe the scene at hand: they go with the characters in layer D.
SCENE_TYPES = {"scene", "setting"}


@dataclass
class Piece:
    """One element as it will stand in the prompt."""

    layer: str
    section: str
    label: str
    text: str
    priority: str
    kind: str
    order: int = 0
    shared: bool = True
    # "tail": keep the end when too long (a chapter); "summary": distil; "never": must fit.
    shorten: Literal["tail", "summary", "never"] = "summary"
    source: Any = field(default=None, repr=False)

    @property
    def rank(self) -> tuple[int, int]:
        return PRIORITY_RANK[self.priority], self.order


def as_piece(text: str) -> str:
    """Every piece is stripped and ends in one newline, so that token counts of pieces add
    up exactly to the count of the whole (no token spans a piece boundary)."""
    return text.strip() + "\n"


def _restricted_to(element: Any) -> list[str]:
    if isinstance(element, SystemInstruction):
        return list(element.applies_to)
    agents = element.metadata.get("agents") if element.metadata else None
    return list(agents) if agents else []


def passes(element: Any, agent: str, phase: str, filters: tuple[ElementFilter, ...]) -> bool:
    agents = _restricted_to(element)
    if agents and agent not in agents:
        return False
    phases = element.metadata.get("phases") if element.metadata else None
    if phases and phase not in phases:
        return False
    return all(f(element) for f in filters)


def format_character(c: CharacterContext) -> str:
    head = c.character_name + (f" ({c.role})" if c.role else "")
    parts = [f"- {head}"]
    if c.bio:
        parts.append(f"Bio: {c.bio}")
    if c.goals:
        parts.append(f"Goals: {c.goals}")
    if c.current_state:
        parts.append(f"Now: {c.current_state}")
    if c.traits:
        parts.append(f"Traits: {', '.join(c.traits)}")
    if c.relationships:
        parts.append("Relationships: " + "; ".join(f"{k}: {v}" for k, v in c.relationships.items()))
    if c.recent_actions:
        parts.append("Recently: " + "; ".join(c.recent_actions))
    return as_piece(" ".join(p.replace("\n", " ") for p in parts))


def format_plot(p: PlotElement) -> str:
    tags = f" [{', '.join(p.tags)}]" if p.tags else ""
    title = f" “{p.title}”" if p.title else ""
    return as_piece(f"- {p.type}{title}{tags}: {p.content}".replace("\n", " "))


def build_pieces(
    container: StructuredContextContainer,
    agent: str,
    phase: str,
    filters: tuple[ElementFilter, ...] = (),
) -> tuple[list[Piece], list[Any]]:
    """All pieces that pass the filters, and the elements filtered out."""
    pieces: list[Piece] = []
    filtered: list[Any] = []

    def add(element: Any, piece: Piece) -> None:
        if not passes(element, agent, phase, filters):
            filtered.append((piece.label, element))
            return
        piece.shared = not _restricted_to(element)
        piece.source = element
        pieces.append(piece)

    for i, instruction in enumerate(container.system_instructions):
        add(
            instruction,
            Piece(
                "A",
                "Instructions",
                f"instruction: {instruction.content[:40]}",
                as_piece(f"- {instruction.content}"),
                instruction.priority,
                "instruction",
                i,
                shorten="never",
            ),
        )
    for i, request in enumerate(container.user_requests):
        piece = Piece(
            "A",
            "Requests",
            f"{request.type}: {request.content[:40]}",
            as_piece(f"- ({request.type}) {request.content}"),
            request.priority,
            "request",
            i,
            shorten="never",
        )
        add(request, piece)
        piece.shared = False  # a request is the asking agent's own
    for i, character in enumerate(container.character_contexts):
        add(
            character,
            Piece(
                "D",
                "Characters",
                f"character: {character.character_name}",
                format_character(character),
                character.priority,
                "character",
                i,
            ),
        )
    for i, element in enumerate(container.plot_elements):
        layer = "D" if element.type in SCENE_TYPES else "E"
        section = "Scene" if layer == "D" else "Plot and world"
        add(
            element,
            Piece(
                layer,
                section,
                f"{element.type}: {element.title or element.content[:40]}",
                format_plot(element),
                element.priority,
                "plot",
                i,
            ),
        )
    pieces.extend(_chapter_pieces(container, agent, phase, filters, filtered))
    return pieces, filtered


def _chapter_pieces(
    container: StructuredContextContainer,
    agent: str,
    phase: str,
    filters: tuple[ElementFilter, ...],
    filtered: list[Any],
) -> list[Piece]:
    chapters = sorted(container.chapters, key=lambda c: c.position)
    current = next((i for i, c in enumerate(chapters) if c.is_current), len(chapters) - 1)
    pieces = []
    # The current chapter and those before it: what a reader has read so far.
    for distance, chapter in enumerate(reversed(chapters[: current + 1])):
        if not passes(chapter, agent, phase, filters):
            filtered.append((f"chapter: {chapter.title}", chapter))
            continue
        if chapter.is_current:
            priority = "high"
        elif distance <= RECENT_CHAPTERS:
            priority = "medium"
        else:
            priority = "low"
        if chapter.priority == "high" and not chapter.is_current:
            priority = "high"
        text = as_piece(chapter.content) if chapter.content.strip() else ""
        pieces.append(
            Piece(
                "C",
                f"Chapter: {chapter.title}",
                f"chapter: {chapter.title}",
                text,
                priority,
                "chapter",
                distance,
                shorten="tail" if chapter.is_current else "never",
                source=chapter,
            )
        )
    return pieces
