"""Write limits per token and per terminal (``[server.limits]``): no token can flood the hall or use
up its day.

Two kinds, both counted in this process (each replica counts its own share; a restart starts afresh):

- a sliding minute of writes per token and per terminal (the kiosk token's terminal, or the terminal id
  a ticket names) — beyond it ``429 rate_limited`` with ``Retry-After``;
- a hall-day ceiling per token: tickets per category and submissions (registration codes), far below
  what the hall has (9,999 a category, 9,999 codes), so one token can never exhaust them.

The first refusal of a token or terminal in ten minutes raises an alert for the dashboard naming it
(``on_limited``). Benchmarks that drive one token hard turn the limits off (``enabled = false``).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from hall.server.auth.cache import Principal
from hall.server.domain.errors import DomainError

ALERT_EVERY_S = 600.0
# A deprecated terminal/clerk token is often shared by every kiosk or counter of a hall: its minute is
# this many times a bound token's (its terminals are still limited one by one where a ticket names them).
SHARED_LEGACY_FACTOR = 10


@dataclass(frozen=True)
class Limits:
    """The ``[server.limits]`` table. The defaults are far above a real kiosk (a few tickets a minute)."""

    enabled: bool = True
    token_writes_per_min: int = 300
    terminal_writes_per_min: int = 120
    token_tickets_per_category_day: int = 2000
    token_submissions_per_day: int = 2000


class RateLimited(DomainError):
    code = "rate_limited"
    kind = "rate_limited"
    template_zh = "写入过于频繁，请 {retry_after_s} 秒后再试"
    template_en = "Too many writes; retry in {retry_after_s} s"


class DayCeiling(RateLimited):
    """The same refusal (``rate_limited``) for a token's day ceiling, with its own message."""

    template_zh = "此令牌今日的{what}已达上限，请联系管理员"
    template_en = "This token has reached today's limit of {what}; call the manager"


_LEGACY = frozenset({"terminal", "clerk"})
LimitedCallback = Callable[[Principal, "str | None", str], None]


class WriteLimiter:
    """``charge(who, terminal=…)`` before a write; ``charge_day(who, what, key, day)`` before a ticket or
    submission. Both raise :class:`RateLimited` / :class:`DayCeiling` (429) and never block."""

    MAX_KEYS = 20_000

    def __init__(self, limits: Limits, on_limited: LimitedCallback | None = None) -> None:
        self.limits = limits
        self._on_limited = on_limited
        self._minute: dict[str, deque[float]] = {}
        self._day: dict[tuple[int, str, str], int] = {}
        self._alerted: dict[str, float] = {}
        self._lock = threading.Lock()

    def bind(self, on_limited: LimitedCallback) -> None:
        """The alert to raise (set once the services that write it exist)."""
        self._on_limited = on_limited

    def charge(self, who: Principal, *, terminal: str | None = None) -> None:
        if not self.limits.enabled:
            return
        terminal = who.terminal or terminal
        now = time.monotonic()
        with self._lock:
            if len(self._minute) > self.MAX_KEYS:
                self._minute.clear()
            per_token = self.limits.token_writes_per_min * (SHARED_LEGACY_FACTOR if who.role in _LEGACY else 1)
            waits = [self._wait(f"token:{who.token_id}", per_token, now)]
            if terminal is not None:
                waits.append(self._wait(f"terminal:{terminal}", self.limits.terminal_writes_per_min, now))
            wait = max(waits)
            if wait <= 0:
                self._minute[f"token:{who.token_id}"].append(now)
                if terminal is not None:
                    self._minute[f"terminal:{terminal}"].append(now)
                return
        self._alert(who, terminal, "writes")
        raise RateLimited(retry_after_s=max(1, math.ceil(wait)))

    def _wait(self, key: str, per_min: int, now: float) -> float:
        """Seconds until ``key`` may write again (<= 0: now)."""
        q = self._minute.setdefault(key, deque(maxlen=per_min))
        while q and q[0] <= now - 60:
            q.popleft()
        return q[0] + 60 - now if len(q) >= per_min else 0.0

    def charge_day(self, who: Principal, *, what: str, key: str, day: str) -> None:
        """Count one ``what`` ("tickets" of category ``key``, "submissions") of ``day`` for the token."""
        if not self.limits.enabled:
            return
        ceiling = (self.limits.token_tickets_per_category_day if what == "tickets"
                   else self.limits.token_submissions_per_day)
        slot = (who.token_id, what, f"{day}/{key}")
        with self._lock:
            if len(self._day) > self.MAX_KEYS:
                stale = [k for k in self._day if not k[2].startswith(day)]
                for k in stale or list(self._day):
                    del self._day[k]
            count = self._day.get(slot, 0)
            if count < ceiling:
                self._day[slot] = count + 1
                return
        self._alert(who, who.terminal, what)
        raise DayCeiling(what={"tickets": "取号数", "submissions": "办件数"}.get(what, what))

    def _alert(self, who: Principal, terminal: str | None, what: str) -> None:
        key = f"{who.token_id}/{terminal}/{what}"
        now = time.monotonic()
        with self._lock:
            if now - self._alerted.get(key, -ALERT_EVERY_S) < ALERT_EVERY_S:
                return
            self._alerted[key] = now
        if self._on_limited is not None:
            threading.Thread(target=self._on_limited, args=(who, terminal, what), name="limit-alert",
                             daemon=True).start()
