"""Running slow work off the UI thread, with the result delivered back as a signal."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class BackgroundTask(QObject):
    """Runs `work` in a thread; emits finished(result) or failed(exception) on the UI thread."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self.thread = threading.Thread(target=self._run, name="background-task", daemon=True)

    def start(self) -> BackgroundTask:
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # delivered to the UI, which says what went wrong
            self.failed.emit(exc)
        else:
            self.finished.emit(result)
