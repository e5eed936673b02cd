"""--self-test: the real app, offscreen, writes a story with the model and reads it back."""

from __future__ import annotations

import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

SAMPLE_TEXT = (
    "The lighthouse keeper climbed the spiral stairs for the last time, "
    "counting each step as the storm gathered over the harbour."
)


def wait_until(predicate: Callable[[], bool], timeout_s: float) -> bool:
    """Run the Qt event loop until predicate() holds or the time is up."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)
    return True


def self_test(tokens: int = 16, timeout_s: float = 300.0) -> int:
    """Prints one line (also kept in the log folder: a windowed app has no console)."""
    lines: list[str] = []
    try:
        code = _run(tokens, timeout_s, lines.append)
    except Exception:
        lines.append("self-test failed:\n" + traceback.format_exc())
        code = 1
    for line in lines:
        print(line)
    _keep(lines)
    return code


def _keep(lines: list[str]) -> None:
    from writer_desktop.config import AppPaths

    try:
        log_dir = AppPaths.default().log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        (log_dir / "self-test.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError:
        pass


def _run(tokens: int, timeout_s: float, say: Callable[[str], None]) -> int:
    from PySide6.QtWidgets import QApplication

    from writer_desktop.config import AppPaths, load_settings
    from writer_desktop.storage import StoryStore
    from writer_desktop.ui.app import WriterApp, close_event_loop

    qt_app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="writer-self-test-") as tmp:
        root = Path(tmp)
        loaded = load_settings(None, env_file=None)
        app = WriterApp(AppPaths.under(root / "home"), loaded.settings)
        app.start(open_last=False)
        story_path = root / "self-test.wstory"
        try:
            if not app.window.new_story(story_path, "Self-test"):
                say("self-test failed: could not create a story")
                return 1
            app.window.editor.insertPlainText(SAMPLE_TEXT)
            app.window.characters.add_entry()
            app.window.characters.name_edit.setText("Mara")
            app.window.characters.role_edit.setText("lighthouse keeper")
            app.window.characters.save_current()

            if not wait_until(lambda: app.ai.model_state != "loading", timeout_s):
                say("self-test failed: the model did not load in time")
                return 1
            if app.ai.model_state != "ready":
                say(f"self-test failed: {app.ai.model_detail}")
                return 1
            results: list[object] = []
            app.ai.generation_finished.connect(results.append)
            app.ai.generation_failed.connect(results.append)
            if app.ai.continue_chapter(max_tokens=tokens) is None:
                say(f"self-test failed: Continue is unavailable ({app.ai.why_not_editor()})")
                return 1
            if not wait_until(lambda: bool(results), timeout_s):
                say("self-test failed: the generation did not finish in time")
                return 1
            result = results[0]
            if isinstance(result, str):
                say(f"self-test failed: {result}")
                return 1
            written = app.window.editor.chapter_text()  # as stored: paragraphs, emphasis
        finally:
            app.shutdown()
            qt_app.processEvents()
            # Joins the loop's worker threads (QThreads under qasync): a QThread still
            # running when Qt tears down aborts the process.
            close_event_loop(app.loop)

        archive_problem = _archive_check(root / "archive") or _import_check(root)
        if archive_problem:
            say(f"self-test failed: {archive_problem}")
            return 1

        store = StoryStore.open(story_path)
        try:
            chapters = store.chapters()
            characters = [c.name for c in store.characters()]
        finally:
            store.close()
        saved = chapters[0].content if chapters else ""
        generated = result.text.strip()  # type: ignore[attr-defined]
        problems = []
        if not generated:
            problems.append("the model produced no text")
        if saved != written or not saved.startswith(SAMPLE_TEXT):
            problems.append("the reopened chapter differs from the editor")
        if generated and " ".join(generated.split())[:20] not in " ".join(saved.split()):
            problems.append("the generated text is not in the saved chapter")
        if characters != ["Mara"]:
            problems.append(f"characters read back as {characters}")
        if problems:
            say("self-test failed: " + "; ".join(problems))
            return 1
        say(
            f"self-test ok: {result.completion_tokens} tokens in "  # type: ignore[attr-defined]
            f"{result.seconds:.2f} s"  # type: ignore[attr-defined]
        )
        return 0


RTF_SAMPLE = (
    r"{\rtf1\ansi{\fonttbl{\f0 Times;}}\f0 {\b Chapter 1}\par "
    r"The storm came in. {\i Mara} lit the lamp.\par {\b Chapter 2}\par "
    r"Morning found the harbour quiet.\par}"
)


def _import_check(root: Path) -> str | None:
    """A manuscript read as the app reads one: in the capped child process, by pandoc."""
    from writer_desktop.manuscripts import split_chapters
    from writer_desktop.manuscripts.isolation import read_isolated

    path = root / "sample.rtf"
    path.write_text(RTF_SAMPLE, encoding="ascii")
    chapters = split_chapters(read_isolated(path), path.stem)
    titles = [chapter.title for chapter in chapters]
    if titles != ["Chapter 1", "Chapter 2"] or "*Mara*" not in chapters[0].content:
        return f"the sample manuscript imported as {titles!r}"
    return None


def _archive_check(folder: Path) -> str | None:
    """The semantic archive (ChromaDB and the embedding model) finds a passage by meaning."""
    from writer_desktop.archive import ArchiveProcess

    with ArchiveProcess(folder) as archive:  # in its own process, as the app runs it
        archive.store_content_sync("storm", "The gale tore at the lighthouse all night long.")
        archive.store_content_sync("bread", "Tomas kneaded dough in the warm kitchen at dawn.")
        hits = archive.search_sync("a violent storm at sea", n_results=1)
    if not hits or hits[0].content_id != "storm":
        return "the archive did not find a passage by its meaning"
    return None
