"""Quiet logs (issue 17 item 9): a message that keeps repeating is written once per window with the count
of copies held back; a change of state is written at once; every handler agrees."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from config.logsetup import RedactingFilter, RepeatLimiter, setup_logging


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO, Clock]]:
    """A logger with two handlers (as stderr + file) sharing one limiter, as setup_logging builds them."""
    clock, out, other = Clock(), io.StringIO(), io.StringIO()
    limiter = RepeatLimiter(window_s=60, clock=clock)
    logger = logging.getLogger("test.repeats")
    logger.propagate, logger.level = False, logging.INFO
    handlers = [logging.StreamHandler(out), logging.StreamHandler(other)]
    for handler in handlers:
        handler.addFilter(limiter)
        handler.addFilter(RedactingFilter())
        logger.addHandler(handler)
    yield logger, out, clock
    for handler in handlers:
        logger.removeHandler(handler)
    assert out.getvalue() == other.getvalue()  # both handlers wrote the same lines


def test_a_repeating_line_is_written_once_per_window_with_the_count(logged) -> None:
    logger, out, clock = logged
    for second in range(150):  # a line a second for two and a half minutes
        clock.now = 1000.0 + second
        logger.warning("id_card unreachable (%s); next attempt in %.1f s", "device.port_missing", second / 7)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0] == "id_card unreachable (device.port_missing); next attempt in 0.0 s"
    assert lines[1].endswith("[59 more like this in 60 s]") and lines[2].endswith("[59 more like this in 60 s]")


def test_a_change_of_state_is_written_at_once(logged) -> None:
    logger, out, clock = logged
    for health in ("offline", "offline", "ok", "offline", "ok", "ok"):
        clock.now += 1
        logger.info("id_card status: %s (%s)", health, "x")
    assert out.getvalue().splitlines() == ["id_card status: offline (x)", "id_card status: ok (x)"]


@pytest.mark.parametrize(("window_s", "written"), [(60.0, 1), (0.0, 3)])
def test_setup_logging_limits_repeats_in_the_log_file(tmp_path, window_s: float, written: int) -> None:
    """As main.py sets it up from logging.repeat_window_s: 0 writes every line."""
    setup_logging(level="INFO", file=tmp_path / "kiosk.log", repeat_window_s=window_s)
    try:
        for _ in range(3):
            logging.getLogger("repeat_test_file").warning("printer: status poll failed (%s)", "device.offline")
    finally:
        setup_logging(level="INFO")
    assert (tmp_path / "kiosk.log").read_text().count("status poll failed") == written


def test_id_numbers_stay_masked_in_the_summary_line(logged) -> None:
    logger, out, clock = logged
    for _ in range(3):
        logger.warning("bad card %s", "110101199003071234")
    clock.now += 61
    logger.warning("bad card %s", "110101199003071234")
    text = out.getvalue()
    assert "110101199003071234" not in text and "[2 more like this in 60 s]" in text
