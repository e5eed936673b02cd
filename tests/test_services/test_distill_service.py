"""Summaries of any chapter: a text too long for one prompt is split between paragraphs,
summarised piece by piece and the pieces combined; a summary that fails says why once."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.diff_bench import real_chapter
from tests.conftest import run_async
from writer_desktop.config import Settings
from writer_desktop.context import TokenCounter
from writer_desktop.inference import default_model_path
from writer_desktop.services import build_core
from writer_desktop.services.distill_service import split_to_fit

NOVELS = Path(__file__).resolve().parent.parent / "files" / "novels"


def call_of_the_wild_7() -> str:
    """Chapter VII of The Call of the Wild: 6,250 words, over 8,000 of the model's tokens."""
    return real_chapter(7, NOVELS / "the-call-of-the-wild.txt", r"^Chapter [IVX]+\..*$")


@pytest.fixture(scope="module")
def exact() -> TokenCounter:
    return TokenCounter("exact", default_model_path())


def test_a_long_chapter_is_split_between_paragraphs_into_even_pieces_that_fit(exact):
    chapter = call_of_the_wild_7()
    assert len(chapter.split()) > 6000
    limit = 3000
    pieces = split_to_fit(chapter, limit, exact.count)
    assert "".join(pieces) == chapter
    assert len(pieces) == 3  # 8,000-odd tokens: the fewest pieces of 3,000
    sizes = [exact.count(piece) for piece in pieces]
    # Counted joined, a piece may differ from the sum of its paragraphs by a token or two.
    assert max(sizes) <= limit * 1.01, sizes
    assert max(sizes) - min(sizes) < 600, sizes  # even, not 3,000 + 3,000 + a remnant
    assert all(piece.endswith("\n\n") for piece in pieces[:-1])  # cut between paragraphs


def test_a_paragraph_longer_than_a_piece_is_cut_between_sentences(exact):
    paragraph = " ".join(
        f"The sled dog number {n} pulled hard through the snow." for n in range(60)
    )
    pieces = split_to_fit("Short opening.\n\n" + paragraph, 100, exact.count)
    assert "".join(pieces) == "Short opening.\n\n" + paragraph
    assert len(pieces) > 5
    assert all(exact.count(p) <= 101 for p in pieces)
    assert all(re.search(r"[.!?]\s*$", p) for p in pieces)


prose = st.text(alphabet=st.sampled_from(list("ab cd.!\n")), max_size=300)


@given(text=prose, limit=st.integers(min_value=1, max_value=60))
def test_pieces_rejoin_to_the_text_and_each_fits(text, limit):
    pieces = split_to_fit(text, limit, len)  # characters: a count that adds up exactly
    assert "".join(pieces) == text
    assert all(1 <= len(p) <= limit for p in pieces)


@pytest.mark.model
def test_a_6000_word_chapter_is_summarised_in_pieces_with_the_default_context(
    tmp_path, paths, gui_loop, caplog
):
    """The real default model, the default 4,096-token context, a real 6,250-word chapter:
    the summary is written (pieces, then one combined) and saved for the chapter's text."""
    chapter = call_of_the_wild_7()
    settings = Settings.model_validate({"distill_max_tokens": 24})
    core = build_core(settings, paths)
    core.start()
    try:
        assert run_async(core.engine.wait_loaded()) == "ready"
        core.stories.new_story(tmp_path / "wild.wstory", "The Call of the Wild")
        saved = core.stories.add_chapter("The Sounding of the Call")
        core.stories.save_chapter_text(saved.id, chapter)
        started = time.perf_counter()
        with caplog.at_level(logging.INFO, "writer_desktop.services.distill_service"):
            assert len(core.distill.queue([("chapter", chapter)])) == 1
            run_async(core.distill.wait(), timeout_s=900)
        seconds = time.perf_counter() - started
        assert core.distill.failures == []
        summaries = core.stories.summaries("chapter")
        assert len(summaries) == 1 and next(iter(summaries.values())).strip()
        (plan,) = [r.getMessage() for r in caplog.records if "pieces" in r.getMessage()]
        pieces = int(re.search(r"in (\d+) pieces", plan).group(1))
        assert 2 <= pieces <= 4
        print(f"summary of {len(chapter.split())} words: {pieces} pieces, {seconds:.1f} s")
    finally:
        core.shutdown()


def test_a_summary_that_cannot_be_made_says_why_once_and_waits_for_new_text(
    tmp_path, paths, gui_loop
):
    """With no room in the context for any text, the failure is reported once; asking again
    for the same text queues nothing, and a changed text is tried afresh."""
    settings = Settings.model_validate(
        {"llm_n_ctx": 256, "distill_max_tokens": 240, "context_token_counter": "estimate"}
    )
    core = build_core(settings, paths)  # the model is never needed: nothing can be sent
    try:
        core.stories.new_story(tmp_path / "s.wstory", "S")
        said = []
        core.distill.failed.connect(said.append)
        text = "Buck ran with the pack. " * 50
        assert len(core.distill.queue([("chapter", text)])) == 1
        run_async(core.distill.wait())
        assert len(said) == 1 and "no room" in said[0].reason and said[0].words == 250
        assert core.distill.pending == 0 and core.stories.summaries() == {}
        for _ in range(3):  # every later AI action asks again
            assert core.distill.queue([("chapter", text)]) == []
        assert len(said) == 1 and len(core.distill.failures) == 1
        assert len(core.distill.queue([("chapter", text + "He howled.")])) == 1
        run_async(core.distill.wait())
        assert len(said) == 2
    finally:
        core.shutdown()
