"""What a load run measured: request latencies per route, errors by kind, event delays, counters."""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile (``pct`` in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[rank]


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 2)


def summary_ms(values: list[float]) -> dict[str, float | int | None]:
    """count, p50/p95/p99/max in milliseconds of durations given in seconds."""
    return {"count": len(values), "p50_ms": _ms(percentile(values, 50)), "p95_ms": _ms(percentile(values, 95)),
            "p99_ms": _ms(percentile(values, 99)), "max_ms": _ms(max(values) if values else None)}


@dataclass
class Recorder:
    """Shared by every simulated actor of one run (one event loop, so no locks).

    Samples taken during the warm-up still count as requests and errors, but stay out of the
    percentiles: the first seconds measure connection set-up and cold caches, not the hall.
    """

    warmup_s: float
    started: float = field(default_factory=time.monotonic)
    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    route_errors: Counter[str] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    counters: Counter[str] = field(default_factory=Counter)
    # Server timestamp in the event → receive time (both wall clock on this machine).
    event_delays: list[float] = field(default_factory=list)
    # call-next sent by a clerk → ticket.called received by a display (same monotonic clock).
    call_sent: dict[int, float] = field(default_factory=dict)
    call_seen: list[tuple[int, float, int]] = field(default_factory=list)
    loop_lags: list[float] = field(default_factory=list)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def measuring(self) -> bool:
        return self.elapsed() >= self.warmup_s

    def request(self, route: str, seconds: float, error: str | None = None) -> None:
        self.requests += 1
        if error is not None:
            self.errors[error] += 1
            self.route_errors[route] += 1
        elif self.measuring():
            self.latencies[route].append(seconds)

    def error(self, kind: str) -> None:
        """An error outside a request (a dropped event socket, a lost call)."""
        self.errors[kind] += 1

    def count(self, name: str, n: int = 1) -> None:
        self.counters[name] += n

    def event_delay(self, seconds: float) -> None:
        if self.measuring():
            self.event_delays.append(max(0.0, seconds))

    def seen_call(self, display: int, ticket_id: int) -> None:
        self.call_seen.append((ticket_id, time.monotonic(), display))

    def call_to_display(self) -> list[float]:
        """Delays from call-next sent to each display's receipt, for calls sent after the warm-up."""
        start = self.started + self.warmup_s
        out = []
        for ticket_id, seen_at, _display in self.call_seen:
            sent = self.call_sent.get(ticket_id)
            if sent is not None and sent >= start:
                out.append(max(0.0, seen_at - sent))
        return out

    def missed_calls(self, connected: dict[int, list[tuple[float, float]]], *, grace_s: float = 3.0) -> int:
        """Calls a display should have seen (sent while it was connected, not in its last seconds) but did not."""
        seen = {(display, ticket_id) for ticket_id, _at, display in self.call_seen}
        missed = 0
        for display, spans in connected.items():
            for ticket_id, sent in self.call_sent.items():
                inside = any(start <= sent <= end - grace_s for start, end in spans)
                if inside and (display, ticket_id) not in seen:
                    missed += 1
        return missed

    def live_line(self, rss_mb: float | None) -> str:
        t = self.elapsed()
        def p95(route: str) -> str:
            v = percentile(self.latencies.get(route, [])[-2000:], 95)
            return "-" if v is None else f"{v * 1000:.0f}ms"
        ev = percentile(self.event_delays[-5000:], 95)
        parts = [f"t={t:5.0f}s", f"req={self.requests} ({self.requests / max(t, 1e-3):.0f}/s)",
                 f"err={sum(self.errors.values())}", f"tickets={self.counters['tickets_issued']}",
                 f"called={self.counters['tickets_called']}", f"done={self.counters['tickets_finished']}",
                 f"p95 ticket={p95('POST /api/v1/tickets')} call={p95('POST /api/v1/windows/{n}/call-next')}",
                 f"event p95={'-' if ev is None else f'{ev * 1000:.0f}ms'}"]
        if self.counters["submissions"]:
            parts.insert(6, f"subm={self.counters['submissions']}")
        if rss_mb is not None:
            parts.append(f"server rss={rss_mb:.0f}MB")
        return " ".join(parts)

    def report(self) -> dict[str, Any]:
        routes = {}
        for route in sorted(set(self.latencies) | set(self.route_errors)):
            routes[route] = {**summary_ms(self.latencies.get(route, [])), "errors": self.route_errors.get(route, 0)}
        call = summary_ms(self.call_to_display())
        ev = summary_ms(self.event_delays)
        lag = summary_ms(self.loop_lags)
        return {
            "requests": self.requests,
            "errors": sum(self.errors.values()),
            "errors_by_kind": dict(sorted(self.errors.items())),
            "routes": routes,
            "counts": dict(sorted(self.counters.items())),
            "event_delay_p50_ms": ev["p50_ms"], "event_delay_p95_ms": ev["p95_ms"],
            "event_delay_p99_ms": ev["p99_ms"], "event_delay_max_ms": ev["max_ms"], "events_measured": ev["count"],
            "call_to_display_p50_ms": call["p50_ms"], "call_to_display_p95_ms": call["p95_ms"],
            "call_to_display_max_ms": call["max_ms"],
            "loadgen_loop_lag_p95_ms": lag["p95_ms"], "loadgen_loop_lag_max_ms": lag["max_ms"],
        }
