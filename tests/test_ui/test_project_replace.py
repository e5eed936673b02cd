"""Find and replace in the whole story, and Rename character, clicked in the real window."""

from __future__ import annotations

import pytest


@pytest.fixture
def story_window(qtbot, writer_app):
    window = writer_app.window
    stories = writer_app.stories
    qtbot.keyClicks(window.editor, "Mara lit the lamp. Marathon talk bored Mara.")
    for title, text in (("Two", "The boat took Mara out."), ("Three", "Nobody came.")):
        chapter = stories.add_chapter(title)
        stories.save_chapter_text(chapter.id, text)
    window.binder.set_chapters(stories.chapters())
    window.binder.select_chapter(stories.chapters()[0].id, quietly=True)
    from writer_desktop.domain import Character

    stories.save_character(Character(name="Mara", bio="Mara keeps the light."))
    window.characters.reload()
    return window


def test_project_wide_replace_changes_every_chapter_in_one_undo(qtbot, story_window):
    window = story_window
    stories = window.stories
    dialog = window.replacing.open_dialog()
    assert dialog.find_edit.minimumWidth() >= 300  # room to read what is typed
    dialog.find_edit.setText("Mara")
    dialog.replace_edit.setText("Lena")
    dialog.whole_word.setChecked(True)
    plan = dialog.refresh()  # counts what is on screen: the editor's text was saved first
    assert dialog.count_label.text() == "5 matches in 2 chapters and 2 places in the story bible."
    assert dialog.places.count() == 4
    dialog.places.setCurrentRow(0)
    assert "<s" in dialog.preview.toHtml() and "Lena" in dialog.preview.toPlainText()
    before = {c.id: c.content for c in stories.chapters()}

    assert dialog.replace_all()
    texts = [c.content for c in stories.chapters()]
    assert texts == [
        "Lena lit the lamp. Marathon talk bored Lena.",
        "The boat took Lena out.",
        "Nobody came.",
    ]
    assert window.editor.toPlainText() == texts[0]  # the chapter on screen shows it
    assert [c.name for c in stories.characters()] == ["Lena"]
    for chapter_id in plan.chapter_ids:
        assert stories.snapshots(chapter_id)[0].content == before[chapter_id]

    assert window.replacing.undo_action.isEnabled()
    window.replacing.undo_action.trigger()  # one step back, everywhere
    assert {c.id: c.content for c in stories.chapters()} == before
    assert window.editor.toPlainText() == before[stories.chapters()[0].id]
    assert [c.name for c in stories.characters()] == ["Mara"]
    assert not window.replacing.undo_action.isEnabled()


def test_rename_character_updates_manuscript_and_bible(qtbot, story_window, message_boxes):
    window = story_window
    window.characters.list.setCurrentRow(0)
    assert window.replacing.ask_rename("Lena")
    assert "5 matches" in message_boxes.shown[-1][1]
    assert [c.name for c in window.stories.characters()] == ["Lena"]
    assert window.stories.characters()[0].bio == "Lena keeps the light."
    assert "took Lena out" in window.stories.chapters()[1].content
    assert window.editor.toPlainText().startswith("Lena lit the lamp. Marathon")
    assert window.characters.list.item(0).text().startswith("Lena")
