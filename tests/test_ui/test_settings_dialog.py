"""The settings dialog speaks in plain words: pages, labels, units, fitting controls."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QComboBox, QLabel, QSlider, QSpinBox

from writer_desktop.config import Settings
from writer_desktop.services.settings_catalog import setting_infos, words_for_tokens
from writer_desktop.ui.settings_dialog import SettingsDialog


def test_every_setting_has_a_page_and_a_label_in_words():
    infos = setting_infos()
    assert {info.name for info in infos} == set(Settings.model_fields)
    for info in infos:
        assert info.label and info.help, info.name
        assert "_" not in info.label and not info.label.isupper(), info.label
        assert info.page != "Agents" or info.section  # each agent's settings under its name


def test_settings_pages_exist_with_plain_labels(qtbot, tmp_path):
    dialog = SettingsDialog(tmp_path / "settings.json")
    qtbot.addWidget(dialog)
    titles = dialog.page_titles()
    for page in ("Writing", "AI model", "Context", "Archive", "Backups"):
        assert page in titles
    assert dialog.labels["llm_n_gpu_layers"].text() == "Use the graphics card for"
    assert dialog.labels["context_layer_c_tokens"].text() == "Recent story"
    # Sensible controls, with units and words for special values.
    gpu = dialog.edits["llm_n_gpu_layers"].control
    assert isinstance(gpu, QSpinBox) and gpu.text() == "All of it"
    assert gpu.suffix() == " layers"
    threads = dialog.edits["llm_n_threads"].control
    assert isinstance(threads, QSpinBox) and threads.text() == "Automatic"
    assert isinstance(dialog.edits["backup_keep_days"].control, QSpinBox)
    assert dialog.edits["backup_keep_days"].control.suffix() == " days"
    assert isinstance(dialog.edits["endpoint_writer_temperature"].slider, QSlider)
    assert isinstance(dialog.edits["llm_backend"].control, QComboBox)
    assert dialog.edits["llm_backend"].control.currentText() == "In this app"
    # The variable's name is there, small, for people who use the environment.
    captions = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "LLM_N_GPU_LAYERS" in captions and "CONTEXT_LAYER_C_TOKENS" in captions
    assert "about 9,800 words" in captions  # 13,000 tokens of recent story, said in words
    assert dialog.edits["model_path"].path_edit.placeholderText().endswith("SmolLM2 135M Instruct")


def test_only_changed_settings_are_written_and_specials_round_trip(qtbot, tmp_path):
    user_file = tmp_path / "settings.json"
    dialog = SettingsDialog(user_file)
    qtbot.addWidget(dialog)
    dialog.edits["llm_n_ctx"].set_value(8192)
    dialog.edits["endpoint_editor_temperature"].set_value(0.5)
    dialog.edits["llm_n_threads"].set_value(4)
    dialog.edits["archive_db_path"].setText(str(tmp_path / "archive"))
    dialog.accept()
    assert json.loads(user_file.read_text()) == {
        "ARCHIVE_DB_PATH": str(tmp_path / "archive"),
        "ENDPOINT_EDITOR_TEMPERATURE": 0.5,
        "LLM_N_CTX": 8192,
        "LLM_N_THREADS": 4,
    }
    again = SettingsDialog(user_file)
    qtbot.addWidget(again)
    assert again.edits["llm_n_ctx"].value() == 8192
    assert again.edits["llm_n_threads"].value() == 4
    again.edits["llm_n_threads"].set_value(None)
    assert again.edits["llm_n_threads"].control.text() == "Automatic"
    again.accept()
    assert "LLM_N_THREADS" not in json.loads(user_file.read_text())


def test_an_invalid_combination_is_named_in_words(qtbot, tmp_path):
    dialog = SettingsDialog(tmp_path / "settings.json")
    qtbot.addWidget(dialog)
    dialog.edits["api_cors_origins"].setText("https://a.example, https://b.example")
    dialog.accept()
    data = json.loads((tmp_path / "settings.json").read_text())
    assert data["API_CORS_ORIGINS"] == ["https://a.example", "https://b.example"]


def test_words_for_tokens_is_said_as_a_person_would():
    assert words_for_tokens(404) == 300
    assert words_for_tokens(1896) == 1400
    assert words_for_tokens(10) == 8
