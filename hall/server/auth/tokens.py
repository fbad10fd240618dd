"""Bearer tokens: from the header to a :class:`~hall.server.auth.cache.Principal` with a role.

The lean ticket front and the routes' dependencies share these functions, so a token is checked the
same way on every path (cache, failure limiter, revocation within a second).
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from hall.server.auth.cache import Principal
from hall.server.auth.errors import AuthRateLimited, AuthRequired, Forbidden, InvalidToken
from hall.server.auth.models import ApiToken
from hall.server.core.context import HallContext
from hall.server.core.security import hash_token

log = logging.getLogger(__name__)

# kiosk (bound to a terminal id), display (read only), evaluator and counter (bound to a window), staff.
ROLES = ("kiosk", "display", "evaluator", "counter", "manager", "admin")
# The roles before tokens were bound to what they serve: accepted for one more release, with a warning.
LEGACY_ROLES = ("terminal", "clerk")
ALL_ROLES = ROLES + LEGACY_ROLES
_warned: set[int] = set()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header value, else None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def lookup_token(hall: HallContext, token: str) -> Principal | None:
    """The token's principal (None when unknown or revoked); the database is read at most once a
    second per token and process."""
    digest = hash_token(token)
    hit, principal = hall.tokens.get(digest)
    if hit:
        return principal
    with hall.db.read() as s:
        row = s.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
        principal = None
        if row is not None and row.revoked_at is None:
            principal = Principal(row.id, row.name, row.role, terminal=row.terminal, window=row.window)
    hall.tokens.put(digest, principal)
    if principal is not None and principal.role in LEGACY_ROLES and principal.token_id not in _warned:
        _warned.add(principal.token_id)
        log.warning("token %r has the deprecated role %r: replace it with a kiosk, display or evaluator "
                    "(terminal) or counter (clerk) token bound to what it serves (docs/security.md); "
                    "the old roles are refused from the next release", principal.name, principal.role)
    return principal


async def still_valid(hall: HallContext, token: str) -> bool:
    """Is ``token`` still live (not revoked)? From the cache when it can; else the database on a thread."""
    hit, principal = hall.tokens.get(hash_token(token))
    if hit:
        return principal is not None
    import asyncio

    return await asyncio.to_thread(lookup_token, hall, token) is not None


def authenticate(hall: HallContext, token: str | None, client: str) -> Principal:
    """Raises AuthRequired / InvalidToken (401) or AuthRateLimited (429: too many failures from ``client``)."""
    if hall.auth_failures.blocked(client):
        raise AuthRateLimited()
    if not token:
        raise AuthRequired()
    principal = lookup_token(hall, token)
    if principal is None:
        hall.auth_failures.fail(client)
        raise InvalidToken()
    return principal


async def authenticate_off_loop(hall: HallContext, token: str | None, client: str) -> Principal:
    """:func:`authenticate` for a coroutine: from the cache on the event loop; a cache miss (once a second
    per token) reads the database on a worker thread, so no request waits behind another's lookup."""
    if token and hall.tokens.get(hash_token(token))[0]:
        return authenticate(hall, token, client)
    import asyncio

    return await asyncio.to_thread(authenticate, hall, token, client)


def allowed(*roles: str) -> frozenset[str]:
    """The roles a route admits: the given ones, and admin, who may do everything."""
    return frozenset(roles) | {"admin"}


def check_role(principal: Principal, roles: frozenset[str]) -> Principal:
    """Raises :class:`Forbidden` when the principal's role is not among ``roles``."""
    if principal.role not in roles:
        raise Forbidden(role=principal.role)
    return principal


# Who may issue tickets, cancel them, send heartbeats…: kiosks and the staff behind them.
ISSUERS = allowed("kiosk", "counter", "manager", "terminal", "clerk")
# Who may register a terminal and send its heartbeats: every terminal kind (a display or pad only as one).
BEATERS = allowed("kiosk", "display", "evaluator", "counter", "manager", "terminal", "clerk")
# Who may rate a service: the kiosk (its own ratings), the window's evaluation pad, staff.
RATERS = allowed("kiosk", "evaluator", "manager", "terminal", "clerk")
# Who acts at a window (calls, opens, reviews a citizen's case): the counter of that window and managers.
WINDOW_STAFF = allowed("counter", "manager", "clerk")
# Who may set a priority the server does not derive itself (vip, disabled, pregnant, veteran): staff.
STAFF = allowed("counter", "manager", "clerk")
