"""Reports by anything: ``GET /stats/report?by=category|window|clerk|item`` over a day, week, month or a
``from``/``to`` range of hall days — one row per value of the dimension plus ``ALL``.

Definitions (docs/dashboard.md, "Reports by anything"): tickets are counted on their hall day; waits run
from issue to the **first** call; handling from start (or the call) to finish of served tickets; ratings
are counted on the day they were given and belong to the rated ticket's row; 差评 are levels 1–2, 整改率 the
share of their follow-ups that are rectified (已整改 or 已回访, or closed; 不属实 ones leave the count), 回访率
the share called back (已回访);
a 办不成事 case is a ticket with the 办不成事 priority or a 办不成事 report, resolved when the ticket was
served or the report closed.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.server.appointments.models import Appointment
from hall.server.catalogue.models import ServiceItem
from hall.server.core.context import HallContext
from hall.server.dashboard.stats import Tally
from hall.server.domain.hallday import day_bounds
from hall.server.feedback.models import Evaluation, FollowUp
from hall.server.stats.errors import BadDay, BadRange
from hall.server.stats.report import TOTAL, secs
from hall.server.stats.schemas import BreakdownOut, BreakdownRowOut
from hall.server.submissions.models import Submission
from hall.server.tickets.models import Ticket
from hall.server.windows.models import Window

DIMENSIONS = ("category", "window", "clerk", "item")
MAX_DAYS = 366
NONE_KEY = "-"  # tickets with no window, clerk or item (never called; no application behind the ticket)
RECTIFIED = frozenset({"rectified", "revisited"})  # stages (domain.rectification); a closed one counts too
UNFOUNDED = frozenset({"unfounded"})
CANNOT_DO = "cannot_do"
_TICKET_COLUMNS = (Ticket.id, Ticket.category, Ticket.status, Ticket.issued_at, Ticket.called_at, Ticket.started_at,
                   Ticket.finished_at, Ticket.window, Ticket.clerk, Ticket.priority, Ticket.submission_id,
                   Ticket.appointment_id)


def period_range(period: str, day: date, *, start: date | None = None, end: date | None = None) -> tuple[date, date]:
    """Inclusive first and last hall day: ``from``/``to`` when given, else the day, its Monday–Sunday
    week or its calendar month. Raises BadDay, BadRange."""
    if start is not None or end is not None:
        first, last = start or end, end or start
        assert first is not None and last is not None
    elif period == "week":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
    elif period == "month":
        first = day.replace(day=1)
        last = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    else:
        first = last = day
    for d in (first, last):
        if not 2000 <= d.year <= 2100:
            raise BadDay()
    if first > last or (last - first).days >= MAX_DAYS:
        raise BadRange(max_days=MAX_DAYS)
    return first, last


@dataclass
class Figures(Tally):
    """A report row's tally plus 差评整改 and 办不成事."""

    low_followups: int = 0
    rectified: int = 0
    revisited: int = 0
    cannot_do: int = 0
    cannot_do_resolved: int = 0
    _cases: set[str] = field(default_factory=set, repr=False)

    def add_case(self, case: str, *, resolved: bool) -> None:
        if case not in self._cases:
            self._cases.add(case)
            self.cannot_do += 1
            self.cannot_do_resolved += resolved

    def row(self) -> dict[str, Any]:
        out = super().row()
        out.update(rectified=self.rectified,
                   rectify_rate=round(self.rectified / self.low_followups, 4) if self.low_followups else None,
                   revisited=self.revisited,
                   revisit_rate=round(self.revisited / self.low_followups, 4) if self.low_followups else None,
                   cannot_do=self.cannot_do, cannot_do_resolved=self.cannot_do_resolved)
        return out


@dataclass(frozen=True)
class _T:
    """One ticket's keys in every dimension, and its 办不成事 state."""

    keys: dict[str, str]
    cannot_do: bool
    served: bool


class _Rows:
    """Tallies by key of one dimension, with ``ALL``."""

    def __init__(self) -> None:
        self.by: dict[str, Figures] = {}
        self.total = Figures()

    def each(self, key: str) -> Iterable[Figures]:
        yield self.by.setdefault(key, Figures())
        yield self.total


def breakdown(hall: HallContext, *, by: str, period: str, first: date, last: date) -> BreakdownOut:
    tz = ZoneInfo(hall.options.timezone)
    start, _ = day_bounds(first, tz=tz)
    _, end = day_bounds(last, tz=tz)
    rows = _Rows()
    with hall.db.read() as s:
        tickets: list[Any] = list(s.execute(select(*_TICKET_COLUMNS).where(
            Ticket.hall_day >= first.isoformat(), Ticket.hall_day <= last.isoformat())).all())
        evaluations: list[Any] = list(s.execute(select(
            Evaluation.id, Evaluation.level, Evaluation.ticket_id, Evaluation.window, Evaluation.submission_code).where(
            Evaluation.created_at >= start, Evaluation.created_at < end)).all())
        followups = s.execute(select(FollowUp.kind, FollowUp.status, FollowUp.stage, FollowUp.ticket_id,
                                     FollowUp.evaluation_id,
                                     FollowUp.window, FollowUp.id).where(
            FollowUp.kind.in_(("low_rating", CANNOT_DO)), FollowUp.created_at >= start,
            FollowUp.created_at < end)).all()
        known = {t.id for t in tickets}
        extra_ids = {x for x in [*(e.ticket_id for e in evaluations), *(f.ticket_id for f in followups)]
                     if x is not None and x not in known}
        if extra_ids:  # a rating today of a ticket of an earlier day still belongs to its row
            tickets += s.execute(select(*_TICKET_COLUMNS).where(Ticket.id.in_(extra_ids))).all()
        items = _items_of(s, tickets, evaluations)
        names = _names(s, hall, by)
    keyed: dict[int, _T] = {}
    for t in tickets:
        keys = {"category": t.category, "window": str(t.window) if t.window else NONE_KEY,
                "clerk": t.clerk or NONE_KEY, "item": items.get(("ticket", t.id), NONE_KEY)}
        keyed[t.id] = _T(keys, t.priority == CANNOT_DO, t.status == "done")
        if t.id in extra_ids:
            continue  # only here to give its rating a row
        handling = secs(t.started_at or t.called_at, t.finished_at) if t.status == "done" else None
        for fig in rows.each(keys[by]):
            fig.add_ticket(t.status, secs(t.issued_at, t.called_at), handling)
            if t.priority == CANNOT_DO:
                fig.add_case(f"t{t.id}", resolved=t.status == "done")
    rated: dict[int, str] = {}
    for e in evaluations:
        key = _rating_key(by, e, keyed.get(e.ticket_id or -1), items)
        rated[e.id] = key
        for fig in rows.each(key):
            fig.ratings.append(int(e.level))
    for f in followups:
        owner = keyed.get(f.ticket_id or -1)
        if f.kind == "low_rating":
            rated_key = rated.get(f.evaluation_id or -1)
            if rated_key is None or f.stage in UNFOUNDED:
                continue
            for fig in rows.each(rated_key):
                fig.low_followups += 1
                fig.rectified += f.stage in RECTIFIED or f.status == "closed"
                fig.revisited += f.stage == "revisited"
        else:
            key = owner.keys[by] if owner else (str(f.window) if by == "window" and f.window else NONE_KEY)
            case = f"t{f.ticket_id}" if owner and owner.cannot_do else f"f{f.id}"
            resolved = f.status == "closed" or bool(owner and owner.cannot_do and owner.served)
            for fig in rows.each(key):
                fig.add_case(case, resolved=resolved)
    out = [_row(key, names, fig) for key, fig in sorted(rows.by.items(), key=lambda kv: _order(by, kv[0]))]
    out.append(BreakdownRowOut(key=TOTAL, name="合计", name_en="Total", **rows.total.row()))
    return BreakdownOut(period=period, by=by, period_start=first.isoformat(), period_end=last.isoformat(),
                        **{"from": first.isoformat()}, to=last.isoformat(), rows=out)


def _rating_key(by: str, e: Any, owner: _T | None, items: dict[tuple[str, Any], str]) -> str:
    if owner is not None:
        if by == "window" and e.window:
            return str(e.window)  # the pad of the window that served it
        return owner.keys[by]
    if by == "window" and e.window:
        return str(e.window)
    if by == "item" and e.submission_code:
        return items.get(("code", e.submission_code), NONE_KEY)
    return NONE_KEY


def _items_of(s: Session, tickets: list[Any], evaluations: list[Any]) -> dict[tuple[str, Any], str]:
    """Service item per ticket (its application, else its booking) and per rated registration code."""
    out: dict[tuple[str, Any], str] = {}
    subs = {t.submission_id for t in tickets if t.submission_id}
    codes = {e.submission_code for e in evaluations if e.submission_code}
    ids = [t.id for t in tickets]
    if subs or codes or ids:
        for sid, code, item, ticket_id in s.execute(select(
                Submission.id, Submission.code, Submission.item_code, Submission.ticket_id).where(
                Submission.id.in_(subs or [-1]) | Submission.code.in_(codes or [""]) |
                Submission.ticket_id.in_(ids or [-1]))):
            out[("sub", sid)] = item
            out[("code", code)] = item
            if ticket_id is not None:
                out.setdefault(("ticket", ticket_id), item)
    appts = {t.appointment_id for t in tickets if t.appointment_id}
    booked: dict[int, str | None] = {aid: code for aid, code in s.execute(select(
        Appointment.id, Appointment.item_code).where(Appointment.id.in_(appts)))} if appts else {}
    for t in tickets:
        found = out.get(("sub", t.submission_id)) or booked.get(t.appointment_id)
        if found:
            out[("ticket", t.id)] = found
    return out


def _names(s: Session, hall: HallContext, by: str) -> dict[str, tuple[str, str]]:
    if by == "category":
        return {c.code: (c.name_zh, c.name_en) for c in hall.categories.get().values()}
    if by == "window":
        return {str(n): (name, "") for n, name in s.execute(select(Window.number, Window.name))}
    if by == "item":
        return {c: (zh, en) for c, zh, en in s.execute(select(ServiceItem.code, ServiceItem.name_zh,
                                                                ServiceItem.name_en))}
    return {}


def _row(key: str, names: dict[str, tuple[str, str]], fig: Figures) -> BreakdownRowOut:
    if key == NONE_KEY:
        zh, en = "未关联", "none"
    else:
        zh, en = names.get(key, (key, key))
    return BreakdownRowOut(key=key, name=zh, name_en=en or zh, **fig.row())


def _order(by: str, key: str) -> tuple[int, int, str]:
    if key == NONE_KEY:
        return (2, 0, "")
    if by == "window" and key.isdigit():
        return (0, int(key), "")
    return (1, 0, key)
