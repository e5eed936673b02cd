"""Prompt specs of the agents: templates per operation, schemas, shared prompt parts."""

from writer_desktop.agents.common import (
    distill_combine_messages,
    distill_messages,
    distill_part_messages,
    system_base,
)
from writer_desktop.agents.prompts import PromptLibrary, PromptTemplate
from writer_desktop.agents.specs import OPERATIONS, REVIEW_OPERATIONS, Operation

__all__ = [
    "OPERATIONS",
    "REVIEW_OPERATIONS",
    "Operation",
    "PromptLibrary",
    "PromptTemplate",
    "distill_combine_messages",
    "distill_messages",
    "distill_part_messages",
    "system_base",
]
