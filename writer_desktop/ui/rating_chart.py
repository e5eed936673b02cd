"""A bar chart of the Rater's scores, with the chapter's previous rating beside each bar."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from writer_desktop.domain import RATER_ASPECTS

CURRENT = QColor("#2d6cb5")
PREVIOUS = QColor("#b9c7d8")


class RatingChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(90)
        self.current: dict[str, int] = {}
        self.previous: dict[str, int] = {}

    def set_scores(self, current: dict[str, int], previous: dict[str, int] | None = None) -> None:
        self.current = current
        self.previous = previous or {}
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        if not self.current:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_width = 96.0
        row = self.height() / len(RATER_ASPECTS)
        span = self.width() - label_width - 30
        for i, aspect in enumerate(RATER_ASPECTS):
            top = i * row
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(0, top, label_width - 6, row),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                aspect,
            )
            score = self.current.get(aspect, 0)
            if aspect in self.previous:
                painter.fillRect(
                    QRectF(
                        label_width, top + row * 0.55, span * self.previous[aspect] / 10, row * 0.25
                    ),
                    PREVIOUS,
                )
            painter.fillRect(
                QRectF(label_width, top + row * 0.2, span * score / 10, row * 0.35), CURRENT
            )
            painter.drawText(
                QRectF(label_width + span * score / 10 + 4, top, 26, row * 0.75),
                Qt.AlignmentFlag.AlignVCenter,
                str(score),
            )
        painter.end()
