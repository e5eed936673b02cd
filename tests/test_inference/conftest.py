"""The real default model with a 4,096-token context, loaded once per test module."""

from __future__ import annotations

import pytest

from writer_desktop.config import Settings
from writer_desktop.inference import LlamaBackend


@pytest.fixture(scope="module")
def backend():
    backend = LlamaBackend(Settings.model_validate({"llm_n_ctx": 4096, "llm_seed": 1}))
    backend.load()
    yield backend
    backend.close()
