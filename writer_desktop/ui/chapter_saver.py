"""ChapterSaver: the editor's text on its way to the story file. Autosave (never older than
AUTOSAVE_MAX_LATENCY_S), the "Saved 10:42" / "Not saved!" indicator, the question before
anything drops unsaved text, snapshots, automatic backups, the WAL folded in when the
author pauses, and the rescue when the app crashes."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QInputDialog, QLabel

from writer_desktop.services import StoryFileError
from writer_desktop.ui.tasks import spawn

if TYPE_CHECKING:
    from writer_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# Whatever the typing rhythm, unsaved text is never older than this (a kill -9 loses at most
# this much typing, plus the few ms a save takes).
AUTOSAVE_MAX_LATENCY_S = 0.75
# While the model streams into the chapter the author cannot type (the editor refuses keys),
# and their own text was saved before the run began: what waits is the model's, which a
# crash would make them ask for again. Saving it every 0.75 s cost the stream two saves per
# Continue on the GUI thread, each preempting one of the model's threads; the run's end
# saves it at once, and a long run is saved at least this often.
AI_STREAM_SAVE_EVERY_S = 5.0
IDLE_CHECKPOINT_MS = 5000
# Leaving a chapter that grew or shrank by this many words keeps a snapshot of it.
SNAPSHOT_CHANGED_WORDS = 300


class ChapterSaver(QObject):
    """Owned by the window; the one way the editor's text is saved."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.stories = window.stories
        self.editor = window.editor
        self.dirty_since: float | None = None
        self.error: str | None = None
        self.loaded_words = 0
        settings = window.settings

        # One label, two states: "Saved 10:42" (quiet) or "Not saved!" (red, with why).
        self.unsaved_label = QLabel()
        self.unsaved_label.setObjectName("unsaved-indicator")
        self.saved_at: datetime | None = None
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(settings.autosave_delay_ms)
        self._autosave.timeout.connect(self.save)
        # When the author pauses, the story file alone is made complete (WAL folded in).
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_CHECKPOINT_MS)
        self._idle.timeout.connect(self.stories.checkpoint)
        self._backup = QTimer(self)
        self._backup.setInterval(settings.backup_interval_minutes * 60_000)
        self._backup.timeout.connect(self.back_up)
        self._backup.start()

    def text_changed(self) -> None:
        """The editor's text changed: save soon, and never later than the latency cap.
        Only real edits count: a document that equals its last save (a chapter just loaded,
        the spell check repainting its underlines) is not modified."""
        if self.editor.chapter_id is None or not self.editor.document().isModified():
            return
        now = time.monotonic()
        if self.dirty_since is None:
            self.dirty_since = now
        age = now - self.dirty_since
        if self.editor.ai_insertion_active:
            if age >= AI_STREAM_SAVE_EVERY_S:
                self.save()
            elif not self._autosave.isActive():
                self._autosave.start(int((AI_STREAM_SAVE_EVERY_S - age) * 1000))
        elif age >= AUTOSAVE_MAX_LATENCY_S:
            self.save()
        else:
            # After a pause in typing, or when the oldest unsaved keystroke comes of age.
            left_ms = int((AUTOSAVE_MAX_LATENCY_S - age) * 1000)
            self._autosave.start(max(1, min(self.window.settings.autosave_delay_ms, left_ms)))

    def loaded(self) -> None:
        """A chapter was just put in the editor: nothing of it is unsaved."""
        self._autosave.stop()
        self.dirty_since = None
        self.loaded_words = self.editor.words()
        self._show_state()

    def save(self) -> bool:
        """Save the editor's text if it changed. False when the save failed: the text is
        still only in the editor, the window says so, and autosave keeps trying."""
        self._autosave.stop()
        chapter_id = self.editor.chapter_id
        if chapter_id is None or self.dirty_since is None or not self.stories.is_open:
            return True
        try:
            self.stories.save_chapter_text(
                chapter_id, self.editor.chapter_text(), self.editor.ai_ranges()
            )
        except Exception as exc:  # a full disk, a vanished file or row: keep the text, say so
            log.exception("save failed")
            self.error = str(exc) or type(exc).__name__
            self._show_state()
            self.window.statusBar().showMessage(self.error)
            self._autosave.start(max(self.window.settings.autosave_delay_ms, 2000))
            return False
        self.dirty_since = None
        self.editor.document().setModified(False)  # what is on the page is what is stored
        self._idle.start()
        self.saved_at = datetime.now()
        if self.error is not None:
            self.error = None
            self.window.statusBar().showMessage(self.tr("Saved."), 4000)
        self._show_state()
        self.window.chapter_saved.emit(chapter_id)
        return True

    def save_now(self) -> bool:
        """Ctrl+S: save (and fold the journal into the story file) now, and say so."""
        if self.editor.chapter_id is not None and self.dirty_since is None:
            self.dirty_since = time.monotonic()  # write even an unchanged chapter: a real save
        if not self.save():
            return False
        if self.stories.is_open:
            self.stories.checkpoint()
            self.saved_at = self.saved_at or datetime.now()
            self._show_state()
            self.window.statusBar().showMessage(
                self.tr("Saved {0}.").format(self.saved_at.strftime("%H:%M:%S")), 4000
            )
        return True

    def _show_state(self) -> None:
        label = self.unsaved_label
        if self.error is not None:
            label.setText(self.tr("Not saved!"))
            label.setStyleSheet(
                "color: white; background: #b00020; font-weight: bold; padding: 1px 6px;"
            )
            label.setToolTip(self.tr("The chapter could not be saved: {0}").format(self.error))
        elif self.saved_at is not None and self.stories.is_open:
            label.setText(self.tr("Saved {0}").format(self.saved_at.strftime("%H:%M")))
            label.setStyleSheet("color: palette(placeholder-text);")
            label.setToolTip(
                self.tr("Every change reaches the story file within a second; last at {0}.").format(
                    self.saved_at.strftime("%H:%M:%S")
                )
            )
        else:
            label.setText("")
            label.setToolTip("")
        label.setVisible(bool(label.text()))

    def ask_snapshot(self) -> None:
        """Chapter > Take snapshot…: keep this version under a name the author gives."""
        if self.editor.chapter_id is None:
            return
        stamp = datetime.now().strftime("%d %b %H:%M")
        name, ok = QInputDialog.getText(
            self.window,
            self.tr("Take snapshot"),
            self.tr("Name of this version (Chapter > History… shows it):"),
            text=self.tr("My snapshot, {0}").format(stamp),
        )
        if ok and self.keep_snapshot(name.strip() or stamp):
            self.window.statusBar().showMessage(
                self.tr("Snapshot “{0}” kept.").format(name.strip() or stamp), 6000
            )

    def can_drop(self, doing: str) -> bool:
        """Before anything that would take the chapter out of the editor (another chapter,
        story or import, closing, quitting): True once the text is saved, or kept as a copy,
        or the author chose to discard it; False when they chose to stay."""
        dialogs = self.window.dialogs
        while not self.save():
            choice = dialogs.ask_unsaved(doing, self.error or "")
            if choice == "retry":
                continue
            if choice == "copy":
                if not dialogs.save_text_copy(self._title(), self.editor.chapter_text()):
                    continue
            elif choice != "discard":
                return False
            self.forget()
        return True

    def forget(self) -> None:
        """The unsaved text is given up on (discarded, or kept elsewhere)."""
        self._autosave.stop()
        self.dirty_since = None
        self.error = None
        self._show_state()

    def leaving_chapter(self) -> None:
        """A chapter that changed by many words keeps a snapshot as the author leaves it."""
        if abs(self.editor.words() - self.loaded_words) >= SNAPSHOT_CHANGED_WORDS:
            self.keep_snapshot(self.tr("after much writing"))

    def keep_snapshot(self, reason: str) -> bool:
        """A snapshot of the chapter as the editor has it (saved first)."""
        chapter_id = self.editor.chapter_id
        if chapter_id is None or self.stories.read_only or not self.save():
            return False
        try:
            self.stories.snapshot_chapter(chapter_id, self.editor.chapter_text(), reason)
        except StoryFileError as exc:
            self.window.statusBar().showMessage(self.tr("No snapshot kept: {0}").format(exc), 8000)
            return False
        return True

    def back_up(self) -> None:
        """The timer's automatic backup, off the GUI thread; a failure is shown, not fatal."""
        status = self.window.statusBar()

        async def work() -> None:
            try:
                made = await self.window.core.backups.backup_in_background()
            except (OSError, StoryFileError) as exc:
                status.showMessage(self.tr("Backup failed: {0}").format(exc), 15000)
                return
            if made is not None:
                status.showMessage(self.tr("Backed up."), 3000)

        if self.stories.is_open and not self.stories.read_only:
            spawn(work())

    def rescue_unsaved(self) -> str:
        """For the crash handler: save the chapter, or keep its text in a recovery file;
        says in one sentence which happened."""
        chapter_id = self.editor.chapter_id
        if chapter_id is None or self.dirty_since is None or not self.stories.is_open:
            return self.tr("Your story is saved.")
        if self.save():
            return self.tr("Your story is saved.")
        title = self._title()
        kept = self.window.core.recovery.keep(self.stories.path, title, self.editor.chapter_text())
        return self.tr(
            "The chapter “{0}” could not be saved to the story; its text is kept in {1} "
            "and will be offered back at the next start."
        ).format(title, kept.with_suffix(".txt"))

    def _title(self) -> str:
        item = self.window.binder.currentItem()
        return item.text() if item else ""
