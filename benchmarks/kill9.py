"""kill -9 while typing: the story file stays intact and autosave loses at most 1 s of typing.

A child app (tests/kill9_child.py) types into one story; at a random moment it gets SIGKILL.
Then the file is checked (SQLite's integrity check, the chapter a prefix of what was typed)
and the typing lost is measured; the next child reopens the same file and types on.
``python -m benchmarks.kill9 [rounds]`` prints a table of the rounds.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.kill9_child import story_text

CHILD = Path(__file__).resolve().parent.parent / "tests" / "kill9_child.py"
LOST_TARGET_S = 1.0  # the promise: a kill -9 loses at most 1 s of typing
KILL_WINDOW_S = (0.3, 6.0)  # when to kill, in seconds after the round's first key
START_TIMEOUT_S = 60.0
# What every child prints: offscreen Qt's complaint, and the missing model it was given.
EXPECTED_STDERR = ("propagateSizeHints", "model failed to load")


@dataclass(frozen=True)
class Kill9Round:
    """One child killed: what had been typed, what the file held afterwards."""

    index: int
    kill_after_s: float  # after the round's first key
    start: int  # chapter length when the child opened the story
    typed: int  # chapter length the child had typed (or was typing) when killed
    saved: int  # chapter length in the file after the kill
    lost_s: float
    problem: str  # "" when the file is intact
    child_said: str  # the child's stderr beyond EXPECTED_STDERR (a question, a lock error)

    @property
    def intact(self) -> bool:
        return not self.problem


def _read_log(path: Path) -> tuple[int, list[tuple[float, int]]]:
    """(chapter length at the start, [(time the key was pressed, length once it landed)]).
    A line cut short by the kill has no newline and is left out."""
    start, keys = 0, []
    for line in path.read_text(encoding="ascii").splitlines(keepends=True):
        if not line.endswith("\n"):
            continue
        fields = line.split()
        if fields[0] == "start":
            start = int(fields[2])
        else:
            keys.append((float(fields[0]), int(fields[1])))
    return start, keys


def check_story(path: Path, text: str, start: int, typed: int) -> tuple[int, str]:
    """(chapter length in the file, what is wrong with the file or "")."""
    from writer_desktop.storage import StoryFileError, StoryStore

    # SQLite first, before the app's code touches the file (a fresh connection also replays
    # the write-ahead log the killed process left, as the app does on its next start).
    connection = sqlite3.connect(path)
    try:
        verdict = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.Error as exc:
        return 0, f"sqlite: {exc}"
    finally:
        connection.close()
    if verdict != ["ok"]:
        return 0, f"integrity_check: {'; '.join(verdict)[:200]}"
    try:
        store = StoryStore.open(path)
    except StoryFileError as exc:
        return 0, f"{type(exc).__name__}: {exc}"
    try:
        chapters = store.chapters()
    finally:
        store.close()
    if len(chapters) != 1:
        return 0, f"{len(chapters)} chapters, not 1"
    content = chapters[0].content
    saved = len(content)
    if content != text[:saved]:
        return saved, "the chapter is not a prefix of the typed text"
    if saved < start:
        return saved, f"the chapter shrank from {start} to {saved} characters"
    if saved > typed:
        return saved, f"{saved} characters saved but only {typed} typed"
    return saved, ""


def lost_seconds(keys: list[tuple[float, int]], saved: int, killed_at: float) -> float:
    """How old the oldest unsaved keystroke was when the process died (0 when none was).

    Measured from the first key *not* in the file, not the last one in it: an author who
    pauses for 3 s, saves by pausing, and is killed 0.1 s into the next word loses 0.1 s.
    Both clocks err on the side of a larger loss: a key's time is taken before the key is
    pressed, and the kill's after kill() returns.
    """
    for pressed_at, length in keys:
        if length == saved + 1:
            return max(0.0, killed_at - pressed_at)
    return 0.0


def run_round(index: int, folder: Path, rng: random.Random) -> Kill9Round:
    """Start a child on `folder`/story.wstory, kill it at a random moment, check the file."""
    story, log = folder / "story.wstory", folder / f"keys-{index}.log"
    errors = folder / f"child-{index}.err"
    kill_after = rng.uniform(*KILL_WINDOW_S)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with errors.open("wb") as stderr:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(story), str(log), str(folder / "home")]
            + ["--seed", str(rng.randrange(1 << 30))],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            keys: list[tuple[float, int]] = []
            while not keys:
                if child.poll() is not None:
                    raise RuntimeError(
                        f"round {index}: the child ended ({child.returncode}) before typing: "
                        + errors.read_text(errors="replace")[-2000:]
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(f"round {index}: the child did not start typing")
                time.sleep(0.01)
                keys = _read_log(log)[1] if log.exists() else []
            time.sleep(max(0.0, keys[0][0] + kill_after - time.monotonic()))
            if child.poll() is not None:
                raise RuntimeError(f"round {index}: the child ended ({child.returncode}) early")
            os.kill(child.pid, signal.SIGKILL)
            killed_at = time.monotonic()
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
    start, keys = _read_log(log)
    typed = keys[-1][1] if keys else start
    saved, problem = check_story(story, story_text(), start, typed)
    said = errors.read_text(encoding="utf-8", errors="replace").splitlines()
    return Kill9Round(
        index=index,
        kill_after_s=killed_at - keys[0][0],
        start=start,
        typed=typed,
        saved=saved,
        lost_s=lost_seconds(keys, saved, killed_at),
        problem=problem,
        child_said="\n".join(
            line for line in said if not any(known in line for known in EXPECTED_STDERR)
        ),
    )


def run_rounds(rounds: int, folder: Path, seed: int = 9) -> list[Kill9Round]:
    """`rounds` children in a row on one story file, each killed at a seeded random moment."""
    rng = random.Random(seed)
    return [run_round(index, folder, rng) for index in range(1, rounds + 1)]


def table(results: list[Kill9Round]) -> str:
    """One line per round, for people."""
    lines = [
        f"{'round':>5}  {'kill at s':>9}  {'typed':>5}  {'saved':>5}  {'unsaved':>7}  "
        f"{'lost s':>6}  intact"
    ]
    for r in results:
        lines.append(
            f"{r.index:>5}  {r.kill_after_s:>9.3f}  {r.typed - r.start:>5}  "
            f"{r.saved - r.start:>5}  {r.typed - r.saved:>7}  {r.lost_s:>6.3f}  "
            f"{'yes' if r.intact else 'NO: ' + r.problem}"
        )
    return "\n".join(lines)


def summary(results: list[Kill9Round]) -> dict[str, float]:
    lost = [r.lost_s for r in results]
    return {
        "kill9_rounds": len(results),
        "kill9_intact": sum(r.intact for r in results),
        "kill9_lost_s_max": round(max(lost), 3),
        "kill9_lost_s_median": round(statistics.median(lost), 3),
    }


def bench_kill9(rounds: int = 20) -> dict[str, float]:
    """kill -9 at `rounds` random moments of typing: how many files were intact, how much
    typing (seconds) was lost at worst and typically."""
    with tempfile.TemporaryDirectory(prefix="kill9-") as tmp:
        return summary(run_rounds(rounds, Path(tmp)))


def main(argv: list[str]) -> int:
    rounds = int(argv[0]) if argv else 20
    with tempfile.TemporaryDirectory(prefix="kill9-") as tmp:
        started = time.monotonic()
        results = run_rounds(rounds, Path(tmp))
        print(table(results))
        for r in results:
            if r.child_said:
                print(f"round {r.index}, the child said: {r.child_said}")
        figures = summary(results)
        print(
            f"intact {figures['kill9_intact']}/{rounds}, lost s max {figures['kill9_lost_s_max']}"
            f" median {figures['kill9_lost_s_median']} (target <= {LOST_TARGET_S:g}); "
            f"{time.monotonic() - started:.1f} s"
        )
    return 0 if figures["kill9_intact"] == rounds else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
