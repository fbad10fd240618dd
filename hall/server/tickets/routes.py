"""Tickets: issue (also offline tickets from terminals), read, explain, cancel, reinstate, transfer, follow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from hall.server.audit import service as audit
from hall.server.auth import scope
from hall.server.auth.cache import Principal
from hall.server.auth.deps import AnyRole, ClerkRole, HallDep, TerminalRole
from hall.server.core.context import HallContext, Tx
from hall.server.core.idempotency import run_idempotent
from hall.server.core.params import IdemKey, IdPath, TerminalClock
from hall.server.core.schemas import ERRORS
from hall.server.domain.hallday import hall_day
from hall.server.tickets import explain as explain_svc
from hall.server.tickets import service as svc
from hall.server.tickets import transitions
from hall.server.tickets.errors import BadTerminalClock
from hall.server.tickets.schemas import ExplanationOut, FollowOut, NotifyIn, TicketIn, TicketOut, TransferIn
from hall.server.windows import service as wsvc
from hall.server.windows.errors import ForceNeedsManager

router = APIRouter(tags=["tickets"], responses=ERRORS)


def _terminal_clock(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        at = None
    if at is None or at.tzinfo is None or not 2000 <= at.year <= 2100:
        raise BadTerminalClock()
    return at


@router.post("/tickets", status_code=201, response_model=TicketOut)
def create_ticket(body: TicketIn, hall: HallDep, who: TerminalRole, key: IdemKey = None,
                  clock: TerminalClock = None) -> JSONResponse:
    """Issue a ticket. ``source="offline"`` accepts a ticket a terminal printed while the server was down
    (``X-Terminal-Clock``: the terminal's clock when sending, so its offset corrects ``issued_at``).

    Plain tickets usually never get here: :mod:`hall.server.tickets.front` answers them the same way."""
    body = bound_request(who, body)
    if body.source != "offline":  # an offline ticket was printed already: refusing it would lose it
        hall.limits.charge_day(who, what="tickets", key=body.category, day=hall_day(datetime.now(UTC)).isoformat())
    terminal_clock = _terminal_clock(clock) if clock and body.source == "offline" else None

    def action(tx: Tx) -> tuple[int, Any]:
        status, out = svc.issue_request(hall, tx, body, terminal_clock=terminal_clock)
        return status, svc.dump(out)

    status, out = run_idempotent(hall, scope=svc.SCOPE, key=key, payload=body.model_dump(mode="json"),
                                 action=action)
    return JSONResponse(out, status_code=status)


def bound_request(who: Principal, body: TicketIn) -> TicketIn:
    """The request as the token may make it: a kiosk token's own terminal id, staff-only priorities
    checked (the lean front binds a plain ticket the same way). Raises OtherTerminal, StaffPriority."""
    scope.check_priority(who, body.priority)
    terminal_id = scope.for_terminal(who, body.terminal_id)
    return body if terminal_id == body.terminal_id else body.model_copy(update={"terminal_id": terminal_id})


@router.get("/tickets/{ticket_id}", response_model=TicketOut)
def read_ticket(ticket_id: IdPath, hall: HallDep, who: AnyRole) -> TicketOut:
    """A ticket: a kiosk token reads only its own terminal's, a display or pad only the public fields."""
    with hall.db.read() as s:
        t = transitions.get_ticket(s, ticket_id)
        scope.owns_ticket(who, t.terminal_id)
        out = svc.view(hall, s, t)
    if scope.public_only(who):
        out = out.model_copy(update=dict.fromkeys(svc.PRIVATE_FIELDS))
    return out


@router.get("/tickets/{ticket_id}/explain", response_model=ExplanationOut)
def explain_ticket(ticket_id: IdPath, hall: HallDep, who: AnyRole) -> ExplanationOut:
    """Why the ticket is where it is: its position and the rule that puts each ticket ahead of it."""
    with hall.db.read() as s:
        t = transitions.get_ticket(s, ticket_id)
        scope.owns_ticket(who, t.terminal_id)
        return explain_svc.explain(hall, s, t)


def _ticket_action(hall: HallContext, scope: str, key: str | None, payload: object,
                   act: Callable[[Tx], tuple[int, Any]]) -> JSONResponse:
    status, out = run_idempotent(hall, scope=scope, key=key, payload=payload, action=act)
    return JSONResponse(out, status_code=status)


@router.post("/tickets/{ticket_id}/reinstate", response_model=TicketOut)
def reinstate(ticket_id: IdPath, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> JSONResponse:
    def action(tx: Tx) -> tuple[int, Any]:
        t = transitions.reinstate(hall, tx, ticket_id)
        audit.record(tx.session, who, "ticket.reinstate", f"ticket {t.number}")
        return 200, svc.dump(svc.view(hall, tx.session, t, place=False))

    return _ticket_action(hall, f"reinstate {ticket_id}", key, {}, action)


@router.post("/tickets/{ticket_id}/transfer", response_model=TicketOut)
def transfer(ticket_id: IdPath, body: TransferIn, hall: HallDep, who: ClerkRole, key: IdemKey = None
             ) -> JSONResponse:
    def action(tx: Tx) -> tuple[int, Any]:
        if body.force and who.role not in ("manager", "admin"):
            raise ForceNeedsManager()
        t = wsvc.transfer(hall, tx, ticket_id, category=body.category, window=body.window, force=body.force)
        where = f"category {body.category}" if body.category else f"window {body.window}"
        where += " (forced)" if body.force else ""
        audit.record(tx.session, who, "ticket.transfer", f"ticket {t.number}", f"to {where}")
        return 200, svc.dump(svc.view(hall, tx.session, t, place=False))

    return _ticket_action(hall, f"transfer {ticket_id}", key, body.model_dump(mode="json"), action)


@router.post("/tickets/{ticket_id}/cancel", response_model=TicketOut)
def cancel(ticket_id: IdPath, hall: HallDep, who: TerminalRole, key: IdemKey = None) -> JSONResponse:
    def action(tx: Tx) -> tuple[int, Any]:
        scope.owns_ticket(who, transitions.get_ticket(tx.session, ticket_id).terminal_id)
        t = transitions.cancel(tx, ticket_id)
        audit.record(tx.session, who, "ticket.cancel", f"ticket {t.number}")
        return 200, svc.dump(svc.view(hall, tx.session, t, place=False))

    return _ticket_action(hall, f"cancel {ticket_id}", key, {}, action)


@router.post("/tickets/{ticket_id}/notify", response_model=FollowOut)
def follow_ticket(ticket_id: IdPath, body: NotifyIn, hall: HallDep, who: TerminalRole) -> FollowOut:
    """Send "3 ahead of you" and "your turn" to a phone (SMS) or WeChat; the recipient is stored encrypted."""
    return svc.start_following(hall, ticket_id, body, owner=lambda terminal: scope.owns_ticket(who, terminal))
