"""The waiting helper and the port picker every rig uses (tests/rigs/waiting.py, tests/rigs/__init__.py)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.rigs import ephemeral_low, free_port
from tests.rigs.waiting import (
    MAX_SCALE,
    SCALE_ENV,
    WaitTimeout,
    budget,
    budget_ms,
    pass_time,
    qt_wait_until,
    scale,
    scale_http_defaults,
    wait_for_port,
    wait_for_text,
    wait_until,
)


def test_the_scale_env_var_overrides_the_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SCALE_ENV, "3")
    assert scale() == 3.0 and budget(2) == 6.0 and budget_ms(500) == 1500


@pytest.mark.parametrize("bad", ["fast", "0", "-1"])
def test_a_bad_scale_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv(SCALE_ENV, bad)
    with pytest.raises(ValueError, match=SCALE_ENV):
        scale()


def test_without_override_the_load_scale_is_between_one_and_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCALE_ENV, raising=False)
    assert 1.0 <= scale() <= MAX_SCALE


def test_an_event_that_already_happened_is_not_waited_for() -> None:
    calls: list[int] = []

    def ready() -> str:
        calls.append(1)
        return "value"

    assert wait_until(ready, timeout_s=5) == "value"
    assert calls == [1]


def test_an_event_from_another_thread_ends_the_wait() -> None:
    happened = threading.Event()
    threading.Timer(0.05, happened.set).start()
    assert wait_until(happened.is_set, timeout_s=10) is True


def test_an_assertion_in_the_predicate_means_not_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SCALE_ENV, "1")
    seen: list[int] = []

    def third_time() -> bool:
        seen.append(1)
        assert len(seen) >= 3, "not yet"
        return True

    assert wait_until(third_time, timeout_s=10) is True and len(seen) == 3


def test_a_missed_event_fails_naming_it_and_the_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SCALE_ENV, "1")
    with pytest.raises(WaitTimeout, match=r"the printer's answer did not happen within .* load scale 1\.0") as err:
        wait_until(lambda: False, timeout_s=0.05, what="the printer's answer")
    assert isinstance(err.value, AssertionError) and SCALE_ENV in str(err.value)


def test_a_log_line_and_a_listening_port_are_events(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    threading.Timer(0.05, lambda: log.write_text("starting\nready on 1234\n")).start()
    assert "ready on 1234" in wait_for_text(log, "ready on", timeout_s=10)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        wait_for_port(listener.getsockname()[1], timeout_s=5)


def test_passing_time_needs_its_reason() -> None:
    with pytest.raises(ValueError, match="reason"):
        pass_time(0.0, reason="")


def test_qt_waits_process_events_until_the_condition_holds(qtbot: Any) -> None:
    from PySide6.QtCore import QTimer

    fired: list[bool] = []
    QTimer.singleShot(20, lambda: fired.append(True))
    qt_wait_until(qtbot, lambda: bool(fired), timeout=5000)

    def assert_style() -> None:
        assert fired

    qt_wait_until(qtbot, assert_style, timeout=5000)  # None means "held", as in pytest-qt


def test_a_qt_wait_that_never_holds_fails(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SCALE_ENV, "1")
    with pytest.raises(WaitTimeout, match="the window"):
        qt_wait_until(qtbot, lambda: False, timeout=50, what="the window")


def test_free_ports_are_below_the_ephemeral_range_never_repeated_and_bindable() -> None:
    ports = [free_port() for _ in range(20)]
    pair = free_port(2)
    assert len(set(ports)) == 20 and pair not in ports and pair + 1 not in ports
    assert all(20000 <= p < ephemeral_low() for p in [*ports, pair + 1])
    with socket.socket() as s:
        s.bind(("127.0.0.1", ports[0]))


def test_httpx_calls_without_a_timeout_get_the_scaled_default(monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    monkeypatch.setenv(SCALE_ENV, "3")
    try:
        scale_http_defaults()
        assert httpx.Client().timeout.read == 15.0
        assert (httpx.post.__kwdefaults__ or {})["timeout"].read == 15.0
    finally:
        monkeypatch.undo()
        scale_http_defaults()  # back to the session's own scale
