"""The status bar's activity indicator, with the real model: a Review whose pane is hidden
still shows, by name and in words, and stops from the indicator or the toolbar."""

from __future__ import annotations

import pytest

from tests.conftest import wait_for_model
from writer_desktop.domain import Character

pytestmark = pytest.mark.model


@pytest.fixture
def ready(qtbot, writer_app):
    window = writer_app.window
    qtbot.keyClicks(window.editor, "Mara climbed the stairs. The storm came in.")
    writer_app.stories.save_character(Character(name="Mara", role="keeper"))
    window.characters.reload()
    window.feedback.reload(window.editor.chapter_id)
    wait_for_model(qtbot, writer_app)
    return writer_app


def test_the_indicator_lists_a_hidden_review_and_stops_it(qtbot, ready):
    window = ready.window
    window.feedback_dock.hide()
    assert window.activity.isHidden()  # nothing running: nothing shown
    panes = window.feedback.panes
    finished = []
    for pane in panes.values():
        pane.finished.connect(finished.append)
    assert len(window.feedback.review(max_tokens=400)) == 3
    qtbot.waitUntil(lambda: len(window.activity.shown_jobs()) == 3, timeout=10_000)
    names = [name for name, _ in window.activity.shown_jobs()]
    assert any(name.startswith("Review: Editor · Chapter 1") for name in names)
    assert any(name.startswith("Review: Mara") for name in names)
    assert any(name.startswith("Review: Rater") for name in names)
    assert window.activity.isVisible() and window.feedback_dock.isHidden()
    assert window.ai.stop_action.isEnabled()  # the toolbar Stop works during a Review

    # Words, not tokens, once the Editor writes.
    qtbot.waitUntil(lambda: "words so far" in window.activity.button.text(), timeout=60_000)

    listing = window.activity.show_list()
    editor = next(a for a in ready.core.activities.activities() if a.kind == "editor_review")
    listing.stop_buttons[editor.id].click()
    qtbot.waitUntil(lambda: len(finished) >= 1, timeout=60_000)
    assert finished[0] is None and "[stopped]" in panes["editor_review"].text.toPlainText()

    window.ai.stop_action.trigger()  # the rest, from the toolbar
    qtbot.waitUntil(lambda: len(finished) == 3, timeout=60_000)
    assert finished == [None, None, None]
    qtbot.waitUntil(lambda: window.activity.isHidden(), timeout=5_000)
    assert not window.ai.stop_action.isEnabled()


def test_toolbar_stop_ends_outline_planning(qtbot, ready):
    window = ready.window
    task = window.commands.outlines(3)
    assert task is not None
    qtbot.waitUntil(lambda: window.ai.stop_action.isEnabled(), timeout=10_000)
    assert [n for n, _ in window.activity.shown_jobs()][0].startswith("Planning chapter outlines")
    window.ai.stop_action.trigger()
    qtbot.waitUntil(task.done, timeout=60_000)
    assert window.binder.count() == 1  # nothing planned was added
    assert "stopped" in window.statusBar().currentMessage()
