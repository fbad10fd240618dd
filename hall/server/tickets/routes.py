"""Tickets: issue (also offline tickets from terminals), read, explain, cancel, reinstate, transfer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse

from hall.server.audit import service as audit
from hall.server.auth.tokens import AnyRole, ClerkRole, HallDep, TerminalRole
from hall.server.core.context import Tx
from hall.server.core.http_errors import ApiError
from hall.server.core.idempotency import run_idempotent
from hall.server.core.schemas import ERRORS, IdPath, NotifyIn, TicketIn, TicketOut, TransferIn
from hall.server.domain import errors as derr
from hall.server.notices.service import follow
from hall.server.queue.order import in_line
from hall.server.tickets import explain as explain_svc
from hall.server.tickets import service as svc
from hall.server.windows import service as wsvc

router = APIRouter(tags=["tickets"], responses=ERRORS)
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]
# Not part of the body: a resend carries a new clock reading under the same Idempotency-Key.
TerminalClock = Annotated[str | None, Header(alias="X-Terminal-Clock", max_length=64)]


def _terminal_clock(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        at = None
    if at is None or at.tzinfo is None or not 2000 <= at.year <= 2100:
        raise ApiError(422, "ticket.bad_terminal_clock", "X-Terminal-Clock must be an ISO 8601 time with its zone")
    return at


@router.post("/tickets", status_code=201, response_model=TicketOut)
def create_ticket(body: TicketIn, hall: HallDep, who: TerminalRole, key: IdemKey = None,
                  clock: TerminalClock = None) -> JSONResponse:
    """Issue a ticket. ``source="offline"`` accepts a ticket a terminal printed while the server was down
    (``X-Terminal-Clock``: the terminal's clock when sending, so its offset corrects ``issued_at``).

    Plain tickets usually never get here: :mod:`hall.server.tickets.front` answers them with the same result."""
    req = body.model_dump()
    terminal_clock = _terminal_clock(clock) if clock and body.source == "offline" else None
    status, out = run_idempotent(hall, scope="POST /tickets", key=key, payload=body.model_dump(mode="json"),
                                 action=lambda tx: svc.issue(hall, tx, req, terminal_clock=terminal_clock))
    return JSONResponse(out, status_code=status)


@router.get("/tickets/{ticket_id}", response_model=TicketOut)
def read_ticket(ticket_id: IdPath, hall: HallDep, who: AnyRole) -> JSONResponse:
    with hall.db.read() as s:
        t = svc.get_ticket(s, ticket_id)
        ahead = svc.waiting_ahead(s, t, hall) if t.status == "waiting" else 0
        return JSONResponse(svc.ticket_view(t, waiting_ahead=ahead,
                                            estimated_wait_s=svc.estimate(hall, t.category, ahead)))


@router.get("/tickets/{ticket_id}/explain")
def explain_ticket(ticket_id: IdPath, hall: HallDep, who: AnyRole) -> JSONResponse:
    """Why the ticket is where it is: its position and the rule that puts each ticket ahead of it."""
    with hall.db.read() as s:
        return JSONResponse(explain_svc.explain(hall, s, svc.get_ticket(s, ticket_id)))


@router.post("/tickets/{ticket_id}/reinstate", response_model=TicketOut)
def reinstate(ticket_id: IdPath, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> JSONResponse:
    def action(tx: Tx) -> tuple[int, dict[str, Any]]:
        out = wsvc.reinstate(hall, tx, ticket_id)
        audit.record(tx.session, who, "ticket.reinstate", f"ticket {out['number']}")
        return 200, out

    status, out = run_idempotent(hall, scope=f"reinstate {ticket_id}", key=key, payload={}, action=action)
    return JSONResponse(out, status_code=status)


@router.post("/tickets/{ticket_id}/transfer", response_model=TicketOut)
def transfer(ticket_id: IdPath, body: TransferIn, hall: HallDep, who: ClerkRole, key: IdemKey = None
             ) -> JSONResponse:
    def action(tx: Tx) -> tuple[int, dict[str, Any]]:
        out = wsvc.transfer(hall, tx, ticket_id, category=body.category, window=body.window)
        where = f"category {body.category}" if body.category else f"window {body.window}"
        audit.record(tx.session, who, "ticket.transfer", f"ticket {out['number']}", f"to {where}")
        return 200, out

    status, out = run_idempotent(hall, scope=f"transfer {ticket_id}", key=key, payload=body.model_dump(mode="json"),
                                 action=action)
    return JSONResponse(out, status_code=status)


@router.post("/tickets/{ticket_id}/cancel", response_model=TicketOut)
def cancel(ticket_id: IdPath, hall: HallDep, who: TerminalRole, key: IdemKey = None) -> JSONResponse:
    def action(tx: Tx) -> tuple[int, dict[str, Any]]:
        # Locked while still waiting (the lock order of windows.py), so a call that commits first wins
        # and this answers 409 instead of cancelling a ticket a clerk is calling.
        t = wsvc.lock_ticket(tx, ticket_id, "waiting")
        if t is None:
            raise derr.InvalidTransition(current=wsvc.status_of(tx, ticket_id), target="cancelled")
        t.status = "cancelled"
        if in_line(t):
            svc.adjust_waiting(tx.session, {(t.hall_day, t.category): -1})
        tx.emit("ticket.cancelled", {"id": t.id, "number": t.number, "category": t.category})
        audit.record(tx.session, who, "ticket.cancel", f"ticket {t.number}")
        return 200, svc.ticket_view(t)

    status, out = run_idempotent(hall, scope=f"cancel {ticket_id}", key=key, payload={}, action=action)
    return JSONResponse(out, status_code=status)


@router.post("/tickets/{ticket_id}/notify")
def follow_ticket(ticket_id: IdPath, body: NotifyIn, hall: HallDep, who: TerminalRole) -> dict[str, Any]:
    """Send "3 ahead of you" and "your turn" to a phone (SMS) or WeChat; the recipient is stored encrypted."""
    return start_following(hall, ticket_id, body)


def start_following(hall: Any, ticket_id: int, body: NotifyIn) -> dict[str, Any]:
    with hall.unit() as tx:
        t = svc.get_ticket(tx.session, ticket_id)
        if t.status not in ("waiting", "called"):
            raise derr.InvalidTransition(current=t.status, target="followed")
        ahead = svc.waiting_ahead(tx.session, t, hall) if t.status == "waiting" else None
        follow(hall, tx, t.id, status=t.status, ahead=ahead, channel=body.channel, to=body.to)
    return {"ticket_id": ticket_id, "number": t.number, "channel": body.channel, "following": True}
