"""The Modify dialog's decisions on a known rewrite."""

from __future__ import annotations

from PySide6.QtCore import Qt

from writer_desktop.ui.modify_dialog import ModifyDialog

PASSAGE = "Mara walked to the door. She was tired.\n"
REWRITE = "Mara ran to the door. She was exhausted."


def _result(text: str, cancelled: bool = False) -> tuple[str, bool]:
    return text, cancelled


def test_only_checked_changes_are_applied(qtbot):
    dialog = ModifyDialog(PASSAGE, "Stronger verbs")
    qtbot.addWidget(dialog)
    decided = []
    dialog.decided.connect(decided.append)
    for token in ("Mara ran", " to the door.", " She was exhausted."):
        dialog.add_token(token)
    dialog.finish(*_result(REWRITE))
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
    dialog.finish(*_result("   "))
    assert not dialog.accept_all_button.isEnabled()
    assert "no rewrite" in dialog.status.text()
    dialog.reject_all()
    assert decided == [None]


def test_a_stopped_rewrite_says_so(qtbot):
    dialog = ModifyDialog(PASSAGE, "x")
    qtbot.addWidget(dialog)
    dialog.finish(*_result("Mara ran", cancelled=True))
    assert "stopped early" in dialog.status.text()
