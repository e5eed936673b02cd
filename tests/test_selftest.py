"""python -m writer_desktop --self-test, run as a user would."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest


def run_self_test(cwd, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "writer_desktop", "--self-test"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
        cwd=cwd,
    )


@pytest.mark.model
def test_self_test_prints_ok_and_exits_zero(tmp_path):
    done = run_self_test(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^self-test ok: \d+ tokens in [\d.]+ s$", done.stdout, re.MULTILINE)


def test_self_test_fails_clearly_with_a_broken_model(tmp_path):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 100)
    done = run_self_test(tmp_path, MODEL_PATH=str(broken))
    assert done.returncode == 1
    assert "self-test failed: broken.gguf could not be loaded" in done.stdout
