"""The story file survives what authors do to it: Save As onto itself, a second window on
the same story, deleting a chapter, Replace All, and the automatic backups to go back to."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import make_app
from writer_desktop.services import StoryFileError
from writer_desktop.storage import StoryStore

TEXT = "The gulls went quiet before the storm. Mara counted the steps."


def test_save_as_onto_the_open_story_is_refused_and_loses_nothing(qtbot, writer_app, monkeypatch):
    window, stories = writer_app.window, writer_app.stories
    qtbot.keyClicks(window.editor, TEXT)
    path = stories.path
    with pytest.raises(StoryFileError, match="the story you have open"):
        stories.save_as(path)
    # Through the dialog, as the author does it: picks the same file, confirms Replace.
    monkeypatch.setattr(
        "writer_desktop.ui.story_dialogs.QFileDialog.getSaveFileName",
        lambda *args, **kwargs: (str(path), ""),
    )
    window.dialogs.save_as()
    assert stories.path == path and stories.chapters()[0].content == TEXT
    assert path.stat().st_size > 0
    qtbot.keyClicks(window.editor, " More.")  # the window still works and still saves
    assert window.saver.save()
    assert stories.chapters()[0].content == TEXT + " More."


def test_save_as_leaves_the_original_whole(qtbot, writer_app, tmp_path):
    window, stories = writer_app.window, writer_app.stories
    qtbot.keyClicks(window.editor, TEXT)
    original = stories.path
    window.saver.save()
    stories.save_as(tmp_path / "copy.wstory")
    assert stories.path == tmp_path / "copy.wstory"
    with StoryStore.open(original, read_only=True) as store:
        assert store.chapters()[0].content == TEXT


def test_a_second_app_on_the_same_story_is_offered_read_only(
    qtbot, writer_app, paths, settings, message_boxes, tmp_path
):
    story = writer_app.stories.path
    qtbot.keyClicks(writer_app.window.editor, TEXT)
    writer_app.window.saver.save()
    other = make_app(qtbot, paths, settings)
    try:
        message_boxes.answer = message_boxes.answer.No
        assert other.window.open_story(story) is False
        assert "already open in this Writer Assistant" in message_boxes.shown[-1][1]
        message_boxes.answer = message_boxes.answer.Yes
        assert other.window.open_story(story) is True
        assert other.stories.read_only and other.window.editor.isReadOnly()
        assert other.window.editor.toPlainText() == TEXT
        assert "read-only" in other.window.windowTitle()
        assert not other.window.menus.delete_chapter_action.isEnabled()
        assert other.ai.unavailable() == "The story is open read-only."
    finally:
        other.shutdown()
    # The first window is not disturbed and keeps writing.
    qtbot.keyClicks(writer_app.window.editor, " On.")
    assert writer_app.window.saver.save()


def test_another_process_holding_the_story_is_named(qtbot, writer_app, message_boxes, tmp_path):
    from writer_desktop.storage import StoryStore

    path = tmp_path / "held.wstory"
    StoryStore.create(path, "Held").close()
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from writer_desktop.storage import StoryStore
                store = StoryStore.open({str(path)!r})
                print("open", flush=True)
                time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "open"
        message_boxes.answer = message_boxes.answer.No
        assert writer_app.window.open_story(path) is False
        assert f"process {child.pid}" in message_boxes.shown[-1][1]
    finally:
        child.kill()
        child.wait()
    message_boxes.answer = message_boxes.answer.Yes
    assert writer_app.window.open_story(path) is True  # the dead holder's lock is gone
    assert not writer_app.stories.read_only


def test_deleted_chapter_goes_to_the_trash_and_comes_back(qtbot, writer_app, message_boxes):
    window, stories = writer_app.window, writer_app.stories
    first = window.editor.chapter_id
    qtbot.keyClicks(window.editor, TEXT)
    window.chapter_actions.add()
    qtbot.keyClicks(window.editor, "Second.")
    window.binder.select_chapter(first)
    stories.snapshot_chapter(first, "An older draft.", "test")

    window.chapter_actions.delete()
    assert [c.id for c in stories.chapters()] != [] and first not in [
        c.id for c in stories.chapters()
    ]
    assert [c.id for c in stories.trash()] == [first]
    assert window.menus.undo_delete_action.isEnabled()
    window.chapter_actions.undo_delete()
    assert [c.id for c in stories.chapters()][0] == first
    assert window.editor.chapter_id == first and window.editor.toPlainText() == TEXT
    assert stories.snapshots(first)[0].content == "An older draft."  # history kept

    window.chapter_actions.delete()
    window.dialogs.trash()
    dialog = window.dialogs.trash_dialog
    assert dialog.list.count() == 1
    dialog.restore_requested.emit(first)
    assert dialog.list.count() == 0 and stories.chapter(first).content == TEXT

    window.binder.select_chapter(first)
    window.chapter_actions.delete()
    dialog.empty_requested.emit()
    assert stories.trash() == []
    with pytest.raises(KeyError):
        stories.chapter(first)


def test_replace_all_keeps_a_snapshot_first(qtbot, writer_app):
    window, stories = writer_app.window, writer_app.stories
    qtbot.keyClicks(window.editor, "Mara and Mara and Mara.")
    window.find_bar.open(replace=True)
    window.find_bar.find_edit.setText("Mara")
    window.find_bar.replace_edit.setText("Tomas")
    assert window.find_bar.replace_all() == 3
    snapshot = stories.snapshots(window.editor.chapter_id)[0]
    assert snapshot.content == "Mara and Mara and Mara." and snapshot.reason == "before Replace All"


def test_a_backup_after_changes_and_restoring_it_as_a_copy(
    qtbot, writer_app, tmp_path, monkeypatch
):
    window, stories = writer_app.window, writer_app.stories
    qtbot.keyClicks(window.editor, TEXT)
    window.saver.save()
    backups = writer_app.core.backups
    made = backups.backup_if_changed()
    assert made is not None and backups.backup_if_changed() is None  # nothing new to keep
    qtbot.keyClicks(window.editor, " Later words the author regrets.")
    window.saver.save()

    window.dialogs.restore_backup()
    dialog = window.dialogs.backups_dialog
    assert dialog.list.count() == 1 and "1 chapters" in dialog.list.item(0).text()
    target = tmp_path / "restored.wstory"
    monkeypatch.setattr(
        "writer_desktop.ui.story_dialogs.QFileDialog.getSaveFileName",
        lambda *args, **kwargs: (str(target), ""),
    )
    dialog.accept()
    assert stories.path == target
    assert stories.chapters()[0].content == TEXT


def test_closing_the_story_backs_it_up(qtbot, writer_app):
    window, stories = writer_app.window, writer_app.stories
    path = stories.path
    qtbot.keyClicks(window.editor, TEXT)
    window.close_story()
    (backup,) = writer_app.core.backups.backups(path)
    assert backup.words == len(TEXT.split())


def test_a_hostile_story_file_is_refused_with_a_message(qtbot, writer_app, message_boxes, tmp_path):
    path = tmp_path / "hostile.wstory"
    StoryStore.create(path, "Hostile").close()
    connection = sqlite3.connect(path)
    connection.executescript(
        "DROP TABLE snapshots; DROP TABLE feedback; ALTER TABLE chapters RENAME TO old;"
        "CREATE VIEW chapters AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r)"
        " SELECT n AS id FROM r;"
    )
    connection.close()
    before = writer_app.stories.path
    assert writer_app.window.open_story(path) is False
    assert "hostile.wstory" in message_boxes.shown[-1][1]
    assert writer_app.stories.path == before


def test_an_import_into_the_open_story_is_backed_up_first(qtbot, writer_app, tmp_path):
    window, stories = writer_app.window, writer_app.stories
    qtbot.keyClicks(window.editor, TEXT)
    window.saver.save()
    from writer_desktop.services import ImportedChapter

    writer_app.core.manuscripts.import_into_current([ImportedChapter("Imported", "New words.")])
    (backup,) = writer_app.core.backups.backups()
    assert backup.chapters == 1 and len(stories.chapters()) == 2
