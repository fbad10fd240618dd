"""The ``serial`` scanner driver on a real pty pair (socat): contract, terminators, unplug/replug."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from devices.code_scanner.serial_scanner import SerialCodeScanner
from devices.errors import DeviceConfigError, DeviceOffline
from devices.status import Health
from tests.rigs.serial_pty import PtyPair, open_pty_pair
from tests.rigs.waiting import budget, poll_pause, wait_until
from tests.unit.devices.scanner_contract import Collector, ScannerContract


class TestSerialScannerOnPty(ScannerContract):
    """The scanner is set to send AIM identifiers and CR, as most hall scanners can be."""

    @pytest.fixture(autouse=True)
    def _pty(self, serial_pty: PtyPair) -> Iterator[None]:
        self.pair = serial_pty
        self.peer = serial.Serial(serial_pty.peer, timeout=budget(1))
        yield
        self.peer.close()

    def make_scanner(self, *, debounce_s: float) -> SerialCodeScanner:
        return SerialCodeScanner(port=self.pair.device, baudrate=9600, terminator="\r", debounce_s=debounce_s)

    def show(self, scanner: SerialCodeScanner, text: str) -> None:  # type: ignore[override]
        self.peer.write(b"]Q1" + text.encode("utf-8") + b"\r")
        self.peer.write(b"]Q1" + text.encode("gb18030") + b"\r")  # the trigger pulled twice
        self.peer.flush()


@pytest.mark.parametrize(("terminator", "suffix"), [("\n", b"\n"), ("\r\n", b"\r\n"), ("\t", b"\t")])
def test_configured_terminators(serial_pty: PtyPair, terminator: str, suffix: bytes) -> None:
    scanner = SerialCodeScanner(port=serial_pty.device, terminator=terminator, debounce_s=0)
    collector = Collector()
    scanner.subscribe(collector)
    scanner.open()
    with serial.Serial(serial_pty.peer, timeout=budget(1)) as peer:
        for part in (b"RC-20", b"24-0001" + suffix + b"A0", b"23" + suffix):  # split across writes
            peer.write(part)
            peer.flush()
            poll_pause(0.02)
        codes = collector.wait_codes(2)
    scanner.close()
    assert [c.text for c in codes] == ["RC-2024-0001", "A023"]


def test_unplug_goes_offline_and_replug_comes_back(tmp_path: Path) -> None:
    pair = open_pty_pair(tmp_path)
    scanner = SerialCodeScanner(port=pair.device, debounce_s=0)
    collector = Collector()
    scanner.subscribe(collector)
    scanner.open()
    try:
        pair.unplug()
        wait_until(lambda: scanner.status().health is Health.OFFLINE, timeout_s=8, what="the scanner offline")
        replugged = open_pty_pair(tmp_path)  # same link names, as udev gives the same name back
        try:
            wait_until(lambda: scanner.status().health is Health.OK, timeout_s=10, what="the scanner back")
            with serial.Serial(replugged.peer, timeout=budget(1)) as peer:
                peer.write(b"BACK-1\r")
                peer.flush()
                assert [c.text for c in collector.wait_codes(1)] == ["BACK-1"]
        finally:
            replugged.unplug()
    finally:
        scanner.close()


def test_missing_port_is_offline_and_bad_options_are_config_errors(tmp_path: Path) -> None:
    scanner = SerialCodeScanner(port=str(tmp_path / "ttyNONE"))
    with pytest.raises(DeviceOffline):
        scanner.open()
    assert scanner.status().health is Health.OFFLINE
    scanner.close()
    with pytest.raises(DeviceConfigError, match="pyserial URL"):
        SerialCodeScanner(port="")
    with pytest.raises(DeviceConfigError, match="terminator"):
        SerialCodeScanner(port="loop://", terminator=";")
    with pytest.raises(DeviceConfigError):
        SerialCodeScanner(port="nosuchscheme://x").open()


@pytest.mark.hardware
def test_real_serial_scanner() -> None:
    import os

    port = os.environ.get("HALL_SCANNER_PORT")
    if not port:
        pytest.skip("set HALL_SCANNER_PORT (e.g. /dev/ttyACM0) and scan any code within 20 s")
    scanner = SerialCodeScanner(port=port, terminator=os.environ.get("HALL_SCANNER_TERMINATOR", "\r"))
    collector = Collector()
    scanner.subscribe(collector)
    scanner.open()
    try:
        assert collector.wait_codes(1, timeout_s=20)
    finally:
        scanner.close()
