"""The context engine: token counting, layered budgets, trimming and prompt assembly."""

from writer_desktop.context.budget import (
    LAYER_NAMES,
    LAYERS,
    ContextBudgetError,
    allocate,
    total_budget,
)
from writer_desktop.context.manager import (
    AssembledPrompt,
    ContextManager,
    ContextReport,
    ElementReport,
    LayerReport,
)
from writer_desktop.context.story_context import container_from_story
from writer_desktop.context.tokens import STRATEGIES, TokenCounter

__all__ = [
    "LAYERS",
    "LAYER_NAMES",
    "STRATEGIES",
    "AssembledPrompt",
    "ContextBudgetError",
    "ContextManager",
    "ContextReport",
    "ElementReport",
    "LayerReport",
    "TokenCounter",
    "allocate",
    "container_from_story",
    "total_budget",
]
