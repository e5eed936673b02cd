"""The token budget: the prompt's total, and how it is shared among the layers A, C, D, E."""

from __future__ import annotations

from writer_desktop.config import Settings

LAYERS: tuple[str, ...] = ("A", "C", "D", "E")
LAYER_NAMES: dict[str, str] = {
    "A": "system and instructions",
    "C": "recent story",
    "D": "characters and scene",
    "E": "plot, summaries, world",
}


class ContextBudgetError(Exception):
    """The context cannot fit; the message names what does not fit."""


def total_budget(settings: Settings, reserve_tokens: int) -> int:
    """min(CONTEXT_MAX_TOKENS, LLM_N_CTX - reserve) - CONTEXT_BUFFER_TOKENS."""
    total = (
        min(settings.context_max_tokens, settings.llm_n_ctx - reserve_tokens)
        - settings.context_buffer_tokens
    )
    if total <= 0:
        raise ContextBudgetError(
            f"No room for any context: LLM_N_CTX={settings.llm_n_ctx} minus {reserve_tokens} "
            f"tokens kept for the answer and CONTEXT_BUFFER_TOKENS="
            f"{settings.context_buffer_tokens} leaves {total}. Raise LLM_N_CTX or lower the "
            "operation's max tokens."
        )
    return total


def layer_caps(settings: Settings) -> dict[str, int]:
    return {
        "A": settings.context_layer_a_tokens,
        "C": settings.context_layer_c_tokens,
        "D": settings.context_layer_d_tokens,
        "E": settings.context_layer_e_tokens,
    }


def allocate(total: int, caps: dict[str, int], demands: dict[str, int]) -> dict[str, int]:
    """Share `total` among the layers; no layer gets more than it asks for.

    1. Each layer's cap is its CONTEXT_LAYER_*_TOKENS, scaled down in proportion when
       the caps add up to more than the total.
    2. A layer asking for less than its cap keeps only what it asks for.
    3. What is left goes to the layers that want more, in proportion to their caps,
       round after round until the total is used or nobody wants more.
    """
    cap_sum = sum(caps.values())
    scale = min(1.0, total / cap_sum) if cap_sum else 0.0
    allowed = {layer: min(int(caps[layer] * scale), demands[layer]) for layer in LAYERS}
    spare = total - sum(allowed.values())
    while spare > 0:
        hungry = [layer for layer in LAYERS if demands[layer] > allowed[layer]]
        if not hungry:
            break
        weight = sum(max(caps[layer], 1) for layer in hungry)
        given = 0
        for layer in hungry:
            share = max(1, spare * max(caps[layer], 1) // weight)
            add = min(share, demands[layer] - allowed[layer], spare - given)
            allowed[layer] += add
            given += add
        if given == 0:
            break
        spare -= given
    return allowed
