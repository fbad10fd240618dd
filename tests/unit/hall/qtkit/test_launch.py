"""The launch helper: Ctrl+C and SIGTERM end a terminal program cleanly (exit 0, everything closed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]

TINY_APP = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from hall.qtkit.launch import make_application, run_window
    from hall.qtkit.window import TerminalWindow

    class Tiny(TerminalWindow):
        def release(self):
            print(f"released runner_closed={self.runner.closed}", flush=True)

    make_application()
    win = Tiny(runner_name="tiny")
    win.runner.op(lambda: "ok").success(lambda r: print("ready", flush=True)).run()
    code = run_window(win, fullscreen=sys.argv[1] == "full", on_exit=[lambda: print("outbox closed", flush=True)])
    print(f"exit {code}", flush=True)
    sys.exit(code)
""")


@pytest.mark.parametrize(("sig", "geometry"), [(signal.SIGTERM, "full"), (signal.SIGINT, "windowed")])
def test_a_quit_signal_ends_the_program_cleanly(sig: signal.Signals, geometry: str) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", TINY_APP, geometry], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the event loop runs: a background call came back on it
        if first != "ready\n":
            proc.kill()
            pytest.fail(f"the tiny app did not start: {first!r} {proc.communicate()[1]}")
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert out.splitlines() == ["released runner_closed=True", "outbox closed", "exit 0"], out + err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def test_the_launcher_does_not_load_the_http_client() -> None:
    """The kiosk imports the launcher before its first paint; the HTTP stack comes later."""
    code = ("import sys, hall.qtkit.launch\n"
            "print(sorted(m for m in sys.modules if m.startswith(('hall.client', 'httpx'))))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
