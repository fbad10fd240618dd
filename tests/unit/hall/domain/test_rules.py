"""Daily quota per ID and category, and the no-show booking pause."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hall.server.domain import rules
from hall.server.domain.errors import Blacklisted, InvalidInput, QuotaExceeded

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


def test_quota_default_three() -> None:
    for used in range(3):
        rules.check_quota(issued_today=used)
    with pytest.raises(QuotaExceeded) as info:
        rules.check_quota(issued_today=3)
    err = info.value
    assert err.code == "quota_exceeded" and err.kind == "refused"
    assert err.message_zh == "同一证件每天每类业务最多取号 3 次，今日已取 3 次"
    assert "at most 3 tickets" in err.message_en


def test_quota_configurable_and_disabled() -> None:
    assert rules.quota_refusal(issued_today=1, rule=rules.QuotaRule(1)) is not None
    assert rules.quota_refusal(issued_today=500, rule=rules.QuotaRule(None)) is None
    with pytest.raises(InvalidInput):
        rules.QuotaRule(0)
    with pytest.raises(InvalidInput):
        rules.check_quota(issued_today=-1)


def test_two_misses_in_window_pause_booking_90_days() -> None:
    missed = [days_ago(20), days_ago(5)]
    until = rules.booking_paused_until(missed, NOW)
    assert until == days_ago(5) + timedelta(days=90)
    with pytest.raises(Blacklisted) as info:
        rules.check_booking_allowed(missed, NOW)
    assert "2026-05-26" in info.value.message_zh and "仍可现场取号" in info.value.message_zh
    assert info.value.to_dict()["params"]["until"] == "2026-05-26"


def test_misses_too_far_apart_do_not_count() -> None:
    assert rules.booking_paused_until([days_ago(50), days_ago(10)], NOW) is None
    assert rules.booking_paused_until([days_ago(50), days_ago(10)], NOW, rule=rules.BlacklistRule(window_days=60))


def test_pause_expires() -> None:
    missed = [days_ago(100), days_ago(95)]
    assert rules.booking_paused_until(missed, NOW) is None
    rules.check_booking_allowed(missed, NOW)


def test_future_misses_and_disabled_rule() -> None:
    assert rules.booking_paused_until([NOW + timedelta(days=1)] * 3, NOW) is None
    assert rules.booking_paused_until([days_ago(1)] * 5, NOW, rule=rules.BlacklistRule(misses=None)) is None
    with pytest.raises(InvalidInput):
        rules.BlacklistRule(misses=0)
    with pytest.raises(InvalidInput):
        rules.booking_paused_until([datetime(2026, 3, 1)], NOW)


@given(st.lists(st.floats(0, 400), max_size=12), st.integers(1, 4), st.integers(1, 90), st.integers(1, 120))
def test_matches_a_naive_scan(ago: list[float], misses: int, window: int, ban: int) -> None:
    rule = rules.BlacklistRule(misses=misses, window_days=window, ban_days=ban)
    times = [days_ago(a) for a in ago]
    expected = None
    for t in times:
        in_window = [u for u in times if t - timedelta(days=window) < u <= t]
        if len(in_window) >= misses:
            end = t + timedelta(days=ban)
            expected = max(expected, end) if expected else end
    if expected is not None and expected <= NOW:
        expected = None
    assert rules.booking_paused_until(times, NOW, rule=rule) == expected
