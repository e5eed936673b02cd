"""The chapter editor: a manuscript page with real italics and bold, paragraphs, undo by
word, smart typography, spell check, and AI insertions that undo as one step."""

from __future__ import annotations

import time

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QFrame, QMenu, QTextEdit, QWidget

from writer_desktop.config import Settings
from writer_desktop.domain import word_count
from writer_desktop.domain.typography import smart_character
from writer_desktop.services import SpellingService
from writer_desktop.ui import prose_document
from writer_desktop.ui.binder import manuscript_files
from writer_desktop.ui.prose_document import AI_WRITTEN
from writer_desktop.ui.spell_highlighter import ProseHighlighter

# Typing after a pause this long starts a new undo step, as word processors do.
UNDO_PAUSE_S = 1.0
ZOOM_STEPS = (50, 67, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300)


# A slim handle on a clear groove, as the page beside it. Fusion's own scroll bar repaints its
# whole height with gradients, 0.8 ms each time the range moves: ten times a second while the
# model's text streams in and the page follows it, on the GUI thread that shares the cores
# with the model (12 repaints took 9.5 ms of a Continue; these 0.45 ms).
PAGE_SCROLLBAR_STYLE = """
QScrollBar:vertical { background: transparent; width: 12px; margin: 0; }
QScrollBar::handle:vertical { background: palette(mid); min-height: 32px; border-radius: 4px;
    margin: 2px 3px; }
QScrollBar::handle:vertical:hover { background: palette(dark); }
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; }
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical { background: none; }
"""


class ChapterEditor(QTextEdit):
    """Holds the text of one chapter; the main window saves it through the story service.
    The document has one block per paragraph; chapter_text() is what is stored."""

    ai_insertion_finished = Signal()
    files_dropped = Signal(list)  # manuscripts dropped on the page are imported, not pasted
    typing_refused = Signal(str)  # a key the editor could not take, and why
    zoom_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.locked = False
        self.setObjectName("chapter-editor")
        self.setAcceptRichText(True)  # pasted italics survive; insertFromMimeData cleans
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalScrollBar().setStyleSheet(PAGE_SCROLLBAR_STYLE)
        self.setPlaceholderText(self.tr("Write here…"))
        self.chapter_id: int | None = None
        self.settings = Settings.model_construct()
        self.spelling: SpellingService | None = None
        self.highlighter = ProseHighlighter(self.document())
        self.zoom = 100
        self.typewriter = False
        self._ai_cursor: QTextCursor | None = None
        self._ai_started = False
        self._ai_replacing = False
        self._ai_newlines = 0
        self._last_key_at = 0.0
        self.document().setDocumentMargin(28)
        self.cursorPositionChanged.connect(self._keep_cursor_centred)
        self.apply_settings(self.settings)
        self._format_paragraphs(keep_history=False)

    # -- the page --------------------------------------------------------------------------

    def configure(self, settings: Settings, spelling: SpellingService | None) -> None:
        """Take the author's page settings and the spell checker."""
        self.spelling = spelling
        self.highlighter.spelling = spelling
        self.apply_settings(settings)

    def apply_settings(self, settings: Settings) -> None:
        """Font, size, zoom, column width and paragraph look; the text is untouched."""
        restyle = (
            settings.editor_paragraph_style,
            settings.editor_font_family,
            settings.editor_font_size,
        ) != (
            self.settings.editor_paragraph_style,
            self.settings.editor_font_family,
            self.settings.editor_font_size,
        )
        self.settings = settings
        font = QFont(settings.editor_font_family)
        font.setPointSizeF(settings.editor_font_size * self.zoom / 100)
        self.document().setDefaultFont(font)
        self.highlighter.spell_check = settings.spell_check
        self.highlighter.tint_ai = settings.show_ai_tint
        if restyle:
            self._format_paragraphs(keep_history=False)
        self._centre_column()
        self.highlighter.rehighlight()

    def paragraph_format(self) -> QTextBlockFormat:
        """The look of every paragraph: a first-line indent, or space between (sized to
        the font setting, not the zoom)."""
        base = QFont(self.settings.editor_font_family)
        base.setPointSizeF(self.settings.editor_font_size)
        em = QFontMetricsF(base).horizontalAdvance("M")
        block_format = QTextBlockFormat()
        block_format.setLineHeight(135, 1)  # 1: QTextBlockFormat.ProportionalHeight
        if self.settings.editor_paragraph_style == "spaced":
            block_format.setTextIndent(0)
            block_format.setBottomMargin(em * 0.8)
        else:
            block_format.setTextIndent(em * 1.5)
            block_format.setBottomMargin(0)
        return block_format

    def _format_paragraphs(self, keep_history: bool) -> None:
        """Give every paragraph the page's look. A look, not an edit: never an undo step
        (block formats are not stored); changing it after loading costs the undo history
        of the chapter, which only a change of font or paragraph style does."""
        document = self.document()
        if document.isEmpty() and keep_history:
            return
        modified = document.isModified()
        blocked = self.blockSignals(True)
        document.setUndoRedoEnabled(False)
        cursor = QTextCursor(document)
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(self.paragraph_format())
        document.setUndoRedoEnabled(True)
        self.blockSignals(blocked)
        document.setModified(modified)

    def _centre_column(self) -> None:
        """A column of EDITOR_COLUMN_WIDTH characters, centred: margins on a wide window."""
        metrics = QFontMetricsF(self.document().defaultFont())
        column = metrics.averageCharWidth() * self.settings.editor_column_width
        column += 2 * self.document().documentMargin()
        spare = self.width() - column - self.verticalScrollBar().sizeHint().width()
        side = int(max(0, spare / 2))
        if self.viewportMargins().left() != side:
            self.setViewportMargins(side, 0, side, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Margins first: the text is laid out for the viewport the margins leave. (The
        # viewport's own resizes arrive here too; the width is then unchanged.)
        self._centre_column()
        super().resizeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(720, 600)

    def set_zoom(self, percent: int) -> None:
        """Zoom the page (the font size setting stays what it is)."""
        self.zoom = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], percent))
        self.apply_settings(self.settings)
        self.zoom_changed.emit(self.zoom)

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self.zoom), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self.zoom), ZOOM_STEPS[0]))

    def set_typewriter(self, on: bool) -> None:
        """Typewriter scrolling: the line being written stays in the middle of the page."""
        self.typewriter = on
        self._keep_cursor_centred()

    def _keep_cursor_centred(self) -> None:
        if not self.typewriter:
            return
        bar = self.verticalScrollBar()
        offset = self.cursorRect().center().y() - self.viewport().height() // 2
        if offset:
            bar.setValue(bar.value() + offset)

    # -- text in and out -------------------------------------------------------------------

    def set_locked(self, locked: bool) -> None:
        """Locked: nothing can be typed whatever chapter is shown (a read-only story)."""
        self.locked = locked
        self.setReadOnly(self.chapter_id is None or locked)

    def load_chapter(
        self, chapter_id: int | None, text: str, ai_ranges: list[tuple[int, int]] | None = None
    ) -> None:
        """Show a chapter (stored text: paragraphs and emphasis markers); its undo history
        starts fresh."""
        self.chapter_id = chapter_id
        # A fresh document, filled before the page sees it: laid out and highlighted once
        # (refilling the shown one relays out the old text and the new, paragraph by
        # paragraph).
        old = self.document()
        document = QTextDocument(self)
        document.setDocumentMargin(old.documentMargin())
        document.setDefaultFont(old.defaultFont())
        document.setUndoRedoEnabled(False)
        frame = document.rootFrame().frameFormat()
        frame.setBottomMargin(max(200, self.viewport().height() // 2))  # room to scroll past
        document.rootFrame().setFrameFormat(frame)
        prose_document.load_document(document, text, ai_ranges or [], self.paragraph_format())
        document.setUndoRedoEnabled(True)
        document.setModified(False)
        self.blockSignals(True)
        self.setDocument(document)
        self.blockSignals(False)
        # The old document (our child) is deleted, its highlighter with it.
        self.highlighter = ProseHighlighter(document, like=self.highlighter)
        self.setReadOnly(chapter_id is None or self.locked)
        self.moveCursor(QTextCursor.MoveOperation.End)
        self.textChanged.emit()  # counts and the saver see the new text (it is not dirty)

    def chapter_text(self) -> str:
        """The chapter as stored: paragraphs separated by a blank line, emphasis as
        `*italic*` / `**bold**`."""
        return prose_document.chapter_text(self.document())

    def ai_ranges(self) -> list[tuple[int, int]]:
        """Where the AI wrote and the author has not edited since (document positions)."""
        return prose_document.ai_ranges(self.document())

    def replace_range(self, start: int, end: int, text: str) -> None:
        """Replace a range with prose (an accepted rewrite) as one undo step."""
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        prose_document.insert_prose(cursor, text)
        cursor.endEditBlock()

    def replace_chapter_text(self, text: str) -> None:
        """Put stored chapter text in place of everything (a restored snapshot), as one
        undo step."""
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.removeSelectedText()
        prose_document.insert_chapter_text(cursor, text)
        cursor.endEditBlock()

    def words(self) -> int:
        return word_count(self.toPlainText())

    # -- emphasis --------------------------------------------------------------------------

    def toggle_italic(self) -> None:
        """Ctrl+I: italic on or off for the selection, or for what is typed next."""
        text_format = QTextCharFormat()
        text_format.setFontItalic(not self.fontItalic())
        self._merge_author_format(text_format)

    def toggle_bold(self) -> None:
        """Ctrl+B: bold on or off for the selection, or for what is typed next."""
        text_format = QTextCharFormat()
        bold = self.fontWeight() >= QFont.Weight.DemiBold.value
        text_format.setFontWeight(QFont.Weight.Normal if bold else QFont.Weight.Bold)
        self._merge_author_format(text_format)

    def _merge_author_format(self, text_format: QTextCharFormat) -> None:
        if self.isReadOnly():
            self._refuse()
            return
        cursor = self.textCursor()
        if cursor.hasSelection():
            cursor.beginEditBlock()
            cursor.mergeCharFormat(text_format)
            cursor.endEditBlock()
        self.mergeCurrentCharFormat(text_format)

    # -- typing ----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        typing = bool(text) and (text.isprintable() or text in "\r\n\t")
        command = event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        if typing and not command and self.isReadOnly():
            self._refuse()
            return
        if not typing or command or self.isReadOnly():
            super().keyPressEvent(event)
            return
        self._author_format()
        now = time.monotonic()
        paused = now - self._last_key_at >= UNDO_PAUSE_S
        self._last_key_at = now
        cursor = self.textCursor()
        before = self._char_before(cursor)
        new_word = text.isspace() and not before.isspace() and before != ""
        if text in "\r\n":
            # A new paragraph (Shift+Enter: a line break inside it) is its own undo step.
            cursor.beginEditBlock()
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                cursor.insertText(prose_document.LINE_BREAK)
            else:
                cursor.insertBlock()
            cursor.endEditBlock()
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
            return
        replaced = 0
        if self.settings.smart_typography and not cursor.hasSelection():
            text, replaced = smart_character(before, text)
        if not (paused or new_word or replaced or cursor.hasSelection()) and text == event.text():
            super().keyPressEvent(event)  # Qt merges it into the word being typed
            return
        cursor.beginEditBlock()
        if replaced:
            cursor.movePosition(
                QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, replaced
            )
        cursor.insertText(text, self.currentCharFormat())
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def _char_before(self, cursor: QTextCursor) -> str:
        if cursor.positionInBlock() == 0:
            return ""
        return self.document().characterAt(cursor.position() - 1)

    def _author_format(self) -> None:
        """What the author types is theirs: it never carries the AI's tint."""
        current = self.currentCharFormat()
        if current.boolProperty(AI_WRITTEN):
            current.setProperty(AI_WRITTEN, False)
            self.setCurrentCharFormat(current)

    def _refuse(self) -> None:
        if self._ai_cursor is not None:
            self.typing_refused.emit(
                self.tr("The AI is writing into this chapter: wait for it, or press Stop.")
            )
        elif self.chapter_id is None:
            self.typing_refused.emit(self.tr("No chapter is open: add or choose one first."))
        elif self.locked:
            self.typing_refused.emit(self.tr("This story is open read-only."))

    # -- paste and drop --------------------------------------------------------------------

    def canInsertFromMimeData(self, source) -> bool:
        if source.hasUrls() and manuscript_files(source.urls()):
            return True
        return super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source) -> None:
        paths = manuscript_files(source.urls()) if source.hasUrls() else []
        if paths:
            self.files_dropped.emit(paths)
            return
        if source.hasHtml():
            text = prose_document.html_to_chapter_text(source.html())
        elif source.hasText():
            text = source.text().replace("\r\n", "\n").replace("*", "\\*")
        else:
            return
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.removeSelectedText()
        prose_document.insert_chapter_text(cursor, text)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    # -- spelling --------------------------------------------------------------------------

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.context_menu_at(event.pos()).exec(event.globalPos())

    def context_menu_at(self, pos: QPoint) -> QMenu:
        """The right-click menu: spelling suggestions and "Add to dictionary" over a
        misspelt word, then the usual editing actions."""
        menu = self.createStandardContextMenu(pos)
        first = menu.actions()[0] if menu.actions() else None
        word_cursor = self._misspelt_at(self.cursorForPosition(pos))
        if word_cursor is not None and self.spelling is not None and not self.isReadOnly():
            word = word_cursor.selectedText()
            suggestions = self.spelling.suggestions(word)
            for suggestion in suggestions:
                action = QAction(suggestion, menu)
                font = action.font()
                font.setBold(True)
                action.setFont(font)
                action.triggered.connect(
                    lambda _=False, c=word_cursor, s=suggestion: self._replace_word(c, s)
                )
                menu.insertAction(first, action)
            if not suggestions:
                none = QAction(self.tr("(no suggestions)"), menu)
                none.setEnabled(False)
                menu.insertAction(first, none)
            add = QAction(self.tr("Add “{0}” to this story’s dictionary").format(word), menu)
            add.triggered.connect(lambda _=False, w=word: self.add_to_dictionary(w))
            menu.insertAction(first, add)
            menu.insertSeparator(first)
        return menu

    def _misspelt_at(self, cursor: QTextCursor) -> QTextCursor | None:
        if self.spelling is None or not self.highlighter.spell_check:
            return None
        from writer_desktop.services.spelling import WORD

        block = cursor.block()
        at = cursor.positionInBlock()
        for match in WORD.finditer(block.text()):
            if match.start() <= at <= match.end() and self.spelling.is_misspelt(match[0]):
                found = QTextCursor(block)
                found.setPosition(block.position() + match.start())
                found.setPosition(block.position() + match.end(), QTextCursor.MoveMode.KeepAnchor)
                return found
        return None

    def _replace_word(self, cursor: QTextCursor, word: str) -> None:
        text_format = cursor.charFormat()
        text_format.setProperty(AI_WRITTEN, False)
        cursor.beginEditBlock()
        cursor.insertText(word, text_format)
        cursor.endEditBlock()

    def add_to_dictionary(self, word: str) -> None:
        """The word is right for this story: stop marking it, here and in every chapter."""
        if self.spelling is None:
            return
        self.spelling.add_word(word)
        self.highlighter.rehighlight()

    # -- AI insertions ---------------------------------------------------------------------

    @property
    def ai_insertion_active(self) -> bool:
        return self._ai_cursor is not None

    def begin_ai_insertion(self, replace: tuple[int, int] | None = None) -> None:
        """Start streaming at the end of the chapter, or in place of the range `replace`;
        the author cannot type until it ends (keys are refused with a reason)."""
        cursor = QTextCursor(self.document())
        if replace is None:
            cursor.movePosition(QTextCursor.MoveOperation.End)
        else:
            cursor.setPosition(replace[0])
            cursor.setPosition(replace[1], QTextCursor.MoveMode.KeepAnchor)
        self._ai_cursor = cursor
        self._ai_replacing = replace is not None
        self._ai_started = False
        self._ai_newlines = 0
        self.setReadOnly(True)

    def insert_ai_text(self, text: str) -> None:
        cursor = self._ai_cursor
        if cursor is None or not text:
            return
        if not self._ai_started:
            text = text.lstrip()
            if not text:
                return
            cursor.beginEditBlock()
            if self._ai_replacing:
                cursor.removeSelectedText()  # in the same undo step as the new text
            elif self.document().characterCount() > 1 and cursor.block().text().strip():
                cursor.insertBlock()  # the AI's text starts a paragraph of its own
            self._ai_started = True
        else:
            # Joining the previous block makes the whole stream one undo step.
            cursor.joinPreviousEditBlock()
        self._insert_ai_piece(cursor, text)
        cursor.endEditBlock()
        if self.typewriter:
            self.setTextCursor(QTextCursor(cursor))
        self.ensureCursorVisible()

    def _insert_ai_piece(self, cursor: QTextCursor, text: str) -> None:
        """Model text: any run of newlines (even split across tokens) is one new paragraph."""
        ai_format = prose_document.run_format(False, False, ai=True)
        for char_run in _split_newlines(text):
            if char_run[0] == "\n":
                self._ai_newlines += len(char_run)
                continue
            if self._ai_newlines:
                cursor.insertBlock()
                self._ai_newlines = 0
            cursor.insertText(char_run, ai_format)

    def end_ai_insertion(self) -> None:
        if self._ai_cursor is None:
            return
        self._ai_cursor = None
        self.setReadOnly(self.chapter_id is None or self.locked)
        self.moveCursor(QTextCursor.MoveOperation.End)
        self.ai_insertion_finished.emit()


def _split_newlines(text: str) -> list[str]:
    """'a\\n\\nb' -> ['a', '\\n\\n', 'b']."""
    out: list[str] = []
    for char in text.replace("\r", ""):
        if out and (out[-1][0] == "\n") == (char == "\n"):
            out[-1] += char
        else:
            out.append(char)
    return out
