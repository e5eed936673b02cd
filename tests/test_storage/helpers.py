"""Helpers for storage tests: child processes that hold or write a story, old-format files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from writer_desktop.storage.migrations import migrate

# A child that opens the story for writing, says "ready" and waits for a line on stdin.
HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from writer_desktop.storage import StoryStore
    store = StoryStore.open(Path(sys.argv[1]))
    print("ready", flush=True)
    sys.stdin.readline()
    store.close()
    print("closed", flush=True)
    """
)


def start_child(script: str, *args: str) -> subprocess.Popen:
    """Run `script` in a child Python with this repository importable."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=root,
        env=env,
    )


def expect_line(child: subprocess.Popen, expected: str) -> None:
    """Read the child's next line; fail with its stderr if it is not `expected`."""
    line = child.stdout.readline().strip()
    if line != expected:
        child.kill()
        raise AssertionError(f"child said {line!r}; stderr:\n{child.stderr.read()}")


def kill_hard(child: subprocess.Popen) -> None:
    """SIGKILL: no atexit, no finally, no close(); as a crash or a power-off of the process."""
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    for stream in (child.stdin, child.stdout, child.stderr):
        stream.close()


def old_story(path: Path, version: int, chapters: list[tuple[str, str]]) -> None:
    """A story file exactly as the app made it at schema `version`, with these chapters."""
    connection = sqlite3.connect(path)
    migrate(connection, target=version)
    connection.execute(
        "INSERT INTO story (id, title, created_at, updated_at) "
        "VALUES (1, 'Old', '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
    )
    for position, (title, content) in enumerate(chapters, start=1):
        connection.execute(
            "INSERT INTO chapters (position, title, content, updated_at) "
            "VALUES (?, ?, ?, '2025-01-01 00:00:00')",
            (position, title, content),
        )
    connection.commit()
    connection.close()
