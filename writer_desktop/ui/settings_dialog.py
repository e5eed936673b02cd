"""The settings dialog: pages of settings in plain words (Writing, AI model, Agents, Context,
Archive, Backups, HTTP API), each with a fitting control; it edits the user's settings file,
and environment variables and .env still win."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.config import Settings, read_user_file, write_user_file
from writer_desktop.services import ModelLoadError, test_connection
from writer_desktop.services.model_library import default_model_name
from writer_desktop.services.settings_catalog import PAGE_INTROS, PAGES, SettingInfo, setting_infos
from writer_desktop.ui.model_library_dialog import ModelLibraryDialog
from writer_desktop.ui.setting_field import CAPTION_STYLE, SettingField
from writer_desktop.ui.tasks import spawn


class SettingsDialog(QDialog):
    """Settings page by page in plain words; the variable's name is shown small beneath."""

    def __init__(self, user_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.resize(900, 640)
        self.user_file = user_file
        stored = {k.lower(): v for k, v in read_user_file(user_file).items()}
        self.edits: dict[str, SettingField] = {}
        self.labels: dict[str, QLabel] = {}
        self.library: ModelLibraryDialog | None = None

        self.page_list = QListWidget()
        self.page_list.setMaximumWidth(170)
        self.page_list.setSpacing(3)
        font = self.page_list.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.page_list.setFont(font)
        self.stack = QStackedWidget()
        self.pages: dict[str, QFormLayout] = {}
        self.page_list.currentRowChanged.connect(self.stack.setCurrentIndex)

        sections: dict[str, str] = {}
        for info in setting_infos():
            form = self.pages.get(info.page) or self._add_page(info.page)
            if info.section and sections.get(info.page) != info.section:
                sections[info.page] = info.section
                form.addRow(QLabel(f"<b>{self.tr(info.section)}</b>"))
            field = SettingField(info)
            if info.name in stored:
                # An unreadable stored value shows as the default.
                with contextlib.suppress(TypeError, ValueError):
                    field.set_value(stored[info.name])
            self.edits[info.name] = field
            row: QWidget = field
            if info.name == "model_path":
                row = self._with_library(field)
            elif info.name == "llm_base_url":
                row = self._with_test(field)
            label = QLabel(self.tr(info.label))
            label.setToolTip(self.tr(info.help))
            label.setWordWrap(True)
            self.labels[info.name] = label
            form.addRow(label, self._with_caption(info, row))
        self.page_list.setCurrentRow(0)
        if "model_path" in self.edits and self.edits["model_path"].path_edit is not None:
            self.edits["model_path"].path_edit.setPlaceholderText(
                self.tr("The built-in model: {0}").format(default_model_name())
            )

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        note = QLabel(
            self.tr(
                "Saved for you on this computer. A setting also given as an environment "
                "variable (its name is shown small under each) uses that value instead."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet(CAPTION_STYLE)
        note.setToolTip(str(user_file))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.setText(self.tr("Defaults for this page"))
        restore.clicked.connect(self.restore_page_defaults)

        body = QHBoxLayout()
        body.addWidget(self.page_list)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _add_page(self, title: str) -> QFormLayout:
        page = QWidget()
        form = QFormLayout(page)
        heading = QLabel(f"<h3>{self.tr(title)}</h3>")
        intro = QLabel(self.tr(PAGE_INTROS.get(title, "")))
        intro.setWordWrap(True)
        form.addRow(heading)
        form.addRow(intro)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        # Pages in the catalog's order, whatever order the settings come in.
        index = sum(1 for other in PAGES[: PAGES.index(title)] if other in self.pages)
        self.stack.insertWidget(index, scroll)
        self.page_list.insertItem(index, self.tr(title))
        self.pages[title] = form
        return form

    def page_titles(self) -> list[str]:
        return [self.page_list.item(i).text() for i in range(self.page_list.count())]

    def show_page(self, title: str) -> None:
        titles = self.page_titles()
        if title in titles:
            self.page_list.setCurrentRow(titles.index(title))

    def _with_caption(self, info: SettingInfo, row: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(row)
        parts = [self.tr(info.help)]
        if info.minimum is not None and info.maximum is not None and info.control == "spin":
            # The special value (-1 "All of it") is said in the box, not as a number.
            low = int(info.minimum) + (1 if info.special is not None else 0)
            if info.maximum < 2**31 - 1:
                parts.append(
                    self.tr("From {0} to {1} {2}.")
                    .format(f"{low:,}", f"{int(info.maximum):,}", self.tr(info.unit))
                    .replace(" .", ".")
                )
        env_value = os.environ.get(info.env_name)
        if env_value is not None:
            parts.append(
                self.tr("Now set by the environment ({0}), which wins over this.").format(env_value)
            )
        caption = QLabel(
            f"{' '.join(parts)} <span style='font-family: monospace'>{info.env_name}</span>"
        )
        caption.setWordWrap(True)
        caption.setStyleSheet(CAPTION_STYLE)
        caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(caption)
        row.setToolTip(self.tr(info.help))
        return box

    def _with_library(self, field: SettingField) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(field)
        find = QPushButton(self.tr("Find models on this computer…"))
        find.setToolTip(
            self.tr("GGUF models already on this computer (LM Studio, Ollama, GPT4All, Jan, …)")
        )
        find.clicked.connect(self.open_model_library)
        column.addWidget(find, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _with_test(self, field: SettingField) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field, 1)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setToolTip(
            self.tr("Ask the server which model it would use and how much it can hold")
        )
        self.test_button.clicked.connect(lambda: self.test_connection())
        row.addWidget(self.test_button)
        return box

    def restore_page_defaults(self) -> None:
        page = self.page_titles()[self.page_list.currentRow()]
        for field in self.edits.values():
            if self.tr(field.info.page) == page:
                field.set_value(field.info.default)

    def test_connection(self) -> asyncio.Task | None:
        """Ask the server in the form (address, key, model name) what it offers."""
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
        """Open the model library; the model chosen there fills the model file and memory."""
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

    def values(self) -> dict[str, Any]:
        """Every setting as the form shows it."""
        return {name: field.value() for name, field in self.edits.items()}

    def _said(self, name: str) -> str:
        """A setting's name as the page says it ("Editor review, Creativity")."""
        info = self.edits[name].info
        label = self.labels[name].text()
        return f"{self.tr(info.section)}, {label}" if info.section else label

    def accept(self) -> None:
        values = self.values()
        try:
            checked = Settings.model_validate(values)
        except ValidationError as exc:
            self.error_label.setText(
                "\n".join(
                    f"{self._said(str(e['loc'][0]))}: {e['msg']}"
                    if e["loc"] and str(e["loc"][0]) in self.labels
                    else str(e["msg"])
                    for e in exc.errors()
                )
            )
            return
        write_user_file(self.user_file, {k: getattr(checked, k) for k in values})
        super().accept()
