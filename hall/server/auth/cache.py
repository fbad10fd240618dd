"""Per-process memory of tokens (a short cache, so a revocation applies within a second) and of failed
authentications per client address (a sliding minute)."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    """Who calls: the token's id, name and role, and what it is bound to (a kiosk token's terminal
    id, an evaluator's or counter's window number; None for unbound roles)."""

    token_id: int
    name: str
    role: str
    terminal: str | None = None
    window: int | None = None

    def scope(self) -> dict[str, str | int]:
        """The binding for an answer (``{"terminal": "K1"}``, ``{"window": 3}`` or ``{}``)."""
        out: dict[str, str | int] = {}
        if self.terminal is not None:
            out["terminal"] = self.terminal
        if self.window is not None:
            out["window"] = self.window
        return out


class TokenCache:
    MAX_ENTRIES = 10_000

    def __init__(self, ttl_s: float) -> None:
        self.ttl = ttl_s
        self._entries: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> tuple[bool, Principal | None]:
        entry = self._entries.get(digest)
        if entry is None or entry[0] < time.monotonic():
            return False, None
        return True, entry[1]

    def put(self, digest: str, principal: Principal | None) -> None:
        with self._lock:
            if len(self._entries) > self.MAX_ENTRIES:
                self._entries.clear()
            self._entries[digest] = (time.monotonic() + self.ttl, principal)

    def __len__(self) -> int:
        return len(self._entries)


class FailureLimiter:
    """Sliding one-minute window of failed attempts per client address."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, client: str) -> bool:
        q = self._fails.get(client)
        if not q:
            return False
        cutoff = time.monotonic() - 60
        while q and q[0] < cutoff:
            q.popleft()
        return len(q) >= self.per_minute

    MAX_CLIENTS = 10_000

    def fail(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            if client not in self._fails and len(self._fails) >= self.MAX_CLIENTS:
                # Bounded however many addresses fail: forget those with nothing in the last minute,
                # and if all are recent, the oldest half (they are blocked at most a minute anyway).
                stale = [c for c, q in self._fails.items() if not q or q[-1] < now - 60]
                for c in stale or sorted(self._fails, key=lambda c: self._fails[c][-1])[:self.MAX_CLIENTS // 2]:
                    del self._fails[c]
            self._fails.setdefault(client, deque(maxlen=self.per_minute + 1)).append(now)

    def __len__(self) -> int:
        return len(self._fails)
