"""The binder: the story's chapters in order; add, rename, reorder by drag, delete."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from writer_desktop.domain import Chapter
from writer_desktop.services import SUPPORTED


def manuscript_files(urls) -> list[Path]:
    paths = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in SUPPORTED]


ID_ROLE = Qt.ItemDataRole.UserRole
WORDS_ROLE = Qt.ItemDataRole.UserRole + 1


class _WordsDelegate(QStyledItemDelegate):
    """Each chapter's word count, small and grey, at the right of its title."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        words = index.data(WORDS_ROLE)
        count = f"{words:,}" if isinstance(words, int) else ""
        width = option.fontMetrics.horizontalAdvance(count) + 8 if count else 0
        full = QStyleOptionViewItem(option)
        self.initStyleOption(full, index)
        style = full.widget.style() if full.widget is not None else None
        if style is not None:  # the row's background (selection) under the count too
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, full, painter, full.widget
            )
        shrunk = QStyleOptionViewItem(option)
        shrunk.rect = option.rect.adjusted(0, 0, -width, 0)
        super().paint(painter, shrunk, index)
        if not count:
            return
        selected = option.state & QStyle.StateFlag.State_Selected
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.save()
        painter.setPen(option.palette.color(role))
        box = QRect(option.rect.right() - width, option.rect.top(), width - 4, option.rect.height())
        painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, count)
        painter.restore()


class Binder(QListWidget):
    chapter_selected = Signal(int)
    chapter_renamed = Signal(int, str)
    order_changed = Signal(list)
    files_dropped = Signal(list)  # manuscripts dragged in from outside

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("binder")
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self._edit_triggers = (
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setEditTriggers(self._edit_triggers)
        self.currentItemChanged.connect(self._on_current_changed)
        self.itemChanged.connect(self._on_item_changed)
        self.model().rowsMoved.connect(self._on_rows_moved)
        self._loading = False
        self.setItemDelegate(_WordsDelegate(self))
        # The chapter actions (add, rename, snapshot, move to trash…) on right-click.
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def set_chapters(
        self,
        chapters: list[Chapter],
        current_id: int | None = None,
        words: Mapping[int, int] | None = None,
    ) -> None:
        """Show `chapters`; `words` gives their counts where known (counting a whole novel
        again here would hold up the window)."""
        words = words or {}
        self._loading = True
        self.clear()
        for chapter in chapters:
            self._append(chapter, words.get(chapter.id) if chapter.id is not None else None)
        self._loading = False
        if current_id is not None:
            self.select_chapter(current_id)

    def add_chapter(self, chapter: Chapter) -> None:
        self.append_chapter(chapter)
        assert chapter.id is not None
        self.select_chapter(chapter.id)

    def append_chapter(self, chapter: Chapter) -> None:
        self._loading = True
        self._append(chapter)
        self._loading = False

    def select_chapter(self, chapter_id: int, quietly: bool = False) -> None:
        """Select a chapter; `quietly` moves the selection back without asking to show it."""
        for row in range(self.count()):
            if self.item(row).data(ID_ROLE) == chapter_id:
                self.blockSignals(quietly)
                try:
                    self.setCurrentRow(row)
                finally:
                    self.blockSignals(False)
                return

    def set_read_only(self, read_only: bool) -> None:
        """No renaming or reordering while the story is open read-only."""
        self.setDragEnabled(not read_only)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers if read_only else self._edit_triggers
        )

    def current_chapter_id(self) -> int | None:
        item = self.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def set_words(self, chapter_id: int, words: int) -> None:
        """Show a chapter's live word count."""
        for row in range(self.count()):
            item = self.item(row)
            if item.data(ID_ROLE) == chapter_id:
                if item.data(WORDS_ROLE) != words:
                    self._loading = True  # not a rename
                    item.setData(WORDS_ROLE, words)
                    self._loading = False
                return

    def chapter_ids(self) -> list[int]:
        return [self.item(row).data(ID_ROLE) for row in range(self.count())]

    def remove_chapter(self, chapter_id: int) -> None:
        for row in range(self.count()):
            if self.item(row).data(ID_ROLE) == chapter_id:
                self.takeItem(row)
                return

    # Chapters move by drag inside; files from outside are manuscripts to import.
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            paths = manuscript_files(event.mimeData().urls())
            if paths:
                event.acceptProposedAction()
                self.files_dropped.emit(paths)
            return
        super().dropEvent(event)

    def _append(self, chapter: Chapter, words: int | None = None) -> None:
        item = QListWidgetItem(chapter.title)
        item.setData(ID_ROLE, chapter.id)
        item.setData(WORDS_ROLE, chapter.words if words is None else words)
        if chapter.outline and not chapter.content.strip():
            # Outline-only: planned, not yet written.
            font = item.font()
            font.setItalic(True)
            item.setFont(font)
            item.setToolTip(self.tr("Outline: {0}").format(chapter.outline))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)
        self.addItem(item)

    def _on_current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None and not self._loading:
            self.chapter_selected.emit(current.data(ID_ROLE))

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if not self._loading:
            self.chapter_renamed.emit(item.data(ID_ROLE), item.text())

    def _on_rows_moved(self, *_args: object) -> None:
        self.order_changed.emit(self.chapter_ids())
