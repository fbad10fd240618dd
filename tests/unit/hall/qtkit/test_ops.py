"""The Runner: work off the GUI thread, every callback on it, failures logged, nothing after shutdown."""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Iterator
from typing import Any

import pytest

from hall.client import HallTimeout
from hall.qtkit.ops import Runner
from tests.rigs.waiting import budget, qt_wait_until


@pytest.fixture
def runner(qtbot: Any) -> Iterator[Runner]:
    r = Runner(workers=2, name="test-op")
    yield r
    r.shutdown()


def test_success_and_failure_callbacks_arrive_on_the_gui_thread(qtbot: Any, runner: Runner) -> None:
    seen: dict[str, Any] = {}

    def work() -> int:
        seen["work_thread"] = threading.current_thread()
        return 42

    def broken() -> None:
        raise HallTimeout("no answer")

    runner.op(work).success(lambda r: seen.update(result=r, ok_thread=threading.current_thread())).run()
    runner.op(broken).failure(lambda e: seen.update(error=e, failed_thread=threading.current_thread())).run()
    qt_wait_until(qtbot, lambda: "result" in seen and "error" in seen)
    assert seen["result"] == 42 and isinstance(seen["error"], HallTimeout)
    assert seen["work_thread"] is not threading.main_thread()
    assert seen["ok_thread"] is threading.main_thread() and seen["failed_thread"] is threading.main_thread()
    qt_wait_until(qtbot, lambda: runner.pending == 0)


def test_a_failure_no_callback_handles_is_logged_by_its_code_only(qtbot: Any, runner: Runner,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise HallTimeout("lookup of 110101199003071233 timed out")  # a message may carry personal data

    with caplog.at_level(logging.WARNING, logger="hall.qtkit.ops"):
        runner.op(broken).run()
        runner.fire(broken)
        qt_wait_until(qtbot, lambda: runner.pending == 0)
    failures = [r.getMessage() for r in caplog.records if r.name == "hall.qtkit.ops"]
    assert failures == ["background call failed: hall.timeout"] * 2
    assert "110101199003071233" not in caplog.text


def test_a_broken_callback_is_logged_and_the_next_op_still_runs(qtbot: Any, runner: Runner,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    results: list[str] = []

    def explode(_result: Any) -> None:
        raise ValueError("bug in a slot")

    with caplog.at_level(logging.ERROR, logger="hall.qtkit.ops"):
        runner.op(lambda: "first").success(explode).run()
        qt_wait_until(qtbot, lambda: runner.pending == 0)
        runner.op(lambda: "second").success(results.append).run()
        qt_wait_until(qtbot, lambda: results == ["second"])
    broken = [r for r in caplog.records if r.getMessage() == "callback failed"]
    # The suite's redaction filter (config.logsetup), once installed, turns exc_info into redacted exc_text.
    assert len(broken) == 1
    trace, exc_info = broken[0].exc_text, broken[0].exc_info
    if not trace:
        assert exc_info is not None
        trace = "".join(traceback.format_exception(*exc_info))
    assert "ValueError: bug in a slot" in trace


def test_submit_and_fire_take_callbacks_the_kiosk_way(qtbot: Any, runner: Runner) -> None:
    got: list[Any] = []
    runner.submit(lambda: 7, got.append, got.append)
    runner.fire(lambda: got.append("fired"))
    qt_wait_until(qtbot, lambda: runner.pending == 0 and len(got) == 2)
    assert sorted(map(str, got)) == ["7", "fired"]


def test_nothing_runs_after_shutdown(qtbot: Any) -> None:
    runner = Runner(workers=1, name="test-shutdown")
    release = threading.Event()
    ran: list[str] = []
    called_back: list[str] = []

    def first() -> str:
        ran.append("first")
        release.wait(budget(10))
        return "first"

    runner.op(first).success(called_back.append).run()
    runner.op(lambda: ran.append("queued")).success(called_back.append).run()  # behind ``first``: never starts
    qt_wait_until(qtbot, lambda: ran == ["first"])
    runner.shutdown()
    runner.op(lambda: ran.append("late")).success(called_back.append).run()  # after shutdown: never starts
    release.set()
    qt_wait_until(qtbot, lambda: runner.pending == 0)
    assert runner.closed
    assert ran == ["first"]
    assert called_back == []  # the in-flight call finished, but its window is going away: no callback
