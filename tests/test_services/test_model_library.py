"""The model library on fake app folders holding real (tiny) GGUF files, and on the
embedded default model."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import time
from pathlib import Path

import gguf
import numpy as np
import pytest

from writer_desktop.inference import default_model_path
from writer_desktop.services.model_library import (
    ADDED,
    GPT4ALL,
    HUGGING_FACE,
    JAN,
    LM_STUDIO,
    OLLAMA,
    ModelInfo,
    ModelLibraryError,
    available_memory,
    fits_in_memory,
    format_parameters,
    known_folders,
    read_gguf_info,
    recommended_context,
    scan,
    scan_report,
)

GiB = 1024**3
MiB = 1024**2


def write_gguf(
    path: Path,
    name: str = "Tiny Llama",
    *,
    context_length: int = 4096,
    file_type: int | None = gguf.LlamaFileType.MOSTLY_Q4_K_M,
    size_label: str | None = "7B",
    general_type: str | None = None,
    arch: str = "llama",
    vocab: int = 2000,
    tensor: np.ndarray | None = None,
    split: tuple[int, int] | None = None,
) -> Path:
    """A real GGUF file of a few KB: a llama-shaped header, a vocabulary, one tiny tensor."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(path, arch)
    writer.add_name(name)
    if general_type:
        writer.add_type(general_type)
    if size_label:
        writer.add_size_label(size_label)
    writer.add_context_length(context_length)
    writer.add_block_count(32)
    writer.add_embedding_length(4096)
    writer.add_head_count(32)
    writer.add_head_count_kv(8)
    if file_type is not None:
        writer.add_file_type(file_type)
    if split:
        writer.add_uint16("split.no", split[0])
        writer.add_uint16("split.count", split[1])
    writer.add_token_list([f"token{i}" for i in range(vocab)])
    writer.add_tensor(
        "token_embd.weight", np.ones((16, 8), np.float32) if tensor is None else tensor
    )
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def sha_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fake_home(home: Path) -> Path:
    """Each app's folder layout as that app leaves it, with one real GGUF in each."""
    write_gguf(
        home / ".lmstudio/models/lmstudio-community/Tiny-GGUF/Tiny-Q4_K_M.gguf",
        "LM Tiny",
        context_length=32768,
    )
    # Ollama: a manifest per name:tag pointing at a content-addressed blob
    ollama = home / ".ollama/models"
    staged = write_gguf(home / "staging.gguf", "Ollama Tiny", context_length=2048)
    digest = sha_of(staged)
    model_layer = {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}"}
    (ollama / "blobs").mkdir(parents=True)
    staged.rename(ollama / "blobs" / f"sha256-{digest}")
    manifest = ollama / "manifests/registry.ollama.ai/library/tinyllama/latest"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(
        json.dumps(
            {
                "schemaVersion": 2,
                "layers": [
                    {"mediaType": "application/vnd.ollama.image.license", "digest": "sha256:0"},
                    model_layer,
                ],
            }
        )
    )
    # Hugging Face: snapshots/<rev>/file is a relative link to blobs/<sha>
    repo = home / ".cache/huggingface/hub/models--TheBloke--Tiny-GGUF"
    staged = write_gguf(home / "staging.gguf", "HF Tiny", file_type=gguf.LlamaFileType.MOSTLY_Q8_0)
    blob = repo / "blobs" / sha_of(staged)
    blob.parent.mkdir(parents=True)
    staged.rename(blob)
    link = repo / "snapshots/abc123/tiny.Q8_0.gguf"
    link.parent.mkdir(parents=True)
    link.symlink_to(Path("../../blobs") / blob.name)
    write_gguf(home / ".local/share/nomic.ai/GPT4All/gpt4all-tiny.gguf", "GPT4All Tiny")
    write_gguf(home / "jan/models/tiny/model.gguf", "Jan Tiny")
    return home


@pytest.fixture
def home(tmp_path) -> Path:
    return fake_home(tmp_path / "home")


def linux_folders(home: Path) -> list[tuple[str, Path]]:
    return known_folders(home, {}, platform="linux")


def test_the_embedded_default_model_is_read_from_its_header_quickly():
    started = time.perf_counter()
    info = read_gguf_info(default_model_path())
    elapsed = time.perf_counter() - started
    assert info.name == "SmolLM2 135M Instruct"
    assert info.architecture == "llama"
    assert info.context_length == 8192
    assert info.quantisation == "Q4_1"
    assert info.size_label == "135M"
    assert 130e6 < info.parameters < 140e6
    assert info.size_bytes == default_model_path().stat().st_size
    assert (info.n_layers, info.n_embd, info.n_head, info.n_head_kv) == (30, 576, 9, 3)
    assert info.kv_bytes_per_token == 2 * 30 * 192 * 2
    # gguf's stock reader takes ~7 s here on the 49k-token vocabulary
    assert elapsed < 2.0


def test_every_apps_layout_is_found_and_named(home):
    models = {m.name: m for m in scan(linux_folders(home))}
    assert set(models) == {"LM Tiny", "tinyllama:latest", "HF Tiny", "GPT4All Tiny", "Jan Tiny"}
    assert models["LM Tiny"].source == LM_STUDIO
    assert models["tinyllama:latest"].source == OLLAMA
    assert models["HF Tiny"].source == HUGGING_FACE
    assert models["GPT4All Tiny"].source == GPT4ALL
    assert models["Jan Tiny"].source == JAN
    # the link's name, not the blob's, so llama.cpp and the author see a .gguf
    assert models["HF Tiny"].path.name == "tiny.Q8_0.gguf"
    assert models["HF Tiny"].quantisation == "Q8_0"
    lm = models["LM Tiny"]
    assert (lm.quantisation, lm.size_label, lm.context_length, lm.architecture) == (
        "Q4_K_M",
        "7B",
        32768,
        "llama",
    )
    assert lm.parameters == 16 * 8
    assert lm.size_bytes == lm.path.stat().st_size


def test_ollama_names_carry_namespace_and_registry(home):
    ollama = home / ".ollama/models"
    blob = next((ollama / "blobs").iterdir())
    layer = {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{blob.name[7:]}"}
    for where in ("registry.ollama.ai/someone/story", "hf.co/bartowski/Tiny-GGUF"):
        manifest = ollama / "manifests" / where / "q4"
        manifest.parent.mkdir(parents=True)
        manifest.write_text(json.dumps({"layers": [layer]}))
    # the same blob under three names is one model; a manifest with no model layer is none
    (ollama / "manifests/registry.ollama.ai/library/broken").mkdir()
    (ollama / "manifests/registry.ollama.ai/library/broken/latest").write_text("{not json")
    report = scan_report([(OLLAMA, ollama)])
    assert [m.name for m in report.models] == ["hf.co/bartowski/Tiny-GGUF:q4"]


def test_a_missing_ollama_blob_is_skipped_with_a_reason(home):
    ollama = home / ".ollama/models"
    next((ollama / "blobs").iterdir()).unlink()
    report = scan_report([(OLLAMA, ollama)])
    assert report.models == []
    assert report.skipped[0].reason.startswith("tinyllama:latest: ")
    assert "is missing" in report.skipped[0].reason
    assert report.skipped[0].path.parent == ollama / "blobs"


def test_damaged_files_are_skipped_and_the_rest_still_found(tmp_path):
    folder = tmp_path / "models"
    good = write_gguf(folder / "good.gguf")
    (folder / "truncated.gguf").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    (folder / "header-only.gguf").write_bytes(good.read_bytes()[:40])
    (folder / "notes.gguf").write_text("not a model at all, just a text file with a wrong name")
    (folder / "empty.gguf").write_bytes(b"")
    report = scan_report([], [folder])
    assert [m.path.name for m in report.models] == ["good.gguf"]
    assert report.models[0].source == ADDED
    skipped = {s.path.name: s.reason for s in report.skipped}
    assert set(skipped) == {"truncated.gguf", "header-only.gguf", "notes.gguf", "empty.gguf"}
    assert all("not a readable GGUF model" in reason for reason in skipped.values())
    with pytest.raises(ModelLibraryError, match="notes.gguf"):
        read_gguf_info(folder / "notes.gguf")


def test_projectors_and_adapters_are_not_offered_as_models(tmp_path):
    folder = tmp_path / "models"
    write_gguf(folder / "model.gguf")
    write_gguf(folder / "mmproj-model-f16.gguf", arch="clip")
    write_gguf(folder / "lora.gguf", general_type="adapter")
    report = scan_report([], [folder])
    assert [m.path.name for m in report.models] == ["model.gguf"]
    assert {s.path.name for s in report.skipped} == {"mmproj-model-f16.gguf", "lora.gguf"}


def test_a_split_model_is_one_entry_with_all_its_parts(tmp_path):
    folder = tmp_path / "big"
    parts = [
        write_gguf(folder / f"Big-Q4_K_M-0000{i}-of-00003.gguf", "Big", split=(i - 1, 3))
        for i in (1, 2, 3)
    ]
    (models,) = [scan([], [folder])]
    assert [m.path.name for m in models] == ["Big-Q4_K_M-00001-of-00003.gguf"]
    assert models[0].size_bytes == sum(p.stat().st_size for p in parts)
    assert models[0].parameters == 3 * 16 * 8
    parts[2].unlink()
    report = scan_report([], [folder])
    assert report.models == []
    assert "00003-of-00003" in report.skipped[0].reason


def test_links_are_followed_once_and_loops_end(tmp_path, home):
    extra = tmp_path / "mine"
    write_gguf(extra / "deep/a/b/c/mine.gguf", "Mine")
    (extra / "deep/a/b/c/loop").symlink_to(extra)  # a loop back to the top
    (extra / "again.gguf").symlink_to(home / "jan/models/tiny/model.gguf")
    (extra / "lmstudio").symlink_to(home / ".lmstudio/models", target_is_directory=True)
    models = scan(linux_folders(home), [extra])
    names = [m.name for m in models]
    assert sorted(names) == sorted(
        ["LM Tiny", "tinyllama:latest", "HF Tiny", "GPT4All Tiny", "Jan Tiny", "Mine"]
    )
    assert next(m for m in models if m.name == "Jan Tiny").source == JAN  # the app's own wins


def test_too_deep_folders_are_not_searched(tmp_path):
    folder = tmp_path / "deep"
    write_gguf(folder.joinpath(*["d"] * 12, "lost.gguf"))
    write_gguf(folder / "d/found.gguf")
    assert [m.path.name for m in scan([], [folder])] == ["found.gguf"]


def test_an_added_ollama_folder_is_read_through_its_manifests(home):
    models = scan([], [home / ".ollama/models"])
    assert [(m.name, m.source) for m in models] == [("tinyllama:latest", OLLAMA)]


def test_missing_and_unreadable_folders_are_no_error(tmp_path):
    assert scan([(LM_STUDIO, tmp_path / "nowhere")], [tmp_path / "neither"]) == []


def test_known_folders_per_platform(tmp_path):
    home = tmp_path
    linux = dict(known_folders(home, {}, platform="linux"))
    assert home / ".lmstudio/models" in [p for s, p in known_folders(home, {}, "linux")]
    assert linux[GPT4ALL] == home / ".local/share/nomic.ai/GPT4All"
    assert linux[HUGGING_FACE] == home / ".cache/huggingface/hub"

    mac = known_folders(home, {}, platform="darwin")
    support = home / "Library/Application Support"
    assert (GPT4ALL, support / "nomic.ai/GPT4All") in mac
    assert (JAN, support / "Jan/data/models") in mac

    env = {"LOCALAPPDATA": str(tmp_path / "Local"), "APPDATA": str(tmp_path / "Roaming")}
    win = known_folders(home, env, platform="win32")
    assert (GPT4ALL, tmp_path / "Local/nomic.ai/GPT4All") in win
    assert (JAN, tmp_path / "Roaming/Jan/data/models") in win
    assert (OLLAMA, home / ".ollama/models") in win

    moved = known_folders(home, {"HF_HOME": "/hf", "OLLAMA_MODELS": "/om"}, platform="linux")
    assert (HUGGING_FACE, Path("/hf/hub")) in moved
    assert moved.index((OLLAMA, Path("/om"))) < moved.index((OLLAMA, home / ".ollama/models"))
    assert (HUGGING_FACE, Path("/cache")) in known_folders(home, {"HF_HUB_CACHE": "/cache"})


def seven_b(size_bytes: int = 4 * GiB, context_length: int = 32768) -> ModelInfo:
    """A Mistral-7B-shaped model: 32 layers, 4096 wide, 32 heads, 8 KV heads."""
    return ModelInfo(
        path=Path("m.gguf"),
        name="m",
        size_bytes=size_bytes,
        quantisation="Q4_K_M",
        parameters=7_240_000_000,
        size_label="7B",
        context_length=context_length,
        architecture="llama",
        n_layers=32,
        n_embd=4096,
        n_head=32,
        n_head_kv=8,
    )


def test_kv_cache_per_token_is_two_times_layers_times_kv_width_times_two_bytes():
    assert seven_b().kv_bytes_per_token == 2 * 32 * (8 * 128) * 2 == 128 * 1024
    # explicit key/value lengths (Gemma-style) replace width/heads
    gemma = ModelInfo(**{**seven_b().__dict__, "key_length": 256, "value_length": 256})
    assert gemma.kv_bytes_per_token == 32 * 8 * 512 * 2


def test_recommended_context_fits_the_memory_left_after_the_weights():
    # 16 GiB - 4 GiB weights - 0.5 GiB reserve = 11.5 GiB = 94,208 tokens -> 65,536 -> trained 32k
    assert recommended_context(seven_b(), 16 * GiB) == 32768
    assert recommended_context(seven_b(context_length=131072), 16 * GiB) == 65536
    # 6 GiB: 1.5 GiB left = 12,288 tokens -> 8192
    assert recommended_context(seven_b(), 6 * GiB) == 8192
    # exactly 2048 tokens' worth is enough for 2048
    assert recommended_context(seven_b(), 4 * GiB + 512 * MiB + 2048 * 128 * 1024) == 2048
    assert fits_in_memory(seven_b(), 6 * GiB)
    # the weights alone do not fit: the smallest useful context, and fits_in_memory says no
    assert recommended_context(seven_b(), 4 * GiB) == 512
    assert not fits_in_memory(seven_b(), 4 * GiB)
    # a model trained for less is never given more
    assert recommended_context(seven_b(context_length=2048), 64 * GiB) == 2048


def test_recommended_context_without_the_layer_shape_is_the_default():
    unknown = ModelInfo(**{**seven_b().__dict__, "n_layers": 0})
    assert recommended_context(unknown, 64 * GiB) == 4096
    assert recommended_context(ModelInfo(**{**unknown.__dict__, "context_length": 0}), GiB) == 4096


def test_the_default_model_gets_its_full_context_on_this_machine():
    info = read_gguf_info(default_model_path())
    assert recommended_context(info, 2 * GiB) == 8192
    assert 0 < available_memory() < 2**50


def test_parameter_counts_are_written_short():
    assert format_parameters(134_515_008) == "135M"
    assert format_parameters(7_241_732_096) == "7.2B"
    assert format_parameters(70_553_706_496) == "71B"
    assert format_parameters(1_500) == "1.5K"
    assert format_parameters(12) == "12"


def test_quantisation_comes_from_tensor_types_without_a_file_type(tmp_path):
    path = write_gguf(
        tmp_path / "f16.gguf", file_type=None, size_label=None, tensor=np.ones((64, 32), np.float16)
    )
    info = read_gguf_info(path)
    assert info.quantisation == "F16"
    assert (info.parameters, info.size_label) == (64 * 32, "2K")


@pytest.mark.skipif(sys.platform != "linux", reason="counts page faults the Linux way")
def test_a_multi_gigabyte_file_is_read_without_touching_its_weights(tmp_path):
    path = tmp_path / "huge.gguf"
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name("Huge")
    writer.add_context_length(8192)
    writer.add_token_list([f"t{i}" for i in range(150_000)])  # a Llama-3-sized vocabulary
    n = 4 * GiB // 4
    writer.add_tensor_info("token_embd.weight", (n // 4096, 4096), np.dtype(np.float32), 4 * n)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()
    with open(path, "r+b") as sparse:  # a hole: no 4 GiB written, reading it would fault pages
        sparse.truncate(os.path.getsize(path) + 4 * GiB + 64)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    started = time.perf_counter()
    info = read_gguf_info(path)
    assert time.perf_counter() - started < 2.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults < 20_000  # 4 GiB = 1 M
    assert info.parameters == n
    assert info.size_bytes > 4 * GiB


def test_a_scan_asked_to_stop_stops(home):
    assert scan_report(linux_folders(home), should_stop=lambda: True).models == []


def test_per_layer_kv_heads_count_the_widest_layer(tmp_path):
    path = tmp_path / "hybrid.gguf"
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_block_count(4)
    writer.add_embedding_length(256)
    writer.add_head_count(8)
    writer.add_array("llama.attention.head_count_kv", [0, 2, 4, 2])
    writer.add_array("tokenizer.ggml.scores", [0.0] * 5000)  # stepped over, not parsed
    writer.add_tensor("output.weight", np.ones((4, 4), np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    info = read_gguf_info(path)
    assert info.n_head_kv == 4
    assert (info.name, info.context_length) == ("hybrid", 0)
    assert info.kv_bytes_per_token == 4 * 4 * (32 + 32) * 2  # head size 256 / 8
