"""One HTTP caller for every outside platform: a base URL, a bearer token, timeouts and a circuit breaker.

After ``failures_to_open`` failures in a row the breaker opens: calls fail at once (no waiting on a
dead platform at the citizen's expense) for ``open_s`` seconds, then one trial call is let through
(half-open); its success closes the breaker. Every failure is an :class:`HttpUnavailable` with a short
reason (``timeout``, ``connect``, ``status_503``, ``bad_json``, ``circuit_open``), never the body.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx


class HttpUnavailable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CircuitBreaker:
    """closed → (N failures) open → (after ``open_s``) half-open → one success closes it."""

    def __init__(self, *, failures_to_open: int = 5, open_s: float = 30.0) -> None:
        self.failures_to_open, self.open_s = max(1, int(failures_to_open)), float(open_s)
        self.failures = 0
        self.opened_at: float | None = None
        self._trial = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        with self._lock:
            if self.opened_at is None:
                return "closed"
            return "half_open" if time.monotonic() - self.opened_at >= self.open_s else "open"

    def allow(self) -> bool:
        with self._lock:
            if self.opened_at is None:
                return True
            if time.monotonic() - self.opened_at >= self.open_s and not self._trial:
                self._trial = True
                return True
            return False

    def succeeded(self) -> None:
        with self._lock:
            self.failures, self.opened_at, self._trial = 0, None, False

    def failed(self) -> None:
        with self._lock:
            self.failures += 1
            if self._trial or self.failures >= self.failures_to_open:
                self.opened_at, self._trial = time.monotonic(), False


class HttpCaller:
    """JSON over HTTP to ``base_url`` (paths appended), with the breaker. Raises HttpUnavailable."""

    def __init__(self, *, base_url: str, token: str = "", timeout_s: float = 5.0, failures_to_open: int = 5,
                 open_s: float = 30.0, name: str = "platform") -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {base_url[:40]!r}")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.name = name
        self.breaker = CircuitBreaker(failures_to_open=failures_to_open, open_s=open_s)
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers,
                                    timeout=httpx.Timeout(float(timeout_s)))

    def call(self, method: str, path: str, *, json: Any = None, params: dict[str, str] | None = None,
             headers: dict[str, str] | None = None, accept: tuple[int, ...] = (200,)) -> Any:
        if not self.breaker.allow():
            raise HttpUnavailable("circuit_open")
        try:
            response = self._client.request(method, path, json=json, params=params, headers=headers)
        except httpx.TimeoutException:
            self.breaker.failed()
            raise HttpUnavailable("timeout") from None
        except httpx.HTTPError as exc:
            self.breaker.failed()
            raise HttpUnavailable(f"connect:{exc.__class__.__name__}") from None
        if response.status_code not in accept:
            if response.status_code >= 500 or response.status_code == 429:
                self.breaker.failed()
            else:
                self.breaker.succeeded()  # the platform answered; the request itself was refused
            raise HttpUnavailable(f"status_{response.status_code}")
        self.breaker.succeeded()
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise HttpUnavailable("bad_json") from None

    def close(self) -> None:
        self._client.close()
