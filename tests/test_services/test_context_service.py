"""ContextService: the prompt is assembled off the event loop's thread, and a sentence added
at the end of a long real chapter leaves the prompt before it byte for byte the same."""

from __future__ import annotations

import os
import threading

import pytest

from tests.conftest import run_async
from tests.test_manuscripts.corpus import parse_book
from writer_desktop.domain import Character
from writer_desktop.services import build_core


def _long_chapter() -> str:
    """A real chapter of 4,555 words (A Tale of Two Cities, Book II, chapter 6)."""
    book = parse_book("a-tale-of-two-cities")
    chapter = next(s for s in book.chapters if s.title.startswith("VI. Hundreds"))
    return "\n\n".join(chapter.paragraphs)


@pytest.fixture
def core(tmp_path, paths, settings, gui_loop):
    core = build_core(settings, paths)
    stories = core.stories
    stories.new_story(tmp_path / "s.wstory", "A Tale")
    first = stories.add_chapter("V. The Jackal")
    stories.save_chapter_text(first.id, "Those were drinking days, and most men drank hard.")
    last = stories.add_chapter("VI. Hundreds of People")
    stories.save_chapter_text(last.id, _long_chapter())
    stories.save_character(Character(name="Lucie Manette", role="daughter"))
    core.chapter_id = last.id
    yield core
    core.shutdown()


def test_assemble_reads_and_counts_on_another_thread(core, monkeypatch):
    threads = []
    story = core.stories.story

    def reading_story():
        threads.append(threading.current_thread())
        return story()

    monkeypatch.setattr(core.stories, "story", reading_story)
    prompt = run_async(
        core.context.assemble("writer", core.chapter_id, "You write.", "Go on.", 500)
    )
    assert threads and threads[0] is not threading.main_thread()
    assert "Lucie Manette" in prompt.shared
    assert prompt.agent_part.endswith("Go on.\n")  # the agent's own part comes last


def test_a_sentence_added_at_the_end_keeps_the_prompt_before_it(core):
    def assemble():
        return run_async(
            core.context.assemble("writer", core.chapter_id, "You write.", "Go on.", 2000)
        )

    before = assemble()
    text = core.stories.chapter(core.chapter_id).content
    assert before.report.prompt_tokens < 2000 < len(text.split())  # the chapter was cut
    core.stories.save_chapter_text(core.chapter_id, text + " Then the rain came.")
    after = assemble()
    same = os.path.commonprefix([before.shared, after.shared])
    assert len(same) == len(before.shared) - 1  # all but the final newline
    assert after.shared.endswith("Then the rain came.\n")
    assert after.agent_part == before.agent_part
