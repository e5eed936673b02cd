"""Prompt specs of the agents: templates per operation turned into chat messages."""

from writer_desktop.agents.prompts import PromptLibrary, PromptTemplate
from writer_desktop.agents.writer import continue_chapter_messages

__all__ = ["PromptLibrary", "PromptTemplate", "continue_chapter_messages"]
