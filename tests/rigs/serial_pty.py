"""``serial_pty``: two linked pseudo-terminals (socat), one for an emulator, one for the driver."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.rigs import rig_missing
from tests.rigs.waiting import budget, wait_until


@dataclass(frozen=True)
class PtyPair:
    """``device`` is what the driver opens; ``peer`` is where the emulator answers."""

    device: str
    peer: str
    process: subprocess.Popen[bytes]

    def unplug(self) -> None:
        """Make both ends vanish, as a USB-serial adapter pulled out would."""
        self.process.terminate()
        self.process.wait(budget(5))


def open_pty_pair(directory: Path) -> PtyPair:
    if shutil.which("socat") is None:
        rig_missing("socat is not installed (apt-get install socat)")
    device, peer = directory / "ttyDEVICE", directory / "ttyPEER"
    proc = subprocess.Popen(
        ["socat", f"pty,raw,echo=0,link={device}", f"pty,raw,echo=0,link={peer}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )

    def linked() -> bool:
        return proc.poll() is not None or (device.exists() and peer.exists())

    try:
        wait_until(linked, timeout_s=5, what="socat's pty links")
    except AssertionError:
        pass
    if proc.poll() is not None or not (device.exists() and peer.exists()):
        proc.kill()
        rig_missing("socat did not create the pty pair")
    return PtyPair(str(device), str(peer), proc)


@pytest.fixture
def serial_pty(tmp_path: Path) -> Iterator[PtyPair]:
    pair = open_pty_pair(tmp_path)
    yield pair
    if pair.process.poll() is None:
        pair.process.terminate()
        pair.process.wait(budget(5))
