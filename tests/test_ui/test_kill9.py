"""kill -9 while typing: the story file is intact every time and autosave loses at most 1 s."""

from __future__ import annotations

from benchmarks.kill9 import LOST_TARGET_S, run_rounds, table

ROUNDS = 6  # about 4 s each; `python -m benchmarks.kill9` runs 20
# The loss is measured from outside the app: the key's time is taken before the child logs
# and fsyncs it and presses the key (the app starts its clock after), and the kill's after
# kill() returns; the save then runs on a Qt timer, which a busy two-core machine may serve
# some ms late, and takes a few ms itself. 0.1 s covers that, not a slower autosave.
SCHEDULING_MARGIN_S = 0.1


def test_kill9_while_typing_keeps_the_story_intact_and_loses_at_most_a_second(tmp_path):
    results = run_rounds(ROUNDS, tmp_path)
    report = table(results)
    assert [r.problem for r in results if not r.intact] == [], report
    assert all(r.typed > r.start for r in results), report  # every child really typed
    assert max(r.lost_s for r in results) <= LOST_TARGET_S + SCHEDULING_MARGIN_S, report
