"""The running app: the Qt application on qasync's event loop, the Core (built by the
composition root) and the window over it."""

from __future__ import annotations

import asyncio
import gc
import logging
import logging.handlers
import sys
from collections.abc import Callable
from pathlib import Path

import qasync
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from writer_desktop import crash
from writer_desktop.config import AppPaths, Settings, load_settings
from writer_desktop.services import Core, build_core
from writer_desktop.ui.main_window import MainWindow
from writer_desktop.ui.tasks import spawn

log = logging.getLogger(__name__)


def setup_logging(paths: AppPaths) -> None:
    paths.ensure()
    handler = logging.handlers.RotatingFileHandler(
        paths.log_dir / "writer-assistant.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def gui_event_loop(app: QApplication) -> asyncio.AbstractEventLoop:
    """qasync's loop over Qt's, made the running asyncio loop of this thread: Qt events and
    asyncio tasks are served by the same dispatch, so widgets can await services. One per
    QApplication: a second call returns the first loop."""
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if isinstance(running, qasync.QEventLoop):
        return running
    loop = qasync.QEventLoop(app, already_running=True)
    asyncio.set_event_loop(loop)
    return loop


def close_event_loop(loop: asyncio.AbstractEventLoop) -> None:
    """After Qt's loop has ended: stop and close qasync's, which joins its executor's
    threads (asyncio.to_thread work) rather than leaving them to die with the process."""
    loop.stop()
    loop.close()


# Only macOS hands files over as QFileOpenEvent (Finder); elsewhere they come on the command
# line, and a Python filter on the whole application would see every event for nothing.
FILE_OPEN_EVENTS = sys.platform == "darwin"


class FileOpenFilter(QObject):
    """Opens the story the system hands over as a QFileOpenEvent: macOS Finder sends a
    double-clicked or dropped .wstory this way rather than on the command line. A file that
    arrives before the window can take it waits for start()."""

    def __init__(self, open_story: Callable[[Path], object]) -> None:
        super().__init__()  # owned by WriterApp, not by the QApplication that outlives it
        self._open_story = open_story
        self.ready = False
        self.waiting: list[Path] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.FileOpen or not isinstance(event, QFileOpenEvent):
            return False
        name = event.file()
        if not name:  # a URL that is not a local file: not ours to take
            return False
        if self.ready:
            # Out of the filter first: opening may ask the author (unsaved text, a lock).
            path = Path(name)
            QTimer.singleShot(0, lambda: self._open_story(path))
        else:
            self.waiting.append(Path(name))
        return True

    def release(self) -> Path | None:
        """From now on files open as they come; returns the last one that came early."""
        self.ready = True
        last = self.waiting[-1] if self.waiting else None
        self.waiting.clear()
        return last


def keep_long_lived() -> None:
    """Put every object alive now out of the garbage collector's sweeps (gc.freeze): the
    modules, the window, the model's and the spell checker's tables live as long as the
    app. A full sweep visits every object and holds the GIL throughout: with them in it,
    one took 97 ms while a novel was imported, and the window froze for as long."""
    gc.freeze()


class WriterApp:
    """Everything one running app is made of: the Core and the window."""

    def __init__(
        self,
        paths: AppPaths,
        settings: Settings,
        settings_problems: list[str] | None = None,
        core: Core | None = None,
    ) -> None:
        self.paths = paths
        self.settings = settings
        self.settings_problems = settings_problems or []
        self._keeping: asyncio.Task | None = None
        qt_app = QApplication.instance()
        assert isinstance(qt_app, QApplication)
        self.loop = gui_event_loop(qt_app)
        self.core = core or build_core(settings, paths)
        self.window = MainWindow(self.core)
        self.file_open = FileOpenFilter(self.window.open_story)
        self._filtering = FILE_OPEN_EVENTS
        if self._filtering:
            qt_app.installEventFilter(self.file_open)

    @property
    def stories(self):
        return self.core.stories

    @property
    def agents(self):
        return self.core.agents

    @property
    def ai(self):
        return self.window.ai

    @classmethod
    def from_environment(cls, paths: AppPaths | None = None) -> WriterApp:
        paths = paths or AppPaths.default()
        loaded = load_settings(paths.settings_file)
        return cls(paths, loaded.settings, loaded.problems)

    def start(self, story: Path | None = None, open_last: bool = True) -> None:
        """Show the window at once; the model loads behind it."""
        self.window.show()
        self.core.start(self.loop)
        story = self.file_open.release() or story
        if story is not None:
            self.window.open_story(story)
        elif open_last:
            recent = self.stories.recent
            last = recent.last()
            if last is not None:
                recent.opening(last)  # if opening it kills the app, the next start skips it
                if self.window.open_story(last):
                    recent.opening(None)
                else:
                    recent.failed(last)
        if self.core.recovery.pending():
            QTimer.singleShot(0, self.window.offer_recovered)
        if self.settings_problems:
            QTimer.singleShot(0, self._report_settings_problems)
        keep_long_lived()
        self._keeping = spawn(self._keep_model_long_lived())

    async def _keep_model_long_lived(self) -> None:
        if await self.core.engine.wait_loaded() == "ready":
            keep_long_lived()  # the model (and by now the word list) is loaded

    def _report_settings_problems(self) -> None:
        text = "\n".join(self.settings_problems)
        log.warning("settings problems: %s", text)
        self.window.statusBar().showMessage(self.settings_problems[0], 15000)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.window.tr("Some settings were not valid"),
            text,
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setModal(False)
        box.show()
        self.problems_box = box

    def shutdown(self) -> None:
        app = QApplication.instance()
        if app is not None and self._filtering:
            app.removeEventFilter(self.file_open)
            self._filtering = False
        if self.window.isVisible():
            self.window.close_without_asking()
        if self._keeping is not None:
            self._keeping.cancel()
        self.core.shutdown()
        gc.unfreeze()  # what this app kept aside may be collected again (tests make many)


def run(story: Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Writer Assistant")
    app.setOrganizationName("WriterAssistant")
    app.setDesktopFileName("writer-assistant")
    paths = AppPaths.default()
    setup_logging(paths)

    def tell_author(report: Path, saved: str) -> None:
        QMessageBox.critical(
            None,
            "Writer Assistant",
            f"Something went wrong. {saved}\nA report was written to {report}",
        )

    crash.install(paths.log_dir, tell_author)
    writer_app = WriterApp.from_environment(paths)
    crash.add_rescuer(writer_app.window.saver.rescue_unsaved)
    writer_app.start(story)
    code = app.exec()
    writer_app.shutdown()
    close_event_loop(writer_app.loop)
    return code
