"""StoryStore: round trips, ordering, refusal of foreign and newer files, migrations."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from sqlalchemy import create_engine, inspect

from writer_desktop.domain import Character, PlotElement
from writer_desktop.storage import NewerSchemaError, NotAStoryError, StoryFileError, StoryStore
from writer_desktop.storage.migrations import APPLICATION_ID, SCHEMA_VERSION, migrate
from writer_desktop.storage.orm import Base


@pytest.fixture
def story_path(tmp_path):
    return tmp_path / "novel.wstory"


@pytest.fixture
def store(story_path):
    store = StoryStore.create(story_path, "The Harbour")
    yield store
    store.close()


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_story_round_trips_through_the_file(store, story_path):
    one = store.add_chapter("One", "It was dark.")
    store.add_chapter("Two")
    store.save_chapter_text(one.id, "It was a dark and stormy night.")
    store.save_character(
        Character(name="Mara", role="keeper", bio="b", goals="g", current_state="s", traits=["wry"])
    )
    store.save_plot_element(
        PlotElement(
            type="arc", content="The storm", priority="high", tags=["storm"], metadata={"k": 1}
        )
    )
    store.close()

    reopened = StoryStore.open(story_path)
    try:
        assert reopened.title() == "The Harbour"
        assert [c.title for c in reopened.chapters()] == ["One", "Two"]
        assert reopened.chapters()[0].content == "It was a dark and stormy night."
        (mara,) = reopened.characters()
        assert (mara.name, mara.role, mara.traits, mara.current_state) == (
            "Mara",
            "keeper",
            ["wry"],
            "s",
        )
        (storm,) = reopened.plot_elements()
        assert (storm.type, storm.priority, storm.tags, storm.metadata) == (
            "arc",
            "high",
            ["storm"],
            {"k": 1},
        )
    finally:
        reopened.close()


def test_chapters_reorder_rename_and_delete(store):
    ids = [store.add_chapter(t).id for t in ("A", "B", "C")]
    store.reorder_chapters([ids[2], ids[0], ids[1]])
    store.rename_chapter(ids[0], "Alpha")
    store.delete_chapter(ids[1])
    assert [c.title for c in store.chapters()] == ["C", "Alpha"]
    with pytest.raises(KeyError):
        store.chapter(ids[1])


def test_characters_and_plot_elements_update_and_delete(store):
    mara = store.save_character(Character(name="Mara"))
    store.save_character(mara.model_copy(update={"role": "keeper"}))
    assert [c.role for c in store.characters()] == ["keeper"]
    store.delete_character(mara.id)
    assert store.characters() == []
    element = store.save_plot_element(PlotElement(content="x"))
    store.save_plot_element(element.model_copy(update={"content": "y", "priority": "low"}))
    assert [(p.content, p.priority) for p in store.plot_elements()] == [("y", "low")]
    store.delete_plot_element(element.id)
    assert store.plot_elements() == []


def test_snapshots_are_kept_newest_first_and_go_with_their_chapter(store):
    chapter = store.add_chapter("One", "v1")
    store.add_snapshot(chapter.id, "v1", "first")
    store.add_snapshot(chapter.id, "v2", "second")
    assert [s.content for s in store.snapshots(chapter.id)] == ["v2", "v1"]
    store.delete_chapter(chapter.id)  # to the trash: its history stays with it
    assert [s.content for s in store.snapshots(chapter.id)] == ["v2", "v1"]
    store.purge_chapter(chapter.id)
    assert store.snapshots(chapter.id) == []


def test_file_is_in_wal_mode_and_marked_as_a_story(store, story_path):
    store.add_chapter("One")
    connection = sqlite3.connect(story_path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        connection.close()


def test_orm_and_migrated_schema_agree(store, story_path):
    inspector = inspect(create_engine(f"sqlite:///{story_path}"))
    for table in Base.metadata.sorted_tables:
        on_disk = {column["name"] for column in inspector.get_columns(table.name)}
        assert {column.name for column in table.columns} == on_disk, table.name


def test_text_file_is_refused_as_not_a_story(tmp_path):
    path = tmp_path / "notes.wstory"
    path.write_text("just some notes")
    with pytest.raises(NotAStoryError, match="not a Writer Assistant story"):
        StoryStore.open(path)


def test_foreign_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    before = _digest(path)
    with pytest.raises(NotAStoryError):
        StoryStore.open(path)
    assert _digest(path) == before


def test_story_from_a_newer_version_is_refused_and_left_untouched(story_path):
    StoryStore.create(story_path).close()
    connection = sqlite3.connect(story_path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    before = _digest(story_path)
    with pytest.raises(NewerSchemaError, match="newer Writer Assistant"):
        StoryStore.open(story_path)
    assert _digest(story_path) == before


def test_missing_file_and_existing_target_give_clear_errors(tmp_path):
    with pytest.raises(StoryFileError, match="does not exist"):
        StoryStore.open(tmp_path / "nope.wstory")
    (tmp_path / "taken.wstory").write_text("x")
    with pytest.raises(StoryFileError, match="already exists"):
        StoryStore.create(tmp_path / "taken.wstory")


def test_version_1_file_is_migrated_with_its_data_and_a_backup(tmp_path):
    path = tmp_path / "old.wstory"
    connection = sqlite3.connect(path)
    migrate(connection, target=1)
    connection.execute(
        "INSERT INTO story (id, title, created_at, updated_at) "
        "VALUES (1, 'Old', '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
    )
    connection.execute(
        "INSERT INTO chapters (position, title, content, updated_at) "
        "VALUES (1, 'One', 'Old words.', '2025-01-01 00:00:00')"
    )
    connection.execute("INSERT INTO plot_elements (position, type, content) VALUES (1, 'arc', 'x')")
    connection.commit()
    connection.close()

    store = StoryStore.open(path)
    try:
        assert store.title() == "Old"
        assert store.chapters()[0].content == "Old words."
        assert store.plot_elements()[0].metadata == {}
        chapter_id = store.chapters()[0].id
        store.add_snapshot(chapter_id, "Old words.", "test")
    finally:
        store.close()
    assert (tmp_path / "old.wstory.v1.backup").is_file()


def test_failed_migration_step_changes_nothing(tmp_path, monkeypatch):
    from writer_desktop.storage import migrations

    path = tmp_path / "s.wstory"
    connection = sqlite3.connect(path)
    migrate(connection, target=1)
    monkeypatch.setitem(migrations.MIGRATIONS, 2, "CREATE TABLE extra (x); SELECT * FROM missing;")
    with pytest.raises(sqlite3.Error):
        migrate(connection, target=2)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "extra" not in tables
    connection.close()


def test_summaries_are_stored_by_kind_and_hash_and_replaced(store):
    store.save_summary("chapter", "abc", "First summary.", "m")
    store.save_summary("chapter", "abc", "Second summary.", "m")
    store.save_summary("character", "abc", "A person.", "m")
    assert store.summaries() == {
        ("chapter", "abc"): "Second summary.",
        ("character", "abc"): "A person.",
    }
    assert store.summaries("character") == {("character", "abc"): "A person."}


def test_whole_story_loads_as_one_model(store):
    store.add_chapter("One", "Words here.")
    store.save_character(Character(name="Mara"))
    story = store.story()
    assert (story.title, story.words, story.characters[0].name) == ("The Harbour", 2, "Mara")


def test_feedback_is_kept_per_chapter_newest_first(store):
    from writer_desktop.domain import Feedback

    chapter = store.add_chapter("One")
    store.add_feedback(
        Feedback(chapter_id=chapter.id, agent="editor", content="Tighten.", model="m")
    )
    store.add_feedback(
        Feedback(
            chapter_id=chapter.id,
            agent="rater",
            content="{}",
            scores={"overall": {"score": 7, "reason": "ok"}},
        )
    )
    store.add_feedback(Feedback(chapter_id=chapter.id, agent="editor", content="Better."))
    assert [f.content for f in store.feedback(chapter.id, "editor")] == ["Better.", "Tighten."]
    assert store.feedback(chapter.id, "rater")[0].scores["overall"]["score"] == 7


def test_chat_conversations_keep_their_messages_in_order(store):
    store.add_chat_message(1, "user", "Who is Mara?")
    store.add_chat_message(1, "assistant", "The keeper.")
    store.add_chat_message(2, "user", "New topic")
    assert [m.content for m in store.chat_messages(1)] == ["Who is Mara?", "The keeper."]
    assert store.conversations() == [1, 2]


def test_outline_only_chapter_round_trips(store):
    chapter = store.add_chapter("Four", outline="Mara finds the saboteur.")
    assert store.chapter(chapter.id).outline == "Mara finds the saboteur."
    store.set_outline(chapter.id, "Changed.")
    assert (
        store.chapter(chapter.id).content == "" and store.chapter(chapter.id).outline == "Changed."
    )
