"""The model library dialog on a fake home with real tiny GGUF files, and the settings
dialog's "Find models…" button that opens it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.test_services.test_model_library import fake_home, write_gguf
from writer_desktop.services.model_library import known_folders
from writer_desktop.ui.model_library_dialog import COLUMNS, ModelLibraryDialog
from writer_desktop.ui.settings_dialog import SettingsDialog

GiB = 1024**3


@pytest.fixture
def home(tmp_path) -> Path:
    return fake_home(tmp_path / "home")


def open_library(qtbot, home: Path, **kwargs) -> ModelLibraryDialog:
    dialog = ModelLibraryDialog(
        folders=known_folders(home, {}, platform="linux"), memory_bytes=16 * GiB, **kwargs
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.scan_task.done(), timeout=10_000)
    return dialog


def row_of(dialog: ModelLibraryDialog, name: str) -> int:
    found = dialog.table.findItems(name, Qt.MatchFlag.MatchExactly)
    assert found, f"{name} not in the table"
    return found[0].row()


def cells(dialog: ModelLibraryDialog, row: int) -> list[str]:
    return [dialog.table.item(row, column).text() for column in range(len(COLUMNS))]


def test_found_models_are_listed_and_one_is_chosen_with_a_context_that_fits(qtbot, home):
    dialog = open_library(qtbot, home)
    assert dialog.table.rowCount() == 5
    assert "Found 5 model(s)" in dialog.status.text()
    names = [dialog.table.item(row, 0).text() for row in range(5)]
    assert names == sorted(names, key=str.casefold)
    row = row_of(dialog, "LM Tiny")
    name, source, size, quantisation, parameters, context = cells(dialog, row)
    assert (source, quantisation, parameters, context) == ("LM Studio", "Q4_K_M", "7B", "32,768")
    assert size.endswith(" KB")
    assert cells(dialog, row_of(dialog, "tinyllama:latest"))[1] == "Ollama"
    assert not dialog.use_button.isEnabled()

    dialog.table.selectRow(row)
    assert dialog.use_button.isEnabled()
    assert "Recommended context: 32,768 tokens" in dialog.detail.text()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    assert dialog.chosen == home / ".lmstudio/models/lmstudio-community/Tiny-GGUF/Tiny-Q4_K_M.gguf"
    # 16 GiB free, a few-KB file shaped like a 7B: the whole 32k trained context fits
    assert dialog.recommended_ctx == 32768
    dialog.grab().save("/tmp/model_library_chosen.png")


def test_an_added_folder_is_searched_and_damaged_files_are_reported(qtbot, home, tmp_path):
    dialog = open_library(qtbot, home)
    mine = tmp_path / "mine"
    write_gguf(mine / "mine.gguf", "My Own")
    (mine / "broken.gguf").write_text("not a model")
    task = dialog.add_folder(mine)
    qtbot.waitUntil(task.done, timeout=10_000)
    assert dialog.table.rowCount() == 6
    assert cells(dialog, row_of(dialog, "My Own"))[1] == "Added folder"
    assert "1 file(s) could not be used" in dialog.status.text()
    assert "broken.gguf" in dialog.status.toolTip()
    assert str(mine) in dialog.status.toolTip()


def test_no_models_says_where_to_get_some(qtbot, tmp_path):
    dialog = open_library(qtbot, tmp_path / "empty-home")
    assert dialog.table.rowCount() == 0
    assert "No GGUF models found" in dialog.status.text()


def test_a_model_too_big_for_memory_is_flagged(qtbot, home):
    dialog = open_library(qtbot, home)
    dialog.memory_bytes = 100 * 1024**2  # the fake 7B's KV cache alone needs 64 MiB at 512
    dialog.table.selectRow(row_of(dialog, "HF Tiny"))
    assert "may not fit" in dialog.detail.text()


def test_closing_during_a_scan_leaves_nothing_running(qtbot, home):
    dialog = ModelLibraryDialog(folders=known_folders(home, {}, platform="linux"))
    qtbot.addWidget(dialog)
    task = dialog.scan_task
    dialog.reject()
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.cancelled() or dialog.table.rowCount() in (0, 5)


def test_find_models_fills_the_model_path_and_context_fields(qtbot, home, tmp_path, monkeypatch):
    monkeypatch.setattr(
        "writer_desktop.ui.model_library_dialog.known_folders",
        lambda _home, _env: known_folders(home, {}, platform="linux"),
    )
    settings = SettingsDialog(tmp_path / "settings.json")
    qtbot.addWidget(settings)
    settings.show()
    library = settings.open_model_library()
    qtbot.waitUntil(library.scan_task.done, timeout=10_000)
    library.table.selectRow(row_of(library, "tinyllama:latest"))
    library.use_selected()
    blob = library.chosen
    assert blob is not None and blob.parent.name == "blobs"
    assert settings.edits["model_path"].text() == str(blob)
    assert settings.edits["llm_n_ctx"].text() == "2048"  # Ollama Tiny was trained for 2048
