"""Issuing and reading tickets: plan a request, write it with the one writer, answer in the one shape.

:func:`plan` turns a request into the row to write (category open?, ID number → masked form, hash and
the elderly priority, the quota and cap to check) and says whether it is *plain* — no priority in a
priority-first hall, nobody to notify — so that its place in line is the line's count and the batch
writer can take it (:mod:`hall.server.tickets.front`). :func:`issue` writes a plan on any unit of work;
:func:`issue_request` is the route's whole path (offline tickets and notices included). Raises domain
errors only.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.server.catalogue.models import Category
from hall.server.catalogue.service import domain_category
from hall.server.core.context import HallContext, Tx
from hall.server.domain import errors as derr
from hall.server.domain.errors import DomainError
from hall.server.domain.hallday import hall_day
from hall.server.domain.identity import age_on, parse_id_number
from hall.server.domain.offline_clock import trusted_issue_time
from hall.server.domain.queue_policy import CallMode
from hall.server.domain.tickets import PriorityReason
from hall.server.hallday.service import ensure_day
from hall.server.notices.service import follow
from hall.server.queue import order as queue
from hall.server.terminals.service import claim_prefix
from hall.server.tickets.errors import OfflineFields, OfflineNumberTaken, OfflinePrefixForeign
from hall.server.tickets.models import Ticket
from hall.server.tickets.rating_code import rating_code
from hall.server.tickets.schemas import FollowOut, NotifyIn, TicketIn, TicketOut
from hall.server.tickets.transitions import get_ticket
from hall.server.tickets.writer import (
    FALLBACK,
    Keyed,
    NewTicket,
    Unit,
    Written,
    announce,
    answer,
    finish,
    public_path,
    write_many,
)

SCOPE = "POST /tickets"  # the idempotency scope of new tickets (route and lean front alike)
# Accepted on input for a 办不成事 ticket (the kiosk's name for it).
FALLBACK_ALIASES = frozenset({FALLBACK, "fallback"})


@dataclass(frozen=True)
class Plan:
    ticket: NewTicket
    # Plain: its place is the line's count (no queue read), so the lean front and batch writer may take it.
    plain: bool


def _category(hall: HallContext, code: str) -> Category:
    cat = hall.categories.get().get(code)
    if cat is None or not cat.active:
        raise derr.UnknownCategory(category=code)
    return cat


def _identity(hall: HallContext, id_number: str | None) -> tuple[str | None, str | None, date | None]:
    if not id_number:
        return None, None, None
    parsed = parse_id_number(id_number)
    return hall.keyring.id_hash(parsed.value), parsed.masked, parsed.birth_date


def plan(hall: HallContext, req: TicketIn, now: datetime, *, appointment_id: int | None = None,
         source: str | None = None, priority: str | None = None) -> Plan:
    """What to write for an online ticket (not an offline one); ``source``/``priority`` set by the server
    itself (a check-in's ``appointment``). Raises UnknownCategory, Closed, InvalidIdNumber."""
    cat = _category(hall, req.category)
    domain_category(cat).check_can_issue(now, issued_today=0)  # opening hours: Closed with the next opening
    day = hall_day(now)
    id_hash, id_masked, birth = _identity(hall, req.id_number)
    priority = priority or (FALLBACK if req.priority in FALLBACK_ALIASES else req.priority)
    policy = hall.options.policy
    source = source or req.source
    if (priority is None and birth is not None and PriorityReason.ELDERLY in policy.priority_reasons
            and age_on(birth, day) >= policy.elderly_age):
        priority = PriorityReason.ELDERLY.value
    ticket = NewTicket(
        category=cat.code, day=day.isoformat(), source=source, issued_at=now, queue_at=now,
        public_token=secrets.token_urlsafe(16), priority=priority, terminal_id=req.terminal_id,
        id_hash=id_hash, id_masked=id_masked, appointment_id=appointment_id,
        cap=cat.daily_cap, quota=hall.options.daily_quota_per_id if id_hash and source != "appointment" else None)
    plain = priority is None and policy.mode is CallMode.PRIORITY_FIRST and req.notify is None
    return Plan(ticket, plain)


def _answer(hall: HallContext, p: Plan, w: Written, ahead_of: Callable[[NewTicket, Written], int] | None
            ) -> TicketOut:
    if p.plain or ahead_of is None:
        # The domain's order puts a new plain ticket after every other one of its line (all are in an
        # earlier lane or were issued earlier), so the line's counter is the answer without a query.
        ahead = max(0, w.waiting - 1)
    else:
        ahead = ahead_of(p.ticket, w)
    out = answer(p.ticket, w, ahead=ahead, estimate=queue.estimate_for(
        hall, category=p.ticket.category, priority=p.ticket.priority, target_window=None, ahead=ahead))
    # The rating code is printed on the receipt (one rating per service, issue 15 item 1).
    return out.model_copy(update={"rating_code": rating_code(hall.keyring, w.id)})


def issue(hall: HallContext, unit: Unit, p: Plan, *,
          ahead_of: Callable[[NewTicket, Written], int] | None = None) -> TicketOut:
    """Write one planned ticket and announce it. A plain ticket's place is its line's count; any other
    needs ``ahead_of`` (the call order read on the same transaction). Raises the writer's refusals."""
    (written,) = write_many(unit, [Keyed(p.ticket)])
    if isinstance(written, DomainError):
        raise written
    assert isinstance(written, Written)
    out = _answer(hall, p, written, ahead_of)
    announce(unit, out)
    return out


def issue_batch(hall: HallContext, unit: Unit, requests: list[tuple[Plan, str | None, str]]
                ) -> list[tuple[int, str] | DomainError]:
    """Plain tickets that arrived together, each with its Idempotency-Key (or None) and body digest:
    per ticket (status, JSON text) — a repeated key's stored answer — or its refusal."""
    keyed = [Keyed(p.ticket, key, digest, SCOPE) for p, key, digest in requests]
    return finish(unit, keyed, write_many(unit, keyed), lambda i, _t, w: _answer(hall, requests[i][0], w, None))


def _ahead_in(hall: HallContext, tx: Tx, now: datetime) -> Callable[[NewTicket, Written], int]:
    """People ahead of a ticket just written, by the call order read on the same transaction."""
    def ahead_of(t: NewTicket, written: Written) -> int:
        placed = SimpleNamespace(id=written.id, status=t.status, hall_day=t.day, category=t.category,
                                 target_window=None, priority=t.priority)
        return queue.ahead_of(tx.session, hall, placed, now)
    return ahead_of


def issue_request(hall: HallContext, tx: Tx, req: TicketIn, *, now: datetime | None = None,
                  appointment_id: int | None = None, source: str | None = None, priority: str | None = None,
                  terminal_clock: datetime | None = None) -> tuple[int, TicketOut]:
    """The whole path in an ORM unit: (status, ticket). ``source="offline"`` accepts a ticket a terminal
    printed while the server was down (201; a keyed retry gets the first answer from its key)."""
    now = now or datetime.now(UTC)
    ensure_day(hall, tx, now)
    if req.source == "offline":
        return _accept_offline(hall, tx, req, now, terminal_clock)
    p = plan(hall, req, now, appointment_id=appointment_id, source=source, priority=priority)
    out = issue(hall, tx, p, ahead_of=_ahead_in(hall, tx, now))
    if req.notify is not None:
        follow(hall, tx, out.id, status="waiting", ahead=out.waiting_ahead, channel=req.notify.channel,
               to=req.notify.to)
    return 201, out


def _accept_offline(hall: HallContext, tx: Tx, req: TicketIn, now: datetime,
                    terminal_clock: datetime | None) -> tuple[int, TicketOut]:
    """A ticket a terminal printed while the server was down: keeps its printed number, queued by the time
    it was really issued as far as the server can tell (:mod:`hall.server.domain.offline_clock`; the
    terminal's own time is kept in ``offline_issued_at``).

    The number's prefix must be the sending terminal's (registered, or claimed by its first offline ticket);
    the same number of the same epoch again is answered only through its Idempotency-Key (a retry of
    the same ticket, see :func:`hall.server.core.idempotency.run_idempotent`): anything else is a 409
    the terminal keeps pending. Raises OfflineFields, OfflinePrefixForeign, OfflineNumberTaken."""
    cat = _category(hall, req.category)
    if not req.offline_number or req.issued_at is None or not req.terminal_id:
        raise OfflineFields()
    prefix = req.offline_number.split("-", 1)[0]
    if not claim_prefix(tx.session, req.terminal_id, prefix):
        raise OfflinePrefixForeign(prefix=prefix)
    o = hall.options
    when = trusted_issue_time(req.issued_at, now, terminal_clock=terminal_clock,
                              max_age=timedelta(minutes=o.offline_max_age_min),
                              tolerance=timedelta(seconds=o.offline_future_tolerance_s))
    day = hall_day(when.queue_at).isoformat()
    existing = tx.session.scalar(select(Ticket.id).where(Ticket.hall_day == day, Ticket.number == req.offline_number,
                                                         Ticket.offline_epoch == req.epoch))
    if existing is not None:
        raise OfflineNumberTaken(number=req.offline_number)
    id_hash, id_masked, _ = _identity(hall, req.id_number)
    priority = FALLBACK if req.priority in FALLBACK_ALIASES else req.priority
    # A ticket of a hall day that is over (by a clock the server could check) can no longer be called:
    # keep it, closed.
    ticket = NewTicket(
        category=cat.code, day=day, source="offline", issued_at=when.queue_at, queue_at=when.queue_at,
        public_token=secrets.token_urlsafe(16), priority=priority, terminal_id=req.terminal_id, id_hash=id_hash,
        id_masked=id_masked, offline_number=req.offline_number, offline_issued_at=req.issued_at,
        offline_epoch=req.epoch, status="cancelled" if when.stale else "waiting")
    (written,) = write_many(tx, [Keyed(ticket)])
    if isinstance(written, DomainError):
        raise written
    assert isinstance(written, Written)
    ahead = _ahead_in(hall, tx, now)(ticket, written) if ticket.status == "waiting" else 0
    out = answer(ticket, written, ahead=ahead, estimate=queue.estimate_for(
        hall, category=cat.code, priority=priority, target_window=None, ahead=ahead))
    announce(tx, out)
    return 201, out.model_copy(update={"issue_time_basis": when.basis.value,
                                       "terminal_clock_offset_s": when.offset_s})


def view(hall: HallContext, session: Session, t: Ticket, *, place: bool = True) -> TicketOut:
    """A stored ticket in the API's one shape; ``place``: with the people ahead (0 once called) and the
    estimated wait, as a reader of the ticket sees them (answers to a clerk's action leave them out)."""
    ahead = None
    if place:
        ahead = queue.ahead_of(session, hall, t, datetime.now(UTC)) if t.status == "waiting" else 0
    return TicketOut(
        id=t.id, number=t.number, category=t.category, status=t.status, source=t.source, priority=t.priority,
        hall_day=t.hall_day, window=t.window, waiting_ahead=ahead,
        estimated_wait_s=queue.estimate_for(hall, category=t.category, priority=t.priority,
                                            target_window=t.target_window, ahead=ahead) if ahead is not None else None,
        issued_at=t.issued_at, called_at=t.called_at, recalled_at=t.recalled_at, call_count=t.call_count,
        offline_number=t.offline_number,
        terminal_id=t.terminal_id, id_masked=t.id_masked, appointment_id=t.appointment_id,
        submission_id=t.submission_id, transferred_from=t.transferred_from, target_window=t.target_window,
        public_url=public_path(t.public_token), offline_issued_at=t.offline_issued_at,
        rating_code=rating_code(hall.keyring, t.id))


# What a display or evaluation pad does not read of a ticket (docs/security.md, roles).
PRIVATE_FIELDS = ("id_masked", "terminal_id", "appointment_id", "submission_id", "public_url", "offline_number",
                  "offline_issued_at", "rating_code")


def dump(out: TicketOut) -> dict[str, Any]:
    """The JSON body of a ticket answer."""
    return out.model_dump(mode="json")


def start_following(hall: HallContext, ticket_id: int, body: NotifyIn,
                    owner: Callable[[str | None], None] | None = None) -> FollowOut:
    """Follow a waiting or called ticket by SMS/WeChat (the recipient stored encrypted, never logged);
    ``owner(terminal_id)`` may refuse a caller that does not own the ticket."""
    with hall.unit() as tx:
        t = get_ticket(tx.session, ticket_id)
        if owner is not None:
            owner(t.terminal_id)
        if t.status not in ("waiting", "called"):
            raise derr.InvalidTransition(current=t.status, target="followed")
        ahead = queue.ahead_of(tx.session, hall, t, datetime.now(UTC)) if t.status == "waiting" else None
        follow(hall, tx, t.id, status=t.status, ahead=ahead, channel=body.channel, to=body.to)
        number = t.number
    return FollowOut(ticket_id=ticket_id, number=number, channel=body.channel, following=True)
