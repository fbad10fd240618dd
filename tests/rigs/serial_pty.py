"""``serial_pty``: two linked pseudo-terminals (socat), one for an emulator, one for the driver."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.rigs import rig_missing


@dataclass(frozen=True)
class PtyPair:
    """``device`` is what the driver opens; ``peer`` is where the emulator answers."""

    device: str
    peer: str
    process: subprocess.Popen[bytes]

    def unplug(self) -> None:
        """Make both ends vanish, as a USB-serial adapter pulled out would."""
        self.process.terminate()
        self.process.wait(5)


def open_pty_pair(directory: Path) -> PtyPair:
    if shutil.which("socat") is None:
        rig_missing("socat is not installed (apt-get install socat)")
    device, peer = directory / "ttyDEVICE", directory / "ttyPEER"
    proc = subprocess.Popen(
        ["socat", f"pty,raw,echo=0,link={device}", f"pty,raw,echo=0,link={peer}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 5
    while not (device.exists() and peer.exists()):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            rig_missing("socat did not create the pty pair")
        time.sleep(0.01)
    return PtyPair(str(device), str(peer), proc)


@pytest.fixture
def serial_pty(tmp_path: Path) -> Iterator[PtyPair]:
    pair = open_pty_pair(tmp_path)
    yield pair
    if pair.process.poll() is None:
        pair.process.terminate()
        pair.process.wait(5)
