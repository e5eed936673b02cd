"""Opening another story while the agents work for this one: the jobs stop, and nothing of
the first story's answers reaches the second, on screen or in its file."""

from __future__ import annotations

import pytest

from tests.conftest import wait_for_model
from writer_desktop.domain import Character

pytestmark = pytest.mark.model

A_TEXT = "Mara climbed the lighthouse stairs. The storm came in. She lit the lamp."
B_TEXT = "Tomas kneaded the dough in the warm kitchen before dawn."


def _file_contents(stories) -> dict:
    chapters = stories.chapters()
    return {
        "chapters": [(c.title, c.content, c.outline) for c in chapters],
        "feedback": [f.content for c in chapters for f in stories.feedback(c.id)],
        "chat": [
            (m.role, m.content) for n in stories.conversations() for m in stories.chat_messages(n)
        ],
    }


def test_opening_b_while_a_chats_plans_and_reviews_leaves_b_untouched(qtbot, writer_app, tmp_path):
    window, stories = writer_app.window, writer_app.stories
    b_path = tmp_path / "b.wstory"
    assert window.new_story(b_path, "B")
    qtbot.keyClicks(window.editor, B_TEXT)
    window.saver.save()
    b_before = _file_contents(stories)

    assert window.new_story(tmp_path / "a.wstory", "A")
    a_path = stories.path
    qtbot.keyClicks(window.editor, A_TEXT)
    window.saver.save()
    stories.save_character(Character(name="Mara", role="keeper"))
    window.characters.reload()
    window.feedback.reload(window.editor.chapter_id)
    wait_for_model(qtbot, writer_app)

    # The chat answer streams first (prompts are assembled on worker threads, so jobs
    # asked for together may queue in any order); the outlines and the three reviews are
    # asked for while it streams and wait behind it.
    tasks = [window.chat.send("What is Mara afraid of?", max_tokens=120)]
    qtbot.waitUntil(
        lambda: len(window.chat.transcript.toPlainText().split("Assistant:")[-1].strip()) > 3,
        timeout=60_000,
    )
    tasks += [window.commands.outlines(3), *window.feedback.review(max_tokens=120)]
    assert all(task is not None for task in tasks) and len(tasks) == 5
    # Each request has assembled its prompt and queued its job for story A.
    qtbot.waitUntil(lambda: len(writer_app.core.jobs.live()) == 5, timeout=30_000)
    a_chat_so_far = window.chat.transcript.toPlainText()

    assert window.open_story(b_path)
    qtbot.waitUntil(lambda: all(task.done() for task in tasks), timeout=30_000)
    qtbot.wait(200)  # any late token or result would land now

    assert stories.path == b_path
    assert _file_contents(stories) == b_before
    assert window.binder.count() == 1 and window.editor.toPlainText() == B_TEXT
    assert "Mara" not in window.chat.transcript.toPlainText()
    assert a_chat_so_far.split("Assistant:")[-1].strip() not in window.chat.transcript.toPlainText()
    for pane in window.feedback.panes.values():
        assert pane.history == [] and pane.text.toPlainText() == "", pane.operation
        assert not pane.busy
    assert writer_app.core.jobs.live() == []

    assert window.open_story(a_path)
    a_after = _file_contents(stories)
    assert a_after["feedback"] == [] and len(a_after["chapters"]) == 1
    assert [role for role, _ in a_after["chat"]] == ["user"]  # the question, no answer
