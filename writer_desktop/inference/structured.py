"""JSON that follows a schema, with the schema's own text written in, not generated.

Most of a structured answer is fixed by its schema: in the Rater's
`{"overall": {"score": 7, "reason": "..."}, "prose": ...}` the keys, quotes, colons and
braces are 85% of its tokens, and the model only chooses the numbers and the reasons.
Generated one by one, each of those fixed tokens costs a whole decode over a long chapter's
context (30 tokens/s there). Here the fixed text is evaluated in one batch each time the
model reaches it (a batch of a dozen tokens costs about what two decodes do), and the model
samples only where the schema leaves it a choice. The grammar still rules every token,
fixed or sampled, so the answer is the valid JSON the grammar alone would give.

The skeleton covers objects (keys in the schema's order, as the grammar orders them),
integers and strings; a schema with anything else (arrays, numbers) is generated token by
token under its grammar, as before. Used only from the worker thread that owns the Llama.
"""

from __future__ import annotations

import codecs
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_INT = "int"
_STR = "str"


class _Unsupported(Exception):
    pass


def _parts(schema: dict[str, Any]) -> list[str | tuple[str]]:
    """The schema as literal text and holes ((_INT,) or (_STR,)) in the order written."""
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties") or {}
        required = schema.get("required") or []
        if not properties or list(properties) != list(required):
            raise _Unsupported("optional properties leave the order open")
        parts: list[str | tuple[str]] = ["{"]
        for index, (key, value) in enumerate(properties.items()):
            parts.append((", " if index else "") + json.dumps(key) + ":")
            parts.extend(_parts(value))
        parts.append("}")
        return parts
    if kind == "integer":
        return [(_INT,)]
    if kind == "string":
        return ['"', (_STR,)]  # the hole ends with the closing quote the model writes
    raise _Unsupported(f"no skeleton for {kind!r}")


@dataclass
class JsonSkeleton:
    """What the schema fixes next, given the text written so far."""

    parts: list[str | tuple[str]]

    @classmethod
    def of(cls, schema: dict[str, Any] | None) -> JsonSkeleton | None:
        if not schema:
            return None
        try:
            parts = _parts(schema)
        except _Unsupported:
            return None
        merged: list[str | tuple[str]] = []
        for part in parts:  # adjacent literals as one: '}' + ', "prose":' is one batch
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            else:
                merged.append(part)
        return cls(merged)

    def next_fixed(self, text: str) -> str | None:
        """The fixed text that must follow `text`: '' when the model chooses next (or the
        answer is complete), None when `text` left the skeleton (the model wrote something
        it does not foresee, such as whitespace inside a key)."""
        state, fixed = self.place(text)
        return None if state == "left" else fixed

    def complete(self, text: str) -> bool:
        """Whether `text` is the whole answer."""
        return self.place(text)[0] == "done"

    def place(self, text: str) -> tuple[str, str]:
        """Where `text` stands: ("fixed", the text that must follow), ("choose", ""): the
        model writes a value, ("done", ""): the answer is whole, ("left", ""): off the
        skeleton."""
        at = 0
        for part in self.parts:
            if isinstance(part, str):
                matched = 0
                while matched < len(part) and at < len(text):
                    if part[matched] == text[at]:
                        matched, at = matched + 1, at + 1
                    elif text[at] in " \n\t":
                        at += 1  # whitespace JSON allows around its structure
                    elif part[matched] == " ":
                        matched += 1  # a space of ours the model left out
                    else:
                        return "left", ""
                if matched < len(part):
                    return "fixed", part[matched:]
            elif part[0] == _INT:
                while at < len(text) and text[at] in " \n\t":
                    at += 1  # the space before a value
                start = at
                while at < len(text) and (text[at].isdigit() or (at == start and text[at] == "-")):
                    at += 1
                if at == len(text):
                    return "choose", ""  # more digits may come
            else:
                while at < len(text) and text[at] != '"':
                    at += 2 if text[at] == "\\" else 1
                if at >= len(text):
                    return "choose", ""  # the string goes on
                at += 1  # its closing quote
        return ("done", "") if not text[at:].strip() else ("left", "")


@dataclass
class StructuredOutput:
    pieces: list[str]
    tokens: int  # the answer's tokens, fixed ones included
    sampled: int  # of which the model chose
    finish_reason: str


def generate_structured(
    llama: Any,
    sampler: Any,
    skeleton: JsonSkeleton,
    max_tokens: int,
    cancel: threading.Event,
    on_text: Callable[[str], None],
) -> StructuredOutput:
    """Write the answer after the prompt `llama` has just evaluated (its last logits live).
    `sampler` is a GrammarFirstSampler for the schema's grammar: every token, fixed or
    sampled, passes through it, so the grammar's state follows the whole answer."""
    import llama_cpp

    vocab = llama._model.vocab
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pieces: list[str] = []
    text = ""
    tokens = sampled = 0
    following = True  # false once the model leaves the skeleton: then the grammar alone
    waiting: list[int] = []  # accepted, not yet evaluated: one batch before the next sample

    def take(token_ids: list[int]) -> None:
        nonlocal text, tokens
        waiting.extend(token_ids)
        tokens += len(token_ids)
        piece = decoder.decode(llama.detokenize(token_ids))
        if piece:
            pieces.append(piece)
            text += piece
            on_text(piece)

    finish = "length"
    while tokens < max_tokens:
        if cancel.is_set():
            finish = "cancelled"
            break
        if following:
            state, fixed = skeleton.place(text)
            if state == "done":
                finish = "stop"
                break
            following = state != "left"
            if fixed.strip():
                # Only up to its last mark: the model's next token carries its own space.
                ids = llama.tokenize(fixed.rstrip().encode("utf-8"), add_bos=False, special=False)
                allowed = []
                for token in ids[: max_tokens - tokens]:
                    if not sampler.allows(token):
                        following = False  # the grammar wants otherwise: let it choose
                        break
                    sampler.accept(token)
                    allowed.append(token)
                if allowed:
                    take(allowed)
                    continue
        if waiting:
            llama.eval(waiting)
            waiting.clear()
        token = sampler.sample(llama._ctx, -1)
        if llama_cpp.llama_vocab_is_eog(vocab, token):
            finish = "stop"
            break
        sampled += 1
        take([token])
    if finish == "length" and following and skeleton.complete(text):
        finish = "stop"  # the last token the budget allowed closed the answer
    tail = decoder.decode(b"", final=True)
    if tail:
        pieces.append(tail)
        on_text(tail)
    return StructuredOutput(pieces, tokens, sampled, finish)
