"""Per-person rules: a daily ticket quota per category, and a booking pause after no-shows.

Both are configurable and, when they apply, come back as a typed refusal whose zh/en message is
written for the citizen. The pause only stops *online booking*: taking a ticket at the hall is
never refused for it (traditional channels stay open, see DOMAIN.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import Blacklisted, InvalidInput, QuotaExceeded
from .hallday import ensure_utc, local


@dataclass(frozen=True)
class QuotaRule:
    """At most ``per_category_daily`` tickets per ID number per category per hall day;
    ``None`` disables the rule (as in the demo hall)."""

    per_category_daily: int | None = 3

    def __post_init__(self) -> None:
        if self.per_category_daily is not None and self.per_category_daily < 1:
            raise InvalidInput(field="quota per_category_daily")


def quota_refusal(*, issued_today: int, rule: QuotaRule = QuotaRule()) -> QuotaExceeded | None:
    """The refusal for one more ticket when ``issued_today`` were already issued, else ``None``."""
    if issued_today < 0:
        raise InvalidInput(field="issued_today")
    limit = rule.per_category_daily
    if limit is not None and issued_today >= limit:
        return QuotaExceeded(limit=limit, used=issued_today)
    return None


def check_quota(*, issued_today: int, rule: QuotaRule = QuotaRule()) -> None:
    """Raises :class:`QuotaExceeded` when the quota is used up."""
    refusal = quota_refusal(issued_today=issued_today, rule=rule)
    if refusal is not None:
        raise refusal


@dataclass(frozen=True)
class BlacklistRule:
    """``misses`` missed appointments within ``window_days`` pause booking for ``ban_days``
    from the last of them; ``misses=None`` disables the rule."""

    misses: int | None = 2
    window_days: int = 30
    ban_days: int = 90

    def __post_init__(self) -> None:
        if (self.misses is not None and self.misses < 1) or self.window_days < 1 or self.ban_days < 1:
            raise InvalidInput(field="blacklist rule")


def booking_paused_until(
    missed_at: Iterable[datetime], now: datetime, *, rule: BlacklistRule = BlacklistRule()
) -> datetime | None:
    """When the booking pause ends (UTC), or ``None`` when booking is allowed at ``now``."""
    if rule.misses is None:
        return None
    now = ensure_utc(now, name="now")
    times = sorted(t for t in (ensure_utc(m, name="missed_at") for m in missed_at) if t <= now)
    window = timedelta(days=rule.window_days)
    until: datetime | None = None
    start = 0
    for end, t in enumerate(times):
        while times[start] <= t - window:
            start += 1
        if end - start + 1 >= rule.misses:
            until = t + timedelta(days=rule.ban_days)
    return until if until is not None and until > now else None


def blacklist_refusal(
    missed_at: Iterable[datetime], now: datetime, *, rule: BlacklistRule = BlacklistRule()
) -> Blacklisted | None:
    until = booking_paused_until(missed_at, now, rule=rule)
    if until is None:
        return None
    return Blacklisted(misses=rule.misses, window_days=rule.window_days,
                       until=local(until).strftime("%Y-%m-%d"), until_utc=until.isoformat())


def check_booking_allowed(
    missed_at: Iterable[datetime], now: datetime, *, rule: BlacklistRule = BlacklistRule()
) -> None:
    """Raises :class:`Blacklisted` while a booking pause is in force."""
    refusal = blacklist_refusal(missed_at, now, rule=rule)
    if refusal is not None:
        raise refusal
