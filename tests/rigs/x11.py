"""``xvfb``: a private Xvfb display for tests of X sessions (the kiosk session script, its watchdog)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.rigs import rig_missing


@pytest.fixture
def xvfb() -> Iterator[str]:
    """A fresh Xvfb (800×600, -noreset as in hall-kiosk.service); yields its DISPLAY name."""
    if shutil.which("Xvfb") is None or shutil.which("xdotool") is None or shutil.which("xset") is None:
        rig_missing("Xvfb, xdotool and xset (apt: xvfb xdotool x11-xserver-utils)")
    for n in range(140, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            break
    display = f":{n}"
    # The blanking settings are left for the session script to make.
    proc = subprocess.Popen(["Xvfb", display, "-nolisten", "tcp", "-noreset", "-screen", "0", "800x600x24"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{n}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    yield display
    proc.terminate()
    proc.wait(10)
