"""ContextManager: filter, prioritise, count, trim and format a container for one agent."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from writer_desktop.config import Settings
from writer_desktop.context.budget import (
    LAYER_NAMES,
    LAYERS,
    ContextBudgetError,
    allocate,
    layer_caps,
    total_budget,
)
from writer_desktop.context.pieces import ElementFilter, Piece, as_piece, build_pieces
from writer_desktop.context.tokens import TokenCounter
from writer_desktop.domain import PRIORITY_RANK, StructuredContextContainer

Status = Literal["included", "trimmed", "summarised", "dropped", "filtered"]
# Looks up a cached summary: (kind, text) -> summary or None.
SummaryLookup = Callable[[str, str], str | None]
# Tokens kept for the agent's own part of the prompt (role, task, requests), so that the
# shared part is budgeted the same for every agent.
DEFAULT_TAIL_ALLOWANCE = 400
MIN_SUMMARY_TOKENS = 8
SUMMARY_SECTION = "Earlier chapters (summaries)"
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


@dataclass
class ElementReport:
    layer: str
    label: str
    priority: str
    status: Status
    tokens: int
    note: str = ""


@dataclass
class LayerReport:
    layer: str
    name: str
    allowed: int
    used: int


@dataclass
class ContextReport:
    agent: str
    phase: str
    strategy: str
    total_budget: int
    layers: list[LayerReport]
    elements: list[ElementReport]
    framing_tokens: int
    prompt_tokens: int
    needs_summary: list[tuple[str, str]] = field(default_factory=list)

    def layer(self, name: str) -> LayerReport:
        return next(layer for layer in self.layers if layer.layer == name)


@dataclass
class AssembledPrompt:
    """The shared part (system message) and the agent's own part (user message)."""

    shared: str
    agent_part: str
    report: ContextReport

    def messages(self) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": self.shared},
            {"role": "user", "content": self.agent_part},
        ]

    @property
    def text(self) -> str:
        return self.shared + self.agent_part


class ContextManager:
    def __init__(
        self,
        settings: Settings,
        counter: TokenCounter,
        summaries: SummaryLookup | None = None,
        system_base: str = "",
    ) -> None:
        self.settings = settings
        self.counter = counter
        self.summaries = summaries or (lambda _kind, _text: None)
        self.system_base = system_base

    def process_context_for_agent(
        self,
        container: StructuredContextContainer,
        agent: str,
        phase: str = "draft",
        *,
        role: str = "",
        task: str = "",
        reserve_tokens: int | None = None,
        custom_filters: tuple[ElementFilter, ...] = (),
        tail_allowance: int = DEFAULT_TAIL_ALLOWANCE,
    ) -> AssembledPrompt:
        """Build the prompt for `agent`; raises ContextBudgetError when it cannot fit.

        `reserve_tokens` is kept free for the answer (the operation's max tokens); agents
        that should share a cached prefix must pass the same value.
        """
        reserve = reserve_tokens if reserve_tokens is not None else self.settings.llm_max_tokens
        total = total_budget(self.settings, reserve)
        pieces, filtered = build_pieces(container, agent, phase, custom_filters)
        count = self.counter.count
        base = _framed(self.system_base)
        agent_frame = _framed(role) + _framed(task)

        shared = [p for p in pieces if p.shared]
        own = [p for p in pieces if not p.shared]
        # The agent's own part (role, task, requests, agent-only elements) is kept out of
        # the layers' sharing, so the shared part is budgeted alike for every agent unless
        # one agent's own part outgrows the allowance.
        own_need = count(agent_frame) + sum(count(p.text) + count(_heading(p.section)) for p in own)
        tail_reserve = min(max(tail_allowance, own_need), total)
        shared_total = total - tail_reserve

        # Demand per layer, counting only what could fit: a long story is not counted whole.
        demands = {layer: 0 for layer in LAYERS}
        demands["A"] = count(base)
        for piece in shared:
            if demands[piece.layer] > shared_total:
                continue
            demands[piece.layer] += count(piece.text) + count(_heading(piece.section))
        # A chapter that does not fit in C comes back as its summary in E: E may need that.
        for piece in shared:
            if piece.kind == "chapter" and piece.shorten != "tail":
                summary = self.summaries("chapter", piece.text)
                if summary:
                    demands["E"] += count(as_piece(summary))
        if demands["E"]:
            demands["E"] += count(_heading(SUMMARY_SECTION))
        allowed = allocate(shared_total, layer_caps(self.settings), demands)

        reports: list[ElementReport] = []
        needs_summary: list[tuple[str, str]] = []
        chosen: dict[str, list[tuple[Piece, str]]] = {layer: [] for layer in LAYERS}
        used = {layer: 0 for layer in LAYERS}
        used["A"] = count(base)
        if used["A"] > allowed["A"] + tail_reserve:
            raise ContextBudgetError(
                f"The shared instructions need {used['A']} tokens; the budget is {total}. "
                "Raise LLM_N_CTX."
            )
        spill: list[Piece] = []
        for layer in LAYERS:
            layer_pieces = [p for p in shared if p.layer == layer] + (spill if layer == "E" else [])
            self._fill(
                layer, layer_pieces, allowed[layer], used, chosen, reports, needs_summary, spill
            )

        shared_text = base + _render(chosen)
        # The agent's own part takes what the shared part left of the total.
        own_limit = total - sum(used.values())
        frame_tokens = count(agent_frame)
        if frame_tokens > own_limit:
            raise ContextBudgetError(
                f"The {agent} agent's instructions need {frame_tokens} tokens but only "
                f"{own_limit} are left. Raise LLM_N_CTX or lower the operation's max tokens."
            )
        own_used = {layer: 0 for layer in LAYERS}
        own_used["A"] = frame_tokens
        own_chosen: dict[str, list[tuple[Piece, str]]] = {layer: [] for layer in LAYERS}
        for layer in LAYERS:
            # One pool for the whole own part, whatever layer its pieces belong to.
            pool = own_used[layer] + own_limit - sum(own_used.values())
            self._fill(
                layer,
                [p for p in own if p.layer == layer],
                pool,
                own_used,
                own_chosen,
                reports,
                needs_summary,
                [],
            )
        allowed["A"] += tail_reserve
        for layer in LAYERS:
            used[layer] += own_used[layer]
        agent_text = _framed(role) + _render(own_chosen) + _framed(task)

        for label, element in filtered:
            reports.append(ElementReport("-", label, element.priority, "filtered", 0))
        prompt_tokens = count(shared_text) + count(agent_text)
        element_tokens = sum(r.tokens for r in reports)
        counted = sum(used.values())  # pieces, headings and frames, each counted alone
        report = ContextReport(
            agent=agent,
            phase=phase,
            strategy=self.counter.strategy,
            total_budget=total,
            layers=[LayerReport(x, LAYER_NAMES[x], allowed[x], used[x]) for x in LAYERS],
            elements=reports,
            framing_tokens=counted - element_tokens,
            prompt_tokens=prompt_tokens,
            needs_summary=needs_summary,
        )
        return AssembledPrompt(shared_text, agent_text, report)

    # -- one layer -------------------------------------------------------------------------

    def _fill(
        self,
        layer: str,
        pieces: list[Piece],
        limit: int,
        used: dict[str, int],
        chosen: dict[str, list[tuple[Piece, str]]],
        reports: list[ElementReport],
        needs_summary: list[tuple[str, str]],
        spill: list[Piece],
    ) -> None:
        """Greedy by priority; once a priority level loses a piece, lower levels are dropped."""
        count = self.counter.count
        headings: set[str] = set()
        dropped_rank: int | None = None
        chapter_dropped = False
        for piece in sorted(pieces, key=lambda p: p.rank):
            rank = PRIORITY_RANK[piece.priority]
            if dropped_rank is not None and rank > dropped_rank:
                self._drop(piece, reports, needs_summary, spill, "a higher priority was dropped")
                continue
            if chapter_dropped and piece.kind == "chapter":
                # The story so far stays contiguous: older chapters go once one has gone.
                self._drop(piece, reports, needs_summary, spill, "a later chapter was dropped")
                continue
            heading = _heading(piece.section)
            heading_cost = 0 if piece.section in headings else count(heading)
            room = limit - used[layer] - heading_cost
            cost = count(piece.text)
            if not piece.text:
                continue
            if cost <= room:
                text, status, note = piece.text, "included", ""
            elif piece.shorten == "tail" and room >= MIN_SUMMARY_TOKENS:
                text, status, note = _tail(piece.text, room, count), "trimmed", "kept the end"
            else:
                summary = (
                    self._summary(piece, room, needs_summary)
                    if piece.shorten == "summary"
                    else None
                )
                if summary is None:
                    if piece.priority == "high":
                        how = "shortened" if piece.shorten == "summary" else "cut"
                        raise ContextBudgetError(
                            f"High-priority {piece.label!r} needs {cost} tokens and cannot be "
                            f"{how} into the {max(room, 0)} left in layer {layer} "
                            f"({LAYER_NAMES[layer]}). Raise LLM_N_CTX or the layer's budget."
                        )
                    dropped_rank = rank
                    chapter_dropped = chapter_dropped or piece.kind == "chapter"
                    self._drop(piece, reports, needs_summary, spill, "over budget")
                    continue
                text, status, note = summary
            tokens = count(text)
            if piece.section not in headings:
                headings.add(piece.section)
                used[layer] += heading_cost
            used[layer] += tokens
            chosen[layer].append((piece, text))
            reports.append(ElementReport(layer, piece.label, piece.priority, status, tokens, note))

    def _summary(
        self, piece: Piece, room: int, needs_summary: list[tuple[str, str]]
    ) -> tuple[str, Status, str] | None:
        """A cached model summary if it fits, else the opening sentences that fit (and the
        model is asked for a summary for next time)."""
        if room < MIN_SUMMARY_TOKENS:
            return None
        count = self.counter.count
        cached = self.summaries(piece.kind, piece.text)
        if cached:
            text = as_piece(cached)
            if count(text) <= room:
                return text, "summarised", "model summary"
        else:
            needs_summary.append((piece.kind, piece.text))
        text = _head(piece.text, room, count)
        if text is None:
            return None
        return text, "summarised", "opening kept; model summary pending"

    def _drop(
        self,
        piece: Piece,
        reports: list[ElementReport],
        needs_summary: list[tuple[str, str]],
        spill: list[Piece],
        why: str,
    ) -> None:
        """A chapter that leaves layer C comes back as its summary in layer E."""
        if piece.kind == "chapter" and piece.layer == "C":
            cached = self.summaries("chapter", piece.text)
            if cached:
                spill.append(
                    Piece(
                        "E",
                        SUMMARY_SECTION,
                        f"summary: {piece.label.removeprefix('chapter: ')}",
                        as_piece(cached),
                        piece.priority,
                        "summary",
                        piece.order,
                        shorten="summary",
                        source=piece.source,
                    )
                )
                why = "summary in layer E"
            else:
                needs_summary.append(("chapter", piece.text))
                why = "summary pending"
        reports.append(ElementReport(piece.layer, piece.label, piece.priority, "dropped", 0, why))


# -- text helpers ----------------------------------------------------------------------------


def _framed(text: str) -> str:
    return as_piece(text) if text.strip() else ""


def _heading(section: str) -> str:
    return f"## {section}\n"


def _render(chosen: dict[str, list[tuple[Piece, str]]]) -> str:
    """Layers in the order A, E, D, C (world, people, then the story that leads to the
    task); within a layer, each section once, under its heading."""
    out: list[str] = []
    for layer in ("A", "E", "D", "C"):
        items = chosen[layer]
        # Chapters and their summaries in reading order; their order field is the distance back.
        story = [item for item in items if item[0].kind in ("chapter", "summary")]
        story.sort(key=lambda item: -item[0].order)
        items = [item for item in items if item[0].kind not in ("chapter", "summary")] + story
        sections: dict[str, list[str]] = {}
        for piece, text in items:
            sections.setdefault(piece.section, []).append(text)
        for section, texts in sections.items():
            out.append(_heading(section))
            out.extend(texts)
    return "".join(out)


def _tail(text: str, room: int, count: Callable[[str], int]) -> str:
    """The end of `text` that fits in `room` tokens, starting at a sentence."""
    sentences = _SENTENCE.split(text.strip())
    kept: list[str] = []
    for sentence in reversed(sentences):
        candidate = "… " + " ".join([sentence, *kept]) + "\n"
        if count(candidate) > room:
            break
        kept.insert(0, sentence)
    if not kept:
        words = text.split()
        while words and count("… " + " ".join(words) + "\n") > room:
            words = words[len(words) // 4 + 1 :]
        kept = [" ".join(words)]
    return "… " + " ".join(kept) + "\n"


def _head(text: str, room: int, count: Callable[[str], int]) -> str | None:
    """The opening sentences of `text` that fit in `room` tokens, or None."""
    kept: list[str] = []
    for sentence in _SENTENCE.split(text.strip()):
        candidate = " ".join([*kept, sentence]) + " …\n"
        if count(candidate) > room:
            break
        kept.append(sentence)
    if not kept:
        words = text.split()[: max(room // 2, 1)]
        while words and count(" ".join(words) + " …\n") > room:
            words = words[: len(words) * 3 // 4]
        if not words:
            return None
        kept = [" ".join(words)]
    return " ".join(kept) + " …\n"
