"""Call-order policy cost: choose_next and explain over a busy hall's waiting tickets (ms per call)."""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from bench._stats import median, percentile
from hall.server.domain.queue_explain import waiting_ahead
from hall.server.domain.queue_policy import (
    CallMode,
    PriorityReason,
    QueuePolicy,
    QueueTicket,
    Window,
    choose_next,
    explain,
)


def make_queue(n: int, seed: int = 4) -> tuple[list[QueueTicket], datetime]:
    """``n`` waiting tickets over four categories: 10 % priority, 5 % elderly, 3 % appointments."""
    rng = random.Random(seed)
    now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    out = []
    for i in range(n):
        cat = "ABCD"[i % 4]
        issued = now - timedelta(seconds=rng.uniform(0, 3 * 3600))
        roll = rng.random()
        out.append(QueueTicket(
            id=i, number=f"{cat}{i // 4 + 1:03d}", category=cat, issued_at=issued,
            priorities=frozenset({PriorityReason.DISABLED}) if roll < 0.10 else frozenset(),
            birth_date=date(1945, 1, 1) if 0.10 <= roll < 0.15 else None,
            appointment_start=now - timedelta(minutes=5) if 0.15 <= roll < 0.18 else None,
        ))
    return out, now


def _time_ms(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def main(argv: list[str]) -> dict[str, float | int]:
    ap = argparse.ArgumentParser(prog="python -m bench queue_policy")
    ap.add_argument("--waiting", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args(argv)
    queue, now = make_queue(args.waiting)
    window = Window.serving("1", {"A": 2, "B": 1, "C": 1})
    ratio = QueuePolicy(mode=CallMode.RATIO)
    recent = ["priority", "priority"]
    choose = _time_ms(lambda: choose_next(window, queue, ratio, now, recent), args.repeat)
    target = queue[-1]
    expl = _time_ms(lambda: explain(target, queue, ratio, now), args.repeat)
    ahead = _time_ms(lambda: waiting_ahead(target, queue, ratio, now), args.repeat)
    return {
        "waiting": args.waiting,
        "choose_next_p50_ms": round(median(choose), 3),
        "choose_next_p99_ms": round(percentile(choose, 99), 3),
        "explain_p50_ms": round(median(expl), 3),
        "waiting_ahead_p50_ms": round(median(ahead), 3),
    }
