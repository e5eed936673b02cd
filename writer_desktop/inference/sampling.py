"""Grammar-constrained sampling that checks one token, not the whole vocabulary.

llama-cpp-python puts the grammar in the sampler chain, so for every generated token each of
the model's ~49,000 candidates is matched against the grammar: the Rater's JSON ran at about
30 tokens/s against 85 unconstrained. llama.cpp's own tools (common_sampler) sample first
without the grammar and ask the grammar only about the token picked; only when it refuses is
the grammar applied to every candidate and the token sampled again. The output obeys the
grammar either way (always-valid JSON), at nearly unconstrained speed. Used only from the
worker thread that owns the Llama."""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

_TOKEN_DATA = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)])


class GrammarFirstSampler:
    """Stands in for llama-cpp-python's LlamaSampler (Llama.sample calls only sample()):
    `free` is its sampler chain built without the grammar, `grammar` a LlamaGrammar."""

    def __init__(self, model: Any, grammar: Any, free: Any, n_vocab: int) -> None:
        from llama_cpp import llama_cpp as low

        self._low = low
        self._free = free
        self._grammar = low.llama_sampler_init_grammar(
            model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        if not self._grammar:
            raise ValueError("the grammar could not be parsed")
        self._n_vocab = n_vocab
        self._ids = np.arange(n_vocab, dtype=np.int32)
        self._all = np.zeros(n_vocab, dtype=_TOKEN_DATA)
        self._one = np.zeros(1, dtype=_TOKEN_DATA)
        self.refused = 0  # how often the grammar had to be applied to every candidate

    def _array(self, data: np.ndarray) -> Any:
        low = self._low
        return low.llama_token_data_array(
            data=data.ctypes.data_as(low.llama_token_data_p),
            size=len(data),
            selected=-1,
            sorted=False,
        )

    def _candidates(self, ctx: Any, idx: int) -> Any:
        logits = self._low.llama_get_logits_ith(ctx.ctx, idx)
        self._all["id"] = self._ids
        self._all["logit"] = np.ctypeslib.as_array(logits, shape=(self._n_vocab,))
        self._all["p"] = 0.0
        return self._array(self._all)

    def _allowed(self, token: int) -> bool:
        self._one[0] = (token, 0.0, 0.0)
        self._low.llama_sampler_apply(self._grammar, ctypes.byref(self._array(self._one)))
        return bool(np.isfinite(self._one[0]["logit"]))

    def allows(self, token: int) -> bool:
        """Whether the grammar takes `token` next."""
        return self._allowed(token)

    def accept(self, token: int) -> None:
        """`token` comes next without being sampled (text the schema fixes)."""
        self._low.llama_sampler_accept(self._grammar, token)
        self._low.llama_sampler_accept(self._free.sampler, token)

    def sample(self, ctx: Any, idx: int = -1) -> int:
        """Pick the next token as the full chain with the grammar would, and accept it."""
        low = self._low
        chain = self._free.sampler
        candidates = self._candidates(ctx, idx)
        low.llama_sampler_apply(chain, ctypes.byref(candidates))
        token = int(candidates.data[candidates.selected].id)
        if not self._allowed(token):
            self.refused += 1
            candidates = self._candidates(ctx, idx)
            low.llama_sampler_apply(self._grammar, ctypes.byref(candidates))
            low.llama_sampler_apply(chain, ctypes.byref(candidates))
            token = int(candidates.data[candidates.selected].id)
        low.llama_sampler_accept(self._grammar, token)
        low.llama_sampler_accept(chain, token)
        return token

    def close(self) -> None:
        if self._grammar:
            self._low.llama_sampler_free(self._grammar)
            self._grammar = None

    def __del__(self) -> None:
        self.close()


def fast_grammar_llama() -> type:
    """llama_cpp.Llama whose grammar-constrained sampling goes through GrammarFirstSampler
    (llama-cpp-python is pinned: _init_sampler is the one place its chain is built)."""
    from llama_cpp import Llama

    class FastGrammarLlama(Llama):  # type: ignore[misc]
        grammar_first = True  # False: llama-cpp-python's own chain (for comparisons)

        def _init_sampler(self, *args: Any, grammar: Any = None, **kwargs: Any) -> Any:
            if grammar is None or not self.grammar_first:
                return super()._init_sampler(*args, grammar=grammar, **kwargs)
            free = super()._init_sampler(*args, grammar=None, **kwargs)
            return GrammarFirstSampler(self._model, grammar, free, self.n_vocab())

    return FastGrammarLlama
