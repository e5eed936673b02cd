"""File > Open loads the story on a worker thread; the window shows it when it is ready."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog


def test_file_open_shows_the_story_once_loaded(qtbot, writer_app, tmp_path, monkeypatch):
    window = writer_app.window
    window.editor.insertPlainText("First words of A.")
    assert window.saver.save()
    a_path = window.stories.path
    assert window.new_story(tmp_path / "b.wstory", "B")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(a_path), ""))
    window.dialogs.open_story()  # returns at once; the story loads behind the window
    qtbot.waitUntil(lambda: window.stories.path == a_path, timeout=30_000)
    qtbot.waitUntil(lambda: window.editor.toPlainText() == "First words of A.", timeout=5_000)
    assert window.windowTitle().startswith("Test story")
    assert window.binder.count() == 1


def test_opening_a_missing_file_says_why_and_keeps_the_open_story(
    qtbot, writer_app, tmp_path, message_boxes
):
    from tests.conftest import run_async

    window = writer_app.window
    shown = window.stories.path
    assert not run_async(window.open_story_async(tmp_path / "missing.wstory"))
    assert window.stories.path == shown
    assert message_boxes.shown and "Cannot open" in message_boxes.shown[-1][0]
