"""Wires the running app together: settings, services, the inference worker and the window."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from writer_desktop import crash
from writer_desktop.agents import PromptLibrary
from writer_desktop.config import AppPaths, Settings, load_settings
from writer_desktop.inference import InferenceWorker
from writer_desktop.services import (
    AgentService,
    ArchiveIndexer,
    ContextService,
    DistillService,
    ManuscriptService,
    RecentFiles,
    StoryService,
)
from writer_desktop.ui.ai_actions import AiActions
from writer_desktop.ui.main_window import MainWindow

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


class WriterApp:
    """Everything one running app is made of."""

    def __init__(
        self, paths: AppPaths, settings: Settings, settings_problems: list[str] | None = None
    ) -> None:
        self.paths = paths
        self.settings = settings
        self.settings_problems = settings_problems or []
        paths.ensure()
        prompts_dir = Path(settings.prompts_dir) if settings.prompts_dir else None
        self.worker = InferenceWorker(settings)
        self.stories = StoryService(RecentFiles(paths.data_dir / "recent.json"))
        prompts = PromptLibrary(prompts_dir)
        self.archive = ArchiveIndexer(settings, self.stories)
        self.context = ContextService(self.stories, settings, prompts, self.archive.pinned_elements)
        self.distill = DistillService(self.stories, self.worker, prompts, settings)
        self.agents = AgentService(
            self.stories, self.worker, prompts, settings, self.context, self.distill
        )
        self.ai = AiActions(self.worker, self.agents, self.distill)
        self.manuscripts = ManuscriptService(self.stories)
        self.window = MainWindow(
            settings, paths, self.stories, self.ai, self.manuscripts, self.archive
        )

    @classmethod
    def from_environment(cls, paths: AppPaths | None = None) -> WriterApp:
        paths = paths or AppPaths.default()
        loaded = load_settings(paths.settings_file)
        return cls(paths, loaded.settings, loaded.problems)

    def start(self, story: Path | None = None, open_last: bool = True) -> None:
        """Show the window at once; the model loads behind it."""
        self.window.show()
        self.worker.start()
        if story is not None:
            self.window.open_story(story)
        elif open_last:
            last = self.stories.recent.last()
            if last is not None:
                self.window.open_story(last)
        if self.settings_problems:
            QTimer.singleShot(0, self._report_settings_problems)

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
        if self.window.isVisible():
            self.window.close()
        self.worker.shutdown()
        self.archive.close()
        self.stories.close()


def run(story: Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Writer Assistant")
    app.setOrganizationName("WriterAssistant")
    app.setDesktopFileName("writer-assistant")
    paths = AppPaths.default()
    setup_logging(paths)

    def tell_author(report: Path) -> None:
        QMessageBox.critical(
            None,
            "Writer Assistant",
            f"Something went wrong. Your story is saved.\nA report was written to {report}",
        )

    crash.install(paths.log_dir, tell_author)
    writer_app = WriterApp.from_environment(paths)
    writer_app.start(story)
    code = app.exec()
    writer_app.shutdown()
    return code
