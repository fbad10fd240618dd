"""``sdk_twin_library``: the vendor-SDK twin (devices/twins/id_card/sdk_twin.c) built with gcc for this
session, and ``sdk_reader_line``: a GA 467 emulator on a pty that the library reaches as SDK port 1001."""

from __future__ import annotations

import os
import shutil
import subprocess
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.twins.id_card.emulator import Ga467Emulator
from tests.rigs import rig_missing

SOURCE = Path(__file__).resolve().parents[2] / "devices" / "twins" / "id_card" / "sdk_twin.c"


@pytest.fixture(scope="session")
def sdk_twin_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    gcc = shutil.which("gcc")
    if gcc is None:
        rig_missing("gcc (apt-get install gcc) to build the vendor-SDK twin library")
    out = tmp_path_factory.mktemp("sdk") / "libtermb-twin.so"
    done = subprocess.run([gcc, "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", str(out), str(SOURCE)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture
def sdk_reader_line(monkeypatch: pytest.MonkeyPatch) -> Iterator[Ga467Emulator]:
    """The emulator (no card yet) behind SDK port 1001 of the twin library."""
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    emulator = Ga467Emulator(fd=master, card=None)
    emulator.start()
    monkeypatch.setenv("HALL_SDK_TWIN_PORT_1001", os.ttyname(slave))
    try:
        yield emulator
    finally:
        emulator.stop()
        os.close(master)
        os.close(slave)
