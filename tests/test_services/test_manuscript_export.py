"""Export off the event loop's thread: the whole story written as a real file, read back."""

from __future__ import annotations

import threading

from tests.conftest import run_async
from writer_desktop.services import build_core


def test_export_async_writes_the_story_on_another_thread(
    tmp_path, paths, settings, gui_loop, monkeypatch
):
    import writer_desktop.services.manuscript_service as module

    core = build_core(settings, paths)
    stories = core.stories
    stories.new_story(tmp_path / "s.wstory", "Two Chapters")
    for title, text in (("One", "The door opened."), ("Two", "Nobody came in.")):
        chapter = stories.add_chapter(title)
        stories.save_chapter_text(chapter.id, text)
    threads = []
    write = module.export_manuscript

    def writing(*args):
        threads.append(threading.current_thread())
        return write(*args)

    monkeypatch.setattr(module, "export_manuscript", writing)
    try:
        written = run_async(core.manuscripts.export_async(tmp_path / "out.md"))
        one = run_async(
            core.manuscripts.export_async(tmp_path / "one.md", stories.chapters()[1].id)
        )
    finally:
        core.shutdown()
    assert threads and all(t is not threading.main_thread() for t in threads)
    text = written.read_text(encoding="utf-8")
    assert "The door opened." in text and "Nobody came in." in text
    assert "Nobody came in." in one.read_text(encoding="utf-8")
    assert "The door opened." not in one.read_text(encoding="utf-8")
