"""``devices scan --timeout S``: wait for one code from the configured scanner and print it as JSON.

Serial and camera scanners deliver codes by themselves. A keyboard-wedge scanner types into this
terminal: its keys are fed with their times to the driver, so the same burst detection as in the kiosk
decides (a person typing is not a scan). The ``simulated`` twin reads lines typed or piped on stdin.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import termios
import threading
import time
import tty
from collections.abc import Iterator
from typing import Any

from devices.code_scanner.protocol import CODE_SCANNED
from devices.errors import DeviceError, DeviceTimeout
from devices.worker import DeviceEvent

_SLICE_S = 0.05


def scan_for_code(scanner: Any, *, timeout_s: float, stdin: int | None = None) -> list[dict[str, str]]:
    """Open ``scanner``, wait up to ``timeout_s`` for its first code, close. Raises DeviceTimeout when
    none came, DeviceError subclasses from ``open``."""
    codes: list[dict[str, str]] = []
    got = threading.Event()

    def listener(event: DeviceEvent) -> None:
        if event.name == CODE_SCANNED and not got.is_set():
            codes.append(event.payload.to_json())
            got.set()

    unsubscribe = scanner.subscribe(listener)
    scanner.open()
    try:
        deadline = time.monotonic() + timeout_s
        fd = sys.stdin.fileno() if stdin is None else stdin
        if hasattr(scanner, "feed"):
            _pump_keys(scanner, fd, got, deadline)
        elif hasattr(scanner, "present_line"):
            _pump_lines(scanner, fd, got, deadline)
        got.wait(max(0.0, deadline - time.monotonic()))
    finally:
        scanner.close()
        unsubscribe()
    if not codes:
        raise DeviceTimeout(f"no code scanned within {timeout_s:g} s", code="device.scanner.no_code")
    return codes


def _pump_keys(scanner: Any, fd: int, got: threading.Event, deadline: float) -> None:
    """Keyboard wedge: every byte as a key event with its arrival time; idle gaps flush a burst."""
    with _cbreak(fd):
        while not got.is_set() and time.monotonic() < deadline:
            data = _read(fd)
            now = time.monotonic()
            if data is None:
                break
            for char in data.decode("utf-8", "replace"):
                scanner.feed(char, now)
            scanner.flush(now)


def _pump_lines(scanner: Any, fd: int, got: threading.Event, deadline: float) -> None:
    """Simulated scanner: each line from stdin as a line scanner would send it."""
    buffer = b""
    while not got.is_set() and time.monotonic() < deadline:
        data = _read(fd)
        if data is None:
            break
        buffer += data
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line.strip():
                try:
                    scanner.present_line(line.strip().decode("utf-8", "replace"))
                except DeviceError:
                    return
    if buffer.strip() and not got.is_set():
        with contextlib.suppress(DeviceError):
            scanner.present_line(buffer.strip().decode("utf-8", "replace"))


def _read(fd: int) -> bytes | None:
    """What is available on ``fd`` within a short slice; b"" for nothing yet, None at end of input."""
    try:
        ready, _, _ = select.select([fd], [], [], _SLICE_S)
    except (OSError, ValueError):
        return None
    if not ready:
        return b""
    data = os.read(fd, 256)
    return data or None


@contextlib.contextmanager
def _cbreak(fd: int) -> Iterator[None]:
    """Keys one by one from a terminal (no line editing); pipes are left as they are."""
    if not os.isatty(fd):
        yield
        return
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
