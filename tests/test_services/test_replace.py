"""Project-wide find and replace, with a real story file: chapters and the bible, whole
words and case, snapshots, one-step undo, and renaming a character."""

from __future__ import annotations

import pytest

from writer_desktop.domain import Character, PlotElement
from writer_desktop.services import StoryService
from writer_desktop.services.recent import RecentFiles
from writer_desktop.services.replace import (
    ReplaceOptions,
    ReplaceService,
    changes_in,
    replace_in,
)


@pytest.fixture
def story(tmp_path):
    stories = StoryService(RecentFiles(tmp_path / "recent.json"))
    stories.new_story(tmp_path / "s.wstory", "Harbour")
    texts = [
        "Mara climbed the stairs. MARA! called Tom. Marathon runners passed.",
        "Nobody here.",
        "Later, mara slept; Mara dreamt of Mara's boat.",
    ]
    for number, text in enumerate(texts, 1):
        chapter = stories.add_chapter(f"Chapter {number}")
        stories.save_chapter_text(chapter.id, text)
    stories.save_character(
        Character(name="Mara", role="keeper", bio="Mara keeps the light.", traits=["Mara-like"])
    )
    stories.save_plot_element(PlotElement(content="Someone wants Mara gone."))
    yield stories
    stories.close()


def test_whole_word_and_case_options():
    text = "Mara and mara and Marathon and MARA."
    assert replace_in(text, ReplaceOptions("Mara", "Lena", whole_word=True))[1] == 3
    assert replace_in(text, ReplaceOptions("Mara", "Lena"))[1] == 4
    assert replace_in(text, ReplaceOptions("Mara", "Lena", match_case=True))[1] == 2
    replaced, _ = replace_in(text, ReplaceOptions("mara", "lena", whole_word=True))
    assert replaced == "Lena and lena and Marathon and LENA."  # the case of each match kept
    changes = changes_in(text, ReplaceOptions("Mara", "Lena", whole_word=True))
    assert [(c.old, c.new) for c in changes] == [
        ("Mara", "Lena"),
        ("mara", "Lena"),
        ("MARA", "LENA"),
    ]


def test_project_wide_replace_changes_every_chapter_in_one_undo_with_snapshots(story):
    service = ReplaceService(story)
    plan = service.plan(ReplaceOptions("Mara", "Lena", whole_word=True))
    assert plan.summary() == "9 matches in 2 chapters and 4 places in the story bible."
    before = {c.id: c.content for c in story.chapters()}
    service.apply(plan)
    chapters = story.chapters()
    assert (
        chapters[0].content == "Lena climbed the stairs. LENA! called Tom. Marathon runners passed."
    )
    assert chapters[2].content == "Later, Lena slept; Lena dreamt of Lena's boat."
    assert chapters[1].content == "Nobody here."
    character = story.characters()[0]
    assert (character.name, character.bio, character.traits) == (
        "Lena",
        "Lena keeps the light.",
        ["Lena-like"],
    )
    assert story.plot_elements()[0].content == "Someone wants Lena gone."
    for chapter_id in plan.chapter_ids:  # a snapshot of each chapter changed, as it was
        snapshot = story.snapshots(chapter_id)[0]
        assert snapshot.content == before[chapter_id] and "Replace" in snapshot.reason
    assert story.snapshots(chapters[1].id) == []

    assert service.can_undo()
    service.undo()  # one step puts everything back
    assert {c.id: c.content for c in story.chapters()} == before
    assert story.characters()[0].name == "Mara"
    assert story.plot_elements()[0].content == "Someone wants Mara gone."
    assert not service.can_undo()


def test_undo_keeps_a_chapter_edited_since(story):
    service = ReplaceService(story)
    service.apply(service.plan(ReplaceOptions("Mara", "Lena", whole_word=True, bible=False)))
    first, _, third = story.chapters()
    story.save_chapter_text(first.id, first.content + " The author wrote more.")
    put_back = service.undo()
    assert [p.id for p in put_back] == [third.id]
    assert story.chapter(first.id).content.endswith("The author wrote more.")
    assert story.chapter(third.id).content.startswith("Later, mara slept; Mara dreamt")


def test_rename_character_updates_the_manuscript_and_the_bible_together(story):
    service = ReplaceService(story)
    mara = story.characters()[0]
    step = service.rename_character(mara, "Lena")
    assert step.plan.matches >= 5
    assert story.characters()[0].name == "Lena"
    assert "Lena climbed" in story.chapters()[0].content
    assert "mara slept" in story.chapters()[2].content  # a whole word in its case only
    assert "Marathon" in story.chapters()[0].content
    service.undo()
    assert story.characters()[0].name == "Mara"
