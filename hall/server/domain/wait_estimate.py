"""Estimated wait per category: people ahead × typical service time ÷ windows serving it.

The typical service time is an exponentially weighted moving average of recent service
durations (newest weigh most), so a slow morning or a fast clerk shows up within a few tickets.
A window serving several categories counts for each in proportion to its weights (a window
serving A and B equally is half a window for A). The formula is kept this simple on purpose:
a manager can redo it on paper ("4 ahead × 5 min ÷ 2 windows = 10 min").
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import InvalidInput
from .queue_policy import Window

DEFAULT_SERVICE_S = 300.0  # five minutes until the hall has its own history
DEFAULT_ALPHA = 0.3
# A clerk who forgets to press "finish" must not make the whole hall look slow.
MIN_SAMPLE_S = 15.0
MAX_SAMPLE_S = 2 * 3600.0


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha <= 1:
        raise InvalidInput(field="alpha (0 < alpha <= 1)")


def clamp_sample(seconds: float) -> float:
    return min(MAX_SAMPLE_S, max(MIN_SAMPLE_S, float(seconds)))


def update_ewma(previous_s: float | None, sample_s: float, *, alpha: float = DEFAULT_ALPHA) -> float:
    """One step: ``previous`` moved ``alpha`` of the way towards the clamped sample."""
    _check_alpha(alpha)
    if not math.isfinite(sample_s) or sample_s < 0:
        raise InvalidInput(field="service duration")
    sample = clamp_sample(sample_s)
    return sample if previous_s is None else previous_s + alpha * (sample - previous_s)


def ewma_service_s(
    durations_s: Iterable[float], *, alpha: float = DEFAULT_ALPHA, default_s: float = DEFAULT_SERVICE_S
) -> float:
    """The EWMA of ``durations_s`` (oldest first), or ``default_s`` with no history."""
    _check_alpha(alpha)
    value: float | None = None
    for d in durations_s:
        value = update_ewma(value, d, alpha=alpha)
    return default_s if value is None else value


def servers_for(category: str, windows: Iterable[Window]) -> float:
    """How many whole windows' worth of capacity the open ``windows`` give ``category``."""
    total = 0.0
    for w in windows:
        if category in w.weights:
            total += w.weights[category] / sum(w.weights.values())
    return total


@dataclass(frozen=True)
class WaitEstimate:
    """``seconds`` to show; the rest says how it was reached (basis ``history`` or ``default``)."""

    seconds: int
    ahead: int
    service_s: float
    servers: float
    basis: str
    no_window_open: bool

    def to_dict(self) -> dict[str, object]:
        return {"estimated_wait_s": self.seconds, "ahead": self.ahead, "service_s": round(self.service_s, 1),
                "servers": round(self.servers, 2), "basis": self.basis, "no_window_open": self.no_window_open}


def estimate_wait(
    *,
    category: str,
    ahead: int,
    durations_s: Iterable[float] = (),
    open_windows: Iterable[Window] = (),
    alpha: float = DEFAULT_ALPHA,
    default_service_s: float = DEFAULT_SERVICE_S,
) -> WaitEstimate:
    """Estimate for a ticket with ``ahead`` people before it in ``category``.

    With no window open for the category the estimate assumes one will open (one server) and
    says so in ``no_window_open``, rather than showing an infinite or zero wait.
    """
    if not isinstance(ahead, int) or ahead < 0:
        raise InvalidInput(field="ahead")
    samples = list(durations_s)
    service = ewma_service_s(samples, alpha=alpha, default_s=default_service_s)
    servers = servers_for(category, open_windows)
    no_window = servers <= 0
    seconds = math.ceil(ahead * service / (1.0 if no_window else servers))
    return WaitEstimate(seconds=seconds, ahead=ahead, service_s=service, servers=servers,
                        basis="history" if samples else "default", no_window_open=no_window)


def estimate_wait_s(
    *,
    category: str,
    ahead: int,
    durations_s: Iterable[float] = (),
    open_windows: Iterable[Window] = (),
    alpha: float = DEFAULT_ALPHA,
    default_service_s: float = DEFAULT_SERVICE_S,
) -> int:
    """Just the seconds of :func:`estimate_wait`."""
    return estimate_wait(category=category, ahead=ahead, durations_s=durations_s, open_windows=open_windows,
                         alpha=alpha, default_service_s=default_service_s).seconds
