"""Shared fixtures: a clean environment, app folders under tmp, and a real main window."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio  # noqa: E402
import time  # noqa: E402
from collections.abc import Coroutine, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from writer_desktop.config import AppPaths, Settings, load_settings, setting_names  # noqa: E402


@pytest.fixture(scope="session")
def _qt_asyncio_loop(qapp) -> Iterator[asyncio.AbstractEventLoop]:
    from writer_desktop.ui.app import close_event_loop, gui_event_loop

    loop = gui_event_loop(qapp)
    asyncio.events._set_running_loop(None)  # running only inside the tests that ask for it
    yield loop
    close_event_loop(loop)


@pytest.fixture
def gui_loop(_qt_asyncio_loop) -> Iterator[asyncio.AbstractEventLoop]:
    """The app's qasync loop, running over Qt's for this test: qtbot's waits serve asyncio
    tasks too, and service tests drive coroutines with run_async(). Other tests keep a
    thread with no running loop, so asyncio.run() works in them."""
    asyncio.events._set_running_loop(_qt_asyncio_loop)
    yield _qt_asyncio_loop
    asyncio.events._set_running_loop(None)


def run_async(work: Coroutine, timeout_s: float = 600.0):
    """Drive `work` to its end on the session's loop (the loop is always 'running': Qt's
    event processing is what moves it on)."""
    from PySide6.QtCore import QCoreApplication

    task = asyncio.ensure_future(work)
    deadline = time.monotonic() + timeout_s
    while not task.done():
        if time.monotonic() > deadline:
            task.cancel()
            raise TimeoutError(f"{work!r} did not finish in {timeout_s} s")
        QCoreApplication.processEvents()
        time.sleep(0.001)
    return task.result()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in from the developer's shell, .env or home folder."""
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WRITER_ASSISTANT_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    app_paths = AppPaths.under(tmp_path / "home")
    app_paths.ensure()
    return app_paths


@pytest.fixture
def settings() -> Settings:
    return load_settings(None, env_file=None).settings


class MessageBoxes:
    """Answers QMessageBox.question automatically and records every box shown."""

    def __init__(self) -> None:
        self.answer = QMessageBox.StandardButton.Yes
        self.shown: list[tuple[str, str]] = []

    def question(self, _parent, title, text, *args, **kwargs):
        self.shown.append((title, text))
        return self.answer

    def warning(self, _parent, title, text, *args, **kwargs):
        self.shown.append((title, text))
        return QMessageBox.StandardButton.Ok


@pytest.fixture
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    boxes = MessageBoxes()
    monkeypatch.setattr(QMessageBox, "question", boxes.question)
    monkeypatch.setattr(QMessageBox, "warning", boxes.warning)
    return boxes


def make_app(qtbot, paths: AppPaths, settings: Settings, problems=None):
    from writer_desktop.ui.app import WriterApp

    app = WriterApp(paths, settings, problems)
    qtbot.addWidget(app.window)
    app.start(open_last=False)
    return app


@pytest.fixture
def writer_app(qtbot, gui_loop, paths, settings, message_boxes) -> Iterator:
    """The real app on a temporary story, with the real default model loading behind it."""
    app = make_app(qtbot, paths, settings)
    assert app.window.new_story(paths.data_dir / "story.wstory", "Test story")
    yield app
    app.shutdown()


def wait_for_model(qtbot, app, timeout_ms: int = 60_000) -> None:
    qtbot.waitUntil(lambda: app.ai.model_state != "loading", timeout=timeout_ms)
    assert app.ai.model_state == "ready", app.ai.model_detail
