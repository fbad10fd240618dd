"""Pure arithmetic behind the dashboard (no web, no ORM): SLA flags, the open-a-window suggestion,
percentiles, histograms and report rows. Documented for managers in docs/dashboard.md."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_SERVICE_S = 300.0
# Wait-time histogram bins in minutes: [0,5), [5,10) … [60, ∞).
WAIT_BINS_MIN = (0, 5, 10, 15, 20, 30, 45, 60)
# "Amber" before the target is reached, so a manager can act before the breach.
WARN_FRACTION = 0.8


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default); None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


@dataclass(frozen=True)
class QueueState:
    waiting: int
    longest_wait_s: int
    sla_s: int
    service_s: float | None
    open_windows: int


def assess(q: QueueState) -> dict[str, Any]:
    """SLA status and suggestion for one category.

    predicted wait = waiting × typical handling time ÷ open windows (the estimate citizens see).
    The status is the worse of what already happened and what is coming: ``breach`` when the longest
    wait is over the target; ``predicted`` (预计超时) when the predicted wait is over the target or
    people wait with no open window; ``warn`` when the longest or the predicted wait is over 80 % of
    the target; else ``ok``. When the predicted wait exceeds the target (or nobody serves the line),
    windows needed = ``ceil(waiting × handling ÷ target)``, but never more than the people waiting —
    one window per person is the most a line can use; the suggestion is to open the difference (at
    least one while no window is open, none when every waiting person already has a window).
    """
    service = q.service_s if q.service_s and q.service_s > 0 else DEFAULT_SERVICE_S
    predicted = round(q.waiting * service / max(1, q.open_windows))
    breach = q.longest_wait_s > q.sla_s
    unserved = q.waiting > 0 and q.open_windows == 0
    predicted_breach = q.waiting > 0 and (predicted > q.sla_s or unserved)
    if breach:
        level = "breach"
    elif predicted_breach:
        level = "predicted"
    elif q.waiting > 0 and max(q.longest_wait_s, predicted) > WARN_FRACTION * q.sla_s:
        level = "warn"
    else:
        level = "ok"
    extra = 0
    if predicted_breach:
        needed = min(q.waiting, math.ceil(q.waiting * service / q.sla_s))
        extra = max(1 if unserved else 0, needed - q.open_windows)
    return {"predicted_wait_s": predicted, "service_s": round(service), "breach": breach, "level": level,
            "predicted_breach": predicted_breach, "suggest_open": extra}


def wait_histogram(waits_s: Iterable[float]) -> dict[str, Any]:
    counts = [0] * len(WAIT_BINS_MIN)
    for w in waits_s:
        minutes = max(0.0, w) / 60
        idx = max(i for i, lo in enumerate(WAIT_BINS_MIN) if minutes >= lo)
        counts[idx] += 1
    labels = [f"{lo}–{WAIT_BINS_MIN[i + 1]}" if i + 1 < len(WAIT_BINS_MIN) else f"{lo}+"
              for i, lo in enumerate(WAIT_BINS_MIN)]
    return {"bins_min": list(WAIT_BINS_MIN), "labels": labels, "counts": counts}


@dataclass
class Tally:
    """Running figures for one report row."""

    tickets: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    waits: list[float] = field(default_factory=list)
    handling: list[float] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    def add_ticket(self, status: str, wait_s: float | None, handling_s: float | None) -> None:
        self.tickets += 1
        self.served += status == "done"
        self.no_show += status == "no_show"
        self.cancelled += status == "cancelled"
        if wait_s is not None:
            self.waits.append(max(0.0, wait_s))
        if handling_s is not None:
            self.handling.append(max(0.0, handling_s))

    def row(self) -> dict[str, Any]:
        def r(v: float | None) -> int | None:
            return None if v is None else round(v)

        closed = self.served + self.no_show
        good = sum(1 for x in self.ratings if x >= 4)
        return {
            "tickets": self.tickets, "served": self.served, "no_show": self.no_show,
            "cancelled": self.cancelled,
            "no_show_rate": round(self.no_show / closed, 4) if closed else None,
            "wait_p50_s": r(percentile(self.waits, 0.5)), "wait_p90_s": r(percentile(self.waits, 0.9)),
            "handling_avg_s": r(sum(self.handling) / len(self.handling)) if self.handling else None,
            "handling_p50_s": r(percentile(self.handling, 0.5)),
            "ratings": len(self.ratings),
            "rating_avg": round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None,
            "rating_good_rate": round(good / len(self.ratings), 4) if self.ratings else None,
            "rating_bad": sum(1 for x in self.ratings if x <= 2),
        }


CSV_COLUMNS = ("period_start", "period_end", "category", "category_name", "tickets", "served", "no_show",
               "cancelled", "no_show_rate", "wait_p50_s", "wait_p90_s", "handling_avg_s", "handling_p50_s",
               "ratings", "rating_avg", "rating_good_rate", "rating_bad")
