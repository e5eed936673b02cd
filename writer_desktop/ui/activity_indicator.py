"""The activity indicator: one place in the status bar that lists every job in flight
(Writer, Review, Chat, summaries, archiving, imports), running or waiting, with its
progress in words and its own Stop, whether or not its pane is on screen."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from writer_desktop.services import Activity, ActivityService

# Word counts change with every token: the labels follow at most this often. Each change
# of the button's text repaints the status bar, on the GUI thread that shares the two cores
# with the model while it streams; the text itself shows the progress as it comes.
REFRESH_MS = 500


class ActivityList(QFrame):
    """The list the indicator opens: a row per job with its progress and a Stop button."""

    def __init__(self, activities: ActivityService, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.activities = activities
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(420)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(12)
        self.empty = QLabel(self.tr("Nothing is running."))
        self.stop_all = QPushButton(self.tr("Stop all I asked for"))
        self.stop_all.setToolTip(self.tr("Stops every job but the background summaries"))
        self.stop_all.clicked.connect(self.activities.stop_foreground)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("<b>Working on</b>"))
        layout.addWidget(title)
        layout.addLayout(self.grid)
        layout.addWidget(self.empty)
        layout.addWidget(self.stop_all, 0, Qt.AlignmentFlag.AlignRight)
        self.progress_labels: dict[int, QLabel] = {}
        self.stop_buttons: dict[int, QPushButton] = {}

    def rebuild(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.progress_labels.clear()
        self.stop_buttons.clear()
        items = self.activities.activities()
        for row, activity in enumerate(items):
            name = QLabel(activity.name)
            if activity.background:
                name.setToolTip(self.tr("Runs in the background; your own requests go first."))
            progress = QLabel(self.tr(activity.progress))
            progress.setStyleSheet("color: palette(placeholder-text);")
            stop = QPushButton(self.tr("Stop"))
            stop.setToolTip(self.tr("Stop “{0}”").format(activity.name))
            stop.setEnabled(not activity.stop_requested)
            stop.clicked.connect(lambda _checked=False, key=activity.id: self.activities.stop(key))
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(progress, row, 1)
            self.grid.addWidget(stop, row, 2)
            self.progress_labels[activity.id] = progress
            self.stop_buttons[activity.id] = stop
        self.empty.setVisible(not items)
        self.stop_all.setVisible(any(not a.background for a in items))
        self.adjustSize()

    def update_progress(self) -> None:
        for activity in self.activities.activities():
            label = self.progress_labels.get(activity.id)
            if label is not None:
                label.setText(self.tr(activity.progress))


class ActivityIndicator(QWidget):
    """The status bar's button: the first job and its progress, and how many more; a
    click lists them all, each with its Stop."""

    def __init__(self, activities: ActivityService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.activities = activities
        self.button = QToolButton()
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.button.setAutoRaise(True)
        self.button.clicked.connect(self.show_list)
        self.stop_button = QToolButton()
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.clicked.connect(self._stop_first)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.button)
        row.addWidget(self.stop_button)
        self.list = ActivityList(activities, self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._show_progress)
        activities.changed.connect(self.refresh)
        activities.progressed.connect(self._on_progress)
        self.refresh()

    def _on_progress(self, _activity: Activity) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _first(self) -> Activity | None:
        items = self.activities.activities()
        foreground = [a for a in items if not a.background]
        return (foreground or items or [None])[0]

    def refresh(self) -> None:
        """The list changed: a job was added, started, stopped or ended."""
        self._show_progress()
        if self.list.isVisible():
            self.list.rebuild()

    def _show_progress(self) -> None:
        items = self.activities.activities()
        first = self._first()
        self.setVisible(first is not None)
        if first is None:
            return
        text = f"{first.name} — {self.tr(first.progress)}"
        if len(items) > 1:
            text += self.tr("  (+{0} more)").format(len(items) - 1)
        self.button.setText(f"● {text}")
        self.button.setToolTip(
            "\n".join(f"{a.name}: {self.tr(a.progress)}" for a in items)
            + self.tr("\n\nClick to see them all, each with its Stop.")
        )
        self.stop_button.setToolTip(self.tr("Stop “{0}”").format(first.name))
        self.stop_button.setEnabled(not first.stop_requested)
        self.list.update_progress()

    def _stop_first(self) -> None:
        first = self._first()
        if first is not None:
            self.activities.stop(first.id)

    def show_list(self) -> ActivityList:
        """Open the list of every job, above the indicator."""
        self.list.rebuild()
        corner = self.mapToGlobal(QPoint(self.width(), 0))
        self.list.move(corner.x() - self.list.width(), corner.y() - self.list.height() - 4)
        self.list.show()
        return self.list

    def shown_jobs(self) -> list[tuple[str, str]]:
        """(name, progress) of every job listed, as the author reads them."""
        return [(a.name, self.tr(a.progress)) for a in self.activities.activities()]
