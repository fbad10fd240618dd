"""Manager sessions for the dashboard: a manager token is exchanged once for a signed HttpOnly cookie.

Why a cookie and not the token in the browser: the page then never holds a long-lived secret that a
script could read, the session ends by itself after a shift, and revoking the token (``hall admin
revoke-token``) ends every session made from it at the next request. The cookie is stateless (HMAC
with a key derived from the server's master key), so every replica behind a load balancer accepts it.
Writes made with the cookie must also carry the session's CSRF value in ``X-CSRF-Token``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import delete, select

from hall.server.auth.cache import Principal
from hall.server.auth.models import ApiToken
from hall.server.auth.tokens import authenticate
from hall.server.core.context import HallContext
from hall.server.dashboard.errors import CsrfMismatch, DashboardRole, LoginRequired, SessionRevoked
from hall.server.dashboard.models import EndedSession

COOKIE = "hall_dashboard"
CSRF_HEADER = "X-CSRF-Token"
SESSION_S = 12 * 3600
ROLES = frozenset({"manager", "admin"})


@dataclass(frozen=True)
class DashUser:
    token_id: int
    name: str
    role: str
    # "cookie" sessions need the CSRF header on writes; "bearer" callers (scripts, tests) do not.
    via: str
    csrf: str = ""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(hall: HallContext, body: str) -> str:
    return _b64(hmac.new(hall.keyring.session_key, body.encode(), hashlib.sha256).digest())


def new_session(hall: HallContext, who: Principal, *, now: float | None = None) -> str:
    """The cookie value for ``who``: ``payload.signature`` (no personal data beyond the token's name)."""
    payload = {"tid": who.token_id, "exp": int((now or time.time()) + SESSION_S), "n": secrets.token_hex(8)}
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    return f"{body}.{_sign(hall, body)}"


def read_session(hall: HallContext, cookie: str, *, now: float | None = None) -> dict[str, Any] | None:
    """The payload of a well-signed, unexpired cookie; None otherwise (never raises on garbage)."""
    body, _, sig = cookie.partition(".")
    if not body or not sig or len(cookie) > 512 or not hmac.compare_digest(sig, _sign(hall, body)):
        return None
    try:
        payload = json.loads(_unb64(body))
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("tid"), int):
        return None
    if not isinstance(payload.get("exp"), int) or payload["exp"] < (now or time.time()):
        return None
    return payload


def csrf_for(hall: HallContext, cookie: str) -> str:
    return _sign(hall, "csrf:" + cookie)[:32]


def _active_token(hall: HallContext, token_id: int) -> ApiToken | None:
    with hall.db.read() as s:
        row = s.scalar(select(ApiToken).where(ApiToken.id == token_id))
        return row if row is not None and row.revoked_at is None else None


def live_session(hall: HallContext, payload: dict[str, Any]) -> ApiToken | None:
    """The token behind a session that is neither revoked (its token) nor ended (logout); else None."""
    with hall.db.read() as s:
        nonce = payload.get("n")
        if not isinstance(nonce, str) or s.get(EndedSession, nonce) is not None:
            return None
        row = s.scalar(select(ApiToken).where(ApiToken.id == payload["tid"]))
        return row if row is not None and row.revoked_at is None else None


def end_session(hall: HallContext, cookie: str) -> bool:
    """Logout: the session of a well-signed cookie is refused from now on by every replica (sessions
    ended long ago are forgotten once their cookie would have expired). False for a cookie of no session."""
    payload = read_session(hall, cookie)
    if payload is None or not isinstance(payload.get("n"), str):
        return False
    now = datetime.now(UTC)
    with hall.db.write() as s:
        s.execute(delete(EndedSession).where(EndedSession.expires_at < now))
        if s.get(EndedSession, payload["n"]) is None:
            s.add(EndedSession(nonce=payload["n"], expires_at=datetime.fromtimestamp(payload["exp"], UTC)))
    return True


def login(hall: HallContext, token: str, client: str) -> Principal:
    """Check a manager/admin token (rate-limited like every token check). Raises the token check's
    AuthRequired, InvalidToken, AuthRateLimited, and DashboardRole."""
    who = authenticate(hall, token.strip() or None, client)
    if who.role not in ROLES:
        raise DashboardRole()
    return who


def current_user(request: Request) -> DashUser:
    """A manager from the session cookie or a bearer token. Raises LoginRequired, SessionRevoked,
    DashboardRole (and the token check's refusals for a bearer token)."""
    hall: HallContext = request.app.state.hall
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        who = login(hall, token, request.client.host if request.client else "?")
        return DashUser(who.token_id, who.name, who.role, "bearer")
    cookie = request.cookies.get(COOKIE, "")
    payload = read_session(hall, cookie) if cookie else None
    if payload is None:
        raise LoginRequired()
    row = live_session(hall, payload)
    if row is None:
        raise SessionRevoked()
    if row.role not in ROLES:
        raise DashboardRole()
    return DashUser(row.id, row.name, row.role, "cookie", csrf_for(hall, cookie))


def writing_user(request: Request) -> DashUser:
    """Like :func:`current_user`, plus the CSRF check for cookie sessions (CsrfMismatch)."""
    user = current_user(request)
    if user.via == "cookie":
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(sent, user.csrf):
            raise CsrfMismatch()
    return user


Manager = Annotated[DashUser, Depends(current_user)]
ManagerWrite = Annotated[DashUser, Depends(writing_user)]
