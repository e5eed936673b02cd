"""The Context tab: what went into the last prompt, part by part in words of prose as well
as tokens, and the exact text."""

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

from writer_desktop.services import LAYERS, AssembledPrompt
from writer_desktop.services.settings_catalog import (
    COUNTER_WORDS,
    LAYER_WORDS,
    STATUS_WORDS,
    words_for_tokens,
)

AGENT_WORDS = {
    "writer": "Writer",
    "editor": "Editor",
    "character": "Character",
    "rater": "Rater",
    "chat": "Chat",
}


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


def _words(tokens: int) -> str:
    return f"{words_for_tokens(tokens):,}"


class BudgetView(QWidget):
    """How much of the story the last AI action could show the model, part by part."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prompt: AssembledPrompt | None = None
        self.summary = QLabel(
            self.tr(
                "Nothing sent yet. When an agent runs, this shows how much of your story "
                "it could read, part by part."
            )
        )
        self.summary.setWordWrap(True)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.bars: dict[str, QProgressBar] = {}
        self.layer_labels: dict[str, QLabel] = {}
        for row, layer in enumerate(LAYERS):
            name, what = LAYER_WORDS[layer]
            label = QLabel(f"<b>{self.tr(name)}</b><br><small>{self.tr(what)}</small>")
            label.setWordWrap(True)
            label.setToolTip(self.tr("Layer {0} of the context budget").format(layer))
            grid.addWidget(label, row, 0)
            bar = QProgressBar()
            bar.setRange(0, 1)
            bar.setValue(0)
            bar.setFormat(self.tr("nothing yet"))
            grid.addWidget(bar, row, 1)
            self.layer_labels[layer] = label
            self.bars[layer] = bar
        self.elements = QTreeWidget()
        self.elements.setHeaderLabels(
            [
                self.tr("What"),
                self.tr("Part"),
                self.tr("Shown"),
                self.tr("Words"),
                self.tr("Tokens"),
                self.tr("Importance"),
            ]
        )
        self.elements.setRootIsDecorated(False)
        note = QLabel(
            self.tr("<small>A token is a piece of a word; 100 tokens are about 75 words.</small>")
        )
        self.show_button = QPushButton(self.tr("Show the prompt…"))
        self.show_button.setEnabled(False)
        self.show_button.clicked.connect(self.show_prompt)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(grid)
        layout.addWidget(self.elements, 1)
        layout.addWidget(note)
        layout.addWidget(self.show_button)

    def show_report(self, prompt: AssembledPrompt) -> None:
        self.prompt = prompt
        report = prompt.report
        agent = AGENT_WORDS.get(report.agent, report.agent.replace("_", " ").capitalize())
        self.summary.setText(
            self.tr("{0} read about {1} words of {2} allowed ({3} of {4} tokens), {5}.").format(
                self.tr(agent),
                _words(report.prompt_tokens),
                _words(report.total_budget),
                f"{report.prompt_tokens:,}",
                f"{report.total_budget:,}",
                self.tr(COUNTER_WORDS.get(report.strategy, report.strategy)),
            )
        )
        cut = {
            element.layer
            for element in report.elements
            if element.status in ("trimmed", "summarised", "dropped")
        }
        total = max(report.total_budget, 1)
        for layer in report.layers:
            bar = self.bars[layer.layer]
            # Each bar is the layer's share of the whole prompt, so the bars compare.
            bar.setRange(0, total)
            bar.setValue(min(layer.used, total))
            if layer.layer in cut:
                fit = self.tr("shortened to fit its room of about {0}").format(
                    _words(layer.allowed)
                )
            elif layer.used:
                fit = self.tr("all of it fit")
            else:
                fit = self.tr("nothing to include")
            bar.setFormat(self.tr("about {0} words · {1}").format(_words(layer.used), fit))
            bar.setToolTip(
                self.tr("{0} tokens used; room for {1}").format(
                    f"{layer.used:,}", f"{layer.allowed:,}"
                )
            )
        self.elements.clear()
        for element in report.elements:
            name = LAYER_WORDS.get(element.layer, (element.layer, ""))[0]
            item = QTreeWidgetItem(
                self.elements,
                [
                    element.label,
                    self.tr(name),
                    self.tr(STATUS_WORDS.get(element.status, element.status)),
                    _words(element.tokens),
                    f"{element.tokens:,}",
                    element.priority,
                ],
            )
            if element.note:
                item.setToolTip(0, element.note)
        for column in range(6):
            self.elements.resizeColumnToContents(column)
        self.show_button.setEnabled(True)

    def show_prompt(self) -> PromptDialog | None:
        if self.prompt is None:
            return None
        dialog = PromptDialog(self.prompt, self)
        dialog.show()
        self.prompt_dialog = dialog
        return dialog
