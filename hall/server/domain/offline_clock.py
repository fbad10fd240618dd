"""When an offline ticket was really issued: a terminal's wall clock is not trusted with a citizen's turn.

A terminal that issued tickets while the server was down sends each one later with ``issued_at`` from
its own clock, which may be wrong by hours (docs/reliability.md, "Terminal clock wrong by hours").

* With the terminal's clock at sending time (``terminal_clock``, the ``X-Terminal-Clock`` header), its
  offset from the server is known: the issue moment on the server's clock is ``issued_at − offset``.
  That time is trusted (it may be hours old after a long outage); if it falls on an earlier hall day
  the ticket is genuinely stale (``stale``) and kept for the record only.
* Without it, the reported time is trusted only when it is plausible: not in the future (beyond a
  small tolerance), on the same hall day as its receipt, and at most ``max_age`` old. Otherwise the
  ticket is queued at its receipt: a clock ahead does not put the citizen behind everyone issued in
  the hours it is ahead, a clock behind neither jumps the queue by hours nor lands the ticket on
  "yesterday" (stored cancelled although the citizen is in the hall).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .hallday import ensure_utc, hall_day

DEFAULT_MAX_AGE = timedelta(minutes=120)
DEFAULT_TOLERANCE = timedelta(minutes=2)


class Basis(StrEnum):
    REPORTED = "reported"  # the terminal's time, plausible as it is
    CORRECTED = "corrected"  # the terminal's time minus its measured clock offset
    RECEIVED = "received"  # implausible: queued at the server's receipt


@dataclass(frozen=True)
class OfflineTime:
    """``queue_at``: the time the ticket is queued (and issued) by; ``stale``: of an earlier hall day
    by a trustworthy clock; ``why``: future, other_day, too_old (for ``RECEIVED``); ``offset_s``: the
    terminal clock minus the server's, when measured."""

    queue_at: datetime
    basis: Basis
    stale: bool = False
    why: str = ""
    offset_s: float | None = None


def trusted_issue_time(reported: datetime, received: datetime, *, terminal_clock: datetime | None = None,
                       max_age: timedelta = DEFAULT_MAX_AGE, tolerance: timedelta = DEFAULT_TOLERANCE
                       ) -> OfflineTime:
    """The time to queue an offline ticket by. Raises :class:`InvalidInput` for naive datetimes."""
    reported = ensure_utc(reported, name="issued_at")
    received = ensure_utc(received, name="received")
    if terminal_clock is not None:
        offset = ensure_utc(terminal_clock, name="terminal clock") - received
        issued = reported - offset
        if issued > received:  # the clock was changed between issue and sending: not in the future
            return OfflineTime(received, Basis.RECEIVED, why="future", offset_s=offset.total_seconds())
        stale = hall_day(issued) < hall_day(received)
        return OfflineTime(issued, Basis.CORRECTED, stale=stale, offset_s=offset.total_seconds())
    if reported > received + tolerance:
        return OfflineTime(received, Basis.RECEIVED, why="future")
    if hall_day(reported) != hall_day(received):
        return OfflineTime(received, Basis.RECEIVED, why="other_day")
    if received - reported > max_age:
        return OfflineTime(received, Basis.RECEIVED, why="too_old")
    return OfflineTime(min(reported, received), Basis.REPORTED)
