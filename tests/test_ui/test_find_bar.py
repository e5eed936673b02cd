"""Find and replace in the chapter editor."""

from __future__ import annotations

TEXT = "The lamp failed. Mara relit the lamp. THE LAMP held."


def test_find_wraps_around_and_says_when_nothing_matches(qtbot, writer_app):
    window = writer_app.window
    window.editor.setPlainText(TEXT)
    bar = window.find_bar
    bar.open()
    assert bar.isVisible()
    bar.find_edit.setText("lamp")
    positions = []
    for _ in range(4):
        assert bar.find_next()
        positions.append(window.editor.textCursor().selectionStart())
    lower = TEXT.lower()
    matches = [lower.find("lamp"), lower.find("lamp", 5), lower.rfind("lamp")]
    assert positions == [*matches, matches[0]]  # case-insensitive, then wraps
    bar.find_edit.setText("lighthouse")
    assert not bar.find_next() and bar.status.text() == "Not found"


def test_replace_all_is_one_undo_step_and_respects_case(qtbot, writer_app):
    window = writer_app.window
    window.editor.setPlainText(TEXT)
    window.editor.document().clearUndoRedoStacks()
    bar = window.find_bar
    bar.open(replace=True)
    bar.find_edit.setText("lamp")
    bar.replace_edit.setText("light")
    bar.case.setChecked(True)
    assert bar.replace_all() == 2
    assert window.editor.toPlainText() == "The light failed. Mara relit the light. THE LAMP held."
    window.editor.undo()
    assert window.editor.toPlainText() == TEXT


def test_replace_one_then_move_on(qtbot, writer_app):
    window = writer_app.window
    window.editor.setPlainText(TEXT)
    bar = window.find_bar
    bar.find_edit.setText("lamp")
    bar.replace_edit.setText("wick")
    assert bar.replace()
    assert window.editor.toPlainText().startswith("The wick failed. Mara relit the lamp.")
    assert window.editor.textCursor().selectedText() == "lamp"


def test_the_bar_counts_matches_and_finds_whole_words(qtbot, writer_app):
    window = writer_app.window
    window.editor.setPlainText("The lamp failed. Lamplight faded. THE LAMP held.")
    bar = window.find_bar
    bar.open()
    assert bar.find_edit.minimumWidth() >= 200
    bar.find_edit.setText("lamp")
    assert bar.status.text() == "3 matches"
    bar.whole_word.setChecked(True)
    assert bar.status.text() == "2 matches"
    bar.replace_edit.setText("light")
    assert bar.replace_all() == 2
    assert window.editor.toPlainText() == "The light failed. Lamplight faded. THE light held."


def test_the_bar_goes_on_to_the_whole_story(qtbot, writer_app):
    window = writer_app.window
    window.editor.setPlainText("Mara lit the lamp.")
    bar = window.find_bar
    bar.open()
    bar.find_edit.setText("Mara")
    bar.story_wide_requested.emit(bar.find_edit.text())
    dialog = window.replacing.dialog
    assert dialog is not None and dialog.find_edit.text() == "Mara"
    dialog.close()
