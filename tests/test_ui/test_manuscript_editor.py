"""The page as a novelist uses it: italics, paragraphs, undo, spelling, typography, focus,
the saved indicator, snapshots, and who wrote what."""

from __future__ import annotations

import docx
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QInputDialog

from tests.conftest import make_app
from writer_desktop.storage import StoryStore


def _stored(app) -> str:
    return app.stories.chapter(app.window.editor.chapter_id).content


def _press(qtbot, window, key, modifier=Qt.KeyboardModifier.ControlModifier) -> None:
    """A key as the author presses it: the window's shortcuts see it."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window.editor, key, modifier)


def _italic_at(editor, position: int) -> bool:
    cursor = QTextCursor(editor.document())
    cursor.setPosition(position + 1)  # the format of the character before the cursor
    return cursor.charFormat().fontItalic()


def _docx_body(path) -> list[docx.text.paragraph.Paragraph]:
    return [
        p
        for p in docx.Document(str(path)).paragraphs
        if not p.style.name.startswith(("Head", "Title"))
    ]


def test_ctrl_i_italics_survive_save_reopen_and_export(
    qtbot, writer_app, paths, settings, tmp_path
):
    window = writer_app.window
    editor = window.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "She was ")
    _press(qtbot, window, Qt.Key.Key_I)
    qtbot.keyClicks(editor, "never")
    _press(qtbot, window, Qt.Key.Key_I)
    qtbot.keyClicks(editor, " late.")
    assert editor.toPlainText() == "She was never late."
    assert _italic_at(editor, 8) and not _italic_at(editor, 4) and not _italic_at(editor, 15)
    window.saver.save_now()
    assert _stored(writer_app) == "She was *never* late."

    out = window.manuscripts.export(tmp_path / "out.docx")
    runs = [(r.text, bool(r.italic)) for p in _docx_body(out) for r in p.runs]
    assert runs == [("She was ", False), ("never", True), (" late.", False)]

    path = writer_app.stories.path
    writer_app.shutdown()
    again = make_app(qtbot, paths, settings)
    try:
        assert again.window.open_story(path)
        shown = again.window.editor
        assert shown.toPlainText() == "She was never late."
        assert _italic_at(shown, 8) and not _italic_at(shown, 4)
        # Selecting the word and pressing Ctrl+I again takes the italics off, and that saves.
        cursor = shown.textCursor()
        cursor.setPosition(8)
        cursor.setPosition(13, QTextCursor.MoveMode.KeepAnchor)
        shown.setTextCursor(cursor)
        _press(qtbot, again.window, Qt.Key.Key_I)
        assert not _italic_at(shown, 8)
        again.window.saver.save()
        assert _stored(again) == "She was never late."
    finally:
        again.shutdown()


def test_ctrl_b_bolds_the_selection_and_import_moved_to_ctrl_shift_i(qtbot, writer_app):
    window = writer_app.window
    editor = window.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "A loud noise.")
    cursor = editor.textCursor()
    cursor.setPosition(2)
    cursor.setPosition(6, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    _press(qtbot, window, Qt.Key.Key_B)
    window.saver.save()
    assert _stored(writer_app) == "A **loud** noise."
    assert window.manuscripts.import_action.shortcut().toString() == "Ctrl+Shift+I"
    assert window.page.italic_action.shortcut().toString() == "Ctrl+I"


def test_enter_makes_paragraphs_that_export_as_paragraphs(qtbot, writer_app, tmp_path):
    window = writer_app.window
    editor = window.editor
    editor.setFocus()
    for sentence in ("The tide came in.", "Mara waited.", "Nobody came."):
        qtbot.keyClicks(editor, sentence)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)  # the last, empty paragraph
    assert editor.document().blockCount() == 3
    window.saver.save()
    assert _stored(writer_app) == "The tide came in.\n\nMara waited.\n\nNobody came."

    out = window.manuscripts.export(tmp_path / "tide.docx")
    body = _docx_body(out)
    assert [p.text for p in body] == ["The tide came in.", "Mara waited.", "Nobody came."]
    # An imported chapter (blank-line paragraphs) is the same thing on the page.
    chapter = writer_app.stories.add_chapter("Imported")
    writer_app.stories.save_chapter_text(chapter.id, "One.\n\nTwo *soft*\nline.")
    window.binder.add_chapter(writer_app.stories.chapter(chapter.id))
    assert editor.document().blockCount() == 2
    assert editor.document().lastBlock().text() == "Two soft\u2028line."
    assert editor.chapter_text() == "One.\n\nTwo *soft*\nline."


def test_one_undo_takes_back_a_word_not_two_sentences(qtbot, writer_app):
    editor = writer_app.window.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "The door was locked.")
    qtbot.wait(1100)  # the author pauses
    qtbot.keyClicks(editor, "She knocked twice.")
    editor.undo()  # the last word only
    assert editor.toPlainText() == "The door was locked.She knocked"
    editor.undo()
    editor.undo()  # what was typed after the pause is gone, word by word…
    assert editor.toPlainText() == "The door was locked."
    editor.undo()  # …and the sentence before it is still whole until now
    assert editor.toPlainText() == "The door was"


def test_spell_check_marks_teh_suggests_and_learns_per_story(qtbot, writer_app):
    window = writer_app.window
    editor = window.editor
    writer_app.core.spelling.load_now()
    editor.setFocus()
    qtbot.keyClicks(editor, "Zorvath saw teh gulls.")
    editor.highlighter.rehighlight()
    qtbot.waitUntil(lambda: not editor.highlighter.pending)  # long work is marked in slices

    def underlined(start: int) -> bool:
        for fmt in editor.document().firstBlock().layout().formats():
            if fmt.start <= start < fmt.start + fmt.length:
                style = fmt.format.underlineStyle()
                return style == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
        return False

    assert underlined(12)  # teh
    assert not underlined(17)  # gulls
    assert "the" in writer_app.core.spelling.suggestions("teh")
    assert underlined(0)  # "Zorvath" is a name the dictionary does not know…
    editor.add_to_dictionary("Zorvath")
    qtbot.waitUntil(lambda: not editor.highlighter.pending)
    assert not underlined(0)  # …until the author adds it, for this story
    store = StoryStore.open(writer_app.stories.path, read_only=True)
    try:
        assert store.dictionary_words() == ["zorvath"]
    finally:
        store.close()


def test_smart_quotes_apostrophes_and_dashes_as_you_type(qtbot, writer_app):
    window = writer_app.window
    editor = window.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "\"Don't,\" she said -- and left 'for good'.")
    assert (
        editor.toPlainText()
        == "\u201cDon\u2019t,\u201d she said \u2014 and left \u2018for good\u2019."
    )
    window.page.smart_action.setChecked(False)
    qtbot.keyClicks(editor, ' "plain"')
    assert editor.toPlainText().endswith(' "plain"')
    assert '"SMART_TYPOGRAPHY": false' in window.paths.settings_file.read_text()


def test_pasted_rich_text_keeps_italics_not_fonts(qtbot, writer_app):
    editor = writer_app.window.editor
    data = QMimeData()
    data.setHtml(
        '<p><span style="font-family:Comic Sans MS;color:red">A <i>red</i> day</span></p>'
        "<p>Next</p>"
    )
    editor.insertFromMimeData(data)
    assert editor.chapter_text() == "A *red* day\n\nNext"


def test_focus_mode_hides_the_docks_and_gives_them_back(qtbot, writer_app):
    window = writer_app.window
    shown = [dock for dock in window.docks() if dock.isVisible()]
    assert shown
    _press(qtbot, window, Qt.Key.Key_F11, Qt.KeyboardModifier.NoModifier)
    assert window.page.focused and window.isFullScreen()
    assert not any(dock.isVisible() for dock in window.docks())
    assert not window.menuBar().isVisible() and not window.statusBar().isVisible()
    assert window.editor.typewriter
    _press(qtbot, window, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    assert not window.page.focused and not window.isFullScreen()
    assert [dock for dock in window.docks() if dock.isVisible()] == shown
    assert window.menuBar().isVisible()


def test_the_page_has_most_of_the_window_at_1280_by_800(qtbot, writer_app):
    window = writer_app.window
    window.resize(1280, 800)
    qtbot.wait(50)
    assert not window.feedback_dock.isVisible()
    page = window.editor
    assert page.height() >= 560 and page.width() >= 640
    # The text column is centred and about EDITOR_COLUMN_WIDTH characters wide.
    margins = page.viewportMargins()
    assert abs(margins.left() - margins.right()) <= 1


def test_zoom_enlarges_the_page(qtbot, writer_app):
    window = writer_app.window
    before = window.editor.document().defaultFont().pointSizeF()
    window.page.zoom_in_action.trigger()
    assert window.editor.document().defaultFont().pointSizeF() > before
    window.page.zoom_reset_action.trigger()
    assert window.editor.document().defaultFont().pointSizeF() == before


def test_saved_indicator_shows_the_time_and_ctrl_s_says_saved(qtbot, writer_app):
    window = writer_app.window
    label = window.saver.unsaved_label
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, "Words.")
    qtbot.waitUntil(lambda: label.text().startswith("Saved "), timeout=3000)
    assert "Not saved" not in label.text()
    _press(qtbot, window, Qt.Key.Key_S)
    assert window.statusBar().currentMessage().startswith("Saved ")


def test_take_snapshot_keeps_a_named_version(qtbot, writer_app, monkeypatch):
    window = writer_app.window
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, "Draft one.")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Before the rewrite", True))
    window.menus.snapshot_action.trigger()
    snapshots = writer_app.stories.snapshots(window.editor.chapter_id)
    assert [(s.reason, s.content) for s in snapshots] == [("Before the rewrite", "Draft one.")]
    assert window.menus.delete_chapter_action.text().replace("&", "") == "Move chapter to trash…"


def test_typing_while_the_ai_writes_is_refused_with_a_reason(qtbot, writer_app):
    window = writer_app.window
    editor = window.editor
    editor.begin_ai_insertion()
    editor.insert_ai_text("The AI writes.")
    qtbot.keyClicks(editor, "x")
    assert "AI is writing" in window.statusBar().currentMessage()
    editor.end_ai_insertion()
    assert editor.toPlainText() == "The AI writes."


def test_ai_text_is_tinted_kept_in_the_file_until_edited_and_reported(qtbot, writer_app):
    window = writer_app.window
    editor = window.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "Mara lit the lamp.")
    editor.begin_ai_insertion()
    for token in ("The ship", " came at", " dawn.\n", "\nIt was", " empty."):
        editor.insert_ai_text(token)
    editor.end_ai_insertion()
    window.saver.save()
    # The model's blank line is one paragraph break, not an empty paragraph.
    assert _stored(writer_app) == "Mara lit the lamp.\n\nThe ship came at dawn.\n\nIt was empty."
    chapter = writer_app.stories.chapter(editor.chapter_id)
    assert chapter.ai_ranges == [(19, 55)]
    assert editor.toPlainText()[19:55] == "The ship came at dawn.\nIt was empty."
    report = writer_app.stories.disclosure_report()
    assert "> The ship came at dawn." in report and "> It was empty." in report
    assert "Mara lit the lamp" not in report

    # The tint is drawn over the AI's words only (the highlighter's overlay).
    qtbot.waitUntil(lambda: not editor.highlighter.pending)
    tinted = [
        f
        for f in editor.document().findBlockByNumber(1).layout().formats()
        if f.format.background().style() != Qt.BrushStyle.NoBrush
    ]
    assert tinted and tinted[0].start == 0

    # The author rewrites a word of it: that word is theirs, the rest stays the AI's.
    cursor = editor.textCursor()
    cursor.setPosition(28)  # "came"
    cursor.setPosition(32, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "sailed")
    window.saver.save()
    ranges = writer_app.stories.chapter(editor.chapter_id).ai_ranges
    assert ranges == [(19, 28), (34, 57)]
    assert "sailed" not in "".join(editor.toPlainText()[a:b] for a, b in ranges)

    # Reopening the chapter brings the tint back from the file.
    other = writer_app.stories.add_chapter("Two")
    window.binder.add_chapter(other)
    window.binder.select_chapter(chapter.id)
    assert editor.ai_ranges() == [(19, 28), (34, 57)]
    window.page.tint_action.setChecked(False)  # View > Show who wrote what, off
    assert not any(
        f.format.background().style() != Qt.BrushStyle.NoBrush
        for f in editor.document().findBlockByNumber(1).layout().formats()
    )


def test_right_click_on_a_misspelt_word_offers_corrections(qtbot, writer_app):
    editor = writer_app.window.editor
    writer_app.core.spelling.load_now()
    editor.setFocus()
    qtbot.keyClicks(editor, "She lit teh lamp.")
    cursor = QTextCursor(editor.document())
    cursor.setPosition(9)
    menu = editor.context_menu_at(editor.cursorRect(cursor).center())
    names = [a.text() for a in menu.actions()]
    assert names[0] == "the"
    assert "Add “teh” to this story’s dictionary" in names
    menu.actions()[0].trigger()
    assert editor.toPlainText() == "She lit the lamp."


def test_character_names_are_not_marked_as_misspelt(qtbot, writer_app):
    from writer_desktop.domain import Character

    spelling = writer_app.core.spelling
    spelling.load_now()
    assert spelling.is_misspelt("Zorvath")
    writer_app.stories.save_character(Character(name="Zorvath Quill", role="keeper"))
    writer_app.window.characters.reload()
    writer_app.window.characters.entries_changed.emit()
    assert not spelling.is_misspelt("Zorvath")


def test_a_long_chapter_is_marked_a_slice_at_a_time_and_completely(qtbot, writer_app):
    """Marking 3,000 paragraphs at once would freeze the window; each turn of the event
    loop marks what fits in a few milliseconds, until every paragraph is marked."""
    from writer_desktop.ui import spell_highlighter

    writer_app.core.spelling.load_now()
    editor = writer_app.window.editor
    text = "\n\n".join(f"Paragraph {n} of the long night, and teh sea." for n in range(3000))
    editor.load_chapter(editor.chapter_id, text)
    # Qt marks a new document in its next turn: most of it is put off, not done in one go.
    qtbot.waitUntil(lambda: editor.highlighter.pending > 2000, timeout=5000)
    slices: list[float] = []
    original = editor.highlighter._next_turn

    def timed() -> None:
        import time

        started = time.perf_counter()
        original()
        slices.append(time.perf_counter() - started)

    editor.highlighter._next_turn = timed
    qtbot.waitUntil(lambda: not editor.highlighter.pending, timeout=30_000)
    assert len(slices) > 3 and max(slices) < 20 * spell_highlighter.SLICE_S
    last = editor.document().lastBlock()
    assert any(
        f.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
        for f in last.layout().formats()
    )
