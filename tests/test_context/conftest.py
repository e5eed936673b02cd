"""Token counters for the context tests: the exact one loads the default model's vocab once."""

from __future__ import annotations

import pytest

from writer_desktop.context import TokenCounter
from writer_desktop.inference import default_model_path


@pytest.fixture(scope="session")
def exact_counter() -> TokenCounter:
    return TokenCounter("exact", default_model_path())


@pytest.fixture(scope="session")
def tiktoken_counter() -> TokenCounter:
    return TokenCounter("tiktoken")
