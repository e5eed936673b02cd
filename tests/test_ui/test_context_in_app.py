"""The context engine inside the app: budget view, distillation in the background."""

from __future__ import annotations

import pytest

from tests.conftest import make_app, wait_for_model
from writer_desktop.config import Settings

pytestmark = pytest.mark.model


def _chapter_text(n: int) -> str:
    return " ".join(
        f"In chapter {n} the keeper counted the boats, and the storm wore on." for _ in range(40)
    )


def test_budget_view_shows_the_last_prompt_after_a_generation(qtbot, writer_app):
    window = writer_app.window
    qtbot.keyClicks(window.editor, "Mara lit the lamp.")
    wait_for_model(qtbot, writer_app)
    with qtbot.waitSignal(writer_app.ai.generation_finished, timeout=60_000):
        writer_app.ai.continue_chapter(max_tokens=8)
    view = window.budget
    assert view.summary.text().startswith("Writer read about")
    assert "measured exactly" in view.summary.text()
    assert view.bars["C"].value() > 0
    assert view.bars["C"].text().startswith("about ") and "words" in view.bars["C"].text()
    labels = [
        view.elements.topLevelItem(i).text(0) for i in range(view.elements.topLevelItemCount())
    ]
    assert "chapter: Chapter 1" in labels
    dialog = view.show_prompt()
    assert "Mara lit the lamp." in dialog.text.toPlainText()
    assert "===== system =====" in dialog.text.toPlainText()


def test_old_chapters_are_summarised_in_the_background_and_used_next_time(
    qtbot, paths, message_boxes
):
    settings = Settings.model_validate({"llm_n_ctx": 1024, "distill_max_tokens": 40})
    app = make_app(qtbot, paths, settings)
    try:
        window = app.window
        window.new_story(paths.data_dir / "long.wstory", "Long")
        first = window.binder.current_chapter_id()
        app.stories.save_chapter_text(first, _chapter_text(1))
        for n in (2, 3, 4):
            chapter = app.stories.add_chapter()
            app.stories.save_chapter_text(chapter.id, _chapter_text(n))
        window.open_story(paths.data_dir / "long.wstory")
        window.binder.setCurrentRow(3)
        wait_for_model(qtbot, app)

        with qtbot.waitSignal(app.ai.generation_finished, timeout=60_000):
            app.ai.continue_chapter(max_tokens=8)
        report = window.budget.prompt.report
        assert report.needs_summary, "the earlier chapters should not fit in 1024 tokens"
        qtbot.waitUntil(lambda: app.core.distill.pending == 0, timeout=120_000)
        assert len(app.stories.summaries("chapter")) == len(report.needs_summary)

        with qtbot.waitSignal(app.ai.generation_finished, timeout=60_000):
            assert app.ai.continue_chapter(max_tokens=8) is not None, (
                app.ai.why_not_editor(),
                window.statusBar().currentMessage(),
            )
        again = window.budget.prompt
        assert "## Earlier chapters (summaries)" in again.shared
        assert any(e.note == "summary in layer E" for e in again.report.elements)
    finally:
        app.shutdown()
