"""Changes between a passage and its rewrite, accepted one by one."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from benchmarks.diff_bench import real_chapter, rewrite_of
from writer_desktop.services.revision import (
    Comparison,
    apply_changes,
    compare_rewrite,
    diff_changes,
)

prose = st.text(alphabet=st.sampled_from(list("ab cd,.!?\n'’é“”")), max_size=120)


@given(old=prose, new=prose)
def test_accepting_all_gives_the_rewrite_and_none_the_original(old, new):
    changes = diff_changes(old, new)
    assert apply_changes(old, changes, {c.index for c in changes}) == new
    assert apply_changes(old, changes, set()) == old


def test_each_change_can_be_taken_alone():
    old = "Mara walked to the door. She was tired."
    new = "Mara ran to the door. She was exhausted."
    changes = diff_changes(old, new)
    assert [(c.old, c.new) for c in changes] == [("walked", "ran"), ("tired", "exhausted")]
    assert apply_changes(old, changes, {1}) == "Mara walked to the door. She was exhausted."


def test_identical_text_has_no_changes():
    assert diff_changes("Same.", "Same.") == []


@given(old=prose, new=prose)
def test_a_cut_off_rewrite_never_touches_the_original_after_where_it_stopped(old, new):
    comparison = compare_rewrite(old, new, cut_off=True)
    accepted = apply_changes(old, comparison.changes, {c.index for c in comparison.changes})
    if comparison.stopped_at is not None:
        assert accepted.endswith(old[comparison.stopped_at :])
        assert all(c.end <= comparison.stopped_at for c in comparison.changes)
    assert apply_changes(old, comparison.changes, set()) == old


def test_a_5000_word_chapter_against_its_rewrite_is_quick_and_exact():
    chapter = real_chapter()
    rewrite = rewrite_of(chapter)
    started = time.perf_counter()
    comparison = compare_rewrite(chapter, rewrite)
    seconds = time.perf_counter() - started
    changes = comparison.changes
    assert apply_changes(chapter, changes, {c.index for c in changes}) == rewrite
    assert apply_changes(chapter, changes, set()) == chapter
    # Word-sized changes, not one giant replacement: most of the chapter is untouched.
    assert len(changes) > 50 and sum(len(c.old) for c in changes) < len(chapter) / 3
    assert seconds < 1.0, seconds  # 0.06 s here; difflib took 13 s


def test_a_cut_off_rewrite_of_a_real_chapter_stops_where_the_model_did():
    chapter = real_chapter()
    first = chapter[: chapter.index("\n\n", 5000)]
    partial = rewrite_of(first, moves=False) + "\n\nShe turned, and the music"
    comparison = compare_rewrite(chapter, partial, cut_off=True)
    assert len(first) - 50 <= comparison.stopped_at <= len(first) + 2
    assert comparison.unfinished == "She turned, and the music"
    accepted = apply_changes(chapter, comparison.changes, {c.index for c in comparison.changes})
    assert accepted.startswith(rewrite_of(first, moves=False)[:-50])
    assert accepted.endswith(chapter[len(first) :])


def test_a_chance_match_of_the_last_paragraph_is_not_where_a_cut_off_rewrite_stopped():
    """The model rewrote 2,000 characters and then wrote the chapter's last paragraph: the
    chapter between is not offered as one pre-ticked deletion."""
    chapter = real_chapter()
    last = chapter.split("\n\n")[-1]
    comparison = compare_rewrite(chapter, rewrite_of(chapter[:2000]) + "\n\n" + last, True)
    assert comparison.stopped_at < 2500
    assert max(len(c.old) for c in comparison.changes) < 1500


def test_a_rewrite_that_is_not_cut_off_may_delete_the_end():
    comparison = compare_rewrite("One. Two. Three.\n", "One. Two.")
    assert not comparison.cut_off
    assert [(c.old, c.new) for c in comparison.changes] == [(" Three.", "")]
    assert apply_changes("One. Two. Three.\n", comparison.changes, {0}) == "One. Two.\n"


def test_an_empty_rewrite_offers_nothing():
    assert compare_rewrite("Text.", "  \n") == Comparison("Text.")
