"""A proposal from the AI for a character, which the author edits before saving."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from writer_desktop.domain import Character


class ProposalDialog(QDialog):
    """Streams the proposal in, then shows editable fields; Save returns the character."""

    def __init__(
        self, title: str, character: Character, fields: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(560, 480)
        self.character = character
        self.status = QLabel(self.tr("Writing…"))
        self.edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        form = QFormLayout(self)
        form.addRow(self.status)
        for name in fields:
            edit: QLineEdit | QPlainTextEdit = (
                QLineEdit() if name in ("role", "traits") else QPlainTextEdit()
            )
            edit.setEnabled(False)
            self.edits[name] = edit
            form.addRow(name.replace("_", " ").capitalize(), edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def add_token(self, text: str) -> None:
        self.status.setText(self.status.text() + text if len(self.status.text()) < 400 else "…")

    def propose(self, values: dict[str, object]) -> None:
        self.status.setText(self.tr("Edit anything, then Save."))
        for name, edit in self.edits.items():
            value = values.get(name, "")
            text = ", ".join(value) if isinstance(value, list) else str(value)
            if isinstance(edit, QLineEdit):
                edit.setText(text)
            else:
                edit.setPlainText(text)
            edit.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)

    def fail(self, message: str) -> None:
        self.status.setText(self.tr("Failed: {0}").format(message))

    def result_character(self) -> Character:
        update: dict[str, object] = {}
        for name, edit in self.edits.items():
            text = edit.text() if isinstance(edit, QLineEdit) else edit.toPlainText()
            update[name] = (
                [t.strip() for t in text.split(",") if t.strip()] if name == "traits" else text
            )
        return self.character.model_copy(update=update)
