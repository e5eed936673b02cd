"""The settings dialog: edits the user's settings file; environment and .env still win."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.config import Settings, read_user_file, write_user_file
from writer_desktop.services import ModelLoadError, test_connection
from writer_desktop.ui.model_library_dialog import ModelLibraryDialog
from writer_desktop.ui.tasks import spawn

GROUPS: list[tuple[str, str]] = [
    ("Model", "model_path llm_"),
    ("Context", "context_ distill_"),
    ("Agents", "endpoint_"),
    ("Other", "archive_ prompts_dir autosave_"),
]


def _group_of(name: str) -> str:
    for title, prefixes in GROUPS:
        if any(name.startswith(prefix) for prefix in prefixes.split()):
            return title
    return "Other"


class SettingsDialog(QDialog):
    """One line per setting; empty means the default, shown as the placeholder."""

    def __init__(self, user_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.resize(640, 520)
        self.user_file = user_file
        stored = {k.lower(): v for k, v in read_user_file(user_file).items()}
        self.edits: dict[str, QLineEdit] = {}
        self.library: ModelLibraryDialog | None = None

        tabs = QTabWidget()
        forms: dict[str, QFormLayout] = {}
        for title, _ in GROUPS:
            page = QWidget()
            forms[title] = QFormLayout(page)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            tabs.addTab(scroll, self.tr(title))

        for name, field in Settings.model_fields.items():
            edit = QLineEdit()
            default = field.get_default()
            edit.setPlaceholderText(
                self.tr("default: {0}").format(default if default != "" else "—")
            )
            if name in stored:
                edit.setText(str(stored[name]))
            env_value = os.environ.get(name.upper())
            if env_value is not None:
                edit.setToolTip(
                    self.tr(
                        "Set by the environment variable {0}={1}, which wins over this file."
                    ).format(name.upper(), env_value)
                )
            self.edits[name] = edit
            row: QWidget = edit
            if name == "model_path":
                row = self._with_browse(edit)
            elif name == "llm_base_url":
                row = self._with_test(edit)
            forms[_group_of(name)].addRow(name.upper(), row)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        note = QLabel(
            self.tr("Saved to {0}. Environment variables and a .env file override it.").format(
                user_file
            )
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.error_label)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _with_browse(self, edit: QLineEdit) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(lambda: self._browse_model(edit))
        row.addWidget(browse)
        find = QPushButton(self.tr("Find models…"))
        find.setToolTip(
            self.tr("GGUF models already on this computer (LM Studio, Ollama, GPT4All, Jan, …)")
        )
        find.clicked.connect(self.open_model_library)
        row.addWidget(find)
        return box

    def _with_test(self, edit: QLineEdit) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setToolTip(
            self.tr("Ask the server which model it would use and its context length")
        )
        self.test_button.clicked.connect(lambda: self.test_connection())
        row.addWidget(self.test_button)
        return box

    def test_connection(self) -> asyncio.Task | None:
        """Ask the server in the form (LLM_BASE_URL, LLM_API_KEY, LLM_MODEL) what it offers."""
        values = self.values()
        values["llm_backend"] = "openai"
        try:
            settings = Settings.model_validate(values)
        except ValidationError as exc:
            self.error_label.setText(str(exc.errors()[0]["msg"]))
            return None
        self.error_label.setText(self.tr("Asking {0}…").format(settings.llm_base_url))

        async def ask() -> None:
            try:
                report = await test_connection(settings)
            except ModelLoadError as exc:
                self.error_label.setText(self.tr("Connection failed: {0}").format(exc))
                return
            context = (
                self.tr("{0} tokens of context").format(f"{report.context_length:,}")
                if report.context_length
                else self.tr("context length not reported")
            )
            self.error_label.setText(
                self.tr("Connected: {0}, {1}.").format(report.model or "?", context)
            )

        self.test_task = spawn(ask())
        return self.test_task

    def open_model_library(self) -> ModelLibraryDialog:
        """Open the model library; the model chosen there fills MODEL_PATH and LLM_N_CTX."""
        self.library = ModelLibraryDialog(self)
        self.library.accepted.connect(self._model_chosen)
        self.library.open()  # window-modal without a nested event loop: the scan runs on ours
        return self.library

    def _model_chosen(self) -> None:
        library = self.library
        if library is None or library.chosen is None:
            return
        self.edits["model_path"].setText(str(library.chosen))
        if library.recommended_ctx:
            self.edits["llm_n_ctx"].setText(str(library.recommended_ctx))

    def _browse_model(self, edit: QLineEdit) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a GGUF model"), "", self.tr("GGUF models (*.gguf)")
        )
        if path:
            edit.setText(path)

    def values(self) -> dict[str, Any]:
        return {
            name: edit.text().strip() for name, edit in self.edits.items() if edit.text().strip()
        }

    def accept(self) -> None:
        values = self.values()
        try:
            checked = Settings.model_validate(values)
        except ValidationError as exc:
            self.error_label.setText(
                "\n".join(f"{str(e['loc'][0]).upper()}: {e['msg']}" for e in exc.errors())
            )
            return
        write_user_file(self.user_file, {k: getattr(checked, k) for k in values})
        super().accept()
