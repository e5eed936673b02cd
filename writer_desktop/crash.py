"""Crash reports: an uncaught exception or a native fault leaves a readable file behind."""

from __future__ import annotations

import faulthandler
import logging
import platform
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType

from writer_desktop import __version__

log = logging.getLogger(__name__)
_fault_file = None  # kept open for the process's life: faulthandler writes into it
_rescuers: list[Callable[[], str]] = []


def add_rescuer(rescue: Callable[[], str]) -> None:
    """Called first when the app crashes: save or keep what the author has not saved yet,
    and say in one sentence what was and was not saved."""
    _rescuers.append(rescue)


def rescue_unsaved() -> str:
    """What every rescuer says (each runs even if another fails)."""
    said = []
    for rescue in _rescuers:
        try:
            said.append(rescue())
        except Exception:  # a crash while crashing must not hide the report
            log.exception("rescuing unsaved text failed")
            said.append("Unsaved text could not be rescued; see the report.")
    return " ".join(part for part in said if part)


def write_report(
    log_dir: Path, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / f"crash-{datetime.now():%Y%m%d-%H%M%S}.txt"
    lines = [
        f"Writer Assistant {__version__} crashed at {datetime.now().isoformat(timespec='seconds')}",
        f"Python {platform.python_version()} on {platform.platform()}",
        f"Frozen app: {bool(getattr(sys, 'frozen', False))}",
        "",
        *traceback.format_exception(exc_type, exc, tb),
    ]
    path.write_text("\n".join(line.rstrip("\n") for line in lines) + "\n", encoding="utf-8")
    return path


def install(log_dir: Path, tell_author: Callable[[Path, str], None] | None = None) -> None:
    """Report uncaught exceptions to a file and to the author (with what the rescuers say
    was saved); native faults to faults.log."""
    global _fault_file
    log_dir.mkdir(parents=True, exist_ok=True)
    _fault_file = (log_dir / "faults.log").open("a", encoding="utf-8")
    faulthandler.enable(file=_fault_file)

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        saved = rescue_unsaved()
        path = write_report(log_dir, exc_type, exc, tb)
        log.error("uncaught exception, report in %s", path, exc_info=(exc_type, exc, tb))
        if tell_author is not None:
            tell_author(path, saved)

    sys.excepthook = hook
