"""The archive in the window: chapters archived as they are saved, found by meaning,
pinned into the next prompt."""

from __future__ import annotations

import pytest

from tests.conftest import make_app, wait_for_model
from writer_desktop.config import Settings

STORM = (
    "The gale tore at the lighthouse all night. Waves broke over the gallery rail and "
    "Mara fought to keep the lamp burning while the fishing boats ran for the harbour."
)
KITCHEN = (
    "In the warm kitchen Tomas kneaded dough for the morning loaves, flour on his "
    "sleeves, the kettle singing on the old iron stove."
)


@pytest.fixture
def archive_app(qtbot, paths, message_boxes, tmp_path):
    settings = Settings.model_validate({"archive_db_path": str(tmp_path / "archive")})
    app = make_app(qtbot, paths, settings)
    app.window.new_story(paths.data_dir / "a.wstory", "Archive test")
    yield app
    app.shutdown()


def test_saved_chapters_are_found_by_meaning_and_pinned_into_the_prompt(qtbot, archive_app):
    window, panel = archive_app.window, archive_app.window.archive
    qtbot.keyClicks(window.editor, STORM)
    window.saver.save()
    window.chapter_actions.add()
    qtbot.keyClicks(window.editor, KITCHEN)
    window.saver.save()
    panel._index_dirty()  # what the 3-second timer does
    qtbot.waitUntil(lambda: not archive_app.core.archive.busy, timeout=60_000)

    task = panel.search("a violent tempest at sea")
    qtbot.waitUntil(lambda: task.done() and panel.results.count() > 0, timeout=30_000)
    assert panel.hits[0].metadata["chapter_title"] == "Chapter 1"
    assert "Chapter 1" in panel.results.item(0).text()

    panel.results.setCurrentRow(0)
    panel.pin_selected()
    assert panel.pinned.count() == 1
    wait_for_model(qtbot, archive_app)
    with qtbot.waitSignal(archive_app.ai.generation_finished, timeout=60_000):
        archive_app.ai.continue_chapter(max_tokens=4)
    prompt = window.budget.prompt
    assert "From Chapter 1: The gale tore at the lighthouse" in prompt.shared
    panel.pinned.setCurrentRow(0)
    panel.unpin_selected()
    assert archive_app.core.archive.pinned == []


def test_the_archive_is_off_without_a_path_and_says_how_to_turn_it_on(qtbot, writer_app):
    panel = writer_app.window.archive
    assert "archive folder" in panel.status.text()
    assert "ARCHIVE_DB_PATH" not in panel.status.text()
    assert not panel.query.isEnabled()
    assert panel.search("anything") is None


def test_character_sheets_are_archived_and_filtered_by_kind(qtbot, archive_app):
    from writer_desktop.domain import Character

    archive_app.stories.save_character(
        Character(name="Mara", role="keeper", bio="Kept the lighthouse for thirty years.")
    )
    panel = archive_app.window.archive
    futures = archive_app.core.archive.index_story()
    for future in futures:
        future.result(timeout=60)
    panel.kind.setCurrentIndex(panel.kind.findData("character"))
    task = panel.search("who tends the light")
    qtbot.waitUntil(lambda: task.done() and panel.results.count() > 0, timeout=30_000)
    assert {hit.metadata["kind"] for hit in panel.hits} == {"character"}
    assert panel.hits[0].metadata["character"] == "Mara"


def test_the_panel_shows_progress_and_says_results_are_partial_while_archiving(qtbot, archive_app):
    from benchmarks.archive_bench import story_chapter

    panel = archive_app.window.archive
    archive_app.stories.add_chapters(
        [(f"Chapter {n}", story_chapter(n, words=600)) for n in range(2, 8)]
    )
    panel.story_opened()  # what opening the story does: archive every chapter
    assert "Archiving:" in panel.status.text() and "of" in panel.status.text()
    panel._show_hits([], partial=True)
    assert "partial" in panel.status.text()
    qtbot.waitUntil(lambda: not archive_app.core.archive.progress.busy, timeout=120_000)
    qtbot.waitUntil(lambda: "Archiving:" not in panel.status.text(), timeout=5_000)
    task = panel.search("Mara at the harbour")
    qtbot.waitUntil(lambda: task.done(), timeout=30_000)
    assert "partial" not in panel.status.text() and panel.results.count() > 0


def test_the_panel_shows_why_archiving_failed(qtbot, archive_app, monkeypatch):
    panel = archive_app.window.archive
    archive = archive_app.core.archive._service()

    def broken(*_args, **_kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(archive, "store_content_sync", broken)
    panel.story_opened()
    qtbot.waitUntil(lambda: "No space left on device" in panel.status.text(), timeout=30_000)
    assert "Could not archive" in panel.status.text()


def test_saves_waiting_to_be_archived_are_not_filed_under_another_story(qtbot, archive_app, paths):
    """Chapter ids restart in every file: a save of story A still waiting for the archive's
    timer when B opens is not archived as B's chapter; and once the story is closed the
    timer finds nothing to do (it used to raise 'No story is open')."""
    window, panel = archive_app.window, archive_app.window.archive
    qtbot.keyClicks(window.editor, STORM)
    window.saver.save()
    assert panel._dirty
    assert window.close_story()
    panel._index_dirty()  # the timer firing after the close: nothing raised, nothing kept
    assert not panel._dirty
    window.new_story(paths.data_dir / "b.wstory", "B")
    qtbot.keyClicks(window.editor, KITCHEN)
    window.saver.save()
    assert panel._dirty
    window.new_story(paths.data_dir / "c.wstory", "C")
    assert not panel._dirty and not panel._timer.isActive()


def test_the_binder_shows_the_counts_the_story_service_already_has(qtbot, archive_app):
    window = archive_app.window
    qtbot.keyClicks(window.editor, STORM)
    window.saver.save()
    chapters = window.stories.chapters()
    window.binder.set_chapters(chapters, words={chapters[0].id: 12345})
    from writer_desktop.ui.binder import WORDS_ROLE

    assert window.binder.item(0).data(WORDS_ROLE) == 12345
    window.binder.set_chapters(chapters)  # without counts: counted from the text
    assert window.binder.item(0).data(WORDS_ROLE) == len(STORM.split())
