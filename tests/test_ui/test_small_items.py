"""The smaller items of "a writing room": outlines, plot titles, the export name, hints,
the binder's menu and counts, and an imported story's title."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from writer_desktop.ui.binder import WORDS_ROLE


def test_an_outline_only_chapter_can_have_its_outline_edited(qtbot, writer_app, monkeypatch):
    window = writer_app.window
    chapter_id = window.editor.chapter_id
    monkeypatch.setattr(
        QInputDialog, "getMultiLineText", lambda *a, **k: ("Mara finds the letter.", True)
    )
    window.menus.outline_action.trigger()
    assert writer_app.stories.chapter(chapter_id).outline == "Mara finds the letter."
    assert "Outline: Mara finds the letter." in window.editor.placeholderText()
    assert not window.editor.isReadOnly()  # and its page can be written on
    qtbot.keyClicks(window.editor, "She opened it.")
    window.saver.save()
    assert writer_app.stories.chapter(chapter_id).content == "She opened it."


def test_plot_elements_have_a_title(qtbot, writer_app):
    plot = writer_app.window.plot
    plot.add_entry()
    plot.title_edit.setText("The storm at the harbour")
    plot.title_edit.textEdited.emit("The storm at the harbour")
    plot.content_edit.setPlainText("Boats are lost.")
    plot.save_current()
    elements = writer_app.stories.plot_elements()
    assert elements[-1].title == "The storm at the harbour"
    assert "The storm at the harbour" in plot.list.item(plot.list.count() - 1).text()


def test_export_proposes_a_name_matching_the_chosen_format(qtbot, writer_app):
    manuscripts = writer_app.window.manuscripts
    dialog = manuscripts.ask_export(chapter=False)
    try:
        assert dialog.selectedNameFilter().startswith("Word")
        markdown = next(f for f in dialog.nameFilters() if f.startswith("Markdown"))
        dialog.selectNameFilter(markdown)
        dialog.filterSelected.emit(markdown)
        assert Path(dialog.selectedFiles()[0]).name == "Test story.md"
    finally:
        dialog.reject()


def test_the_new_story_hint_goes_once_a_story_exists(qtbot, writer_app):
    window = writer_app.window
    assert "New story" not in window.editor.placeholderText()
    window.close_story()
    assert "New story" in window.editor.placeholderText()


def test_the_binder_shows_word_counts_and_a_chapter_menu(qtbot, writer_app):
    window = writer_app.window
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, "Three small words")
    window.refresh_counts()
    assert window.binder.item(0).data(WORDS_ROLE) == 3
    assert window.binder.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    names = [a.text().replace("&", "") for a in window.binder.actions()]
    assert "Move chapter to trash…" in names and "Take snapshot…" in names


def test_an_imported_story_is_titled_from_the_manuscript(qtbot, writer_app, tmp_path):
    source = tmp_path / "draft_v3_final.md"
    source.write_text(
        "# The Lighthouse Keeper\n\n## One\n\nThe lamp burned.\n\n## Two\n\nThe ship came.\n",
        encoding="utf-8",
    )
    preview = writer_app.core.manuscripts.read(source)
    assert preview.title == "The Lighthouse Keeper"
    assert [c.title for c in preview.chapters] == ["One", "Two"]
    writer_app.core.manuscripts.import_as_new_story(
        preview.chapters, tmp_path / "new.wstory", preview.title
    )
    assert writer_app.stories.title() == "The Lighthouse Keeper"


def test_import_without_a_title_falls_back_to_the_file_name(qtbot, writer_app, tmp_path):
    source = tmp_path / "Harbour.txt"
    source.write_text("Chapter 1\n\nThe lamp burned.\n\nChapter 2\n\nThe ship came.\n")
    assert writer_app.core.manuscripts.read(source).title == "Harbour"
    assert QFileDialog  # the dialog itself is driven in test_export_proposes…
