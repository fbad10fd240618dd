"""Wait estimates from recent service times and open windows."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hall.server.domain import wait_estimate as we
from hall.server.domain.errors import InvalidInput
from hall.server.domain.queue_policy import Window


def test_no_history_uses_the_default() -> None:
    est = we.estimate_wait(category="A", ahead=4, open_windows=[Window.serving("1", ["A"])])
    assert est.seconds == 4 * 300 and est.basis == "default" and not est.no_window_open


def test_ewma_weighs_recent_samples_most() -> None:
    assert we.ewma_service_s([100, 100, 100]) == pytest.approx(100)
    rising = we.ewma_service_s([100] * 10 + [400] * 3, alpha=0.5)
    assert 350 < rising < 400
    assert we.update_ewma(200, 300, alpha=0.25) == pytest.approx(225)
    assert we.update_ewma(None, 240) == 240


def test_outliers_are_clamped() -> None:
    assert we.update_ewma(None, 0) == we.MIN_SAMPLE_S
    assert we.update_ewma(None, 10 * 3600) == we.MAX_SAMPLE_S


def test_windows_share_by_weight() -> None:
    windows = [Window.serving("1", ["A"]), Window.serving("2", {"A": 1, "B": 1}), Window.serving("3", {"A": 1, "B": 3})]
    assert we.servers_for("A", windows) == pytest.approx(1.75)
    assert we.servers_for("B", windows) == pytest.approx(1.25)
    assert we.servers_for("C", windows) == 0
    est = we.estimate_wait(category="A", ahead=7, durations_s=[200, 200], open_windows=windows)
    assert est.seconds == 800 and est.basis == "history"
    assert est.to_dict()["estimated_wait_s"] == 800


def test_no_window_open_assumes_one() -> None:
    est = we.estimate_wait(category="A", ahead=2, durations_s=[120])
    assert est.seconds == 240 and est.no_window_open
    assert we.estimate_wait_s(category="A", ahead=0) == 0


@pytest.mark.parametrize("kw", [{"ahead": -1}, {"ahead": 1, "alpha": 0}, {"ahead": 1, "durations_s": [math.nan]},
                                {"ahead": 1, "durations_s": [-5]}])
def test_bad_input_is_typed(kw: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        we.estimate_wait(category="A", **kw)  # type: ignore[arg-type]


@given(st.lists(st.floats(0, 20000), max_size=30), st.integers(0, 200), st.integers(1, 6))
def test_estimate_is_bounded_and_monotonic(durations: list[float], ahead: int, n_windows: int) -> None:
    windows = [Window.serving(str(i), ["A"]) for i in range(n_windows)]
    s = we.estimate_wait_s(category="A", ahead=ahead, durations_s=durations, open_windows=windows)
    assert 0 <= s <= math.ceil(ahead * we.MAX_SAMPLE_S / n_windows)
    more = we.estimate_wait_s(category="A", ahead=ahead + 1, durations_s=durations, open_windows=windows)
    assert more >= s
