"""A long generation emits thousands of signals; the Qt binding must survive them."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# PySide6 6.12.0 drops a reference to a Python singleton on every emit and aborts the
# process after about 600 signals: a 2,000-token generation would kill the app.
EMITTER = textwrap.dedent(
    """
    from PySide6.QtCore import QCoreApplication, QThread, Signal
    app = QCoreApplication([])
    class Emitter(QThread):
        token = Signal(int, str)
        def run(self):
            for i in range(5000):
                self.token.emit(i, "word")
    received = []
    emitter = Emitter()
    emitter.token.connect(lambda i, text: received.append(i))
    emitter.start()
    emitter.wait()
    app.processEvents()
    print(len(received))
    """
)


def test_five_thousand_cross_thread_signals_do_not_crash():
    done = subprocess.run(
        [sys.executable, "-c", EMITTER], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "5000"
