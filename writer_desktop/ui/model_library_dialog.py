"""The model library dialog: GGUF models found on the disk, one chosen as MODEL_PATH with a
context size that fits this machine."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.services.model_library import (
    ADDED,
    GPT4ALL,
    HUGGING_FACE,
    JAN,
    LM_STUDIO,
    OLLAMA,
    ModelInfo,
    ScanReport,
    available_memory,
    fits_in_memory,
    known_folders,
    recommended_context,
    scan_report,
)
from writer_desktop.ui.tasks import spawn

COLUMNS = ("Name", "Source", "Size", "Quantisation", "Parameters", "Context")
SORT_KEY = Qt.ItemDataRole.UserRole + 1
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def format_size(size_bytes: int) -> str:
    if size_bytes >= 10**9:
        return f"{size_bytes / 10**9:.1f} GB"
    if size_bytes >= 10**6:
        return f"{size_bytes / 10**6:.0f} MB"
    return f"{max(1, round(size_bytes / 10**3))} KB"


class _Item(QTableWidgetItem):
    """A cell that sorts by its number (bytes, parameters, tokens), not by its text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_KEY), other.data(SORT_KEY)
        if mine is None or theirs is None:
            # not super().__lt__: PySide6 dispatches that back here, without end
            return self.text().casefold() < other.text().casefold()
        return mine < theirs


class ModelLibraryDialog(QDialog):
    """The GGUF models in the local-model apps' folders (or `folders`, for tests) and in the
    folders the author adds. After accept(), `chosen` is the model's path and
    `recommended_ctx` a context size that fits `memory_bytes` (default: memory free now)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        folders: Iterable[tuple[str, Path]] | None = None,
        extra_folders: Iterable[Path] = (),
        memory_bytes: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Model library"))
        self.resize(860, 460)
        self.folders = known_folders(Path.home(), os.environ) if folders is None else list(folders)
        self.extra_folders: list[Path] = [Path(f) for f in extra_folders]
        self.memory_bytes = memory_bytes
        self.models: list[ModelInfo] = []
        self.report = ScanReport()
        self.chosen: Path | None = None
        self.recommended_ctx: int | None = None
        self.scan_task: asyncio.Task | None = None
        self._stop = threading.Event()
        self.source_names = {
            LM_STUDIO: self.tr("LM Studio"),
            OLLAMA: self.tr("Ollama"),
            GPT4ALL: self.tr("GPT4All"),
            JAN: self.tr("Jan"),
            HUGGING_FACE: self.tr("Hugging Face"),
            ADDED: self.tr("Added folder"),
        }

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.use_selected())

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.detail = QLabel(self.tr("Choose a model to see the context size that fits."))
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.add_button = QPushButton(self.tr("Add folder…"))
        self.add_button.clicked.connect(self._ask_for_folder)
        self.rescan_button = QPushButton(self.tr("Search again"))
        self.rescan_button.clicked.connect(self.start_scan)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.use_button = self.buttons.addButton(
            self.tr("Use this model"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.use_button.setEnabled(False)
        self.use_button.setDefault(True)
        self.buttons.accepted.connect(self.use_selected)
        self.buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.rescan_button)
        row.addStretch(1)
        row.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(row)
        self.start_scan()

    # -- scanning -------------------------------------------------------------------------

    def start_scan(self) -> asyncio.Task:
        """Look through every folder again, off the GUI thread; the task is `scan_task`."""
        self._stop.set()  # an earlier scan still running stops at its next file
        if self.scan_task is not None and not self.scan_task.done():
            self.scan_task.cancel()
        self._stop = threading.Event()
        self.status.setText(self.tr("Looking for GGUF models…"))
        self.rescan_button.setEnabled(False)
        self.scan_task = spawn(self._scan(self._stop))
        return self.scan_task

    async def _scan(self, stop: threading.Event) -> None:
        folders, extra = list(self.folders), list(self.extra_folders)

        def work() -> tuple[ScanReport, int]:
            report = scan_report(folders, extra, should_stop=stop.is_set)
            memory = self.memory_bytes if self.memory_bytes is not None else available_memory()
            return report, memory

        report, memory = await asyncio.to_thread(work)
        if stop.is_set():
            return
        self.memory_bytes = memory
        self._show(report)

    def _show(self, report: ScanReport) -> None:
        self.report = report
        self.models = list(report.models)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.models))
        for row, info in enumerate(self.models):
            cells = [
                (info.name, None),
                (self.source_names.get(info.source, info.source), None),
                (format_size(info.size_bytes), info.size_bytes),
                (info.quantisation or "—", None),
                (info.size_label or "—", info.parameters),
                (f"{info.context_length:,}" if info.context_length else "—", info.context_length),
            ]
            for column, (text, key) in enumerate(cells):
                item = _Item(text)
                item.setData(Qt.ItemDataRole.UserRole, row)
                if key is not None:
                    item.setData(SORT_KEY, key)
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                item.setToolTip(str(info.path))
                self.table.setItem(row, column, item)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(
            self.table.horizontalHeader().sortIndicatorSection(),
            self.table.horizontalHeader().sortIndicatorOrder(),
        )
        self.rescan_button.setEnabled(True)

        searched = [str(f) for _, f in self.folders + [(ADDED, f) for f in self.extra_folders]]
        if self.models:
            text = self.tr("Found %n model(s).", "", len(self.models))
        else:
            text = self.tr(
                "No GGUF models found. Download one in LM Studio, Ollama, GPT4All or Jan, "
                "or add a folder that holds some."
            )
        if report.skipped:
            text += " " + self.tr(
                "%n file(s) could not be used (hover for why).", "", len(report.skipped)
            )
        self.status.setText(text)
        self.status.setToolTip(
            self.tr("Searched:")
            + "\n"
            + "\n".join(searched)
            + "".join(f"\n\n{skipped.reason}" for skipped in report.skipped)
        )

    # -- choosing -------------------------------------------------------------------------

    def selected(self) -> ModelInfo | None:
        """The model of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        index = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return self.models[index]

    def _selection_changed(self) -> None:
        info = self.selected()
        self.use_button.setEnabled(info is not None)
        if info is None:
            return
        memory = self.memory_bytes or 0
        context = recommended_context(info, memory)
        text = self.tr("{0}\nRecommended context: {1:,} tokens ({2} of memory free).").format(
            info.path, context, format_size(memory)
        )
        if not fits_in_memory(info, memory):
            text += "\n" + self.tr(
                "This model may not fit in the memory free now: close other programs, or "
                "choose a smaller model or quantisation."
            )
        self.detail.setText(text)

    def use_selected(self) -> None:
        """Take the selected model (sets `chosen` and `recommended_ctx`) and close."""
        info = self.selected()
        if info is None:
            return
        self.chosen = info.path
        self.recommended_ctx = recommended_context(info, self.memory_bytes or 0)
        self.accept()

    def add_folder(self, folder: Path) -> asyncio.Task:
        """Search `folder` too (and the rest again)."""
        if folder not in self.extra_folders:
            self.extra_folders.append(folder)
        return self.start_scan()

    def _ask_for_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder of GGUF models"))
        if folder:
            self.add_folder(Path(folder))

    def done(self, result: int) -> None:
        self._stop.set()
        if self.scan_task is not None and not self.scan_task.done():
            self.scan_task.cancel()
        super().done(result)
