"""The main window driven like an author would: stories, chapters, the story bible."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from tests.conftest import make_app
from writer_desktop.storage import StoryStore


def _store_chapters(path):
    store = StoryStore.open(path, read_only=True)
    try:
        return store.chapters()
    finally:
        store.close()


def test_new_story_type_autosave_and_reopen(qtbot, writer_app, paths, settings):
    window = writer_app.window
    path = writer_app.stories.path
    window.chapter_actions.add()
    assert window.binder.count() == 2
    qtbot.keyClicks(window.editor, "The gulls were quiet that morning.")

    # Autosave reaches the file without any save command.
    qtbot.waitUntil(
        lambda: _store_chapters(path)[1].content == "The gulls were quiet that morning.",
        timeout=3000,
    )
    assert "Chapter: 6 words" in window.words_label.text()
    writer_app.shutdown()

    again = make_app(qtbot, paths, settings)
    try:
        again.start()  # reopens the last story
        assert again.stories.path == path
        again.window.binder.setCurrentRow(1)
        assert again.window.editor.toPlainText() == "The gulls were quiet that morning."
    finally:
        again.shutdown()


def test_autosave_keeps_up_with_continuous_typing(qtbot, writer_app):
    window = writer_app.window
    saved: list[int] = []
    window.chapter_saved.connect(saved.append)
    for _ in range(12):  # 2.4 s of typing with no pause long enough for the debounce
        qtbot.keyClicks(window.editor, "word ")
        qtbot.wait(200)
    assert saved, "nothing was saved during 2.4 s of typing"


def test_the_models_stream_is_saved_at_its_end_and_at_least_every_few_seconds(
    qtbot, writer_app, monkeypatch
):
    from writer_desktop.ui import chapter_saver

    window = writer_app.window
    path = writer_app.stories.path
    qtbot.keyClicks(window.editor, "The author writes.")
    assert window.saver.save()
    saved: list[int] = []
    window.chapter_saved.connect(saved.append)

    # A stream of the model's text: not saved every 0.75 s as typing is...
    window.editor.begin_ai_insertion()
    for word in ("The", " model", " writes", " on."):
        window.editor.insert_ai_text(word)
        qtbot.wait(300)
    assert saved == []
    # ...but at once when the run ends, the whole of it.
    window.editor.end_ai_insertion()
    assert window.saver.save()
    stored = _store_chapters(path)[0].content
    assert stored == window.editor.chapter_text()
    assert stored.startswith("The author writes.") and stored.endswith("The model writes on.")

    # A long run is still saved while it streams, at least every AI_STREAM_SAVE_EVERY_S.
    monkeypatch.setattr(chapter_saver, "AI_STREAM_SAVE_EVERY_S", 0.5)
    window.editor.begin_ai_insertion()
    window.editor.insert_ai_text("More.")
    qtbot.waitUntil(lambda: _store_chapters(path)[0].content.endswith("More."), timeout=3000)
    window.editor.end_ai_insertion()


def test_binder_rename_reorder_and_delete_with_confirmation(qtbot, writer_app, message_boxes):
    window = writer_app.window
    path = writer_app.stories.path
    window.chapter_actions.add()
    window.chapter_actions.add()
    first, second, third = window.binder.chapter_ids()

    window.binder.item(0).setText("Arrival")  # what an in-place edit does
    # A drag in the binder moves rows; the model emits rowsMoved like this.
    window.binder.model().moveRow(window.binder.rootIndex(), 2, window.binder.rootIndex(), 0)
    assert window.binder.chapter_ids() == [third, first, second]
    assert [c.title for c in _store_chapters(path)] == ["Chapter 3", "Arrival", "Chapter 2"]

    message_boxes.answer = message_boxes.answer.No
    window.binder.select_chapter(second)
    window.chapter_actions.delete()
    assert len(_store_chapters(path)) == 3
    message_boxes.answer = message_boxes.answer.Yes
    window.chapter_actions.delete()
    assert [c.id for c in _store_chapters(path)] == [third, first]
    assert "Move “Chapter 2” to the trash" in message_boxes.shown[-1][1]


def test_character_is_added_and_edited_through_the_form(qtbot, writer_app):
    panel = writer_app.window.characters
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    panel.name_edit.clear()
    qtbot.keyClicks(panel.name_edit, "Mara")
    qtbot.keyClicks(panel.role_edit, "lighthouse keeper")
    qtbot.keyClicks(panel.traits_edit, "stubborn, kind")
    panel.bio_edit.setPlainText("Kept the light for thirty years.")
    panel.state_edit.setPlainText("Grieving")
    panel.goals_edit.setPlainText("Find her brother")
    qtbot.waitUntil(
        lambda: writer_app.stories.characters()[0].goals == "Find her brother", timeout=3000
    )
    (mara,) = writer_app.stories.characters()
    assert (mara.name, mara.role, mara.traits) == (
        "Mara",
        "lighthouse keeper",
        ["stubborn", "kind"],
    )
    assert panel.list.item(0).text() == "Mara — lighthouse keeper"


def test_plot_element_is_added_and_edited(qtbot, writer_app, message_boxes):
    panel = writer_app.window.plot
    panel.add_entry()
    panel.type_combo.setCurrentText("worldbuilding")
    panel.priority_combo.setCurrentText("high")
    panel.content_edit.setPlainText("The harbour freezes every winter.")
    qtbot.keyClicks(panel.tags_edit, "harbour, winter")
    panel.save_current()
    (element,) = writer_app.stories.plot_elements()
    assert (element.type, element.priority, element.tags) == (
        "worldbuilding",
        "high",
        ["harbour", "winter"],
    )
    assert "[worldbuilding · high] The harbour freezes" in panel.list.item(0).text()
    panel.delete_current()
    assert writer_app.stories.plot_elements() == []


def test_opening_a_file_that_is_not_a_story_says_so(qtbot, writer_app, message_boxes, tmp_path):
    bogus = tmp_path / "shopping.wstory"
    bogus.write_text("eggs, milk")
    before = writer_app.stories.path
    assert not writer_app.window.open_story(bogus)
    assert "not a Writer Assistant story" in message_boxes.shown[-1][1]
    assert writer_app.stories.path == before  # the open story stays open


def test_close_story_empties_the_window(qtbot, writer_app):
    writer_app.window.close_story()
    assert writer_app.window.binder.count() == 0
    assert writer_app.window.editor.isReadOnly()
    assert not writer_app.ai.continue_action.isEnabled()


def test_save_as_writes_a_copy_and_switches_to_it(qtbot, writer_app, tmp_path):
    qtbot.keyClicks(writer_app.window.editor, "Copied words.")
    writer_app.window.saver.save()
    target = tmp_path / "copy"
    writer_app.window.saver.save()
    writer_app.stories.save_as(target)
    assert writer_app.stories.path == target.with_suffix(".wstory")
    assert _store_chapters(target.with_suffix(".wstory"))[0].content == "Copied words."


def test_invalid_setting_is_reported_and_app_still_starts(qtbot, paths, monkeypatch):
    from writer_desktop.config import load_settings

    monkeypatch.setenv("LLM_N_CTX", "lots")
    loaded = load_settings(paths.settings_file, env_file=None)
    app = make_app(qtbot, paths, loaded.settings, loaded.problems)
    try:
        qtbot.waitUntil(lambda: hasattr(app, "problems_box"), timeout=2000)
        assert "LLM_N_CTX" in app.problems_box.text()
        assert app.window.isVisible()
    finally:
        app.shutdown()


def test_settings_dialog_writes_the_users_file(qtbot, writer_app, paths):
    from writer_desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(paths.settings_file)
    qtbot.addWidget(dialog)
    dialog.edits["context_max_tokens"].set_value(100)  # below its 256 floor: refused
    dialog.edits["context_max_tokens"].control.setMinimum(1)
    dialog.edits["context_max_tokens"].set_value(100)
    dialog.accept()
    assert "Most of the story shown to the model" in dialog.error_label.text()
    assert not paths.settings_file.exists()
    dialog.edits["context_max_tokens"].set_value(32000)
    dialog.edits["llm_n_ctx"].setText("8192")
    dialog.edits["endpoint_editor_temperature"].setText("0.5")
    dialog.accept()
    assert json.loads(paths.settings_file.read_text()) == {
        "ENDPOINT_EDITOR_TEMPERATURE": 0.5,
        "LLM_N_CTX": 8192,
    }


def test_window_layout_is_remembered(qtbot, writer_app, paths, settings):
    writer_app.window.plot_dock.hide()
    writer_app.window.chat_dock.hide()
    writer_app.shutdown()
    again = make_app(qtbot, paths, settings)
    try:
        assert again.window.plot_dock.isHidden() and again.window.chat_dock.isHidden()
        assert not again.window.characters_dock.isHidden()
    finally:
        again.shutdown()


def test_opening_another_story_shows_its_own_first_chapter(qtbot, writer_app, paths):
    window = writer_app.window
    qtbot.keyClicks(window.editor, "Story A words.")
    window.saver.save()
    other = paths.data_dir / "b.wstory"
    window.new_story(other, "B")
    qtbot.keyClicks(window.editor, "Story B words.")
    window.open_story(paths.data_dir / "story.wstory")  # both first chapters have id 1
    assert window.editor.toPlainText() == "Story A words."
    window.open_story(other)
    assert window.editor.toPlainText() == "Story B words."
    assert _store_chapters(paths.data_dir / "story.wstory")[0].content == "Story A words."


def test_story_from_a_newer_version_is_refused_with_a_message(
    qtbot, writer_app, paths, message_boxes
):
    import hashlib
    import sqlite3

    from writer_desktop.storage.migrations import SCHEMA_VERSION

    newer = paths.data_dir / "future.wstory"
    StoryStore.create(newer).close()
    connection = sqlite3.connect(newer)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    connection.commit()
    connection.close()
    before = hashlib.sha256(newer.read_bytes()).hexdigest()
    assert not writer_app.window.open_story(newer)
    assert "newer Writer Assistant" in message_boxes.shown[-1][1]
    assert hashlib.sha256(newer.read_bytes()).hexdigest() == before


def test_the_app_keeps_its_long_lived_objects_out_of_full_collections(qtbot, writer_app):
    """A full garbage collection holds the GIL while it visits every object: the window,
    the modules and the model stay out of it, and an app that is shut down lets go."""
    import gc

    from tests.conftest import wait_for_model

    assert gc.get_freeze_count() > 0  # frozen as the window came up
    before = gc.get_freeze_count()
    wait_for_model(qtbot, writer_app)
    qtbot.waitUntil(lambda: gc.get_freeze_count() > before, timeout=5_000)  # and the model
    writer_app.shutdown()
    assert gc.get_freeze_count() == 0
