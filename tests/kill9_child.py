"""A real app, offscreen, typing into a story like a person until it is killed (kill -9 tests).

Run as a script: ``python tests/kill9_child.py STORY LOG HOME [--seed N] [--seconds S]``.
The story is created, or opened and typed on at its end, so kills in a row accumulate one
text: the story's chapter is always a prefix of ``story_text()``. Before each keystroke one
line ``<time.monotonic()> <chapter length once the key lands>`` is appended to LOG and
fsync'd, so the process that kills this one knows what had been typed, and when.
CLOCK_MONOTONIC is one clock for every process on the machine, so the two sides compare.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

WORDS = [
    "the",
    "harbour",
    "light",
    "storm",
    "keeper",
    "boat",
    "rope",
    "salt",
    "wind",
    "night",
    "door",
    "stair",
    "lamp",
    "glass",
    "sea",
    "gull",
    "tide",
    "rock",
    "voice",
    "hand",
    "cold",
    "quiet",
    "old",
    "letter",
    "kettle",
    "window",
    "shore",
    "morning",
]
STORY_TITLE = "Kill nine"
EXIT_CANNOT_OPEN = 3
EXIT_EDITOR_DIFFERS = 4


def story_text(chars: int = 40_000) -> str:
    """The one text every child types, the same on every run: seeded words, sentences of
    4 to 12 words, a paragraph break every few sentences."""
    rng = random.Random(9)
    parts: list[str] = []
    length = 0
    while length < chars:
        paragraph = []
        for _ in range(rng.randint(2, 5)):
            words = rng.choices(WORDS, k=rng.randint(4, 12))
            paragraph.append(" ".join(words).capitalize() + ".")
        part = " ".join(paragraph) + "\n"
        parts.append(part)
        length += len(part)
    return "".join(parts)[:chars]


def pause_after(char: str, rng: random.Random) -> float:
    """Seconds before the next key: 8 to 15 keys a second, a breath between some words (often
    shorter than the autosave delay, so saving must not wait for quiet) and a longer one
    after a sentence."""
    gap = rng.uniform(1 / 15, 1 / 8)
    if char == " " and rng.random() < 0.15:
        gap += rng.uniform(0.2, 1.2)
    elif char in ".\n":
        gap += rng.uniform(0.4, 1.8)
    return gap


class Typist:
    """Presses the keys of `text` into the editor from `start` on, one per Qt timer tick."""

    def __init__(self, editor, text: str, start: int, log_fd: int, rng, until: float) -> None:
        self.editor = editor
        self.text = text
        self.position = start
        self.log_fd = log_fd
        self.rng = rng
        self.until = until

    def press_next(self) -> None:
        from PySide6.QtCore import QCoreApplication, Qt, QTimer
        from PySide6.QtTest import QTest

        if self.position >= len(self.text) or time.monotonic() > self.until:
            QCoreApplication.quit()
            return
        char = self.text[self.position]
        # Logged before the key is pressed: a kill in between counts the key as typed and
        # unsaved, never as saved-but-unknown.
        os.write(self.log_fd, f"{time.monotonic():.6f} {self.position + 1}\n".encode())
        os.fsync(self.log_fd)
        if char == "\n":
            QTest.keyClick(self.editor, Qt.Key.Key_Return)
        else:
            QTest.keyClicks(self.editor, char)
        self.position += 1
        if self.editor.toPlainText() != self.text[: self.position]:
            print(f"the editor does not hold the typed text at {self.position}", file=sys.stderr)
            os._exit(EXIT_EDITOR_DIFFERS)
        QTimer.singleShot(round(pause_after(char, self.rng) * 1000), self.press_next)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("story", type=Path)
    parser.add_argument("log", type=Path)
    parser.add_argument("home", type=Path)
    parser.add_argument("--seed", type=int, default=0, help="the typing rhythm")
    parser.add_argument("--seconds", type=float, default=120.0, help="stop typing after this")
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QApplication, QMessageBox

    from writer_desktop.config import AppPaths, Settings
    from writer_desktop.ui.app import WriterApp, close_event_loop

    def tell(_parent, title, text, *_args, **_kwargs):  # no one is there to click a box
        print(f"{title}: {text}", file=sys.stderr, flush=True)
        return QMessageBox.StandardButton.Ok

    def ask(_parent, title, text, *_args, **_kwargs):  # e.g. text kept after a crash
        print(f"{title}: {text} (answered No)", file=sys.stderr, flush=True)
        return QMessageBox.StandardButton.No

    QMessageBox.warning = tell  # type: ignore[method-assign]
    QMessageBox.critical = tell  # type: ignore[method-assign]
    QMessageBox.question = ask  # type: ignore[method-assign]

    qt_app = QApplication([sys.argv[0]])
    # A model file that is not there: the model fails at once and writing goes on without it.
    settings = Settings.model_validate({"model_path": str(args.home / "no-model.gguf")})
    app = WriterApp(AppPaths.under(args.home), settings)
    app.start(open_last=False)
    window = app.window
    if args.story.exists():
        opened = window.open_story(args.story)
    else:
        opened = window.new_story(args.story, STORY_TITLE)
    if not opened or window.editor.chapter_id is None:
        print(f"cannot open {args.story}", file=sys.stderr)
        return EXIT_CANNOT_OPEN
    text = story_text()
    editor = window.editor
    start = len(editor.toPlainText())
    if editor.toPlainText() != text[:start]:
        print("the story does not hold a prefix of the text", file=sys.stderr)
        return EXIT_EDITOR_DIFFERS
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.setFocus()

    log_fd = os.open(args.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.write(log_fd, f"start {time.monotonic():.6f} {start}\n".encode())
    os.fsync(log_fd)
    typist = Typist(
        editor, text, start, log_fd, random.Random(args.seed), time.monotonic() + args.seconds
    )
    QTimer.singleShot(0, typist.press_next)
    qt_app.exec()  # the app's own loop: autosave's timers run as they do for an author
    app.shutdown()
    close_event_loop(app.loop)
    os.close(log_fd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
