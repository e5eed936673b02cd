"""The archive panel: search the story by meaning, pin passages into the next prompts, and
see how far archiving has got (and why it failed, when it did)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.services import ArchiveIndexer, StoryChangedError
from writer_desktop.ui.tasks import spawn

if TYPE_CHECKING:
    from writer_desktop.ui.main_window import MainWindow

INDEX_DELAY_MS = 3000
PROGRESS_POLL_MS = 300
SNIPPET_CHARS = 160
HIT_ROLE = Qt.ItemDataRole.UserRole


class ArchivePanel(QWidget):
    """The Archive dock: a search box, the passages found, and the pinned ones."""

    def __init__(self, indexer: ArchiveIndexer, window: MainWindow) -> None:
        super().__init__()
        self.indexer = indexer
        self.window = window
        self.task: asyncio.Task | None = None
        self.hits: list = []
        self._dirty: set[int] = set()

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Find a passage by what it is about…"))
        self.query.returnPressed.connect(lambda: self.search())
        self.kind = QComboBox()
        for label, kind in (
            (self.tr("Everything"), ""),
            (self.tr("Chapters"), "chapter"),
            (self.tr("Characters"), "character"),
            (self.tr("Plot notes"), "note"),
        ):
            self.kind.addItem(label, kind)
        search_button = QPushButton(self.tr("Search"))
        search_button.clicked.connect(lambda: self.search())
        self.results = QListWidget()
        self.results.setWordWrap(True)
        self.results.itemDoubleClicked.connect(lambda _item: self.pin_selected())
        pin_button = QPushButton(self.tr("Pin into the next prompts"))
        pin_button.clicked.connect(self.pin_selected)
        self.pinned = QListWidget()
        self.pinned.setWordWrap(True)
        unpin_button = QPushButton(self.tr("Unpin"))
        unpin_button.clicked.connect(self.unpin_selected)

        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(self.kind)
        row.addWidget(search_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(row)
        layout.addWidget(self.results, 3)
        layout.addWidget(pin_button)
        layout.addWidget(QLabel(self.tr("Pinned (in every prompt until unpinned):")))
        layout.addWidget(self.pinned, 1)
        layout.addWidget(unpin_button)
        for widget in (
            self.query,
            search_button,
            self.results,
            pin_button,
            self.pinned,
            unpin_button,
        ):
            widget.setEnabled(indexer.enabled)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(INDEX_DELAY_MS)
        self._timer.timeout.connect(self._index_dirty)
        # Indexing runs on the archive's thread; its progress is read here, on the UI thread.
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(PROGRESS_POLL_MS)
        self._progress_timer.timeout.connect(self._poll_progress)
        self._last_message: str | None = None
        window.chapter_saved.connect(self.chapter_saved)
        window.story_opened.connect(lambda _path: self.story_opened())
        self._show_state()

    def _show_state(self, message: str | None = None) -> None:
        if not self.indexer.enabled:
            self.status.setText(
                self.tr(
                    "The archive is off. To let the agents recall earlier scenes and notes, "
                    "choose an archive folder in File > Settings…, Archive."
                )
            )
        elif self.indexer.error:
            self.status.setText(self.indexer.error)
        else:
            self._last_message = message
            lines = [message or self.tr("Chapters are archived as you write.")]
            progress = self.indexer.progress
            if progress.busy:
                lines.append(
                    self.tr("Archiving: {0} of {1} done…").format(progress.done, progress.total)
                )
            for what, reason in progress.failures[-3:]:
                lines.append(self.tr("Could not archive “{0}”: {1}").format(what, reason))
            self.status.setText("\n".join(lines))

    def _watch_progress(self) -> None:
        if not self._progress_timer.isActive():
            self._progress_timer.start()
        self._show_state(self._last_message)

    def _poll_progress(self) -> None:
        if not self.indexer.progress.busy:
            self._progress_timer.stop()
            if not self.indexer.progress.failures and self._last_message is None:
                self._last_message = self.tr("All chapters are archived.")
        self._show_state(self._last_message)

    # -- indexing --------------------------------------------------------------------------

    def story_opened(self) -> None:
        # Chapter ids restart in every file: saves of the story before are not this one's
        # (that story archives them when it is opened again).
        self._dirty.clear()
        self._timer.stop()
        self.pinned.clear()
        self.indexer.pinned.clear()
        if self.indexer.enabled:
            self._last_message = None
            self.indexer.index_story_in_background()  # read there, not on this thread
            self._watch_progress()

    def chapter_saved(self, chapter_id: int) -> None:
        if self.indexer.enabled:
            self._dirty.add(chapter_id)
            self._timer.start()

    def _index_dirty(self) -> None:
        stories = self.window.stories
        if not stories.is_open:  # closed since: its saved chapters are archived on reopening
            self._dirty.clear()
            return
        for chapter_id in sorted(self._dirty):
            try:
                chapter = stories.chapter(chapter_id)
            except KeyError:
                self.indexer.remove_chapter(chapter_id)
                continue
            self.indexer.index_chapter(chapter_id, chapter.title, chapter.content)
        self._dirty.clear()
        self._watch_progress()

    # -- searching -------------------------------------------------------------------------

    def search(self, text: str | None = None) -> asyncio.Task | None:
        query = (text if text is not None else self.query.text()).strip()
        if not query or not self.indexer.enabled:
            return None
        self._show_state(self.tr("Searching…"))
        self.task = spawn(self._search(query, self.kind.currentData() or None))
        return self.task

    async def _search(self, query: str, kind: str | None) -> None:
        partial = self.indexer.progress.busy
        try:
            hits = await self.indexer.find(query, kind)
        except StoryChangedError:
            return  # asked of a story that is closed now
        except Exception as exc:  # a broken archive says so; writing goes on
            self._show_state(self.tr("Search failed: {0}").format(exc))
            return
        self._show_hits(hits, partial or self.indexer.progress.busy)

    def _show_hits(self, hits: list, partial: bool = False) -> None:
        self.hits = hits
        self.results.clear()
        for hit in hits:
            title = hit.metadata.get("chapter_title", "?")
            snippet = " ".join(hit.text.split())[:SNIPPET_CHARS]
            item = QListWidgetItem(f"{title} — {snippet}…")
            item.setToolTip(hit.text)
            item.setData(HIT_ROLE, self.results.count())
            self.results.addItem(item)
        found = self.tr("{0} passages found.").format(len(hits))
        if partial:
            found += " " + self.tr("Results are partial: the story is still being archived.")
        self._show_state(found)

    def pin_selected(self) -> None:
        row = self.results.currentRow()
        if not 0 <= row < len(self.hits):
            return
        hit = self.hits[row]
        label = hit.metadata.get("chapter_title", "the archive")
        self.indexer.pin(label, hit.text)
        self._refresh_pins()

    def unpin_selected(self) -> None:
        self.indexer.unpin(self.pinned.currentRow())
        self._refresh_pins()

    def _refresh_pins(self) -> None:
        self.pinned.clear()
        for label, text in self.indexer.pinned:
            self.pinned.addItem(f"{label}: {' '.join(text.split())[:SNIPPET_CHARS]}…")
