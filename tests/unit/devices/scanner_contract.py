"""The code-scanner contract, rerun against every driver and twin (python-can's back2back idea)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from devices.code_scanner.protocol import CODE_SCANNED, CodeScanner, ScannedCode
from devices.status import Health
from devices.worker import DeviceEvent
from tests.rigs.waiting import budget, pass_time


class Collector:
    """Listener that records code events and lets a test wait for them."""

    def __init__(self) -> None:
        self.codes: list[ScannedCode] = []
        self.statuses: list[Health] = []
        self._changed = threading.Condition()

    def __call__(self, event: DeviceEvent) -> None:
        with self._changed:
            if event.name == CODE_SCANNED:
                self.codes.append(event.payload)
            elif event.name == "status_changed":
                self.statuses.append(event.payload.health)
            self._changed.notify_all()

    def wait_codes(self, n: int, timeout_s: float = 8.0) -> list[ScannedCode]:
        deadline = time.monotonic() + budget(timeout_s)
        with self._changed:
            while len(self.codes) < n and time.monotonic() < deadline:
                self._changed.wait(0.05)
            return list(self.codes)


class ScannerContract:
    """Subclasses give ``make_scanner(debounce_s)`` and ``show(scanner, text)`` (the code appears
    before the scanner, once or repeatedly as its medium does) and ``expected_type``."""

    expected_type = "qr"

    def make_scanner(self, *, debounce_s: float) -> CodeScanner:
        raise NotImplementedError

    def show(self, scanner: CodeScanner, text: str) -> None:
        raise NotImplementedError

    @pytest.fixture
    def opened(self) -> Iterator[tuple[CodeScanner, Collector]]:
        scanner = self.make_scanner(debounce_s=30)
        collector = Collector()
        scanner.subscribe(collector)
        scanner.open()
        yield scanner, collector
        scanner.close()

    def test_is_a_code_scanner_and_reports_closed(self) -> None:
        scanner = self.make_scanner(debounce_s=1)
        assert isinstance(scanner, CodeScanner)
        assert scanner.status().health is Health.OFFLINE

    def test_open_close_status(self, opened: tuple[CodeScanner, Collector]) -> None:
        scanner, collector = opened
        assert scanner.status().health is Health.OK
        scanner.close()
        assert scanner.status().health is Health.OFFLINE
        assert collector.statuses[0] is Health.OK

    def test_a_code_is_reported_once_with_type_and_text(self, opened: tuple[CodeScanner, Collector]) -> None:
        scanner, collector = opened
        self.show(scanner, "BK20240518-0042")
        codes = collector.wait_codes(1)
        pass_time(0.5, reason="a camera keeps seeing it, a line scanner may repeat: still one event")
        assert collector.codes == [ScannedCode(self.expected_type, "BK20240518-0042")], codes

    def test_a_different_code_comes_through_and_chinese_survives(
            self, opened: tuple[CodeScanner, Collector]) -> None:
        scanner, collector = opened
        self.show(scanner, "A023")
        collector.wait_codes(1)
        self.show(scanner, "办件编码-3301")
        codes = collector.wait_codes(2)
        assert [c.text for c in codes][:2] == ["A023", "办件编码-3301"]

    def test_same_code_again_after_the_debounce_window(self) -> None:
        scanner = self.make_scanner(debounce_s=0.3)
        collector = Collector()
        scanner.subscribe(collector)
        scanner.open()
        try:
            self.show(scanner, "RC-1")
            collector.wait_codes(1)
            self.hide(scanner)
            pass_time(0.6, reason="past the 0.3 s debounce window")
            self.show(scanner, "RC-1")
            assert [c.text for c in collector.wait_codes(2)][:2] == ["RC-1", "RC-1"]
        finally:
            scanner.close()

    def hide(self, scanner: CodeScanner) -> None:
        """Take the code away (only matters for media that keep showing it)."""
