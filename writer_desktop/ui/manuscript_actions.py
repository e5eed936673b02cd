"""File > Import and Export, and manuscripts dropped on the window."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from writer_desktop.services import (
    EXPORT_FORMATS,
    SUPPORTED,
    ImportPreview,
    ManuscriptError,
    ManuscriptService,
    StoryChangedError,
    StoryFileError,
)
from writer_desktop.ui.binder import manuscript_files
from writer_desktop.ui.import_dialog import ImportDialog
from writer_desktop.ui.tasks import spawn

if TYPE_CHECKING:
    from writer_desktop.ui.main_window import MainWindow

IMPORT_FILTER = "Manuscripts ({});;All files (*)".format(" ".join(f"*{s}" for s in SUPPORTED))
EXPORT_FILTER = ";;".join(f"{name} (*{suffix})" for suffix, name in EXPORT_FORMATS.items())


manuscript_paths = manuscript_files  # the dropped files that can be imported


class ManuscriptActions(QObject):
    imported = Signal(int)  # chapters added
    preview_shown = Signal(object)  # ImportDialog

    def __init__(self, window: MainWindow, service: ManuscriptService) -> None:
        super().__init__(window)
        self.window = window
        self.service = service
        self.task: asyncio.Task | None = None
        self.dialog: ImportDialog | None = None
        self.writing: asyncio.Task | None = None  # the chapters being written in
        self.import_action = QAction(self.tr("&Import manuscript…"), window)
        self.import_action.setShortcut(QKeySequence("Ctrl+Shift+I"))  # Ctrl+I is italic
        self.import_action.triggered.connect(self.ask_import)
        self.export_story_action = QAction(self.tr("&Export story…"), window)
        self.export_story_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_story_action.triggered.connect(lambda: self.ask_export(chapter=False))
        self.export_chapter_action = QAction(self.tr("Export &chapter…"), window)
        self.export_chapter_action.triggered.connect(lambda: self.ask_export(chapter=True))

    def refresh(self) -> None:
        is_open = self.window.stories.is_open
        self.export_story_action.setEnabled(is_open)
        self.export_chapter_action.setEnabled(is_open and self.window.editor.chapter_id is not None)

    # -- import ----------------------------------------------------------------------------

    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Import a manuscript"), str(Path.home()), IMPORT_FILTER
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> asyncio.Task:
        """Read in the background, then show the preview. The window stays usable: the
        reading is listed in the activity list, whose Stop (or AI > Stop) cancels it. (A
        modal progress box froze the window for 80 ms as it appeared, and blocked it.)"""
        self.window.statusBar().showMessage(self.tr("Reading {0}…").format(path.name))

        async def read() -> None:
            try:
                preview = await self.service.preview(path)
            except asyncio.CancelledError:  # the author pressed Stop: the child is killed
                self.window.statusBar().showMessage(
                    self.tr("Import of {0} cancelled.").format(path.name), 8000
                )
                return
            except Exception as exc:  # any unreadable file: say why, change nothing
                self.window.statusBar().clearMessage()
                message = (
                    str(exc)
                    if isinstance(exc, ManuscriptError)
                    else self.tr("{0} could not be read: {1}").format(path.name, exc)
                )
                # Outside this task: a modal box runs a nested event loop.
                asyncio.get_running_loop().call_soon(
                    lambda: QMessageBox.warning(self.window, self.tr("Cannot import"), message)
                )
                return
            self.window.statusBar().clearMessage()
            self.show_preview(preview)

        self.task = spawn(read())
        return self.task

    def show_preview(self, preview: ImportPreview) -> ImportDialog:
        dialog = ImportDialog(
            preview,
            self.window.stories.is_open,
            self.window,
            splitter=self.service.split,
            options=self.service.split_options(preview),
        )
        dialog.accepted.connect(lambda: self.apply(dialog, preview))
        dialog.open()
        self.dialog = dialog
        self.preview_shown.emit(dialog)
        return dialog

    def apply(
        self, dialog: ImportDialog, preview: ImportPreview, new_story_path: Path | None = None
    ) -> asyncio.Task | None:
        """Import the chapters ticked in the preview: into the open story, or as a new story
        saved as `new_story_path` (else where the author chooses). The novel is written off
        the window's thread; returns that task (its result: whether the chapters went in),
        or None when there is nothing to do (nothing ticked, unsaved text kept, no file)."""
        chapters = dialog.selected_chapters()
        if not chapters:
            return None
        window = self.window
        if not window.saver.can_drop(self.tr("import")):
            return None
        into_current = dialog.into_current and window.stories.is_open
        if not into_current and new_story_path is None:
            safe = re.sub(r'[\\/:*?"<>|]+', " ", preview.title).strip() or "Story"
            suggested = preview.path.with_name(f"{safe}.wstory")
            chosen, _ = QFileDialog.getSaveFileName(
                window,
                self.tr("Save the new story as"),
                str(suggested),
                "Writer Assistant stories (*.wstory)",
            )
            if not chosen:
                return None
            new_story_path = Path(chosen)
        target = None if into_current else new_story_path  # None: into the open story
        self.writing = spawn(self._write(chapters, preview, target))
        return self.writing

    async def _write(
        self, chapters: list, preview: ImportPreview, new_story_path: Path | None
    ) -> bool:
        window = self.window
        try:
            if new_story_path is None:
                session = window.stories.session
                added = await self.service.import_into_current_async(chapters)
                if window.stories.is_current(session):
                    for chapter in added:
                        window.binder.append_chapter(chapter)
                    window.refresh_counts()
            else:
                window.ai.abandon()
                await self.service.import_as_new_story_async(
                    chapters, new_story_path, preview.title
                )
                await window.reload_story_async()
        except (StoryFileError, StoryChangedError, OSError) as exc:
            message = str(exc)
            # Outside this task: a modal box runs a nested event loop.
            asyncio.get_running_loop().call_soon(
                lambda: QMessageBox.warning(window, self.tr("Cannot import"), message)
            )
            window.reload_story()
            return False
        window.statusBar().showMessage(
            self.tr("Imported {0} chapters from {1}.").format(len(chapters), preview.path.name),
            8000,
        )
        self.imported.emit(len(chapters))
        return True

    # -- export ----------------------------------------------------------------------------

    def ask_export(self, chapter: bool) -> QFileDialog | None:
        """Ask where to export; the proposed name follows the chosen format."""
        window = self.window
        if not window.stories.is_open:
            return None
        name = (
            window.binder.currentItem().text()
            if chapter and window.binder.currentItem()
            else window.stories.title()
        )
        filters = EXPORT_FILTER.split(";;")
        suffixes = list(EXPORT_FORMATS)
        dialog = QFileDialog(window, self.tr("Export"), str(Path.home()), EXPORT_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        word = suffixes.index(".docx")
        dialog.selectNameFilter(filters[word])
        dialog.selectFile(f"{name}.docx")
        dialog.setDefaultSuffix("docx")

        def follow(chosen: str) -> None:
            suffix = suffixes[filters.index(chosen)] if chosen in filters else ".docx"
            dialog.setDefaultSuffix(suffix.lstrip("."))
            typed = dialog.selectedFiles()[0] if dialog.selectedFiles() else name
            dialog.selectFile(Path(typed).with_suffix(suffix).name)

        def chosen() -> None:
            files = dialog.selectedFiles()
            if files:
                spawn(self.export_async(Path(files[0]), chapter))

        dialog.filterSelected.connect(follow)
        dialog.accepted.connect(chosen)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def export(self, path: Path, chapter: bool = False) -> Path | None:
        window = self.window
        window.saver.save()
        if not path.suffix:
            path = path.with_suffix(".docx")
        try:
            if chapter and window.editor.chapter_id is not None:
                written = self.service.export_chapter(window.editor.chapter_id, path)
            else:
                written = self.service.export_story(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(window, self.tr("Cannot export"), str(exc))
            return None
        window.statusBar().showMessage(self.tr("Exported to {0}.").format(written), 8000)
        return written

    async def export_async(self, path: Path, chapter: bool = False) -> Path | None:
        """`export`, written on a worker thread while the window keeps answering."""
        window = self.window
        window.saver.save()
        if not path.suffix:
            path = path.with_suffix(".docx")
        chapter_id = window.editor.chapter_id if chapter else None
        window.statusBar().showMessage(self.tr("Exporting to {0}…").format(path))
        try:
            written = await self.service.export_async(path, chapter_id)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(window, self.tr("Cannot export"), str(exc))
            return None
        window.statusBar().showMessage(self.tr("Exported to {0}.").format(written), 8000)
        return written
