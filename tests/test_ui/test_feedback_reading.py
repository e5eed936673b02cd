"""Feedback an author can read: Markdown rendered, quoted passages linked to the editor,
history labelled by date and model, stale feedback marked, tabs when narrow, and a Rater
that never shows its raw JSON."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl

from tests.conftest import wait_for_model
from writer_desktop.domain import RATER_ASPECTS, Feedback

OPENING = "Mara climbed the stairs. The storm came in off the sea. She lit the lamp."
NOTE = (
    "**Strengths:** the weather.\n\n"
    '- The line "the storm came in off the sea" sets the mood.\n'
    "- Pacing is brisk.\n"
)


@pytest.fixture
def window_with_feedback(qtbot, writer_app):
    window = writer_app.window
    qtbot.keyClicks(window.editor, OPENING)
    assert window.saver.save()
    chapter_id = window.editor.chapter_id
    writer_app.stories.add_feedback(
        Feedback(chapter_id=chapter_id, agent="editor", content=NOTE, model="SmolLM2 135M Instruct")
    )
    window.feedback_dock.show()
    window.feedback.reload(chapter_id)
    return window


def test_feedback_markdown_is_rendered_not_shown_raw(window_with_feedback):
    pane = window_with_feedback.feedback.panes["editor_review"]
    shown = pane.text.toPlainText()
    assert "Strengths:" in shown and "**" not in shown
    assert "font-weight" in pane.text.toHtml()  # the bold is bold


def test_a_quoted_passage_links_to_it_in_the_editor(window_with_feedback):
    window = window_with_feedback
    pane = window.feedback.panes["editor_review"]
    assert pane.passages == ["the storm came in off the sea"]
    assert 'href="quote:0"' in pane.text.toHtml()
    pane.text.anchorClicked.emit(QUrl("quote:0"))
    assert window.editor.textCursor().selectedText() == "The storm came in off the sea"


def test_history_is_labelled_by_date_and_model_and_marked_stale_after_an_edit(
    qtbot, window_with_feedback
):
    window = window_with_feedback
    pane = window.feedback.panes["editor_review"]
    label = pane.history_combo.itemText(0)
    assert "SmolLM2 135M Instruct" in label and ":" in label  # a time of day
    assert "changed since" not in label and pane.stale_label.isHidden()
    qtbot.keyClicks(window.editor, " The door slammed.")
    assert window.saver.save()
    assert not pane.stale_label.isHidden()
    assert "chapter changed since" in pane.history_combo.itemText(0)


def test_panes_are_tabs_when_narrow_and_columns_when_wide(qtbot, window_with_feedback):
    feedback = window_with_feedback.feedback
    dock = window_with_feedback.feedback_dock
    dock.setFloating(True)
    dock.resize(700, 300)
    qtbot.waitUntil(lambda: feedback.tabbed is True)
    assert feedback.tabs.count() == 3
    dock.resize(1300, 300)
    qtbot.waitUntil(lambda: feedback.tabbed is False)
    assert feedback.splitter.count() == 3 and feedback.tabs.isHidden()
    assert all(pane.isVisible() for pane in feedback.panes.values())
    assert min(pane.width() for pane in feedback.panes.values()) > 300  # wide enough to read


def test_a_rating_shows_as_its_chart_and_short_reasons(writer_app, window_with_feedback):
    window = window_with_feedback
    scores = {a: {"score": 7, "reason": f"Good {a}."} for a in RATER_ASPECTS}
    writer_app.stories.add_feedback(
        Feedback(
            chapter_id=window.editor.chapter_id,
            agent="rater",
            content='{"raw": "json"}',
            scores=scores,
            model="SmolLM2 135M Instruct",
        )
    )
    pane = window.feedback.panes["rater_feedback"]
    pane.reload(window.editor.chapter_id)
    assert pane.chart.current == {a: 7 for a in RATER_ASPECTS}
    shown = pane.text.toPlainText()
    assert "7/10" in shown and "Good pacing." in shown
    assert "{" not in shown and "raw" not in shown


@pytest.mark.model
def test_the_rater_never_shows_raw_json_while_it_streams(qtbot, window_with_feedback, writer_app):
    window = window_with_feedback
    pane = window.feedback.panes["rater_feedback"]
    seen: list[str] = []
    pane.text.textChanged.connect(lambda: seen.append(pane.text.toPlainText()))
    wait_for_model(qtbot, writer_app)
    done = []
    pane.finished.connect(done.append)
    assert pane.start() is not None
    assert pane.text.toPlainText().startswith("Rating…")
    # Once the JSON is well under way, its progress shows in words, never the JSON itself.
    qtbot.waitUntil(lambda: '"' in pane.streamed and len(pane.streamed) > 40, timeout=120_000)
    qtbot.waitUntil(lambda: "aspects scored" in pane.text.toPlainText(), timeout=5_000)
    pane.stop()
    qtbot.waitUntil(lambda: bool(done), timeout=60_000)
    assert done == [None] and pane.text.toPlainText().startswith("Rating stopped.")
    assert seen and not [text for text in seen if "{" in text or '"' in text]
