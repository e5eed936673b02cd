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
    finished = []  # (pane, feedback or None when stopped), in the order they end
    for kind, pane in panes.items():
        pane.finished.connect(lambda feedback, kind=kind: finished.append((kind, feedback)))
    assert len(window.feedback.review(max_tokens=400)) == 3
    qtbot.waitUntil(lambda: len(window.activity.shown_jobs()) == 3, timeout=10_000)
    names = [name for name, _ in window.activity.shown_jobs()]
    assert any(name.startswith("Review: Editor · Chapter 1") for name in names)
    assert any(name.startswith("Review: Mara") for name in names)
    assert any(name.startswith("Review: Rater") for name in names)
    assert window.activity.isVisible() and window.feedback_dock.isHidden()
    assert window.ai.stop_action.isEnabled()  # the toolbar Stop works during a Review

    # Words, not tokens, once the Editor writes (the jobs run one after another, in
    # whatever order the queue gives them).
    def editor_activity():
        return next(
            (a for a in ready.core.activities.activities() if a.kind == "editor_review"), None
        )

    qtbot.waitUntil(
        lambda: editor_activity() is not None and editor_activity().words > 0, timeout=120_000
    )
    listing = window.activity.show_list()
    assert any("so far" in text for _, text in window.activity.shown_jobs())
    listing.stop_buttons[editor_activity().id].click()
    qtbot.waitUntil(lambda: ("editor_review", None) in finished, timeout=60_000)
    assert "[stopped]" in panes["editor_review"].text.toPlainText()

    window.ai.stop_action.trigger()  # the rest, from the toolbar
    qtbot.waitUntil(lambda: len(finished) == 3, timeout=60_000)
    assert {kind for kind, _ in finished} == set(panes)
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
