"""Which time an offline ticket is queued by, whatever the terminal's clock says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from hall.server.domain.hallday import hall_day
from hall.server.domain.offline_clock import Basis, trusted_issue_time

# 10:35 in the hall (Asia/Shanghai), a weekday.
RECEIVED = datetime(2026, 11, 23, 2, 35, tzinfo=UTC)


def test_a_plausible_time_is_kept() -> None:
    t = trusted_issue_time(RECEIVED - timedelta(minutes=40), RECEIVED)
    assert (t.queue_at, t.basis, t.stale) == (RECEIVED - timedelta(minutes=40), Basis.REPORTED, False)


def test_clock_ahead_behind_or_on_another_day_queues_at_receipt() -> None:
    for hours, why in ((5, "future"), (-12, "other_day"), (-30, "other_day"), (-3, "too_old")):
        t = trusted_issue_time(RECEIVED + timedelta(hours=hours), RECEIVED)
        assert (t.queue_at, t.basis, t.why, t.stale) == (RECEIVED, Basis.RECEIVED, why, False), hours


def test_a_small_drift_ahead_is_tolerated_but_never_queued_in_the_future() -> None:
    t = trusted_issue_time(RECEIVED + timedelta(seconds=50), RECEIVED)
    assert (t.queue_at, t.basis) == (RECEIVED, Basis.REPORTED)


def test_the_terminal_clock_corrects_both_directions() -> None:
    for skew in (timedelta(hours=-12), timedelta(hours=5), timedelta(0)):
        issued = RECEIVED - timedelta(hours=3)  # a long outage: really issued 3 h ago
        t = trusted_issue_time(issued + skew, RECEIVED, terminal_clock=RECEIVED + skew)
        assert (t.queue_at, t.basis, t.stale) == (issued, Basis.CORRECTED, False)
        assert t.offset_s == skew.total_seconds()


def test_a_corrected_time_of_an_earlier_day_is_stale() -> None:
    t = trusted_issue_time(RECEIVED - timedelta(hours=30), RECEIVED, terminal_clock=RECEIVED)
    assert t.stale and t.queue_at == RECEIVED - timedelta(hours=30)


@given(reported=st.integers(-80 * 3600, 80 * 3600), skew=st.one_of(st.none(), st.integers(-80 * 3600, 80 * 3600)))
def test_never_later_than_receipt_and_today_unless_stale(reported: int, skew: int | None) -> None:
    clock = None if skew is None else RECEIVED + timedelta(seconds=skew)
    t = trusted_issue_time(RECEIVED + timedelta(seconds=reported), RECEIVED, terminal_clock=clock)
    assert t.queue_at <= RECEIVED
    assert t.stale or hall_day(t.queue_at) == hall_day(RECEIVED)
