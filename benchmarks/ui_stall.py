"""How long the GUI thread stops answering while the author works on a real 150,000-word story.

A 5 ms QTimer heartbeat runs on the GUI thread of the real window (WriterApp, built by
build_core as the app and the tests build it, with the real default model and the archive
on). The longest gap between two beats is how long the window froze. Phases, one after
another, each with its own maximum:

- start: the window is up and the model loads behind it;
- open: File > Open of the real story (benchmarks/real_story.py), and the archive starting
  to index it;
- archive: the archive indexing the story while the author reads (ARCHIVE_PHASE_S seconds;
  it goes on through the later phases);
- chapter: the 4,555-word last chapter chosen in the binder and shown;
- typing: a sentence typed at the end of that chapter, key by key (QTest), then the autosave
  and word counts;
- continue: Continue chapter streaming into the editor (its prompt assembled, evaluated,
  CONTINUE_TOKENS tokens streamed), then Stop;
- modify: the Modify dialog over a real 5,168-word chapter (benchmarks/diff_bench.py): the
  rewrite streamed into it in pieces (written by diff_bench, not the model: a 5,000-word
  rewrite does not fit the default model's context), compared with the chapter and shown as
  changes to tick;
- import: File > Import of a Word file of a real novel (Pride and Prejudice, 122,000 words,
  formatted as a Word user formats it), its preview shown, accepted as a new story and
  opened.

`ui_stall_max_ms` is the largest of the phases the issue names (open, archive, chapter,
typing, continue, modify, import); `ui_stall_start_ms` (the model loading behind a fresh
window) is reported beside it. `ui_busy_*_ms` are the GUI thread's own CPU
time within one gap (time.thread_time): the work our code does on it, which stays
meaningful on a shared machine where the wall-clock gaps also hold time spent waiting for
a CPU or for the GIL. The waits between steps run a real Qt event loop
(no busy polling, no sleeps on the GUI thread), so the heartbeat sees what an author sees.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HEARTBEAT_MS = 5
ARCHIVE_PHASE_S = 15.0
CONTINUE_TOKENS = 16
TYPED = " She stood at the window a long while, and heard the footsteps coming."
KEY_INTERVAL_MS = 40  # a fast typist: 25 keys a second
PHASES = ("start", "open", "archive", "chapter", "typing", "continue", "modify", "import")
COUNTED = PHASES[1:]  # ui_stall_max_ms: what the author does once the window is up
MODIFY_PIECES = 40  # the rewrite arrives in this many pieces, MODIFY_PIECE_MS apart
MODIFY_PIECE_MS = 50
IMPORTED_NOVEL = "pride-and-prejudice"


class Heartbeat:
    """A 5 ms timer on the GUI thread; records the largest gap between beats per phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.phase = "idle"
        self.worst: dict[str, float] = {}
        # The GUI thread's own CPU time between two beats: the work done on it, apart from
        # waiting for a CPU (or the GIL) on a machine others share.
        self.busiest: dict[str, float] = {}
        self._cpu = time.thread_time()
        self._last = time.perf_counter()
        self.last = self._last  # read by the sampler's thread
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(HEARTBEAT_MS)
        self._timer.timeout.connect(self._beat)

    def start(self) -> None:
        self._last = self.last = time.perf_counter()
        self._cpu = time.thread_time()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def enter(self, phase: str) -> None:
        """Gaps from now on count for `phase` (a gap is counted where it ends)."""
        self.phase = phase
        self.worst.setdefault(phase, 0.0)

    def _beat(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap = (now - self._last) * 1000
        busy = (cpu - self._cpu) * 1000
        self._last = self.last = now
        self._cpu = cpu
        if gap > self.worst.get(self.phase, 0.0):
            self.worst[self.phase] = gap
        if busy > self.busiest.get(self.phase, 0.0):
            self.busiest[self.phase] = busy


class StallSampler:
    """A watchdog thread: while the heartbeat is late by more than `late_ms`, it samples
    the GUI thread's stack every `every_ms`, so a stall can be traced to the code that
    held the thread (or to none: then the thread was only waiting for a CPU)."""

    def __init__(self, heart: Heartbeat, late_ms: float = 60, every_ms: float = 10) -> None:
        import threading

        self.heart = heart
        self.late_ms, self.every_ms = late_ms, every_ms
        self.samples: dict[str, int] = {}
        self.others: dict[str, int] = {}  # where the other threads were meanwhile
        self._gui = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="stall-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        import sys
        import threading
        import traceback

        while not self._stop.wait(self.every_ms / 1000):
            if (time.perf_counter() - self.heart.last) * 1000 < self.late_ms:
                continue
            frames = sys._current_frames()
            frame = frames.get(self._gui)
            if frame is None:
                continue
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, other in frames.items():
                if ident in (self._gui, threading.get_ident()):
                    continue
                top = next(
                    (
                        f"{Path(f.filename).name}:{f.lineno} {f.name}"
                        for f in reversed(traceback.extract_stack(other))
                        if "writer_desktop" in f.filename or "site-packages" in f.filename
                    ),
                    "?",
                )
                key = f"{self.heart.phase}: thread {names.get(ident, ident)} at {top}"
                self.others[key] = self.others.get(key, 0) + 1
            ours = [
                f"{Path(f.filename).name}:{f.lineno} {f.name}"
                for f in traceback.extract_stack(frame)
                if "writer_desktop" in f.filename or "site-packages" in f.filename
            ]
            where = " < ".join(reversed(ours[-4:])) or "(waiting in Qt)"
            key = f"{self.heart.phase}: {where}"
            self.samples[key] = self.samples.get(key, 0) + 1

    def top(self, n: int = 12) -> list[tuple[str, float]]:
        """Where the GUI thread was while late: (place, milliseconds), most first."""
        ranked = sorted(self.samples.items(), key=lambda item: -item[1])[:n]
        return [(place, count * self.every_ms) for place, count in ranked]


def pump(ms: float) -> None:
    """Run the Qt event loop (and with it qasync's) for `ms` milliseconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(ms), loop.quit)
    loop.exec()


def pump_until(predicate, timeout_s: float, poll_ms: int = 20) -> bool:
    """Run the event loop until predicate() holds (checked every `poll_ms`) or time is up."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(poll_ms)

    def check() -> None:
        if predicate() or time.monotonic() > deadline:
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    if not predicate():
        loop.exec()
    poll.stop()
    return bool(predicate())


def _modify_dialog(window) -> int:
    """The Modify dialog over a real 5,000-word chapter, as the AI menu opens it: the rewrite
    streams in, is compared off the GUI thread and shown; how many changes it offers."""
    from benchmarks.diff_bench import real_chapter, rewrite_of
    from writer_desktop.ui.modify_dialog import ModifyDialog
    from writer_desktop.ui.tasks import spawn

    passage = real_chapter()
    rewrite = rewrite_of(passage)
    dialog = ModifyDialog(passage, "Tighten the prose", window)
    dialog.show()
    step = len(rewrite) // MODIFY_PIECES + 1
    for start in range(0, len(rewrite), step):
        dialog.add_token(rewrite[start : start + step])
        pump(MODIFY_PIECE_MS)
    finishing = spawn(dialog.finish(rewrite))
    assert pump_until(finishing.done, 60), "the comparison did not finish"
    finishing.result()
    pump(1000)  # laid out and painted
    changes = len(dialog.changes)
    dialog.reject_all()
    pump(300)
    return changes


def _word_file_of_novel(root: Path) -> Path:
    """A .docx of a real novel as a Word user formats one (python-docx)."""
    from tests.test_manuscripts.corpus import parse_book, word_user_docx

    path = root / f"{IMPORTED_NOVEL}.docx"
    word_user_docx(parse_book(IMPORTED_NOVEL), path, contents=False, two_line=False)
    return path


def _import_as_new_story(window, path: Path, story: Path) -> int:
    """File > Import of `path`: read, previewed, accepted as a new story (saved as `story`,
    the path the author would choose) and opened; how many chapters it has."""
    previews: list = []
    window.manuscripts.preview_shown.connect(previews.append)
    reading = window.manuscripts.import_file(path)
    assert pump_until(lambda: bool(previews), 120), "no preview"
    reading.result()
    pump(500)  # the preview is read by the author
    dialog = previews[0]
    writing = window.manuscripts.apply(dialog, dialog.preview, new_story_path=story)
    assert writing is not None and pump_until(writing.done, 120) and writing.result()
    dialog.close()
    pump(1500)
    return len(window.stories.chapters())


def bench_ui_stall() -> dict[str, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from benchmarks.real_story import copy_of_story
    from writer_desktop.config import AppPaths, load_settings
    from writer_desktop.ui.app import WriterApp
    from writer_desktop.ui.tasks import spawn

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="ui-stall-") as tmp:
        root = Path(tmp)
        story = copy_of_story(root)
        novel = _word_file_of_novel(root)  # before the heartbeat: made on this thread
        archive = os.environ.get("UI_STALL_ARCHIVE", "1") != "0"  # 0: measure without it
        settings = load_settings(None, env_file=None).settings.model_copy(
            update={"archive_db_path": str(root / "archive") if archive else ""}
        )
        heart = Heartbeat()
        writer_app = WriterApp(AppPaths.under(root / "home"), settings)
        window = writer_app.window
        heart.start()
        sampler = StallSampler(heart)
        sampler.start()
        try:
            heart.enter("start")
            writer_app.start(open_last=False)
            window.show()
            assert pump_until(lambda: writer_app.ai.model_state != "loading", 180)
            assert writer_app.ai.model_state == "ready", writer_app.ai.model_detail
            pump(300)

            heart.enter("open")
            started = time.perf_counter()
            opening = spawn(window.open_story_async(story))  # as File > Open and Recent do
            assert pump_until(opening.done, 60) and opening.result()
            open_ms = (time.perf_counter() - started) * 1000
            pump(500)

            heart.enter("archive")
            indexer = writer_app.core.archive
            pump_until(lambda: not indexer.progress.busy, ARCHIVE_PHASE_S)
            archived = indexer.progress.done

            heart.enter("chapter")
            last = window.stories.chapters()[-1]
            assert last.id is not None
            window.binder.select_chapter(last.id)
            pump(500)
            assert window.editor.chapter_id == last.id

            heart.enter("typing")
            editor = window.editor
            editor.setFocus()
            editor.moveCursor(QTextCursor.MoveOperation.End)
            for char in TYPED:
                QTest.keyClick(editor, char, Qt.KeyboardModifier.NoModifier)
                pump(KEY_INTERVAL_MS)
            pump(3000)  # the autosave and the word counts
            assert editor.toPlainText().endswith(TYPED)

            heart.enter("continue")
            streamed: list[str] = []
            writer_app.ai.token_streamed.connect(streamed.append)
            task = writer_app.ai.continue_chapter()  # the writer's own max tokens, as in the app
            assert task is not None
            pump_until(lambda: len(streamed) >= CONTINUE_TOKENS or task.done(), 1200)
            writer_app.ai.stop()  # the author has read enough
            assert pump_until(task.done, 600), "Continue did not stop"
            task.result()
            assert streamed, window.statusBar().currentMessage()
            pump(500)

            heart.enter("modify")
            modified = _modify_dialog(window)
            assert modified > 100, modified  # changes offered

            # The hard case: the chapter summaries queued by Continue are running meanwhile.
            model_jobs = len(writer_app.core.jobs.live())
            heart.enter("import")
            imported = _import_as_new_story(window, novel, root / "imported.wstory")
            assert imported > 50, imported  # chapters
        finally:  # a failed phase still reports the phases before it
            heart.stop()
            sampler.stop()
            print("ui_stall phases so far:", heart.worst, flush=True)
            for place, ms in sampler.top():
                print(f"  late GUI thread, {ms:7.0f} ms at {place}", flush=True)
            for place, count in sorted(sampler.others.items(), key=lambda i: -i[1])[:12]:
                print(f"  meanwhile {count:4d} x {place}", flush=True)
            writer_app.shutdown()
    del app
    worst = {phase: heart.worst.get(phase, 0.0) for phase in PHASES}
    results = {f"ui_stall_{phase}_ms": round(ms, 1) for phase, ms in worst.items()}
    results["ui_stall_max_ms"] = round(max(worst[phase] for phase in COUNTED), 1)
    busiest = {phase: heart.busiest.get(phase, 0.0) for phase in PHASES}
    results.update({f"ui_busy_{phase}_ms": round(ms, 1) for phase, ms in busiest.items()})
    results["ui_busy_max_ms"] = round(max(busiest.values()), 1)
    results["ui_stall_open_until_shown_ms"] = round(open_ms, 1)
    results["ui_stall_archived_during_phase"] = archived
    results["ui_stall_import_model_jobs_live"] = model_jobs
    return results


if __name__ == "__main__":
    for name, value in bench_ui_stall().items():
        print(f"{name:32} {value:>10g}")
