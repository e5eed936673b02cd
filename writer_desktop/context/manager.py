"""ContextManager: filter, prioritise, count, trim and format a container for one agent.

`process_context_for_agent` is a pipeline of small steps that take values and return
values, each testable alone:

- filter: `build_pieces` (in pieces.py), `split_shared` (in fitting.py);
- count: `own_need`, `layer_demands` (in fitting.py), then `allocate` (in budget.py),
  giving a `Budget`;
- sort and fit, one layer at a time (in fitting.py): `by_priority`, `fit_piece`,
  `fit_layer` (a `LayerFit` per layer), over the shared part (`fit_shared`) and then the
  agent's own (`fit_own`);
- format: `render`, `layer_reports`, `filtered_reports`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from writer_desktop.config import Settings
from writer_desktop.context.budget import (
    LAYER_NAMES,
    LAYERS,
    allocate,
    layer_caps,
    total_budget,
)
from writer_desktop.context.fitting import (
    Budget,
    ElementReport,
    LayerFit,
    SummaryLookup,
    fit_own,
    fit_shared,
    framed,
    heading,
    layer_demands,
    own_need,
    own_room,
    split_shared,
)
from writer_desktop.context.pieces import ElementFilter, build_pieces
from writer_desktop.context.tokens import TokenCounter
from writer_desktop.domain import StructuredContextContainer

# Tokens kept for the agent's own part of the prompt (role, task, requests), so that the
# shared part is budgeted the same for every agent.
DEFAULT_TAIL_ALLOWANCE = 400


# -- the report ------------------------------------------------------------------------------


@dataclass
class LayerReport:
    """One layer's share of the budget and the tokens it used."""

    layer: str
    name: str
    allowed: int
    used: int


@dataclass
class ContextReport:
    """The budget report of one prompt: per layer, per element, and the totals."""

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
        """The report of the layer with this letter (A, C, D or E)."""
        return next(layer for layer in self.layers if layer.layer == name)


@dataclass
class AssembledPrompt:
    """The shared part (system message) and the agent's own part (user message)."""

    shared: str
    agent_part: str
    report: ContextReport

    def messages(self) -> list[dict[str, str]]:
        """The prompt as chat messages: the shared part as system, the own part as user."""
        return [
            {"role": "system", "content": self.shared},
            {"role": "user", "content": self.agent_part},
        ]

    @property
    def text(self) -> str:
        """The whole prompt as one string."""
        return self.shared + self.agent_part


# -- the pipeline ----------------------------------------------------------------------------


class ContextManager:
    """Assembles one agent's prompt from a container, within the token budget."""

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
        count, summaries = self.counter.count, self.summaries
        reserve = reserve_tokens if reserve_tokens is not None else self.settings.llm_max_tokens
        total = total_budget(self.settings, reserve)
        # filter: what this agent may see, split into the shared part and its own
        pieces, filtered = build_pieces(container, agent, phase, custom_filters)
        shared, own = split_shared(pieces)
        base, frame = framed(self.system_base), framed(role) + framed(task)
        # count: what each layer asks for, and its share of what the own part leaves
        tail_reserve = min(max(tail_allowance, own_need(own, frame, count)), total)
        demands = layer_demands(shared, count(base), total - tail_reserve, count, summaries)
        allowed = allocate(total - tail_reserve, layer_caps(self.settings), demands)
        budget = Budget(total, tail_reserve, allowed, count(base), count(frame))
        # sort and fit, layer by layer: the shared part, then the own part in what is left
        shared_fits = fit_shared(shared, budget, count, summaries)
        own_fits = fit_own(own, own_room(agent, budget, shared_fits), count, summaries)
        # format
        shared_text = base + render(shared_fits)
        agent_text = framed(role) + render(own_fits) + framed(task)
        prompt_tokens = count(shared_text) + count(agent_text)
        report = self._report(agent, phase, budget, shared_fits + own_fits, filtered, prompt_tokens)
        return AssembledPrompt(shared_text, agent_text, report)

    def _report(
        self,
        agent: str,
        phase: str,
        budget: Budget,
        fits: list[LayerFit],
        filtered: list[Any],
        prompt_tokens: int,
    ) -> ContextReport:
        layers = layer_reports(budget, fits)
        elements = [report for fit in fits for report in fit.reports] + filtered_reports(filtered)
        counted = sum(layer.used for layer in layers)  # pieces, headings and frames, each alone
        return ContextReport(
            agent=agent,
            phase=phase,
            strategy=self.counter.strategy,
            total_budget=budget.total,
            layers=layers,
            elements=elements,
            framing_tokens=counted - sum(element.tokens for element in elements),
            prompt_tokens=prompt_tokens,
            needs_summary=[item for fit in fits for item in fit.needs_summary],
        )


# -- format ----------------------------------------------------------------------------------


def render(fits: list[LayerFit]) -> str:
    """Layers in the order A, E, D, C (world, people, then the story that leads to the
    task); within a layer, each section once, under its heading."""
    chosen = {fit.layer: fit.chosen for fit in fits}
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
            out.append(heading(section))
            out.extend(texts)
    return "".join(out)


def layer_reports(budget: Budget, fits: list[LayerFit]) -> list[LayerReport]:
    """Each layer's allowed and used tokens, over both parts: layer A's allowance includes
    the own part's reserve, its use the instructions, role and task."""
    used = {layer: 0 for layer in LAYERS}
    used["A"] = budget.base_tokens + budget.frame_tokens
    for fit in fits:
        used[fit.layer] += fit.tokens
    allowed = {**budget.allowed, "A": budget.allowed["A"] + budget.tail_reserve}
    return [LayerReport(x, LAYER_NAMES[x], allowed[x], used[x]) for x in LAYERS]


def filtered_reports(filtered: list[Any]) -> list[ElementReport]:
    """One report for each (label, element) the filters left out."""
    return [
        ElementReport("-", label, element.priority, "filtered", 0) for label, element in filtered
    ]
