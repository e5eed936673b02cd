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
  CONTINUE_TOKENS tokens streamed), then Stop.

`ui_stall_max_ms` is the largest of them. `ui_busy_*_ms` are the GUI thread's own CPU
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
PHASES = ("start", "open", "archive", "chapter", "typing", "continue")


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
    results["ui_stall_max_ms"] = round(max(worst.values()), 1)
    busiest = {phase: heart.busiest.get(phase, 0.0) for phase in PHASES}
    results.update({f"ui_busy_{phase}_ms": round(ms, 1) for phase, ms in busiest.items()})
    results["ui_busy_max_ms"] = round(max(busiest.values()), 1)
    results["ui_stall_open_until_shown_ms"] = round(open_ms, 1)
    results["ui_stall_archived_during_phase"] = archived
    return results


if __name__ == "__main__":
    for name, value in bench_ui_stall().items():
        print(f"{name:32} {value:>10g}")
