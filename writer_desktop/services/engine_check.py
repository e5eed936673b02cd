"""test_connection(): what the settings' engine would give the author, asked before they
commit to it (the settings dialog's "Test connection")."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from writer_desktop.config import Settings
from writer_desktop.inference import ModelLoadError
from writer_desktop.inference.openai_backend import server_context_length, server_models


@dataclass(frozen=True)
class ConnectionReport:
    """The server answered: the model it would use, and its context length if it says."""

    model: str
    models: list[str]
    context_length: int | None


async def test_connection(settings: Settings) -> ConnectionReport:
    """Ask the OpenAI-compatible server at LLM_BASE_URL. Raises ModelLoadError with a
    reason the author understands (not running, refused the key, not such a server)."""

    def ask() -> ConnectionReport:
        if not settings.llm_base_url:
            raise ModelLoadError("Set LLM_BASE_URL to the server's address first.")
        ids = [str(m.get("id", "")) for m in server_models(settings)]
        model = settings.llm_model or (ids[0] if ids else "")
        if settings.llm_model and ids and settings.llm_model not in ids:
            raise ModelLoadError(f"The server has no model {settings.llm_model!r}.")
        return ConnectionReport(model, ids, server_context_length(settings, model))

    return await asyncio.to_thread(ask)
