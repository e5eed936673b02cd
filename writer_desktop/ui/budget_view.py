"""The budget view: what went into the last prompt, layer by layer, and the exact text."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.services import LAYER_NAMES, LAYERS, AssembledPrompt


class PromptDialog(QDialog):
    """The prompt exactly as the model saw it, message by message."""

    def __init__(self, prompt: AssembledPrompt, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Last prompt"))
        self.resize(760, 620)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setPlainText(
            "\n".join(f"===== {m['role']} =====\n{m['content']}" for m in prompt.messages())
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


class BudgetView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prompt: AssembledPrompt | None = None
        self.summary = QLabel(self.tr("No prompt yet: run an AI action."))
        self.summary.setWordWrap(True)
        grid = QGridLayout()
        self.bars: dict[str, QProgressBar] = {}
        for row, layer in enumerate(LAYERS):
            grid.addWidget(QLabel(f"{layer} · {self.tr(LAYER_NAMES[layer])}"), row, 0)
            bar = QProgressBar()
            bar.setRange(0, 1)
            bar.setValue(0)
            bar.setFormat("%v / %m")
            grid.addWidget(bar, row, 1)
            self.bars[layer] = bar
        self.elements = QTreeWidget()
        self.elements.setHeaderLabels(
            [
                self.tr("Layer"),
                self.tr("Status"),
                self.tr("Tokens"),
                self.tr("Priority"),
                self.tr("Element"),
            ]
        )
        self.elements.setRootIsDecorated(False)
        self.show_button = QPushButton(self.tr("Show the prompt…"))
        self.show_button.setEnabled(False)
        self.show_button.clicked.connect(self.show_prompt)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(grid)
        layout.addWidget(self.elements, 1)
        layout.addWidget(self.show_button)

    def show_report(self, prompt: AssembledPrompt) -> None:
        self.prompt = prompt
        report = prompt.report
        self.summary.setText(
            self.tr("{0} · {1} tokens of {2} allowed · counted by: {3}").format(
                report.agent, report.prompt_tokens, report.total_budget, report.strategy
            )
        )
        for layer in report.layers:
            bar = self.bars[layer.layer]
            bar.setRange(0, max(layer.allowed, 1))
            bar.setValue(min(layer.used, max(layer.allowed, 1)))
        self.elements.clear()
        for element in report.elements:
            note = f" ({element.note})" if element.note else ""
            QTreeWidgetItem(
                self.elements,
                [
                    element.layer,
                    element.status,
                    str(element.tokens),
                    element.priority,
                    element.label + note,
                ],
            )
        for column in range(5):
            self.elements.resizeColumnToContents(column)
        self.show_button.setEnabled(True)

    def show_prompt(self) -> PromptDialog | None:
        if self.prompt is None:
            return None
        dialog = PromptDialog(self.prompt, self)
        dialog.show()
        self.prompt_dialog = dialog
        return dialog
