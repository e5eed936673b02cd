"""The Modify dialog's decisions on a known rewrite, and on a real chapter's."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer

from benchmarks.diff_bench import real_chapter, rewrite_of
from tests.conftest import run_async
from writer_desktop.ui.modify_dialog import ModifyDialog

PASSAGE = "Mara walked to the door. She was tired.\n"
REWRITE = "Mara ran to the door. She was exhausted."


def test_only_checked_changes_are_applied(qtbot):
    dialog = ModifyDialog(PASSAGE, "Stronger verbs")
    qtbot.addWidget(dialog)
    decided = []
    dialog.decided.connect(decided.append)
    for token in ("Mara ran", " to the door.", " She was exhausted."):
        dialog.add_token(token)
    run_async(dialog.finish(REWRITE))
    assert dialog.change_list.count() == 2
    assert "walked" in dialog.diff_view.toPlainText() and "ran" in dialog.diff_view.toPlainText()
    dialog.change_list.item(0).setCheckState(Qt.CheckState.Unchecked)
    dialog.accept_checked()
    # The passage keeps its own trailing newline; only the second change is made.
    assert decided == ["Mara walked to the door. She was exhausted.\n"]


def test_reject_decides_nothing_and_an_empty_rewrite_offers_nothing(qtbot):
    dialog = ModifyDialog(PASSAGE, "x")
    qtbot.addWidget(dialog)
    decided = []
    dialog.decided.connect(decided.append)
    run_async(dialog.finish("   "))
    assert not dialog.accept_all_button.isEnabled()
    assert "no rewrite" in dialog.status.text()
    dialog.reject_all()
    assert decided == [None]


def test_a_stopped_rewrite_says_so_and_keeps_the_rest(qtbot):
    dialog = ModifyDialog(PASSAGE, "x")
    qtbot.addWidget(dialog)
    decided = []
    dialog.decided.connect(decided.append)
    run_async(dialog.finish("Mara ran to the door. She", cancelled=True))
    assert "stopped early" in dialog.status.text()
    assert dialog.change_list.count() == 1
    dialog.accept_all()
    assert decided == ["Mara ran to the door. She was tired.\n"]


def test_a_rewrite_cut_off_by_max_tokens_keeps_the_untouched_tail(qtbot):
    """A real chapter, rewritten only for its first part (the model hit max_tokens): the
    tail is shown unchanged after a marker, and accepting everything keeps it whole."""
    chapter = real_chapter()
    first = chapter[: chapter.index("\n\n", 3000)]  # the paragraphs the model got through
    partial = rewrite_of(first, moves=False) + "\n\nHe said that she would never"
    dialog = ModifyDialog(chapter, "Tighten the prose")
    qtbot.addWidget(dialog)
    decided = []
    dialog.decided.connect(decided.append)
    run_async(dialog.finish(partial, cut_off=True))

    assert "length limit" in dialog.status.text()
    shown = dialog.diff_view.toPlainText()
    assert "The model stopped here; the rest is unchanged." in shown
    assert shown.endswith(chapter[-200:])  # the tail is there, not struck through
    assert all(change.end <= len(first) + 2 for change in dialog.changes)
    assert dialog.change_list.count() == len(dialog.changes) > 5
    dialog.accept_all()
    (result,) = decided
    assert result.endswith(chapter[len(first) :])  # every word after the cut is kept
    assert "He said that she would never" not in result  # the unfinished words are not


def test_comparing_a_5000_word_rewrite_leaves_the_gui_thread_free(qtbot):
    """While a real chapter's diff is computed the Qt event loop keeps turning: a 5 ms
    heartbeat never waits long."""
    chapter = real_chapter()
    rewrite = rewrite_of(chapter)
    dialog = ModifyDialog(chapter, "Tighten the prose")
    qtbot.addWidget(dialog)
    dialog.show()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    heartbeat = QTimer()
    heartbeat.timeout.connect(beat)
    heartbeat.start(5)
    run_async(dialog.finish(rewrite))
    heartbeat.stop()
    assert dialog.change_list.count() == len(dialog.changes) > 50
    # Filling the dialog (the HTML and one item per change) is the GUI thread's only share.
    assert max(gaps) < 0.5, max(gaps)
