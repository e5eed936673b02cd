"""Cancellable prompt evaluation: the prompt goes through the model in batches before the
completion starts, so Stop is heard while a long prompt is evaluated, not only between
generated tokens. Used only from the worker thread that owns the Llama."""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from typing import Any

# The handler's formatting is captured by handing it this stand-in for the Llama: it
# formats and tokenizes exactly as the real call will, then "completes" by raising this.


class _Captured(Exception):
    def __init__(self, prompt: list[int]) -> None:
        super().__init__("prompt captured")
        self.prompt = prompt


class _CapturingLlama:
    """Passes everything to the real Llama except create_completion, which gives back the
    prompt tokens the chat handler built."""

    def __init__(self, llama: Any) -> None:
        self._llama = llama

    def __getattr__(self, name: str) -> Any:
        return getattr(self._llama, name)

    def create_completion(self, prompt: Any = None, **_kwargs: Any) -> Any:
        if not isinstance(prompt, list):  # a text prompt: tokenize as create_completion does
            prompt = self._llama.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
        raise _Captured(list(prompt))


def chat_prompt_tokens(llama: Any, messages: list[dict[str, str]]) -> list[int] | None:
    """The tokens create_chat_completion will evaluate for `messages`, formatted by the
    model's own chat handler (the GGUF's template or the chosen chat format); None when the
    handler does not say (then the prompt is simply evaluated by the completion)."""
    from llama_cpp import llama_chat_format

    handler = (
        llama.chat_handler
        or llama._chat_handlers.get(llama.chat_format)
        or llama_chat_format.get_chat_completion_handler(llama.chat_format)
    )
    try:
        handler(llama=_CapturingLlama(llama), messages=messages, stream=True)
    except _Captured as captured:
        return captured.prompt
    except Exception:  # a handler that does more than format (vision, tools): no prefill
        return None
    return None


class PromptEvaluator:
    """Evaluates a prompt into the Llama's cache in batches, keeping the prefix it already
    holds (as Llama.generate does), and stops between batches, or inside one through
    llama.cpp's abort callback, when the job's cancel event is set."""

    def __init__(self, llama: Any) -> None:
        from llama_cpp import llama_cpp as low

        self._llama = llama
        self._low = low
        self._cancel: threading.Event | None = None
        # Kept on self: llama.cpp holds only a pointer to it.
        self._abort = low.ggml_abort_callback(self._should_abort)
        self._no_abort = low.ggml_abort_callback()

    def _should_abort(self, _data: object) -> bool:
        cancel = self._cancel
        return cancel is not None and cancel.is_set()

    def cached_prefix(self, tokens: list[int]) -> int:
        """How many leading tokens of `tokens` the model's cache already holds."""
        cached = self._llama._input_ids
        common = 0
        for held, wanted in zip(cached, tokens, strict=False):
            if held != wanted:
                break
            common += 1
        return common

    def evaluate(self, tokens: list[int], cancel: threading.Event) -> bool:
        """Bring the cache to exactly `tokens`, ready to sample; False when cancelled (the
        part evaluated so far stays cached for the next prompt that shares it)."""
        llama = self._llama
        if len(tokens) >= llama.n_ctx():
            return True  # too long: the completion itself reports it, as before
        common = self.cached_prefix(tokens)
        if common == len(tokens) == llama.n_tokens and not llama._requires_eval:
            return True  # the whole prompt is cached with live logits: nothing to do
        # Keep at least the last token to evaluate: sampling needs its fresh logits.
        keep = min(common, len(tokens) - 1)
        if keep > 0 and llama._ctx.kv_cache_seq_rm(-1, keep, -1):
            llama.n_tokens = keep
        else:
            llama.reset()
        llama._requires_eval = True
        step = llama.n_batch
        self._cancel = cancel
        self._low.llama_set_abort_callback(llama.ctx, self._abort, None)
        try:
            for start in range(llama.n_tokens, len(tokens), step):
                if cancel.is_set():
                    return False
                try:
                    llama.eval(tokens[start : start + step])
                except RuntimeError:
                    if cancel.is_set():  # llama_decode returned 2: aborted by us
                        llama._requires_eval = True
                        return False
                    raise
            return not cancel.is_set()
        finally:
            self._low.llama_set_abort_callback(llama.ctx, self._no_abort, None)
            self._cancel = None


@dataclass
class PrefixSnapshot:
    """The evaluated prompt of the author's last job, copied out of the model's cache."""

    tokens: Any  # numpy array of token ids
    data: Any  # numpy byte array: llama.cpp's state of sequence 0

    @property
    def n_tokens(self) -> int:
        return len(self.tokens)


def _pointer(data: Any) -> Any:
    return data.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8))


def save_prefix(llama: Any) -> PrefixSnapshot:
    """Copy the cache (sequence 0: all llama-cpp-python uses) and the tokens it holds.
    Only the sequence's state: Llama.save_state would also copy the logits buffer
    (n_batch x vocabulary floats, 100 MB for the default model) that sampling never reads."""
    import numpy as np
    from llama_cpp import llama_cpp as low

    size = low.llama_state_seq_get_size(llama.ctx, 0)
    # Not a ctypes array: creating one zero-fills tens of megabytes while holding the GIL,
    # and the window, waiting for the GIL meanwhile, froze for 30 ms after each Continue. An
    # empty numpy buffer is only reserved; llama.cpp fills it with the GIL released.
    data = np.empty(size, dtype=np.uint8)
    written = low.llama_state_seq_get_data(llama.ctx, _pointer(data), size, 0)
    if written == 0 or written > size:
        raise RuntimeError("the prompt cache could not be copied")
    return PrefixSnapshot(tokens=llama.input_ids[: llama.n_tokens].copy(), data=data)


def restore_prefix(llama: Any, snapshot: PrefixSnapshot) -> None:
    """Put a saved cache back; the next prompt that shares its prefix reuses it."""
    from llama_cpp import llama_cpp as low

    llama._ctx.kv_cache_seq_rm(-1, 0, -1)
    data = snapshot.data
    if low.llama_state_seq_set_data(llama.ctx, _pointer(data), len(data), 0) == 0:
        llama.reset()  # nothing restored: the cache is simply cold, as without a snapshot
        raise RuntimeError("the prompt cache could not be restored")
    llama.input_ids[: snapshot.n_tokens] = snapshot.tokens
    llama.n_tokens = snapshot.n_tokens
    llama._requires_eval = True  # no live logits: the next prompt re-evaluates its last token
