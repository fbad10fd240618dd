"""Keyboard-wedge timing: scanner bursts become codes, human typing is handed back untouched."""

from __future__ import annotations

import threading

from hypothesis import given
from hypothesis import strategies as st

from devices.code_scanner.keyboard_scanner import KeyboardWedgeScanner, WedgeDetector
from devices.code_scanner.protocol import ScannedCode
from devices.worker import DeviceEvent
from tests.rigs.waiting import budget


def burst(detector: WedgeDetector, text: str, *, start: float, gap: float) -> tuple[list[ScannedCode], str]:
    codes, typed, t = [], "", start
    for ch in text:
        out = detector.feed(ch, t)
        typed += out.typed
        if out.code:
            codes.append(out.code)
        t += gap
    out = detector.flush(t + 1.0)
    return codes + ([out.code] if out.code else []), typed + out.typed


def test_scanner_burst_with_enter_is_a_code_and_swallows_its_keys() -> None:
    codes, typed = burst(WedgeDetector(), "]Q1BK20240518-0042\r", start=100.0, gap=0.004)
    assert codes == [ScannedCode("qr", "BK20240518-0042")]
    assert typed == ""


def test_human_typing_is_passed_through_in_order() -> None:
    codes, typed = burst(WedgeDetector(), "13800138000\r", start=5.0, gap=0.18)
    assert codes == []
    assert typed == "13800138000\r"


def test_a_fast_typist_pair_is_still_typing() -> None:
    detector = WedgeDetector()
    typed = "".join(detector.feed(c, t).typed for c, t in [("a", 0.0), ("b", 0.02), ("c", 0.3), ("\r", 0.6)])
    assert typed + detector.flush(5).typed == "abc\r"


def test_short_bursts_are_typing_not_codes() -> None:
    codes, typed = burst(WedgeDetector(min_length=4), "ab\r", start=0.0, gap=0.003)
    assert codes == [] and typed == "ab\r"


def test_burst_without_enter_is_typing_unless_configured() -> None:
    assert burst(WedgeDetector(), "A023B", start=0.0, gap=0.005) == ([], "A023B")
    codes, typed = burst(WedgeDetector(end_on_timeout=True), "A023B", start=0.0, gap=0.005)
    assert codes == [ScannedCode("unknown", "A023B")] and typed == ""


def test_typing_then_a_scan_then_typing() -> None:
    detector = WedgeDetector()
    typed = "".join(detector.feed(c, t).typed for c, t in [("x", 0.0), ("y", 0.25)])
    codes, burst_typed = burst(detector, "CODE-77\r", start=0.6, gap=0.006)
    more = "".join(detector.feed(c, t).typed for c, t in [("z", 5.0), ("\r", 5.3)])
    assert typed + burst_typed + more == "xyz\r"
    assert codes == [ScannedCode("unknown", "CODE-77")]


@given(st.text(alphabet="0123456789ABCDEFabcdef-", min_size=4, max_size=60),
       st.floats(min_value=0.001, max_value=0.03))
def test_every_fast_burst_with_enter_is_exactly_one_code(text: str, gap: float) -> None:
    codes, typed = burst(WedgeDetector(), text + "\r", start=1000.0, gap=gap)
    assert codes == [ScannedCode("unknown", text)] and typed == ""


@given(st.text(alphabet="0123456789abc", min_size=1, max_size=30), st.floats(min_value=0.06, max_value=0.5))
def test_every_slow_sequence_is_typing_verbatim(text: str, gap: float) -> None:
    codes, typed = burst(WedgeDetector(), text + "\r", start=0.0, gap=gap)
    assert codes == [] and typed == text + "\r"


def test_device_emits_code_scanned_on_its_worker_and_debounces() -> None:
    scanner = KeyboardWedgeScanner(debounce_s=30)
    seen: list[DeviceEvent] = []
    got = threading.Event()

    def listener(event: DeviceEvent) -> None:
        if event.name == "code_scanned":
            seen.append(event)
            got.set()

    scanner.subscribe(listener)
    scanner.open()
    try:
        for start in (0.0, 1.0):  # the same label scanned twice in a row
            t = start
            for ch in "RC-000123\r":
                assert scanner.feed(ch, t) == ""
                t += 0.005
        assert got.wait(budget(5))
        scanner.close()
    finally:
        scanner.close()
    assert [e.payload for e in seen] == [ScannedCode("unknown", "RC-000123")]
