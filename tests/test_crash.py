"""Crash reports land in the log folder."""

from __future__ import annotations

import sys

from writer_desktop import crash


def test_uncaught_exception_writes_a_readable_report(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    told = []
    crash.install(tmp_path / "logs", lambda report, saved: told.append(report))
    try:
        raise RuntimeError("the lamp failed")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    (report,) = (tmp_path / "logs").glob("crash-*.txt")
    text = report.read_text()
    assert "Writer Assistant" in text and "RuntimeError: the lamp failed" in text
    assert told == [report]
    assert (tmp_path / "logs" / "faults.log").exists()
    import faulthandler

    faulthandler.enable()  # back to stderr, as pytest had it
