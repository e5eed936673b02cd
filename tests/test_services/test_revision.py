"""Changes between a passage and its rewrite, accepted one by one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from writer_desktop.services.revision import apply_changes, diff_changes

prose = st.text(alphabet=st.sampled_from(list("ab cd,.\n'’é")), max_size=80)


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
