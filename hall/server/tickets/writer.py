"""The one ticket writer: the per-ID quota, the number, the row and the ``ticket.issued`` event.

Every new ticket goes through :func:`write` then :func:`announce` — online tickets from the lean front
(:mod:`hall.server.tickets.front`, with or without an Idempotency-Key) and from the route, offline
tickets, appointment check-in — on the unit of work it is given: an ORM unit (the session's own
connection) or a batch of the batch writer (a raw connection). The statements are compiled once per
dialect (:mod:`hall.server.core.sql`); the number comes from :mod:`hall.server.tickets.numbering`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, func, select

from hall.server.core.sql import Sql
from hall.server.domain.rules import QuotaRule, check_quota
from hall.server.domain.tickets import FALLBACK_PRIORITY
from hall.server.tickets.models import Ticket
from hall.server.tickets.numbering import adjust_waiting, take_number
from hall.server.tickets.schemas import TicketOut

FALLBACK = FALLBACK_PRIORITY
_TK = Ticket.__table__
_COLUMNS = ("number", "seq", "category", "hall_day", "status", "source", "priority", "id_hash", "id_masked",
            "issued_at", "queue_at", "terminal_id", "public_token", "appointment_id", "call_count",
            "submission_id", "offline_number", "offline_issued_at")
_INSERT = _TK.insert().values({c: bindparam(c) for c in _COLUMNS}).returning(_TK.c.id)
_QUOTA = select(func.count()).select_from(_TK).where(
    _TK.c.id_hash == bindparam("h"), _TK.c.hall_day == bindparam("day"), _TK.c.category == bindparam("cat"),
    _TK.c.status != "cancelled")


class Unit(Protocol):
    """A write in progress: its statements and the events it publishes once it commits."""

    @property
    def sql(self) -> Sql: ...

    def emit(self, kind: str, data: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class NewTicket:
    """Everything a new ticket row holds; ``offline_number`` keeps a number a terminal printed."""

    category: str
    day: str
    source: str
    issued_at: datetime
    queue_at: datetime
    public_token: str
    priority: str | None = None
    terminal_id: str | None = None
    id_hash: str | None = None
    id_masked: str | None = None
    appointment_id: int | None = None
    submission_id: int | None = None
    offline_number: str | None = None
    offline_issued_at: datetime | None = None
    status: str = "waiting"
    # Refusals checked in the write: the category's daily cap, the per-ID daily quota (None: not checked).
    cap: int | None = None
    quota: int | None = None

    @property
    def lined(self) -> bool:
        """Counts in its category's line (the waiting counter): waiting, and not a 办不成事 ticket."""
        return self.status == "waiting" and self.priority != FALLBACK


@dataclass(frozen=True)
class Written:
    id: int
    number: str
    seq: int | None
    waiting: int  # the line's waiting count after this ticket (0 when not known: offline tickets)


def write(unit: Unit, t: NewTicket) -> Written:
    """Insert the ticket, numbered unless it carries an offline number. Raises the domain's refusals
    (QuotaExceeded, CategoryFull, SequenceExhausted) before anything stays written."""
    sql = unit.sql
    if t.id_hash is not None and t.quota is not None:
        row = sql.row(_QUOTA, {"h": t.id_hash, "day": t.day, "cat": t.category})
        check_quota(issued_today=int(row[0]) if row else 0, rule=QuotaRule(t.quota))
    if t.offline_number is None:
        n = take_number(sql, day=t.day, category=t.category, lined=t.lined, cap=t.cap)
        number, seq, waiting = n.number, n.seq, n.waiting
    else:
        number, seq, waiting = t.offline_number, None, 0
        if t.lined:
            adjust_waiting(sql, {(t.day, t.category): 1})
    row = sql.row(_INSERT, {
        "number": number, "seq": seq, "category": t.category, "hall_day": t.day, "status": t.status,
        "source": t.source, "priority": t.priority, "id_hash": t.id_hash, "id_masked": t.id_masked,
        "issued_at": t.issued_at, "queue_at": t.queue_at, "terminal_id": t.terminal_id,
        "public_token": t.public_token, "appointment_id": t.appointment_id, "call_count": 0,
        "submission_id": t.submission_id, "offline_number": t.offline_number,
        "offline_issued_at": t.offline_issued_at})
    assert row is not None
    return Written(int(row[0]), number, seq, waiting)


def public_path(token: str) -> str:
    return f"/t/{token}"


def answer(t: NewTicket, w: Written, *, ahead: int | None, estimate: int | None) -> TicketOut:
    """The new ticket in the API's one shape (built from values the server made: not validated again)."""
    return TicketOut.model_construct(
        id=w.id, number=w.number, category=t.category, status=t.status, source=t.source, priority=t.priority,
        hall_day=t.day, waiting_ahead=ahead, estimated_wait_s=estimate, issued_at=t.issued_at, call_count=0,
        offline_number=t.offline_number, terminal_id=t.terminal_id, id_masked=t.id_masked,
        appointment_id=t.appointment_id, submission_id=t.submission_id, public_url=public_path(t.public_token),
        offline_issued_at=t.offline_issued_at)


def announce(unit: Unit, out: TicketOut) -> None:
    """The ``ticket.issued`` event (published when the unit commits)."""
    unit.emit("ticket.issued", {"id": out.id, "number": out.number, "category": out.category,
                                "priority": out.priority, "source": out.source, "waiting_ahead": out.waiting_ahead})
