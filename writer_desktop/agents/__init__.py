"""Prompt specs of the agents: templates per operation turned into roles, tasks, messages."""

from writer_desktop.agents.prompts import PromptLibrary, PromptTemplate
from writer_desktop.agents.writer import continue_chapter_spec, distill_messages, system_base

__all__ = [
    "PromptLibrary",
    "PromptTemplate",
    "continue_chapter_spec",
    "distill_messages",
    "system_base",
]
