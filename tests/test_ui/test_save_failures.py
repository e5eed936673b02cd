"""A save that fails (a full disk) never drops the editor's text: the window says so, and
every action that would take the text away stops and asks first."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import make_app
from writer_desktop.storage import StoryStore

TYPED = "The gulls went quiet before the storm."


class DiskFull:
    """StoryStore.save_chapter_text fails as SQLite does when the disk is full."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = True
        real = StoryStore.save_chapter_text

        def save(store, chapter_id, content, *rest):
            if self.full:
                raise sqlite3.OperationalError("database or disk is full")
            return real(store, chapter_id, content, *rest)

        monkeypatch.setattr(StoryStore, "save_chapter_text", save)


class Answers:
    """The author's answers to "the chapter is not saved", in order."""

    def __init__(self, window, monkeypatch, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

        def ask(doing: str, reason: str) -> str:
            self.asked.append(doing)
            assert "disk is full" in reason
            return self.answers.pop(0)

        monkeypatch.setattr(window.dialogs, "ask_unsaved", ask)


@pytest.fixture
def two_chapters(qtbot, writer_app):
    window = writer_app.window
    first = window.editor.chapter_id
    window.chapter_actions.add()
    window.binder.select_chapter(first)
    return writer_app, first


def test_failed_save_shows_and_switching_chapter_asks_then_stays(qtbot, two_chapters, monkeypatch):
    app, first = two_chapters
    window = app.window
    disk = DiskFull(monkeypatch)
    qtbot.keyClicks(window.editor, TYPED)
    assert window.saver.save() is False
    label = window.saver.unsaved_label
    assert label.isVisible() and label.text() == "Not saved!"
    assert "disk is full" in label.toolTip()

    answers = Answers(window, monkeypatch, "cancel")
    window.binder.setCurrentRow(1)  # the author clicks the other chapter
    assert answers.asked == ["show another chapter"]
    assert window.editor.chapter_id == first and window.editor.toPlainText() == TYPED
    assert window.binder.current_chapter_id() == first

    disk.full = False  # space freed: Retry saves, then the switch goes on
    answers.answers = []
    window.binder.setCurrentRow(1)
    assert window.editor.chapter_id != first
    assert window.saver.unsaved_label.text().startswith("Saved ")  # the red state is gone
    assert app.stories.chapter(first).content == TYPED


def test_retry_then_copy_keeps_the_text_in_a_file(qtbot, two_chapters, monkeypatch, tmp_path):
    app, first = two_chapters
    window = app.window
    DiskFull(monkeypatch)
    qtbot.keyClicks(window.editor, TYPED)
    copies: list[tuple[str, str]] = []

    def save_copy(title: str, text: str) -> bool:
        copies.append((title, text))
        (tmp_path / "copy.txt").write_text(text, encoding="utf-8")
        return True

    monkeypatch.setattr(window.dialogs, "save_text_copy", save_copy)
    answers = Answers(window, monkeypatch, "retry", "copy")
    assert window.close_story() is True
    assert answers.asked == ["close the story", "close the story"]
    assert copies == [("Chapter 1", TYPED)]
    assert (tmp_path / "copy.txt").read_text(encoding="utf-8") == TYPED
    assert not app.stories.is_open


def test_open_new_import_and_quit_stop_when_the_author_cancels(
    qtbot, two_chapters, monkeypatch, tmp_path
):
    app, first = two_chapters
    window = app.window
    disk = DiskFull(monkeypatch)
    qtbot.keyClicks(window.editor, TYPED)
    answers = Answers(window, monkeypatch, *["cancel"] * 4)
    path = app.stories.path
    assert window.open_story(path) is False
    assert window.new_story(tmp_path / "other.wstory") is False
    assert window.close_story() is False
    window.close()  # Quit
    assert window.isVisible()
    assert answers.asked == [
        "open another story",
        "start a new story",
        "close the story",
        "quit",
    ]
    assert window.editor.toPlainText() == TYPED and app.stories.path == path
    disk.full = False
    assert window.saver.save()


def test_discard_is_an_explicit_choice(qtbot, two_chapters, monkeypatch):
    app, first = two_chapters
    window = app.window
    DiskFull(monkeypatch)
    qtbot.keyClicks(window.editor, TYPED)
    Answers(window, monkeypatch, "discard")
    window.binder.setCurrentRow(1)
    assert window.editor.chapter_id != first
    assert app.stories.chapter(first).content == ""


def test_a_crash_with_unsaved_text_keeps_it_and_the_next_start_offers_it(
    qtbot, two_chapters, monkeypatch, paths, settings
):
    app, first = two_chapters
    window = app.window
    DiskFull(monkeypatch)
    qtbot.keyClicks(window.editor, TYPED)
    said = window.saver.rescue_unsaved()
    assert "could not be saved" in said and "Chapter 1" in said
    (kept,) = app.core.recovery.pending()
    assert kept.text == TYPED and kept.story == app.stories.path
    assert kept.path.with_suffix(".txt").read_text(encoding="utf-8") == TYPED
    story = app.stories.path
    monkeypatch.undo()  # the disk has room again
    app.window.saver.forget()  # the crashed app is gone; nothing more is saved
    app.shutdown()

    again = make_app(qtbot, paths, settings)
    try:
        monkeypatch.setattr(again.window.dialogs, "ask_restore", lambda item: True)
        assert again.window.offer_recovered() == 1
        assert again.stories.path == story
        titles = [c.title for c in again.stories.chapters()]
        assert titles[-1] == "Recovered: Chapter 1"
        assert again.stories.chapters()[-1].content == TYPED
        assert again.core.recovery.pending() == []
    finally:
        again.shutdown()


def test_a_crash_after_a_good_save_says_the_story_is_saved(qtbot, writer_app):
    qtbot.keyClicks(writer_app.window.editor, TYPED)
    assert writer_app.window.saver.rescue_unsaved() == "Your story is saved."
    assert writer_app.stories.chapters()[0].content == TYPED
