"""The budget rule: total, proportional caps, redistribution of unused tokens."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from writer_desktop.config import Settings
from writer_desktop.context import LAYERS, ContextBudgetError, allocate, total_budget

CAPS = {"A": 2000, "C": 13000, "D": 5000, "E": 10000}


def test_total_is_the_smaller_limit_minus_buffer():
    settings = Settings.model_validate({"llm_n_ctx": 4096, "context_buffer_tokens": 200})
    assert total_budget(settings, reserve_tokens=2000) == 4096 - 2000 - 200
    big = Settings.model_validate({"llm_n_ctx": 131072, "context_max_tokens": 32000})
    assert total_budget(big, reserve_tokens=2000) == 32000 - 200


def test_no_room_at_all_is_a_clear_error():
    settings = Settings.model_validate({"llm_n_ctx": 1024})
    with pytest.raises(ContextBudgetError, match="LLM_N_CTX=1024"):
        total_budget(settings, reserve_tokens=2000)


def test_caps_scale_down_in_proportion_when_everything_is_wanted():
    allowed = allocate(3000, CAPS, {layer: 10**6 for layer in LAYERS})
    assert sum(allowed.values()) == 3000
    assert allowed["C"] > allowed["E"] > allowed["D"] > allowed["A"]


def test_unused_budget_goes_to_layers_that_want_more():
    allowed = allocate(3000, CAPS, {"A": 50, "C": 10**6, "D": 10, "E": 0})
    assert allowed == {"A": 50, "C": 2940, "D": 10, "E": 0}


@given(
    total=st.integers(1, 50_000),
    demands=st.fixed_dictionaries({layer: st.integers(0, 60_000) for layer in LAYERS}),
)
def test_allocation_never_exceeds_total_or_demand_and_wastes_nothing(total, demands):
    allowed = allocate(total, CAPS, demands)
    assert sum(allowed.values()) <= total
    assert all(0 <= allowed[layer] <= demands[layer] for layer in LAYERS)
    assert sum(allowed.values()) == min(total, sum(demands.values()))
