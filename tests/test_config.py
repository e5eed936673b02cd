"""Settings: defaults, precedence of the sources, invalid values, the user's file."""

from __future__ import annotations

import json
from pathlib import Path

from writer_desktop.config import (
    OPERATIONS,
    AppPaths,
    Settings,
    load_settings,
    read_user_file,
    setting_names,
    write_user_file,
)


def test_defaults_match_the_documented_values():
    settings = load_settings(None, env_file=None).settings
    assert settings.model_path == ""
    assert settings.llm_n_ctx == 4096
    assert settings.llm_n_gpu_layers == -1
    assert settings.llm_temperature == 0.7
    assert settings.context_max_tokens == 32000
    assert settings.context_layer_a_tokens == 2000
    assert settings.context_layer_c_tokens == 13000
    assert settings.context_layer_d_tokens == 5000
    assert settings.context_layer_e_tokens == 10000
    assert settings.archive_db_path == ""
    assert (settings.endpoint("writer").temperature, settings.endpoint("writer").max_tokens) == (
        0.8,
        2000,
    )
    assert settings.endpoint("editor").max_tokens == 800
    assert settings.endpoint("character").temperature == 0.8
    assert settings.endpoint("rater").max_tokens == 600


def test_environment_beats_dotenv_beats_user_file_beats_default(tmp_path, monkeypatch):
    user_file = tmp_path / "settings.json"
    user_file.write_text(json.dumps({"LLM_N_CTX": 1024, "LLM_MAX_TOKENS": 100, "LLM_SEED": 5}))
    env_file = tmp_path / ".env"
    env_file.write_text("LLM_N_CTX=2048\nLLM_MAX_TOKENS=200\n")
    monkeypatch.setenv("LLM_N_CTX", "3072")

    settings = load_settings(user_file, env_file=env_file).settings

    assert settings.llm_n_ctx == 3072  # environment
    assert settings.llm_max_tokens == 200  # .env
    assert settings.llm_seed == 5  # user file
    assert settings.llm_temperature == 0.7  # default


def test_invalid_value_is_named_and_replaced_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("LLM_TEMPERATURE", "very hot")
    monkeypatch.setenv("ENDPOINT_EDITOR_MAX_TOKENS", "-5")
    loaded = load_settings(None, env_file=None)
    assert loaded.settings.llm_temperature == 0.7
    assert loaded.settings.endpoint("editor").max_tokens == 800
    joined = "\n".join(loaded.problems)
    assert "LLM_TEMPERATURE" in joined and "very hot" in joined
    assert "ENDPOINT_EDITOR_MAX_TOKENS" in joined


def test_unreadable_user_file_is_reported_and_ignored(tmp_path):
    user_file = tmp_path / "settings.json"
    user_file.write_text("{not json")
    loaded = load_settings(user_file, env_file=None)
    assert loaded.settings.llm_n_ctx == 4096
    assert "unreadable" in loaded.problems[0]


def test_user_file_round_trip_leaves_out_defaults(tmp_path):
    user_file = tmp_path / "cfg" / "settings.json"
    write_user_file(user_file, {"llm_n_ctx": 2048, "llm_temperature": 0.7, "unknown": 1})
    assert read_user_file(user_file) == {"LLM_N_CTX": 2048}
    assert load_settings(user_file, env_file=None).settings.llm_n_ctx == 2048


def test_every_operation_has_endpoint_settings():
    names = set(setting_names())
    for operation in OPERATIONS:
        assert f"ENDPOINT_{operation.upper()}_TEMPERATURE" in names
        assert f"ENDPOINT_{operation.upper()}_MAX_TOKENS" in names


def test_every_setting_is_documented_in_configuration_md():
    doc = (Path(__file__).resolve().parent.parent / "CONFIGURATION.md").read_text()
    missing = [name for name in setting_names() if f"`{name}`" not in doc]
    assert not missing


def test_app_paths_follow_the_home_override(tmp_path, monkeypatch):
    monkeypatch.setenv("WRITER_ASSISTANT_HOME", str(tmp_path / "x"))
    paths = AppPaths.default()
    assert paths.settings_file == tmp_path / "x" / "config" / "settings.json"


def test_out_of_range_numbers_are_rejected(monkeypatch):
    monkeypatch.setenv("LLM_N_THREADS", "0")
    monkeypatch.setenv("LLM_N_GPU_LAYERS", "-2")
    loaded = load_settings(None, env_file=None)
    assert loaded.settings.llm_n_threads is None
    assert loaded.settings.llm_n_gpu_layers == -1
    assert {p.split(":")[0] for p in loaded.problems} == {"LLM_N_THREADS", "LLM_N_GPU_LAYERS"}


def test_zero_gpu_layers_means_cpu_only_and_is_valid(monkeypatch):
    monkeypatch.setenv("LLM_N_GPU_LAYERS", "0")
    loaded = load_settings(None, env_file=None)
    assert loaded.settings.llm_n_gpu_layers == 0
    assert loaded.problems == []
    assert isinstance(loaded.settings, Settings)
