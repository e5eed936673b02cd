"""A background summary that cannot be made is said once in the status bar."""

from __future__ import annotations

from tests.conftest import make_app
from writer_desktop.config import Settings


def test_a_failed_summary_is_shown_once_in_the_status_bar(qtbot, paths, message_boxes):
    # No room for any text beside a 240-token summary in a 256-token context.
    settings = Settings.model_validate(
        {"llm_n_ctx": 256, "distill_max_tokens": 240, "context_token_counter": "estimate"}
    )
    app = make_app(qtbot, paths, settings)
    try:
        window = app.window
        window.new_story(paths.data_dir / "s.wstory", "S")
        text = "Buck ran with the pack under the moon. " * 40
        assert len(app.core.distill.queue([("chapter", text)])) == 1
        bar = window.statusBar()
        qtbot.waitUntil(lambda: "Could not summarise" in bar.currentMessage())
        assert "chapter of 320 words" in bar.currentMessage()
        assert "tried again when its text changes" in bar.currentMessage()
        bar.clearMessage()
        assert app.core.distill.queue([("chapter", text)]) == []  # not queued again
        qtbot.wait(50)
        assert bar.currentMessage() == ""
    finally:
        app.shutdown()
