"""Model names as an author would say them ("SmolLM2 135M Instruct"), made from a GGUF
file's name and its general.* metadata rather than its general.name, which is often a
training run's tag ("Smollm2 135M 8k Lc100K Mix1 Ep2")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePath

# Quantisation and shard tails of a GGUF file name: ".Q4_1", "-Q4_K_M", "-IQ3_XS", ".f16",
# "-00001-of-00003".
_TAIL = re.compile(
    r"([.\-_](?:i?q\d[\w]*|f16|f32|bf16|fp16|fp32|gguf|\d{5}-of-\d{5}))+$", re.IGNORECASE
)
_WORDY = re.compile(r"^[A-Za-z][A-Za-z ]*$")


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _words(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text).strip()


def friendly_model_name(path: str | PurePath, metadata: Mapping[str, object] | None = None) -> str:
    """The model's name for people: the file name without its quantisation when it names
    the model (authors download by that name), else general.basename with its size label
    and a word-like finetune ("Instruct"), else general.name, else the file name."""
    metadata = metadata or {}
    basename = str(metadata.get("general.basename") or "")
    size_label = str(metadata.get("general.size_label") or "")
    finetune = str(metadata.get("general.finetune") or "")
    general_name = str(metadata.get("general.name") or "")
    stem = PurePath(path).name
    if stem.lower().endswith(".gguf"):
        stem = stem[: -len(".gguf")]
    stem = _words(_TAIL.sub("", stem))
    if basename and stem and _squash(basename) in _squash(stem):
        return stem
    if basename:
        parts = [_words(basename)]
        if size_label and _squash(size_label) not in _squash(basename):
            parts.append(size_label)
        if finetune and _WORDY.match(_words(finetune)):
            parts.append(_words(finetune).title())
        return " ".join(parts)
    looks_like_hash = re.fullmatch(r"(sha256[-:])?[0-9a-f]{32,}", stem or "") is not None
    if general_name:
        return general_name
    return stem if stem and not looks_like_hash else PurePath(path).name
