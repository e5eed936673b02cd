"""The count and fit steps: share the budget out, then fit each layer's pieces into it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from writer_desktop.context.budget import LAYER_NAMES, LAYERS, ContextBudgetError
from writer_desktop.context.cutting import head, sentences, tail
from writer_desktop.context.pieces import Piece, as_piece
from writer_desktop.domain import PRIORITY_RANK

Status = Literal["included", "trimmed", "summarised", "dropped", "filtered"]
# Looks up a cached summary: (kind, text) -> summary or None.
SummaryLookup = Callable[[str, str], str | None]
Count = Callable[[str], int]
MIN_SUMMARY_TOKENS = 8
SUMMARY_SECTION = "Earlier chapters (summaries)"


# -- the steps' values -----------------------------------------------------------------------


@dataclass
class ElementReport:
    """What became of one element: its layer, status (included, trimmed, ...) and tokens."""

    layer: str
    label: str
    priority: str
    status: Status
    tokens: int
    note: str = ""


@dataclass(frozen=True)
class Budget:
    """The count step's result: how the prompt's tokens are shared out.

    `tail_reserve` of the `total` is kept for the agent's own part, `allowed` is each
    layer's share of the rest; `base_tokens` (the shared instructions) and `frame_tokens`
    (the agent's role and task) are what layer A spends before any piece.
    """

    total: int
    tail_reserve: int
    allowed: dict[str, int]
    base_tokens: int
    frame_tokens: int


@dataclass(frozen=True)
class PieceFit:
    """How one piece stands in the room it has; `text` is None when it cannot fit."""

    text: str | None
    status: Status = "included"
    note: str = ""
    # The model should be asked to summarise the piece, for next time.
    wants_summary: bool = False


@dataclass
class LayerFit:
    """What one layer kept of its pieces, and what became of the others.

    `chosen` holds the kept pieces with the text each stands as, `tokens` what they and
    their headings cost, `reports` one entry per piece (included, trimmed, summarised or
    dropped), `needs_summary` the texts the model should summarise, and `spill` the
    summaries of dropped chapters, which go on to layer E.
    """

    layer: str
    chosen: list[tuple[Piece, str]] = field(default_factory=list)
    tokens: int = 0
    reports: list[ElementReport] = field(default_factory=list)
    needs_summary: list[tuple[str, str]] = field(default_factory=list)
    spill: list[Piece] = field(default_factory=list)

    def has_section(self, section: str) -> bool:
        """Whether a kept piece already paid for this section's heading."""
        return any(piece.section == section for piece, _ in self.chosen)

    def keep(self, piece: Piece, fitted: PieceFit, tokens: int, heading_tokens: int) -> None:
        """Take the piece in as `fitted.text`, which costs `tokens` (and its heading)."""
        assert fitted.text is not None
        self.tokens += heading_tokens + tokens
        self.chosen.append((piece, fitted.text))
        self.reports.append(
            ElementReport(
                self.layer, piece.label, piece.priority, fitted.status, tokens, fitted.note
            )
        )

    def drop(self, piece: Piece, why: str, summaries: SummaryLookup) -> None:
        """Leave the piece out. A chapter that leaves layer C comes back as its cached
        summary in layer E; without one, the model is asked for it."""
        if piece.kind == "chapter" and piece.layer == "C":
            cached = summaries("chapter", piece.text)
            if cached:
                self.spill.append(summary_piece(piece, cached))
                why = "summary in layer E"
            else:
                self.needs_summary.append(("chapter", piece.text))
                why = "summary pending"
        self.reports.append(
            ElementReport(piece.layer, piece.label, piece.priority, "dropped", 0, why)
        )


# -- filter ----------------------------------------------------------------------------------


def split_shared(pieces: list[Piece]) -> tuple[list[Piece], list[Piece]]:
    """The pieces every agent sees (the shared part) and those only this agent sees."""
    return [p for p in pieces if p.shared], [p for p in pieces if not p.shared]


# -- count -----------------------------------------------------------------------------------


def own_need(own: list[Piece], frame: str, count: Count) -> int:
    """Tokens the agent's own part asks for: its role and task, its pieces and headings."""
    return count(frame) + sum(count(p.text) + count(heading(p.section)) for p in own)


def layer_demands(
    shared: list[Piece], base_tokens: int, limit: int, count: Count, summaries: SummaryLookup
) -> dict[str, int]:
    """Tokens each layer of the shared part asks for, counting only what could fit: once a
    layer asks for more than `limit`, its later pieces are not counted (a long story is not
    counted whole). Layer A starts with the shared instructions, `base_tokens`."""
    demands = {layer: 0 for layer in LAYERS}
    demands["A"] = base_tokens
    for piece in shared:
        if demands[piece.layer] <= limit:
            tokens = piece_tokens(piece, limit, count)
            demands[piece.layer] += tokens + count(heading(piece.section))
    # A chapter that does not fit in C comes back as its summary in E: E may need that.
    for piece in shared:
        if piece.kind == "chapter" and piece.shorten != "tail":
            summary = summaries("chapter", piece.text)
            if summary:
                demands["E"] += count(as_piece(summary))
    if demands["E"]:
        demands["E"] += count(heading(SUMMARY_SECTION))
    return demands


# -- sort and fit ----------------------------------------------------------------------------


def by_priority(pieces: list[Piece]) -> list[Piece]:
    """Highest priority first; within a priority, by order (a chapter's distance back)."""
    return sorted(pieces, key=lambda p: p.rank)


def piece_tokens(piece: Piece, room: int, count: Count) -> int:
    """The piece's tokens. A current chapter far longer than `room` (it will be cut at its
    end) is not counted whole: the sum of its sentences' counts stands for it, so that
    after an edit only the changed sentences are counted."""
    if piece.shorten == "tail":
        estimate = sentences(piece.text, count).total
        if estimate > room + room // 8 + 16:
            return estimate
    return count(piece.text)


def fit_piece(piece: Piece, room: int, count: Count, summaries: SummaryLookup) -> PieceFit:
    """The piece whole if it fits in `room` tokens, else its end (a current chapter) or a
    summary (see `summarise`), else no text."""
    if piece_tokens(piece, room, count) <= room:
        return PieceFit(piece.text)
    if piece.shorten == "tail" and room >= MIN_SUMMARY_TOKENS:
        return PieceFit(tail(piece.text, room, count), "trimmed", "kept the end")
    if piece.shorten == "summary":
        return summarise(piece, room, count, summaries)
    return PieceFit(None)


def summarise(piece: Piece, room: int, count: Count, summaries: SummaryLookup) -> PieceFit:
    """A cached model summary if it fits, else the opening sentences that fit (and, with no
    summary cached, the model is asked for one for next time)."""
    if room < MIN_SUMMARY_TOKENS:
        return PieceFit(None)
    cached = summaries(piece.kind, piece.text)
    if cached and count(as_piece(cached)) <= room:
        return PieceFit(as_piece(cached), "summarised", "model summary")
    opening = head(piece.text, room, count)
    if opening is None:
        return PieceFit(None, wants_summary=not cached)
    return PieceFit(
        opening, "summarised", "opening kept; model summary pending", wants_summary=not cached
    )


def fit_layer(
    layer: str, pieces: list[Piece], room: int, count: Count, summaries: SummaryLookup
) -> LayerFit:
    """Fill one layer with up to `room` tokens, greedy by priority; once a priority level
    loses a piece, lower levels are dropped. Raises ContextBudgetError when a high-priority
    piece cannot be made to fit."""
    fit = LayerFit(layer)
    dropped_rank: int | None = None
    chapter_dropped = False
    for piece in by_priority(pieces):
        knock_on = _knock_on(piece, dropped_rank, chapter_dropped)
        if knock_on:
            fit.drop(piece, knock_on, summaries)
            continue
        if not piece.text:
            continue
        heading_tokens = 0 if fit.has_section(piece.section) else count(heading(piece.section))
        left = room - fit.tokens - heading_tokens
        fitted = fit_piece(piece, left, count, summaries)
        if fitted.wants_summary:
            fit.needs_summary.append((piece.kind, piece.text))
        if fitted.text is None:
            if piece.priority == "high":
                raise _cannot_fit(piece, layer, left, count)
            dropped_rank = PRIORITY_RANK[piece.priority]
            chapter_dropped = chapter_dropped or piece.kind == "chapter"
            fit.drop(piece, "over budget", summaries)
            continue
        fit.keep(piece, fitted, count(fitted.text), heading_tokens)
    return fit


def fit_shared(
    shared: list[Piece], budget: Budget, count: Count, summaries: SummaryLookup
) -> list[LayerFit]:
    """Fit the shared part, layer by layer, each in its allowed share; the summaries of
    chapters dropped from C join layer E. Raises ContextBudgetError when the shared
    instructions alone do not fit."""
    if budget.base_tokens > budget.allowed["A"] + budget.tail_reserve:
        raise ContextBudgetError(
            f"The shared instructions need {budget.base_tokens} tokens; the budget is "
            f"{budget.total}. Raise LLM_N_CTX."
        )
    fits: list[LayerFit] = []
    spill: list[Piece] = []
    for layer in LAYERS:
        pieces = [p for p in shared if p.layer == layer] + (spill if layer == "E" else [])
        room = budget.allowed[layer] - (budget.base_tokens if layer == "A" else 0)
        fit = fit_layer(layer, pieces, room, count, summaries)
        spill += fit.spill
        fits.append(fit)
    return fits


def own_room(agent: str, budget: Budget, shared_fits: list[LayerFit]) -> int:
    """Tokens left for the agent's own pieces once the shared part and the agent's role and
    task are in. Raises ContextBudgetError when the role and task alone do not fit."""
    own_limit = budget.total - budget.base_tokens - sum(fit.tokens for fit in shared_fits)
    if budget.frame_tokens > own_limit:
        raise ContextBudgetError(
            f"The {agent} agent's instructions need {budget.frame_tokens} tokens but only "
            f"{own_limit} are left. Raise LLM_N_CTX or lower the operation's max tokens."
        )
    return own_limit - budget.frame_tokens


def fit_own(own: list[Piece], room: int, count: Count, summaries: SummaryLookup) -> list[LayerFit]:
    """Fit the agent's own pieces, layer by layer, in one pool of `room` tokens whatever
    layer they belong to. Their dropped chapters have no layer E to go to."""
    fits: list[LayerFit] = []
    for layer in LAYERS:
        fit = fit_layer(layer, [p for p in own if p.layer == layer], room, count, summaries)
        room -= fit.tokens
        fits.append(fit)
    return fits


def summary_piece(chapter: Piece, summary: str) -> Piece:
    """The piece that stands for a dropped chapter in layer E: its summary."""
    return Piece(
        "E",
        SUMMARY_SECTION,
        f"summary: {chapter.label.removeprefix('chapter: ')}",
        as_piece(summary),
        chapter.priority,
        "summary",
        chapter.order,
        shorten="summary",
        source=chapter.source,
    )


def _knock_on(piece: Piece, dropped_rank: int | None, chapter_dropped: bool) -> str:
    """Why the piece goes because of an earlier drop in its layer, or "" when it need not."""
    if dropped_rank is not None and PRIORITY_RANK[piece.priority] > dropped_rank:
        return "a higher priority was dropped"
    if chapter_dropped and piece.kind == "chapter":
        # The story so far stays contiguous: older chapters go once one has gone.
        return "a later chapter was dropped"
    return ""


def _cannot_fit(piece: Piece, layer: str, room: int, count: Count) -> ContextBudgetError:
    how = "shortened" if piece.shorten == "summary" else "cut"
    return ContextBudgetError(
        f"High-priority {piece.label!r} needs {count(piece.text)} tokens and cannot be "
        f"{how} into the {max(room, 0)} left in layer {layer} "
        f"({LAYER_NAMES[layer]}). Raise LLM_N_CTX or the layer's budget."
    )


# -- text helpers ----------------------------------------------------------------------------


def framed(text: str) -> str:
    """`text` as a piece of the prompt, or "" when it is blank."""
    return as_piece(text) if text.strip() else ""


def heading(section: str) -> str:
    """The heading a section starts with."""
    return f"## {section}\n"
