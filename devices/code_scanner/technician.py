"""For ``devices scan`` without ``--image``: wait for codes from the configured scanner, as JSON."""

from __future__ import annotations

import threading

from devices.code_scanner.protocol import CODE_SCANNED, CodeScanner, ScannedCode
from devices.worker import DeviceEvent


def scan_once_json(scanner: CodeScanner, *, timeout_s: float = 15.0) -> list[dict[str, str]]:
    """Open the scanner, wait up to ``timeout_s`` for the first code, close. ``[]`` when none came.

    Raises DeviceError subclasses from ``open``.
    """
    codes: list[ScannedCode] = []
    got = threading.Event()

    def listener(event: DeviceEvent) -> None:
        if event.name == CODE_SCANNED:
            codes.append(event.payload)
            got.set()

    unsubscribe = scanner.subscribe(listener)
    scanner.open()
    try:
        got.wait(timeout_s)
    finally:
        scanner.close()
        unsubscribe()
    return [code.to_json() for code in codes[:1]]
