"""Bearer tokens: from the header to a :class:`~hall.server.auth.cache.Principal` with a role.

The lean ticket front and the routes' dependencies share these functions, so a token is checked the
same way on every path (cache, failure limiter, revocation within a second).
"""

from __future__ import annotations

from sqlalchemy import select

from hall.server.auth.cache import Principal
from hall.server.auth.errors import AuthRateLimited, AuthRequired, Forbidden, InvalidToken
from hall.server.auth.models import ApiToken
from hall.server.core.context import HallContext
from hall.server.core.security import hash_token

ROLES = ("terminal", "clerk", "manager", "admin")


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
        principal = None if row is None or row.revoked_at is not None else Principal(row.id, row.name, row.role)
    hall.tokens.put(digest, principal)
    return principal


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


def allowed(*roles: str) -> frozenset[str]:
    """The roles a route admits: the given ones, and admin, who may do everything."""
    return frozenset(roles) | {"admin"}


def check_role(principal: Principal, roles: frozenset[str]) -> Principal:
    """Raises :class:`Forbidden` when the principal's role is not among ``roles``."""
    if principal.role not in roles:
        raise Forbidden(role=principal.role)
    return principal


# Who may issue tickets, cancel them, send heartbeats…: terminals and the staff behind them.
ISSUERS = allowed("terminal", "clerk", "manager")
