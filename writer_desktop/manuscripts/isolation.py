"""Reading a manuscript in a child process with a time and memory cap.

A hostile or broken file can at worst use up the child: it is killed when the time
limit passes, when its address space would pass the memory limit (RLIMIT_AS, Linux and
macOS), or when the author cancels. The child prints its blocks as JSON on stdout.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from writer_desktop.manuscripts import limits
from writer_desktop.manuscripts.readers import Block, ManuscriptError, read_manuscript

CHILD_FLAG = "--read-manuscript-child"
MEMORY_ENV = "WRITER_READ_MEMORY_MB"
CPU_ENV = "WRITER_READ_CPU_S"


def child_command() -> list[str]:
    """How to start the reading child: this module under Python, or the frozen app itself
    (which has no `-m`) with the flag its entry point hands on to _main."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG]
    return [sys.executable, "-m", "writer_desktop.manuscripts.isolation"]


class ReadJob:
    """One manuscript being read by a child process; wait() for its blocks, kill() to
    stop it (and anything it started, such as pandoc) at once."""

    def __init__(
        self,
        path: Path,
        reader: str | None = None,
        time_limit_s: float = limits.TIME_LIMIT_S,
        memory_limit_mb: int = limits.MEMORY_LIMIT_MB,
    ) -> None:
        self.path = Path(path)
        self.time_limit_s = time_limit_s
        self.memory_limit_mb = memory_limit_mb
        self.rusage = None
        self.killed = False
        command = [*child_command(), str(self.path)]
        if reader:
            command.append(reader)
        # The caps travel in the environment and the child sets them on itself first thing
        # (no preexec_fn: running Python between fork and exec deadlocks in a process with
        # threads, as the app and its tests are).
        env = {
            **os.environ,
            MEMORY_ENV: str(self.memory_limit_mb),
            CPU_ENV: str(int(self.time_limit_s) + 1),
        }
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,  # its own process group: kill() reaches pandoc too
        )

    def kill(self) -> None:
        """Stop the child and its own children; safe to call more than once."""
        self.killed = True
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.process.kill()

    def wait(self) -> list[Block]:
        """The blocks, or ManuscriptError naming the limit the file ran into."""
        name = self.path.name
        try:
            out, err = self.process.communicate(timeout=self.time_limit_s)
        except subprocess.TimeoutExpired:
            self.kill()
            self.process.communicate()
            raise ManuscriptError(
                f"{name} took longer than {self.time_limit_s:g} s to read (time limit); "
                "it may be damaged or built to stall the app."
            ) from None
        if self.killed:
            raise ManuscriptError(f"Reading {name} was cancelled.")
        code = self.process.returncode
        if code != 0 or not out:
            tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            if code in (-signal.SIGXCPU, -signal.SIGKILL) or "MemoryError" in "".join(tail):
                raise ManuscriptError(
                    f"{name} needed more than {self.memory_limit_mb} MB of memory or "
                    f"{self.time_limit_s:g} s to read (memory and time limits)."
                )
            raise ManuscriptError(
                f"{name} could not be read (the reader stopped: {tail[0] if tail else code})."
            )
        answer = json.loads(out)
        if "error" in answer:
            raise ManuscriptError(answer["error"])
        return [Block(*row) for row in answer["blocks"]]


def read_isolated(path: Path, reader: str | None = None, **caps) -> list[Block]:
    """read_manuscript in a child process, capped in time and memory."""
    return ReadJob(path, reader, **caps).wait()


def peak_rss_mb(path: Path) -> tuple[float, float, str]:
    """(peak memory in MB of the reading child and what it started, seconds, outcome)
    for one file, measured from a fresh interpreter: the benchmarks' measure."""
    script = (
        "import json, resource, sys, time\n"
        "from writer_desktop.manuscripts.isolation import read_isolated\n"
        "from writer_desktop.manuscripts.readers import ManuscriptError\n"
        "start = time.perf_counter(); outcome = 'ok'\n"
        "try:\n    read_isolated(sys.argv[1])\n"
        "except ManuscriptError as exc:\n    outcome = str(exc)\n"
        "seconds = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps([peak, seconds, outcome]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    peak, seconds, outcome = json.loads(done.stdout)
    return peak, seconds, outcome


# The reading child runs below the app's priority: a novel's parse takes a core for a
# second or two, and the window must get the CPU first whenever it has work.
READER_NICENESS = 10


def _limit_self() -> None:
    """The caps the parent asked for, on this process and whatever it starts (pandoc)."""
    if os.name != "posix":
        return
    import resource

    with contextlib.suppress(OSError):
        os.nice(READER_NICENESS)

    memory_mb = int(os.environ.get(MEMORY_ENV, limits.MEMORY_LIMIT_MB))
    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    seconds = int(os.environ.get(CPU_ENV, int(limits.TIME_LIMIT_S) + 1))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def _main(argv: list[str]) -> int:
    _limit_self()
    path = Path(argv[0])
    reader = argv[1] if len(argv) > 1 else None
    try:
        blocks = read_manuscript(path, reader)
    except ManuscriptError as exc:
        answer: dict = {"error": str(exc)}
    except MemoryError:
        answer = {
            "error": f"{path.name} needed more than {limits.MEMORY_LIMIT_MB} MB of memory "
            "to read (memory limit)."
        }
    else:
        answer = {"blocks": [[b.kind, b.text, b.level, b.bold, b.centred] for b in blocks]}
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()
    return 0


def child_main(argv: list[str]) -> int:
    """The child's entry point (the frozen app's `--read-manuscript-child PATH [READER]`)."""
    return _main(argv)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
