"""Bearer-token authentication with roles, a short per-process cache, and a failed-attempt limiter."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select

from hall.server.auth.models import ApiToken
from hall.server.core.context import HallContext
from hall.server.core.http_errors import ApiError
from hall.server.core.security import hash_token

ROLES = ("terminal", "clerk", "manager", "admin")


@dataclass(frozen=True)
class Principal:
    token_id: int
    name: str
    role: str


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


def lookup_token(hall: HallContext, token: str) -> Principal | None:
    digest = hash_token(token)
    cache: TokenCache = hall.token_cache  # type: ignore[attr-defined]
    hit, principal = cache.get(digest)
    if hit:
        return principal
    with hall.db.read() as s:
        row = s.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
        principal = None if row is None or row.revoked_at is not None else Principal(row.id, row.name, row.role)
    cache.put(digest, principal)
    return principal


def get_hall(request: Request) -> HallContext:
    hall: HallContext = request.app.state.hall
    return hall


def authenticate(hall: HallContext, token: str | None, client: str) -> Principal:
    """Raises ApiError 401 (missing/invalid/revoked) or 429 (too many failures from this client)."""
    limiter: FailureLimiter = hall.auth_limiter  # type: ignore[attr-defined]
    if limiter.blocked(client):
        raise ApiError(429, "auth.rate_limited", "too many failed attempts; wait a minute")
    if not token:
        raise ApiError(401, "auth.required", "a bearer token is required")
    principal = lookup_token(hall, token)
    if principal is None:
        limiter.fail(client)
        raise ApiError(401, "auth.invalid_token", "unknown or revoked token")
    return principal


def _current(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else ""
    client = request.client.host if request.client else "?"
    return authenticate(get_hall(request), token or None, client)


def require(*roles: str) -> Callable[[Request], Awaitable[Principal]]:
    """Dependency: a valid token whose role is one of ``roles`` (admin may do everything)."""
    allowed = frozenset(roles) | {"admin"}

    # async so FastAPI does not hop to a thread for it; the DB is touched at most once a second per token.
    async def dep(request: Request) -> Principal:
        principal = _current(request)
        if principal.role not in allowed:
            raise ApiError(403, "auth.forbidden", f"role {principal.role} may not do this")
        return principal

    return dep


HallDep = Annotated[HallContext, Depends(get_hall)]
AnyRole = Annotated[Principal, Depends(require(*ROLES))]
TerminalRole = Annotated[Principal, Depends(require("terminal", "clerk", "manager"))]
ClerkRole = Annotated[Principal, Depends(require("clerk", "manager"))]
ManagerRole = Annotated[Principal, Depends(require("manager"))]
AdminRole = Annotated[Principal, Depends(require())]
