"""Every change aimed at one row checks it changed that row: a chapter deleted in another
window makes the save fail loudly instead of dropping the author's text in silence."""

from __future__ import annotations

import sqlite3

import pytest

from writer_desktop.domain import Character, Feedback, PlotElement
from writer_desktop.storage import RowMissingError, StoryFileError, StoryStore
from writer_desktop.storage.engine import writable_engine


@pytest.fixture
def two_stores(tmp_path):
    """A: the app's store (holds the lock). B: a second store on the same file that does
    not honour the lock, as an old version or a share whose locks do not work would."""
    path = tmp_path / "shared.wstory"
    a = StoryStore.create(path, "Shared")
    engine, _mode = writable_engine(path, "WAL")
    b = StoryStore(path, engine)
    yield a, b
    b.close()
    a.close()


def test_save_to_a_chapter_deleted_by_another_store_raises_and_names_the_file(two_stores):
    a, b = two_stores
    chapter = a.add_chapter("One", "first words")
    b.delete_chapter(chapter.id)
    with pytest.raises(RowMissingError) as caught:
        a.save_chapter_text(chapter.id, "the author's newest words")
    message = str(caught.value)
    assert message.startswith("The chapter you were editing is in the trash of shared.wstory")
    assert isinstance(caught.value, StoryFileError) and isinstance(caught.value, KeyError)
    assert caught.value.row_id == chapter.id

    b.purge_chapter(chapter.id)
    with pytest.raises(RowMissingError, match="is no longer in shared.wstory"):
        a.save_chapter_text(chapter.id, "the author's newest words")
    assert a.chapters() == []


@pytest.mark.parametrize(
    "change",
    [
        lambda store, cid: store.rename_chapter(cid, "New"),
        lambda store, cid: store.set_outline(cid, "Plan"),
        lambda store, cid: store.reorder_chapters([cid]),
        lambda store, cid: store.delete_chapter(cid),
        lambda store, cid: store.add_snapshot(cid, "text", "why"),
        lambda store, cid: store.add_feedback(Feedback(chapter_id=cid, agent="e", content="c")),
    ],
)
def test_every_chapter_change_checks_its_row(two_stores, change):
    a, b = two_stores
    chapter = a.add_chapter("One")
    b.delete_chapter(chapter.id)
    b.empty_trash()
    with pytest.raises(RowMissingError):
        change(a, chapter.id)


def test_reorder_with_one_missing_chapter_changes_nothing(two_stores):
    a, b = two_stores
    ids = [a.add_chapter(t).id for t in ("A", "B", "C")]
    b.delete_chapter(ids[1])
    with pytest.raises(RowMissingError):
        a.reorder_chapters([ids[2], ids[1], ids[0]])
    assert [c.title for c in a.chapters()] == ["A", "C"]


def test_characters_and_plot_elements_deleted_elsewhere_are_not_silently_skipped(two_stores):
    a, b = two_stores
    mara = a.save_character(Character(name="Mara"))
    storm = a.save_plot_element(PlotElement(content="The storm"))
    b.delete_character(mara.id)
    b.delete_plot_element(storm.id)
    with pytest.raises(RowMissingError, match="The character you were editing"):
        a.save_character(mara.model_copy(update={"role": "keeper"}))
    with pytest.raises(KeyError):  # what callers caught before still catches it
        a.delete_character(mara.id)
    with pytest.raises(RowMissingError, match="The plot element you were editing"):
        a.save_plot_element(storm.model_copy(update={"content": "x"}))
    with pytest.raises(RowMissingError):
        a.delete_plot_element(storm.id)
    assert a.characters() == [] and a.plot_elements() == []


def test_missing_story_row_is_reported_on_retitle(two_stores):
    a, _b = two_stores
    other = sqlite3.connect(a.path)  # another program removed the story's own row
    other.execute("DELETE FROM story")
    other.commit()
    other.close()
    with pytest.raises(RowMissingError, match="story's title"):
        a.set_title("New title")


def test_closed_store_refuses_instead_of_writing_without_the_lock(tmp_path):
    store = StoryStore.create(tmp_path / "s.wstory")
    chapter = store.add_chapter("One")
    store.close()
    with pytest.raises(StoryFileError, match="is closed"):
        store.save_chapter_text(chapter.id, "late autosave")
