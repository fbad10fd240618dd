"""HallError tree: stable codes so callers pick behaviour (go offline, retry, give up) by class.

``unreachable`` / ``timeout``: the server is not there → offline mode, retry later.
``rejected``: a 4xx with the server's own code (``server_code``) → permanent for that request.
``conflict``: 409 (idempotency mismatch or state conflict). ``server_error``: 5xx → retry later.
"""

from __future__ import annotations

from typing import Any


class HallError(Exception):
    code = "hall.error"
    retryable = False

    def __init__(self, message: str, *, status: int | None = None, server_code: str | None = None,
                 body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.server_code = message, status, server_code
        self.body = body or {}


class HallUnreachable(HallError):
    code = "hall.unreachable"
    retryable = True


class HallTimeout(HallError):
    code = "hall.timeout"
    retryable = True


class HallRejected(HallError):
    """The server refused the request (4xx); ``server_code`` says why (e.g. ``quota_exceeded``)."""

    code = "hall.rejected"

    @property
    def message_zh(self) -> str:
        err = self.body.get("error", {})
        return str(err.get("message_zh") or err.get("message") or self.message)


class HallAuthError(HallRejected):
    code = "hall.auth"


class HallConflict(HallRejected):
    code = "hall.conflict"
    retryable = True


class HallRateLimited(HallRejected):
    code = "hall.rate_limited"
    retryable = True


class HallServerError(HallError):
    code = "hall.server_error"
    retryable = True


def from_response(status: int, body: Any) -> HallError:
    err = body.get("error", {}) if isinstance(body, dict) else {}
    server_code = err.get("code") if isinstance(err, dict) else None
    message = (err.get("message") if isinstance(err, dict) else None) or f"HTTP {status}"
    kwargs: dict[str, Any] = {"status": status, "server_code": server_code,
                              "body": body if isinstance(body, dict) else {}}
    if status >= 500:
        return HallServerError(message, **kwargs)
    if status in (401, 403):
        return HallAuthError(message, **kwargs)
    if status == 409:
        return HallConflict(message, **kwargs)
    if status == 429:
        return HallRateLimited(message, **kwargs)
    return HallRejected(message, **kwargs)
