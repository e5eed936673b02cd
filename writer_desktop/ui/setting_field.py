"""One setting's control in the settings dialog: a spin box with its unit, a slider said
in words, a file or folder picker, a choice or a text box, as the setting's kind asks."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFontComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from writer_desktop.services.settings_catalog import SettingInfo, words_for_tokens

CAPTION_STYLE = "color: palette(placeholder-text); font-size: 85%;"


def _creativity_words(value: float) -> str:
    if value < 0.3:
        return "steady"
    if value < 0.65:
        return "measured"
    if value < 0.95:
        return "balanced"
    if value < 1.3:
        return "adventurous"
    return "wild"


class SettingField(QWidget):
    """One setting's control: a spin box, slider, file picker, choice or text, with its
    unit. value() is what Settings takes; text()/setText() read and write it as text."""

    changed = Signal()

    def __init__(self, info: SettingInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = info
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.control: QWidget
        self.path_edit: QLineEdit | None = None
        self.value_label: QLabel | None = None
        self._font_named = ("", "")  # (the family shown, the name it was set by)
        kind = info.control
        if kind == "spin":
            self.control = self._spin(info)
        elif kind == "number":
            spin = QDoubleSpinBox()
            spin.setRange(info.minimum or 0.0, info.maximum or 1e9)
            spin.setSingleStep(info.step)
            spin.valueChanged.connect(self.changed)
            self.control = spin
        elif kind == "slider":
            self.control = self._slider(info)
        elif kind == "choice":
            combo = QComboBox()
            for value, words in info.choices.items():
                combo.addItem(self.tr(words), value)
            combo.currentIndexChanged.connect(self.changed)
            self.control = combo
        elif kind == "font":
            fonts = QFontComboBox()
            fonts.setMinimumWidth(220)
            fonts.currentFontChanged.connect(self.changed)
            self.control = fonts
        elif kind == "check":
            box = QCheckBox()
            box.toggled.connect(self.changed)
            self.control = box
        else:
            edit = QLineEdit()
            if kind == "secret":
                edit.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
            edit.textChanged.connect(self.changed)
            if info.placeholder:
                edit.setPlaceholderText(self.tr(info.placeholder))
            self.control = edit
            self.path_edit = edit
        row.addWidget(self.control, 1 if kind in ("text", "secret", "file", "folder") else 0)
        if kind in ("file", "folder"):
            browse = QPushButton(self.tr("Choose…"))
            browse.clicked.connect(self.browse)
            row.addWidget(browse)
            clear = QPushButton(self.tr("Clear"))
            clear.clicked.connect(lambda: self.setText(""))
            row.addWidget(clear)
        if kind == "spin" and info.unit == "tokens":
            # Authors think in words: say the size in words of prose beside it.
            self.words_label = QLabel()
            self.words_label.setStyleSheet(CAPTION_STYLE)
            self.changed.connect(self._say_words)
            row.addWidget(self.words_label)
        if kind in ("spin", "choice", "check", "number", "font"):
            row.addStretch(1)
        self.set_value(info.default)
        if kind == "spin" and info.unit == "tokens":
            self._say_words()

    def _spin(self, info: SettingInfo) -> QSpinBox:
        spin = QSpinBox()
        special = info.special
        low = int(info.minimum if info.minimum is not None else 0)
        if special is not None:  # shown in words at the bottom of the range
            spin.setSpecialValueText(self.tr(special[1]))
        spin.setRange(low, int(info.maximum if info.maximum is not None else 2**31 - 1))
        spin.setSingleStep(int(info.step))
        spin.setGroupSeparatorShown(True)
        if info.unit:
            spin.setSuffix(f" {self.tr(info.unit)}")
        spin.setMinimumWidth(150)
        spin.valueChanged.connect(self.changed)
        return spin

    def _say_words(self) -> None:
        value = self.value()
        if isinstance(value, int):
            words = f"{words_for_tokens(value):,}"
            self.words_label.setText(self.tr("about {0} words").format(words))

    def _slider(self, info: SettingInfo) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        slider = QSlider(Qt.Orientation.Horizontal)
        steps = int(round(((info.maximum or 1.0) - (info.minimum or 0.0)) / info.step))
        slider.setRange(0, steps)
        slider.setMinimumWidth(220)
        self.value_label = QLabel()
        self.value_label.setMinimumWidth(130)
        slider.valueChanged.connect(self._slider_moved)
        row.addWidget(slider)
        row.addWidget(self.value_label)
        row.addStretch(1)
        self.slider = slider
        return box

    def _slider_moved(self) -> None:
        value = self.value()
        if self.value_label is not None:
            self.value_label.setText(f"{value:.2f} · {self.tr(_creativity_words(value))}")
        self.changed.emit()

    # -- value -----------------------------------------------------------------------------

    def value(self) -> Any:
        info = self.info
        control = self.control
        if info.control == "spin":
            assert isinstance(control, QSpinBox)
            number = control.value()
            if info.special is not None and number == control.minimum():
                return info.special[0]
            return number
        if info.control == "number":
            assert isinstance(control, QDoubleSpinBox)
            return control.value()
        if info.control == "slider":
            return round((info.minimum or 0.0) + self.slider.value() * info.step, 4)
        if info.control == "choice":
            assert isinstance(control, QComboBox)
            return control.currentData()
        if info.control == "check":
            assert isinstance(control, QCheckBox)
            return control.isChecked()
        if info.control == "font":
            assert isinstance(control, QFontComboBox)
            family = control.currentFont().family()
            # "Serif" shows as the family it stands for here; unchanged, it stays "Serif".
            alias, named = self._font_named
            return named if family == alias else family
        assert self.path_edit is not None
        text = self.path_edit.text().strip()
        if isinstance(info.default, list):
            return [part.strip() for part in text.split(",") if part.strip()]
        return text

    def set_value(self, value: Any) -> None:
        info = self.info
        control = self.control
        if info.control == "spin":
            assert isinstance(control, QSpinBox)
            if info.special is not None and value == info.special[0]:
                control.setValue(control.minimum())
            else:
                control.setValue(int(value))
        elif info.control == "number":
            assert isinstance(control, QDoubleSpinBox)
            control.setValue(float(value))
        elif info.control == "slider":
            self.slider.setValue(int(round((float(value) - (info.minimum or 0.0)) / info.step)))
            self._slider_moved()
        elif info.control == "choice":
            assert isinstance(control, QComboBox)
            index = control.findData(str(value))
            control.setCurrentIndex(max(index, 0))
        elif info.control == "check":
            assert isinstance(control, QCheckBox)
            control.setChecked(bool(value))
        elif info.control == "font":
            assert isinstance(control, QFontComboBox)
            control.setCurrentFont(QFont(str(value)))
            self._font_named = (control.currentFont().family(), str(value))
        else:
            assert self.path_edit is not None
            if isinstance(value, list):
                value = ", ".join(value)
            self.path_edit.setText("" if value is None else str(value))

    def text(self) -> str:
        value = self.value()
        return "" if value is None else str(value)

    def setText(self, text: str) -> None:  # noqa: N802 - reads like the QLineEdit it replaced
        """Set from text (a path, a number as typed)."""
        if self.info.control in ("spin", "number", "slider"):
            self.set_value(float(text) if self.info.control != "spin" else int(float(text)))
        else:
            self.set_value(text)

    def browse(self) -> None:
        if self.info.control == "folder":
            path = QFileDialog.getExistingDirectory(self, self.tr(self.info.label), self.text())
        else:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr(self.info.label), self.text(), self.tr(self.info.file_filter)
            )
        if path:
            self.setText(path)
