"""Issuing tickets: gapless per-category-per-day numbers, per-ID quota, offline tickets, views."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hall.server.catalogue.models import Category
from hall.server.core.context import HallContext, Tx
from hall.server.core.http_errors import ApiError
from hall.server.domain import catalogue as dcat
from hall.server.domain import errors as derr
from hall.server.domain.hallday import format_ticket_number, hall_day
from hall.server.domain.identity import age_on, parse_id_number
from hall.server.domain.offline_clock import trusted_issue_time
from hall.server.domain.queue_policy import CallMode
from hall.server.domain.rules import QuotaRule, check_quota
from hall.server.domain.tickets import PriorityReason
from hall.server.hallday.service import ensure_day
from hall.server.notices.service import follow
from hall.server.queue import order as queue
from hall.server.tickets.models import Ticket, TicketCounter

TERMINAL_STATES = ("done", "no_show", "cancelled")


def public_path(token: str) -> str:
    return f"/t/{token}"


def ticket_view(t: Ticket, *, waiting_ahead: int | None = None, estimated_wait_s: int | None = None
                ) -> dict[str, Any]:
    """The API shape of a ticket; no personal data beyond the masked ID number."""
    return {
        "id": t.id, "number": t.number, "category": t.category, "status": t.status, "source": t.source,
        "priority": t.priority, "hall_day": t.hall_day, "window": t.window,
        "waiting_ahead": waiting_ahead, "estimated_wait_s": estimated_wait_s,
        "issued_at": t.issued_at.isoformat(), "called_at": t.called_at.isoformat() if t.called_at else None,
        "call_count": t.call_count, "offline_number": t.offline_number, "terminal_id": t.terminal_id,
        "id_masked": t.id_masked, "appointment_id": t.appointment_id, "submission_id": t.submission_id,
        "transferred_from": t.transferred_from, "target_window": t.target_window,
        "public_url": public_path(t.public_token),
        "offline_issued_at": t.offline_issued_at.isoformat() if t.offline_issued_at else None,
    }


# Hot-path statements are built once with bind parameters: SQLAlchemy then reuses their compiled
# form, which halves the CPU per ticket compared with statements rebuilt from literal values.
_T = TicketCounter.__table__
_TK = Ticket.__table__


def _counter_upsert(dialect: str, *, seq: int) -> Any:
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_T)
    return ins.values(hall_day=bindparam("day"), category=bindparam("cat"), last_seq=seq,
                      waiting=bindparam("delta")).on_conflict_do_update(
        index_elements=[_T.c.hall_day, _T.c.category],
        set_={"last_seq": _T.c.last_seq + seq, "waiting": _T.c.waiting + bindparam("delta")},
    ).returning(_T.c.last_seq, _T.c.waiting)


_UPSERT = {d: _counter_upsert(d, seq=1) for d in ("postgresql", "sqlite")}
_ADJUST = {d: _counter_upsert(d, seq=0) for d in ("postgresql", "sqlite")}
_INSERT_TICKET = _TK.insert().returning(_TK.c.id)
_QUOTA = select(func.count()).select_from(_TK).where(
    _TK.c.id_hash == bindparam("h"), _TK.c.hall_day == bindparam("day"), _TK.c.category == bindparam("cat"),
    _TK.c.status != "cancelled")


def next_sequence(session: Session, *, day: str, category: str, delta: int = 1) -> tuple[int, int]:
    """Bump the category's counter for ``day``; returns (sequence, waiting in the line including this
    ticket when ``delta`` is 1). The counter row's lock serialises concurrent issues, on every replica."""
    conn = session.connection()
    seq, waiting = conn.execute(_UPSERT[conn.dialect.name], {"day": day, "cat": category, "delta": delta}).one()
    return int(seq), int(waiting)


def adjust_waiting(session: Session, changes: dict[tuple[str, str], int]) -> None:
    """Apply waiting-count deltas per (day, category), in a fixed order so two transfers cannot deadlock."""
    conn = session.connection()
    for (day, cat), delta in sorted(changes.items()):
        if delta:
            conn.execute(_ADJUST[conn.dialect.name], {"day": day, "cat": cat, "delta": delta})


def waiting_ahead(session: Session, t: Ticket | dict[str, Any], hall: HallContext,
                  now: datetime | None = None) -> int:
    """Tickets of the same line that the policy calls before this one (the domain's call order)."""
    row = SimpleNamespace(**t) if isinstance(t, dict) else t
    return queue.ahead_of(session, hall, row, now or datetime.now(UTC))


def estimate(hall: HallContext, category: str, ahead: int) -> int:
    return queue.estimate(hall, category, ahead)


_HOURS: dict[tuple[str, str, str, int | None], dcat.Category] = {}


def domain_category(c: Category) -> dcat.Category:
    """The stored category as the domain's (opening hours, daily cap), cached per definition."""
    key = (c.code, c.opens, c.closes, c.daily_cap)
    found = _HOURS.get(key)
    if found is None:
        if (c.opens, c.closes) == ("00:00", "24:00"):
            hours = dcat.OpeningHours.always()
        else:
            closes = time.max if c.closes == "24:00" else c.closes
            hours = dcat.OpeningHours.on_days(range(7), [(c.opens, closes)])
        found = dcat.Category(code=c.code, name_zh=c.name_zh, name_en=c.name_en or c.name_zh,
                              sla_minutes=max(1, c.sla_minutes), daily_cap=c.daily_cap, hours=hours)
        _HOURS[key] = found
    return found


def _check_category(hall: HallContext, code: str) -> Category:
    cat = hall.categories.get(hall.db).get(code)
    if cat is None or not cat.active:
        raise derr.UnknownCategory(category=code)
    return cat


def _priority_word(req: dict[str, Any]) -> str | None:
    value = req.get("priority")
    return queue.FALLBACK if value in queue.FALLBACK_ALIASES else value


def _id_fields(hall: HallContext, id_number: str | None) -> tuple[str | None, str | None, date | None]:
    if not id_number:
        return None, None, None
    parsed = parse_id_number(id_number)
    return hall.keyring.id_hash(parsed.value), parsed.masked, parsed.birth_date


def issue(hall: HallContext, tx: Tx, req: dict[str, Any], *, now: datetime | None = None,
          appointment_id: int | None = None, terminal_clock: datetime | None = None) -> tuple[int, dict[str, Any]]:
    """Issue a ticket (kiosk, counter, online, appointment) or accept an offline one. Returns (status, body).
    ``terminal_clock``: an offline ticket's terminal clock at sending time (its offset corrects issued_at)."""
    now = now or datetime.now(UTC)
    cat = _check_category(hall, req["category"])
    ensure_day(hall, tx, now)
    if req.get("source") == "offline":
        return _accept_offline(hall, tx, req, cat, now, terminal_clock)
    dc = domain_category(cat)
    dc.check_can_issue(now, issued_today=0)  # opening hours: Closed with the next opening
    day = hall_day(now).isoformat()
    id_hash, id_masked, birth = _id_fields(hall, req.get("id_number"))
    priority = _priority_word(req)
    policy = hall.options.policy
    s = tx.session
    if id_hash is not None:
        used = s.connection().execute(_QUOTA, {"h": id_hash, "day": day, "cat": cat.code}).scalar_one()
        if req.get("source") != "appointment":
            check_quota(issued_today=int(used), rule=QuotaRule(hall.options.daily_quota_per_id))
        if (priority is None and birth is not None and PriorityReason.ELDERLY in policy.priority_reasons
                and age_on(birth, hall_day(now)) >= policy.elderly_age):
            priority = "elderly"
    lined = priority != queue.FALLBACK
    seq, waiting_now = next_sequence(s, day=day, category=cat.code, delta=1 if lined else 0)
    if dc.daily_cap is not None:
        dc.check_can_issue(now, issued_today=seq - 1)  # the rollback undoes the counter bump
    row = {
        "number": format_ticket_number(cat.code, seq), "seq": seq, "category": cat.code, "hall_day": day,
        "status": "waiting", "source": req.get("source") or "kiosk", "priority": priority,
        "id_hash": id_hash, "id_masked": id_masked, "issued_at": now, "queue_at": now,
        "terminal_id": req.get("terminal_id"), "public_token": secrets.token_urlsafe(16),
        "appointment_id": appointment_id, "call_count": 0, "submission_id": req.get("submission_id"),
        "called_at": None, "started_at": None, "finished_at": None, "no_show_at": None, "window": None,
        "target_window": None, "offline_number": None, "transferred_from": None, "reinstated_at": None,
    }
    row["id"] = s.connection().execute(_INSERT_TICKET, row).scalar_one()
    if priority is None and policy.mode is CallMode.PRIORITY_FIRST:
        # The domain's order puts a new plain ticket after every other one of its line (all are in an
        # earlier lane or were issued earlier), so the line's counter is the answer without a query.
        ahead = waiting_now - 1
    else:
        ahead = waiting_ahead(s, row, hall, now)
    wait = estimate(hall, cat.code, ahead)
    if req.get("notify"):
        follow(hall, tx, int(row["id"]), status="waiting", ahead=ahead, **req["notify"])
    tx.emit("ticket.issued", {"id": row["id"], "number": row["number"], "category": cat.code,
                              "priority": priority, "source": row["source"], "waiting_ahead": ahead})
    body = {
        "id": row["id"], "number": row["number"], "category": cat.code, "status": "waiting",
        "waiting_ahead": ahead, "estimated_wait_s": wait, "issued_at": now.isoformat(),
        "source": row["source"], "priority": priority, "hall_day": day, "id_masked": id_masked,
        "appointment_id": appointment_id, "public_url": public_path(row["public_token"]),
    }
    return 201, body


def _accept_offline(hall: HallContext, tx: Tx, req: dict[str, Any], cat: Category, now: datetime,
                    terminal_clock: datetime | None) -> tuple[int, dict[str, Any]]:
    """A ticket a terminal printed while the server was down: keeps its printed number, queued by the time
    it was really issued as far as the server can tell (:mod:`hall.server.domain.offline_clock`; the
    terminal's own time is kept in ``offline_issued_at``). The same offline number again (a retry without
    key) returns the first ticket."""
    number, issued_at = req.get("offline_number"), req.get("issued_at")
    if not number or issued_at is None or not req.get("terminal_id"):
        raise ApiError(422, "ticket.offline_fields", "offline tickets need offline_number, issued_at, terminal_id")
    o = hall.options
    when = trusted_issue_time(issued_at, now, terminal_clock=terminal_clock,
                              max_age=timedelta(minutes=o.offline_max_age_min),
                              tolerance=timedelta(seconds=o.offline_future_tolerance_s))
    day = hall_day(when.queue_at).isoformat()
    s = tx.session
    existing = s.scalar(select(Ticket).where(Ticket.hall_day == day, Ticket.number == number))
    if existing is not None:
        return 200, ticket_view(existing)
    id_hash, id_masked, _ = _id_fields(hall, req.get("id_number"))
    # A ticket of a hall day that is over (by a clock the server could check) can no longer be called:
    # keep it, closed.
    status = "cancelled" if when.stale else "waiting"
    t = Ticket(number=number, seq=None, category=cat.code, hall_day=day, status=status, source="offline",
               priority=_priority_word(req), id_hash=id_hash, id_masked=id_masked, issued_at=when.queue_at,
               queue_at=when.queue_at, offline_issued_at=issued_at, terminal_id=req["terminal_id"],
               offline_number=number, public_token=secrets.token_urlsafe(16), call_count=0)
    s.add(t)
    s.flush()
    if status == "waiting" and queue.in_line(t):
        adjust_waiting(s, {(day, cat.code): 1})
    ahead = waiting_ahead(s, t, hall) if status == "waiting" else 0
    tx.emit("ticket.issued", {"id": t.id, "number": number, "category": cat.code, "priority": t.priority,
                              "source": "offline", "waiting_ahead": ahead})
    body = ticket_view(t, waiting_ahead=ahead, estimated_wait_s=estimate(hall, cat.code, ahead))
    body["issue_time_basis"], body["terminal_clock_offset_s"] = when.basis.value, when.offset_s
    return 201, body


def get_ticket(session: Session, ticket_id: int) -> Ticket:
    t = session.get(Ticket, ticket_id)
    if t is None:
        raise ApiError(404, "ticket.not_found", "no such ticket")
    return t
