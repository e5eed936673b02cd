"""Continue chapter in the window with the real default model: stream, undo, stop, failures."""

from __future__ import annotations

import pytest

from tests.conftest import make_app, wait_for_model
from writer_desktop.config import Settings

OPENING = "Mara climbed the lighthouse stairs as the storm came in."

pytestmark = pytest.mark.model


def _saved_text(app) -> str:
    return app.stories.chapters()[0].content


def _continue(qtbot, app, max_tokens: int):
    with qtbot.waitSignal(app.ai.generation_finished, timeout=60_000) as finished:
        assert app.ai.continue_chapter(max_tokens=max_tokens) is not None
    return finished.args[0]


def test_continue_streams_into_the_editor_and_undo_removes_it(qtbot, writer_app):
    window = writer_app.window
    qtbot.keyClicks(window.editor, OPENING)
    wait_for_model(qtbot, writer_app)
    assert writer_app.ai.continue_action.isEnabled()

    streamed: list[str] = []
    writer_app.ai.token_streamed.connect(streamed.append)
    result = _continue(qtbot, writer_app, max_tokens=24)

    text = window.editor.toPlainText()
    assert result.completion_tokens > 0 and len(streamed) == result.completion_tokens
    assert text.startswith(OPENING) and len(text) > len(OPENING) + 10
    assert result.text.strip()[:15] in text
    assert _saved_text(writer_app) == window.editor.chapter_text()  # the result is saved
    assert _saved_text(writer_app).startswith(OPENING + "\n\n")  # in a paragraph of its own
    assert writer_app.stories.snapshots(window.editor.chapter_id)[0].content == OPENING

    window.editor.undo()  # one step removes the whole insertion
    assert window.editor.toPlainText() == OPENING
    window.editor.redo()
    assert window.editor.toPlainText() == text


def test_stop_mid_stream_leaves_a_consistent_chapter(qtbot, writer_app):
    window = writer_app.window
    qtbot.keyClicks(window.editor, OPENING)
    wait_for_model(qtbot, writer_app)
    tokens: list[str] = []

    def stop_after_four(text):
        tokens.append(text)
        if len(tokens) == 4:
            writer_app.ai.stop()

    writer_app.ai.token_streamed.connect(stop_after_four)
    result = _continue(qtbot, writer_app, max_tokens=300)

    assert result.cancelled
    assert 4 <= result.completion_tokens < 300
    assert not window.editor.isReadOnly() and not writer_app.ai.stop_action.isEnabled()
    assert _saved_text(writer_app) == window.editor.chapter_text()
    window.editor.undo()
    assert window.editor.toPlainText() == OPENING
    assert writer_app.ai.continue_action.isEnabled()


def test_switching_chapter_mid_stream_keeps_text_out_of_the_other_chapter(qtbot, writer_app):
    window = writer_app.window
    first_id = window.editor.chapter_id
    qtbot.keyClicks(window.editor, OPENING)
    window.chapter_actions.add()
    window.binder.select_chapter(first_id)
    wait_for_model(qtbot, writer_app)
    switched: list[bool] = []

    def switch_away(_text):
        if not switched:
            switched.append(True)
            window.binder.setCurrentRow(1)

    writer_app.ai.token_streamed.connect(switch_away)
    _continue(qtbot, writer_app, max_tokens=200)
    assert window.editor.toPlainText() == ""  # chapter 2 got nothing
    assert _saved_text(writer_app).startswith(OPENING)


def test_missing_model_disables_ai_and_says_why_while_writing_works(qtbot, paths, message_boxes):
    settings = Settings.model_validate({"model_path": str(paths.data_dir / "missing.gguf")})
    app = make_app(qtbot, paths, settings)
    try:
        app.window.new_story(paths.data_dir / "s.wstory")
        qtbot.waitUntil(lambda: app.ai.model_state == "failed", timeout=10_000)
        assert not app.ai.continue_action.isEnabled()
        assert "missing.gguf" in app.ai.continue_action.toolTip()
        assert app.window.model_label.text() == "Model failed to load"
        assert "not found" in app.window.model_label.toolTip()
        qtbot.keyClicks(app.window.editor, "Still writing.")
        app.window.saver.save()
        assert app.stories.chapters()[0].content == "Still writing."
    finally:
        app.shutdown()
