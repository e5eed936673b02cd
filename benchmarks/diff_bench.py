"""Diff benchmark: a real 5,000-word chapter against a realistic rewrite of it, compared the
way the Modify and History dialogs compare them.

The chapter is chapter 18 of Pride and Prejudice (tests/files/novels, 5,168 words), its
paragraphs unwrapped as the importer stores them. The rewrite is made deterministically, the
way a model's "tighten the prose" pass reads: every 7th sentence reworded (words dropped,
replaced and swapped), one paragraph in 12 moved further on, one in 15 deleted, and a new
sentence added to one in 10. ``modify_diff_5k_words_ms`` is the median time of the service
call the dialog awaits (off the GUI thread), ``modify_diff_5k_words_cpu_ms`` its CPU time
(the same on an idle machine; less than the wall time on a busy one), and
``modify_diff_5k_words_show_ms`` the GUI thread's own share, filling a real Modify dialog
with the result (before Qt lays it out and paints it).
"""

from __future__ import annotations

import os
import random
import re
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOVEL = ROOT / "tests" / "files" / "novels" / "pride-and-prejudice.txt"
CHAPTER = 18  # 5,168 words: the ball at Netherfield
HEADING = r"^Chapter \d+$"
SEED = 17

_SENTENCE = re.compile(r"(?<=[.!?”])\s+")
_WORD = re.compile(r"\w+")
_ADDED = [
    "The room seemed suddenly too warm.",
    "Nobody noticed the music falter.",
    "She felt the evening turn against her.",
    "It was not the first time that night.",
]


def real_chapter(number: int = CHAPTER, novel: Path = NOVEL, heading: str = HEADING) -> str:
    """One chapter of a Gutenberg novel as the importer stores it: paragraphs unwrapped,
    separated by blank lines."""
    text = novel.read_text(encoding="utf-8")
    marks = list(re.finditer(heading, text, re.MULTILINE))
    end = marks[number].start() if number < len(marks) else len(text)
    body = text[marks[number - 1].end() : end].strip()
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]
    return "\n\n".join(paragraphs)


def _reword(sentence: str, rng: random.Random, vocabulary: list[str]) -> str:
    words = sentence.split(" ")
    if len(words) < 4:
        return sentence
    for _ in range(max(1, len(words) // 6)):  # replace about one word in six
        at = rng.randrange(len(words))
        if _WORD.fullmatch(words[at]):
            words[at] = rng.choice(vocabulary)
    del words[rng.randrange(1, len(words) - 1)]  # drop one
    at = rng.randrange(len(words) - 1)  # swap two neighbours
    words[at], words[at + 1] = words[at + 1], words[at]
    return " ".join(words)


def rewrite_of(chapter: str, seed: int = SEED, moves: bool = True) -> str:
    """A deterministic, model-like rewrite of `chapter` (see the module docstring); without
    `moves` every paragraph stays in its place (a rewrite made in one pass, in order)."""
    rng = random.Random(seed)
    vocabulary = sorted(set(_WORD.findall(chapter)))
    paragraphs = chapter.split("\n\n")
    counter = 0
    rewritten = []
    for index, paragraph in enumerate(paragraphs):
        if index % 15 == 14:
            continue  # deleted
        sentences = _SENTENCE.split(paragraph)
        out = []
        for sentence in sentences:
            counter += 1
            out.append(_reword(sentence, rng, vocabulary) if counter % 7 == 0 else sentence)
        if index % 10 == 3:
            out.insert(rng.randrange(len(out) + 1), rng.choice(_ADDED))
        rewritten.append(" ".join(out))
    for index in range(0, len(rewritten) - 4 if moves else 0, 12):  # three places on
        rewritten.insert(index + 3, rewritten.pop(index))
    return "\n\n".join(rewritten)


def bench_diff(runs: int = 5) -> dict[str, float]:
    """The 5,000-word Modify diff: the service's comparison, and the dialog's GUI share."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from writer_desktop.services.revision import compare_rewrite
    from writer_desktop.ui.modify_dialog import ModifyDialog

    chapter = real_chapter()
    rewrite = rewrite_of(chapter)
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        comparison = compare_rewrite(chapter, rewrite)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)

    app = QApplication.instance() or QApplication([])
    shows = []
    for _ in range(runs):
        dialog = ModifyDialog(chapter, "Tighten the prose")
        started = time.perf_counter()
        dialog.show_comparison(comparison)
        shows.append((time.perf_counter() - started) * 1000)
        dialog.deleteLater()
        app.processEvents()
    return {
        "modify_diff_5k_words_ms": round(statistics.median(times), 1),
        # The CPU time alone: on a machine shared with other work, wall time includes waits.
        "modify_diff_5k_words_cpu_ms": round(statistics.median(cpu), 1),
        "modify_diff_5k_words_changes": len(comparison.changes),
        "modify_diff_5k_words_show_ms": round(statistics.median(shows), 1),
    }
