"""``xvfb``: a private Xvfb display for tests of X sessions (the kiosk session script, its watchdog)."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from tests.rigs import rig_missing
from tests.rigs.waiting import budget


@pytest.fixture
def xvfb() -> Iterator[str]:
    """A private X server: Xvfb picks a free display number itself and tells it through -displayfd
    (written once it accepts clients), so suites run at once never fight over a number."""
    if shutil.which("Xvfb") is None or shutil.which("xdotool") is None or shutil.which("xset") is None:
        rig_missing("Xvfb, xdotool and xset (apt: xvfb xdotool x11-xserver-utils)")
    read_fd, write_fd = os.pipe()
    # -noreset as in hall-kiosk.service; the blanking settings are left for the session script to make.
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp", "-noreset", "-screen", "0",
                             "800x600x24"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_fd,))
    os.close(write_fd)
    try:
        display = _read_display(read_fd, proc)
    finally:
        os.close(read_fd)
    yield display
    proc.terminate()
    proc.wait(budget(10))


def _read_display(read_fd: int, proc: subprocess.Popen[bytes]) -> str:
    """The display number Xvfb writes to -displayfd (a line) once it is ready."""
    got = b""
    ready, _, _ = select.select([read_fd], [], [], budget(10))
    while ready and not got.endswith(b"\n"):
        chunk = os.read(read_fd, 64)
        if not chunk:
            break
        got += chunk
        ready, _, _ = select.select([read_fd], [], [], budget(10))
    if not got.strip().isdigit():
        proc.kill()
        rig_missing(f"Xvfb did not report its display (exit {proc.poll()})")
    return f":{int(got)}"
