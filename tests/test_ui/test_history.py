"""A chapter's history: snapshots compared with the text now, and restored."""

from __future__ import annotations


def test_restore_a_snapshot_keeps_the_replaced_text_and_undoes_in_one_step(qtbot, writer_app):
    window = writer_app.window
    chapter_id = window.editor.chapter_id
    qtbot.keyClicks(window.editor, "First draft of the storm.")
    window.saver.save()
    writer_app.stories.snapshot_chapter(chapter_id, "First draft of the storm.", "test")
    window.editor.selectAll()
    qtbot.keyClicks(window.editor, "Second draft, much worse.")
    window.saver.save()

    window.dialogs.chapter_history()
    dialog = window.dialogs.history_dialog
    assert dialog.list.count() == 1 and "test" in dialog.list.item(0).text()
    qtbot.waitUntil(lambda: dialog.comparing is None)  # compared off the GUI thread
    shown = dialog.view.toPlainText()  # the snapshot against the text now, word by word
    assert "First" in shown and "Second" in shown and "line-through" in dialog.view.toHtml()
    dialog.restore_selected()

    assert window.editor.toPlainText() == "First draft of the storm."
    assert writer_app.stories.chapter(chapter_id).content == "First draft of the storm."
    newest = writer_app.stories.snapshots(chapter_id)[0]
    assert newest.reason == "before restoring a snapshot"
    assert newest.content == "Second draft, much worse."
    window.editor.undo()
    assert window.editor.toPlainText() == "Second draft, much worse."


def test_history_of_a_chapter_without_snapshots_says_so(qtbot, writer_app):
    writer_app.window.dialogs.chapter_history()
    dialog = writer_app.window.dialogs.history_dialog
    assert dialog.list.count() == 0
    dialog.restore_selected()
    assert dialog.chosen is None
