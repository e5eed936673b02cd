"""DisclosureDialog: the "who wrote what" report of a story, to read and to save."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

MARKDOWN_FILTER = "Markdown (*.md)"
TEXT_FILTER = "Plain text (*.txt)"


class DisclosureDialog(QDialog):
    """Shows the report rendered; Save writes it as Markdown or plain text."""

    def __init__(self, title: str, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Who wrote what: {0}").format(title))
        self.report = report
        self.story_title = title
        self.view = QTextBrowser()
        self.view.setMarkdown(report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.addButton(
            self.tr("Save report…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_button.clicked.connect(self.ask_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(720, 560)

    def ask_save(self) -> None:
        name = str(Path.home() / f"{self.story_title} - who wrote what.md")
        path, chosen = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the report"),
            name,
            f"{MARKDOWN_FILTER};;{TEXT_FILTER}",
            MARKDOWN_FILTER,
        )
        if path:
            self.save(Path(path), chosen == TEXT_FILTER)

    def save(self, path: Path, plain: bool = False) -> Path | None:
        """Write the report (.md as it is; .txt with the Markdown marks left in, which
        read as plain text)."""
        if not path.suffix:
            path = path.with_suffix(".txt" if plain else ".md")
        try:
            path.write_text(self.report, encoding="utf-8")
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Cannot save the report"), str(exc))
            return None
        return path
