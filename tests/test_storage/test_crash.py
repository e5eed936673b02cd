"""A story killed mid-write reopens with every committed save."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from writer_desktop.storage import StoryStore

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from writer_desktop.storage import StoryStore
    store = StoryStore.open(Path(sys.argv[1]))
    chapter_id = store.chapters()[0].id
    i = 0
    while True:
        i += 1
        store.save_chapter_text(chapter_id, f"draft {i} " + "word " * 5000)
        print(i, flush=True)
    """
)


def test_kill_during_autosaves_leaves_the_last_committed_text(tmp_path):
    path = tmp_path / "crash.wstory"
    store = StoryStore.create(path)
    store.add_chapter("One", "start")
    store.close()

    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    last = 0
    deadline = time.monotonic() + 30
    while last < 20 and time.monotonic() < deadline:
        last = int(child.stdout.readline())
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert last >= 20

    reopened = StoryStore.open(path)
    try:
        content = reopened.chapters()[0].content
    finally:
        reopened.close()
    saved = int(content.split()[1])
    assert saved >= last  # nothing the writer saw committed was lost
    assert content == f"draft {saved} " + "word " * 5000
