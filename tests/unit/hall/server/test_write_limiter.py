"""The write limiter (``[server.limits]``) on its own: the sliding minute, Retry-After, the shared legacy
token's larger minute, the hall-day ceiling and one alert per token, terminal and kind."""

from __future__ import annotations

import threading

import pytest

from hall.server.auth.cache import Principal
from hall.server.auth.limits import SHARED_LEGACY_FACTOR, DayCeiling, Limits, RateLimited, WriteLimiter

KIOSK = Principal(1, "kiosk-K1", "kiosk", terminal="K1")
OTHER = Principal(2, "kiosk-K2", "kiosk", terminal="K2")
LEGACY = Principal(3, "shared", "terminal")


def _limiter(**limits: int | bool) -> tuple[WriteLimiter, list[tuple[str, str | None, str]], threading.Event]:
    alerts: list[tuple[str, str | None, str]] = []
    seen = threading.Event()

    def on_limited(who: Principal, terminal: str | None, what: str) -> None:
        alerts.append((who.name, terminal, what))
        seen.set()

    return WriteLimiter(Limits(**limits), on_limited), alerts, seen  # type: ignore[arg-type]


def test_the_minute_refuses_with_retry_after_and_alerts_once() -> None:
    limiter, alerts, seen = _limiter(token_writes_per_min=100, terminal_writes_per_min=5)
    for _ in range(5):
        limiter.charge(KIOSK)
    for _ in range(3):
        with pytest.raises(RateLimited) as info:
            limiter.charge(KIOSK)
        assert 1 <= info.value.params["retry_after_s"] <= 60
    limiter.charge(OTHER)  # another terminal has its own minute
    assert seen.wait(5)
    assert alerts == [("kiosk-K1", "K1", "writes")]


def test_a_shared_legacy_token_gets_a_larger_minute_but_its_terminals_are_limited() -> None:
    limiter, _alerts, _seen = _limiter(token_writes_per_min=2, terminal_writes_per_min=100)
    for n in range(2 * SHARED_LEGACY_FACTOR):
        limiter.charge(LEGACY, terminal=f"K{n}")
    with pytest.raises(RateLimited):
        limiter.charge(LEGACY, terminal="K99")


def test_the_day_ceiling_counts_per_category_and_the_switch_turns_everything_off() -> None:
    limiter, _alerts, _seen = _limiter(token_tickets_per_category_day=3)
    for _ in range(3):
        limiter.charge_day(KIOSK, what="tickets", key="A", day="2026-12-07")
    with pytest.raises(DayCeiling) as info:
        limiter.charge_day(KIOSK, what="tickets", key="A", day="2026-12-07")
    assert info.value.code == "rate_limited" and info.value.message_zh
    limiter.charge_day(KIOSK, what="tickets", key="B", day="2026-12-07")
    limiter.charge_day(KIOSK, what="tickets", key="A", day="2026-12-08")
    off, _a, _s = _limiter(enabled=False, terminal_writes_per_min=1, token_tickets_per_category_day=1)
    for _ in range(10):
        off.charge(KIOSK)
        off.charge_day(KIOSK, what="tickets", key="A", day="2026-12-07")
