"""A story the system hands over as a QFileOpenEvent (macOS Finder) opens in the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QFileOpenEvent

from tests.conftest import make_app
from writer_desktop.config import Settings
from writer_desktop.storage import StoryStore


@pytest.fixture
def no_model_settings(tmp_path: Path) -> Settings:
    # A missing model fails at once: these tests need no AI.
    return Settings.model_validate({"model_path": str(tmp_path / "absent.gguf")})


@pytest.fixture(autouse=True)
def _as_on_macos(monkeypatch):
    """macOS is where the system sends QFileOpenEvent; the app listens for it there."""
    monkeypatch.setattr("writer_desktop.ui.app.FILE_OPEN_EVENTS", True)


def make_story(path: Path, title: str) -> Path:
    StoryStore.create(path, title).close()
    return path


def test_finder_double_click_opens_the_story(qtbot, qapp, paths, no_model_settings, tmp_path):
    app = make_app(qtbot, paths, no_model_settings)
    try:
        story = make_story(tmp_path / "harbour.wstory", "The Harbour Light")
        QCoreApplication.postEvent(qapp, QFileOpenEvent(str(story)))
        qtbot.waitUntil(lambda: app.stories.path == story, timeout=5000)
        assert app.stories.title() == "The Harbour Light"
        assert "The Harbour Light" in app.window.windowTitle()
    finally:
        app.shutdown()


def test_a_second_file_replaces_the_first(qtbot, qapp, paths, no_model_settings, tmp_path):
    app = make_app(qtbot, paths, no_model_settings)
    try:
        first = make_story(tmp_path / "one.wstory", "One")
        second = make_story(tmp_path / "two.wstory", "Two")
        QCoreApplication.postEvent(qapp, QFileOpenEvent(QUrl.fromLocalFile(str(first))))
        qtbot.waitUntil(lambda: app.stories.path == first, timeout=5000)
        QCoreApplication.postEvent(qapp, QFileOpenEvent(str(second)))
        qtbot.waitUntil(lambda: app.stories.path == second, timeout=5000)
    finally:
        app.shutdown()


def test_a_file_that_came_before_start_opens_at_start(
    qtbot, qapp, paths, no_model_settings, tmp_path
):
    from writer_desktop.ui.app import WriterApp

    story = make_story(tmp_path / "early.wstory", "Early")
    app = WriterApp(paths, no_model_settings)
    qtbot.addWidget(app.window)
    try:
        QCoreApplication.sendEvent(qapp, QFileOpenEvent(str(story)))
        assert not app.stories.is_open  # the window is not shown yet: the file waits
        app.start(open_last=False)
        assert app.stories.path == story
    finally:
        app.shutdown()


def test_a_remote_url_is_left_alone(qtbot, qapp, paths, no_model_settings):
    app = make_app(qtbot, paths, no_model_settings)
    try:
        event = QFileOpenEvent(QUrl("https://example.org/story.wstory"))
        assert app.file_open.eventFilter(qapp, event) is False
        assert not app.stories.is_open
    finally:
        app.shutdown()
