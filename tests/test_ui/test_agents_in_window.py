"""Each AI action clicked in the real window, with the real default model."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QTextCursor

from tests.conftest import wait_for_model
from writer_desktop.domain import RATER_ASPECTS, Character
from writer_desktop.domain.emphasis import strip_emphasis

pytestmark = pytest.mark.model

OPENING = "Mara climbed the stairs. The storm came in. She lit the lamp."


@pytest.fixture
def ready(qtbot, writer_app):
    window = writer_app.window
    qtbot.keyClicks(window.editor, OPENING)
    writer_app.stories.save_character(Character(name="Mara", role="keeper"))
    window.characters.reload()
    window.feedback.reload(window.editor.chapter_id)
    wait_for_model(qtbot, writer_app)
    return writer_app


def test_review_chapter_fills_all_three_panes_and_keeps_them(qtbot, ready):
    panes = ready.window.feedback.panes
    finished = []
    for pane in panes.values():
        pane.finished.connect(finished.append)
    runs = ready.window.feedback.review(max_tokens=24)
    assert len(runs) == 3
    qtbot.waitUntil(lambda: len(finished) == 3, timeout=120_000)
    assert all(f is not None for f in finished)
    assert panes["editor_review"].text.toPlainText().strip()
    assert panes["character_feedback"].history[0].character_name == "Mara"
    rater = panes["rater_feedback"]
    assert set(rater.chart.current) == set(RATER_ASPECTS)
    assert rater.history_combo.count() == 1


@pytest.mark.parametrize("operation", ["editor_review", "character_feedback", "rater_feedback"])
def test_each_pane_stops_alone(qtbot, ready, operation):
    pane = ready.window.feedback.panes[operation]
    done = []
    pane.finished.connect(done.append)
    pane.text.textChanged.connect(pane.stop)
    assert pane.start(max_tokens=400) is not None
    assert pane.stop_button.isEnabled()
    qtbot.waitUntil(lambda: bool(done), timeout=60_000)
    assert done == [None] and "stopped" in pane.text.toPlainText().lower()
    assert not pane.stop_button.isEnabled() and pane.history == []


def test_modify_accept_all_then_undo_and_reject(qtbot, ready):
    window = ready.window
    commands = window.commands
    dialog = commands.modify("Make it more dramatic", max_tokens=60)

    def compared() -> None:  # the rewrite is in and compared off the GUI thread
        assert dialog.comparison is not None, dialog.status.text()

    qtbot.waitUntil(compared, timeout=120_000)
    assert dialog.changes, dialog.status.text()
    decided = []
    dialog.decided.connect(decided.append)
    dialog.accept_all()
    (rewrite,) = decided
    if dialog.comparison.cut_off:  # the model reached max_tokens: the rest is kept
        assert rewrite.endswith(OPENING[dialog.comparison.stopped_at :])
    else:
        assert rewrite == dialog.rewrite.strip()
    # The rewrite's words on the page, its blank lines as paragraphs; saved as shown.
    shown = window.editor.chapter_text()
    assert strip_emphasis(shown).split() == strip_emphasis(rewrite).split()
    assert ready.stories.chapters()[0].content == shown
    snapshot = ready.stories.snapshots(window.editor.chapter_id)[0]
    assert snapshot.content == OPENING and snapshot.reason.startswith("before Modify")
    window.editor.undo()
    assert window.editor.toPlainText() == OPENING

    dialog = commands.modify("Make it quieter", max_tokens=60)
    qtbot.waitUntil(
        lambda: dialog.comparison is not None or "no rewrite" in dialog.status.text(),
        timeout=120_000,
    )
    dialog.reject_all()
    assert window.editor.toPlainText() == OPENING


def test_flesh_out_replaces_the_selection_as_one_undo_step(qtbot, ready):
    editor = ready.window.editor
    cursor = editor.textCursor()
    start = OPENING.index("She lit the lamp.")
    cursor.setPosition(start)
    cursor.setPosition(len(OPENING), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    with qtbot.waitSignal(ready.ai.generation_finished, timeout=60_000):
        assert ready.ai.flesh_out(max_tokens=30) is not None
    text = editor.toPlainText()
    assert text.startswith(OPENING[:start]) and text != OPENING
    editor.undo()
    assert editor.toPlainText() == OPENING


def test_generate_chapter_writes_a_new_chapter(qtbot, ready):
    window = ready.window
    with qtbot.waitSignal(ready.ai.generation_finished, timeout=60_000):
        assert ready.ai.generate_chapter("Mara meets the saboteur.", max_tokens=30) is not None
    assert window.binder.count() == 2
    assert window.binder.current_chapter_id() == window.editor.chapter_id
    assert window.editor.toPlainText().strip()
    assert ready.stories.chapters()[1].content == window.editor.chapter_text()


def test_outlines_become_outline_only_chapters_in_the_binder(qtbot, ready):
    window = ready.window
    assert ready.window.commands.outlines(2) is not None
    qtbot.waitUntil(lambda: window.binder.count() == 3, timeout=60_000)
    planned = ready.stories.chapters()[1:]
    assert all(c.outline and not c.content for c in planned)
    assert window.binder.item(1).font().italic()
    window.binder.setCurrentRow(1)
    assert planned[0].outline in window.editor.placeholderText()


def test_character_details_are_proposed_then_saved(qtbot, ready):
    window = ready.window
    window.characters.list.setCurrentRow(0)
    dialog = window.commands.character_details()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.edits["bio"].isEnabled(), timeout=60_000)
    dialog.edits["goals"].setPlainText("Find the saboteur")  # the author edits first
    dialog.accept()
    mara = ready.stories.characters()[0]
    assert mara.goals == "Find the saboteur" and mara.bio and mara.traits
    assert window.characters.goals_edit.toPlainText() == "Find the saboteur"


def test_regenerate_bio_replaces_only_the_bio(qtbot, ready):
    window = ready.window
    window.characters.list.setCurrentRow(0)
    dialog = window.commands.regenerate_bio()
    qtbot.waitUntil(lambda: dialog.edits["bio"].isEnabled(), timeout=60_000)
    dialog.accept()
    mara = ready.stories.characters()[0]
    assert mara.bio.strip() and mara.role == "keeper"


def test_chat_answers_and_keeps_the_conversation(qtbot, ready):
    chat = ready.window.chat
    assert chat.send("Who is Mara?", max_tokens=24) is not None
    qtbot.waitUntil(lambda: chat.task is None, timeout=60_000)
    messages = ready.stories.chat_messages(chat.conversation)
    assert [m.role for m in messages] == ["user", "assistant"]
    shown = chat.transcript.toPlainText()  # rendered Markdown: compare words, not marks
    assert all(word in shown for word in re.findall(r"[A-Za-z]{3,}", messages[1].content))
