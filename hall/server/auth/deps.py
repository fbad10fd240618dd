"""FastAPI dependencies: the services of the app and the caller's principal by role.

Routes stay short with these ``Annotated`` aliases (the FastAPI template's ``deps.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from hall.server.auth.cache import Principal
from hall.server.auth.tokens import (
    ALL_ROLES,
    BEATERS,
    ISSUERS,
    RATERS,
    WINDOW_STAFF,
    allowed,
    authenticate_off_loop,
    bearer_token,
    check_role,
)
from hall.server.core.context import HallContext


def get_hall(request: Request) -> HallContext:
    hall: HallContext = request.app.state.hall
    return hall


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def require(roles: frozenset[str]) -> Callable[[Request], Awaitable[Principal]]:
    """Dependency: a valid token whose role is in ``roles``."""

    # async so FastAPI does not hop to a thread for it; the DB is touched at most once a second per token,
    # on a thread.
    async def dep(request: Request) -> Principal:
        hall = get_hall(request)
        token = bearer_token(request.headers.get("authorization"))
        who = check_role(await authenticate_off_loop(hall, token, client_address(request)), roles)
        if request.method not in _READS:
            hall.limits.charge(who)  # 429 rate_limited beyond [server.limits]
        return who

    return dep


HallDep = Annotated[HallContext, Depends(get_hall)]
AnyRole = Annotated[Principal, Depends(require(allowed(*ALL_ROLES)))]
TerminalRole = Annotated[Principal, Depends(require(ISSUERS))]
BeaterRole = Annotated[Principal, Depends(require(BEATERS))]
RaterRole = Annotated[Principal, Depends(require(RATERS))]
# Reads a ticket (public fields for a display or pad; a kiosk only its own terminal's tickets).
ReaderRole = Annotated[Principal, Depends(require(allowed(*ALL_ROLES)))]
ClerkRole = Annotated[Principal, Depends(require(WINDOW_STAFF))]
ManagerRole = Annotated[Principal, Depends(require(allowed("manager")))]
AdminRole = Annotated[Principal, Depends(require(allowed()))]
