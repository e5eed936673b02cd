"""Import by drag-and-drop and File > Import, export from the File menu."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from tests.test_manuscripts.conftest import make_docx
from writer_desktop.manuscripts import read_manuscript, split_chapters


@pytest.fixture(scope="module")
def corpus_folder():
    """The real-novel corpus (tests/test_manuscripts/corpus.py), built once."""
    from tests.test_manuscripts.corpus import build_corpus

    return build_corpus()


def _drop(widget, path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    widget.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    widget.dropEvent(drop)


def test_dropping_a_docx_on_the_window_previews_then_imports_a_new_story(
    qtbot, writer_app, tmp_path, message_boxes
):
    window = writer_app.window
    docx_path = make_docx(tmp_path / "Harbour draft.docx")
    shown = []
    window.manuscripts.preview_shown.connect(shown.append)
    _drop(window, docx_path)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    dialog = shown[0]
    assert dialog.table.rowCount() == 2 and dialog.table.item(0, 0).text() == "The Storm"
    dialog.table.item(1, 0).setText("Dawn")  # the author renames a chapter in the preview
    dialog.new_story.setChecked(True)
    target = tmp_path / "imported.wstory"
    writing = window.manuscripts.apply(dialog, window.manuscripts.service.read(docx_path), target)
    assert writing is not None
    qtbot.waitUntil(writing.done, timeout=10_000)  # written off the window's thread
    assert writing.result()
    assert writer_app.stories.path == target
    assert [window.binder.item(i).text() for i in range(window.binder.count())] == [
        "The Storm",
        "Dawn",
    ]
    assert "Mara climbed the stairs" in window.editor.toPlainText()


def test_dropping_on_the_binder_adds_to_the_open_story(qtbot, writer_app, tmp_path):
    window = writer_app.window
    shown = []
    window.manuscripts.preview_shown.connect(shown.append)
    _drop(window.binder, make_docx(tmp_path / "more.docx"))
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    dialog = shown[0]
    dialog.table.item(0, 0).setCheckState(Qt.CheckState.Unchecked)  # leave one out
    assert dialog.into_current.__class__ is bool and dialog.into_current
    writing = window.manuscripts.apply(
        dialog, window.manuscripts.service.read(tmp_path / "more.docx")
    )
    assert writing is not None
    qtbot.waitUntil(writing.done, timeout=10_000)
    assert writing.result()
    titles = [c.title for c in writer_app.stories.chapters()]
    assert titles == ["Chapter 1", "Morning"]
    assert window.binder.count() == 2


def test_unreadable_file_gets_a_message_and_changes_nothing(
    qtbot, writer_app, tmp_path, message_boxes
):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"not a zip at all")
    task = writer_app.window.manuscripts.import_file(bad)
    qtbot.waitUntil(lambda: bool(message_boxes.shown), timeout=10_000)
    assert "not a Word" in message_boxes.shown[-1][1]
    assert task.done()
    assert len(writer_app.stories.chapters()) == 1


def test_export_story_writes_a_file_that_imports_back(qtbot, writer_app, tmp_path):
    window = writer_app.window
    qtbot.keyClicks(window.editor, "Words of the first chapter.")
    window.chapter_actions.add()
    qtbot.keyClicks(window.editor, "And of the second.")
    for suffix in (".md", ".docx", ".epub", ".txt"):
        written = window.manuscripts.export(tmp_path / f"story{suffix}")
        chapters = split_chapters(read_manuscript(written), "x")
        assert [(c.title, c.content) for c in chapters] == [
            ("Chapter 1", "Words of the first chapter."),
            ("Chapter 2", "And of the second."),
        ]
    one = window.manuscripts.export(tmp_path / "one.md", chapter=True)
    assert "And of the second." in one.read_text() and "first" not in one.read_text()


def test_preview_lets_the_author_choose_the_split_and_updates_live(
    qtbot, writer_app, tmp_path, corpus_folder
):
    """A real novel (Frankenstein, formatted as a Word user does): automatic split finds
    its 4 letters and 24 chapters; choosing page breaks or a pattern re-splits at once."""
    window = writer_app.window
    shown = []
    window.manuscripts.preview_shown.connect(shown.append)
    window.manuscripts.import_file(corpus_folder / "frankenstein.word.docx")
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    dialog = shown[0]
    titles = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert titles[:2] == ["Front matter", "Letter 1"] and titles[-1] == "Chapter 24"
    assert "29 chapters" in dialog.summary.text()
    labels = [dialog.split_choice.itemText(i) for i in range(dialog.split_choice.count())]
    dialog.split_choice.setCurrentIndex(labels.index("Page breaks"))
    assert dialog.table.rowCount() >= 28
    dialog.split_choice.setCurrentIndex(labels.index("Lines matching my pattern"))
    qtbot.keyClicks(dialog.pattern, "^Letter")
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())][1:] == [
        "Letter 1",
        "Letter 2",
        "Letter 3",
        "Letter 4",
    ]
    assert "5 chapters" in dialog.summary.text()
    dialog.pattern.setText("(")
    assert "not valid" in dialog.split_error.text()
    dialog.reject()


def test_cancel_stops_reading_and_kills_the_child(qtbot, writer_app, tmp_path, monkeypatch):
    from writer_desktop.manuscripts import isolation

    jobs = []
    original = isolation.ReadJob.__init__

    def slow_job(self, path, reader=None, **caps):
        original(self, path, reader, **caps)
        jobs.append(self)

    monkeypatch.setattr(isolation.ReadJob, "__init__", slow_job)
    path = tmp_path / "slow.txt"
    path.write_text("Chapter 1\n\nWords.\n")
    monkeypatch.setattr(isolation.sys, "executable", "/bin/sleep")  # a child that hangs
    original_popen = isolation.subprocess.Popen

    def popen(command, **kwargs):
        return original_popen(["/bin/sleep", "30"], **kwargs)

    monkeypatch.setattr(isolation.subprocess, "Popen", popen)
    task = writer_app.window.manuscripts.import_file(path)
    qtbot.waitUntil(lambda: bool(jobs), timeout=5_000)
    assert "Reading slow.txt" in writer_app.window.statusBar().currentMessage()
    activities = writer_app.window.activity
    [reading] = [a for a in writer_app.core.activities.activities() if a.kind == "import"]
    activities.list.rebuild()  # as opening the activity list does
    activities.list.stop_buttons[reading.id].click()  # the author presses its Stop
    qtbot.waitUntil(task.done, timeout=5_000)
    qtbot.waitUntil(lambda: jobs[0].process.poll() is not None, timeout=5_000)
    assert "cancelled" in writer_app.window.statusBar().currentMessage()
    assert len(writer_app.stories.chapters()) == 1


def test_front_matter_is_offered_unticked_and_left_out(qtbot, writer_app, tmp_path):
    path = tmp_path / "novel.txt"
    path.write_text(
        "THE HARBOUR LIGHT\n\nby A. Keeper\n\nFor my mother.\n\n"
        "CHAPTER ONE\n\nIt began.\n\nCHAPTER TWO\n\nIt went on.\n",
        encoding="utf-8",
    )
    window = writer_app.window
    shown = []
    window.manuscripts.preview_shown.connect(shown.append)
    window.manuscripts.import_file(path)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    dialog = shown[0]
    assert dialog.table.item(0, 0).text() == "Front matter"
    assert dialog.table.item(0, 0).checkState() == Qt.CheckState.Unchecked
    assert [c.title for c in dialog.selected_chapters()] == ["CHAPTER ONE", "CHAPTER TWO"]
