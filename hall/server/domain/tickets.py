"""Tickets: states, the actions that move them (one table), recall/no-show, reinstatement, transfer.

States: waiting → called → serving → done, or no_show, cancelled. :data:`ACTIONS` is the one table of
what each action does from each state; the server runs every status change through :func:`act`,
and :data:`TRANSITIONS` (the state graph) is derived from it. A clerk may finish a called ticket
without pressing start (the call counts as the start). A transferred ticket waits again in its new
line (category or window) — it is *waiting*, with ``transferred_from`` keeping where it came from —
and keeps its number, issue time and priority. A no-show can be reinstated within M minutes; it then
waits at the head of its line.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from .errors import InvalidInput, InvalidTransition, ReinstateExpired
from .hallday import check_category_code, ensure_utc


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class TicketAction(StrEnum):
    CALL = "call"  # call-next or call by number
    RECALL = "recall"
    START = "start"
    FINISH = "finish"  # also a current ticket closed by the window's next call
    NO_SHOW = "no_show"  # also a recall past the limit
    REINSTATE = "reinstate"
    TRANSFER = "transfer"
    CANCEL = "cancel"  # a terminal taking its ticket back, or the hall day closing with it waiting


class TicketSource(StrEnum):
    KIOSK = "kiosk"
    COUNTER = "counter"
    APPOINTMENT = "appointment"
    ONLINE = "online"
    OFFLINE = "offline"


# How storage and the API spell a 办不成事 ticket's priority: a line of its own, at the 办不成事 desk.
FALLBACK_PRIORITY = "cannot_do"


class PriorityReason(StrEnum):
    ELDERLY = "elderly"
    DISABLED = "disabled"
    PREGNANT = "pregnant"
    VETERAN = "veteran"
    VIP = "vip"


S = TicketStatus
A = TicketAction
ACTIONS: dict[tuple[TicketStatus, TicketAction], TicketStatus] = {
    (S.WAITING, A.CALL): S.CALLED,
    (S.WAITING, A.TRANSFER): S.WAITING,
    (S.WAITING, A.CANCEL): S.CANCELLED,
    (S.CALLED, A.RECALL): S.CALLED,
    (S.CALLED, A.START): S.SERVING,
    (S.CALLED, A.FINISH): S.DONE,
    (S.CALLED, A.NO_SHOW): S.NO_SHOW,
    (S.CALLED, A.TRANSFER): S.WAITING,
    (S.SERVING, A.FINISH): S.DONE,
    (S.SERVING, A.TRANSFER): S.WAITING,
    (S.NO_SHOW, A.REINSTATE): S.WAITING,
}
TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    state: frozenset(target for (src, _), target in ACTIONS.items() if src is state) for state in TicketStatus}
QUEUED = frozenset({S.WAITING})
FINAL = frozenset({S.DONE, S.CANCELLED})


def _status(value: TicketStatus | str, name: str = "status") -> TicketStatus:
    try:
        return TicketStatus(value)
    except ValueError as e:
        raise InvalidInput(field=name) from e


def can_transition(current: TicketStatus | str, target: TicketStatus | str) -> bool:
    return _status(target, "target") in TRANSITIONS[_status(current)]


def check_transition(current: TicketStatus | str, target: TicketStatus | str) -> TicketStatus:
    """The target status if allowed; raises :class:`InvalidTransition` otherwise."""
    cur, tgt = _status(current), _status(target, "target")
    if tgt not in TRANSITIONS[cur]:
        raise InvalidTransition(current=cur.value, target=tgt.value)
    return tgt


def act(current: TicketStatus | str, action: TicketAction | str) -> TicketStatus:
    """The status ``action`` leads to from ``current``; raises :class:`InvalidTransition` when the
    table has no such move (the API answers 409 ``invalid_transition``)."""
    cur = _status(current)
    try:
        what = TicketAction(action)
    except ValueError as e:
        raise InvalidInput(field="action") from e
    target = ACTIONS.get((cur, what))
    if target is None:
        raise InvalidTransition(current=cur.value, target=what.value)
    return target


class RecallOutcome(StrEnum):
    RECALL = "recall"
    NO_SHOW = "no_show"


def after_no_answer(recalls_done: int, *, max_recalls: int = 2) -> RecallOutcome:
    """A called citizen did not come: recall again while fewer than ``max_recalls`` recalls were
    made, otherwise mark the ticket no-show."""
    return RecallOutcome.RECALL if recalls_done < max_recalls else RecallOutcome.NO_SHOW


def check_reinstate(no_show_at: datetime, now: datetime, *, minutes: int = 30) -> None:
    """Raises :class:`ReinstateExpired` when the no-show is older than ``minutes``."""
    if ensure_utc(now, name="now") - ensure_utc(no_show_at, name="no_show_at") > timedelta(minutes=minutes):
        raise ReinstateExpired(minutes=minutes)


@dataclass(frozen=True)
class QueueTicket:
    """What the call-order policy needs to know about a ticket (no personal data but age).

    ``birth_date`` comes from the ID number (for the elderly rule) and stays out of ``repr``.
    ``target_window`` restricts the ticket to one window (a transfer to a window, or the
    designated 办不成事 window); ``fallback`` marks a 办不成事 ticket.
    """

    id: Hashable
    number: str
    category: str
    issued_at: datetime
    status: TicketStatus = TicketStatus.WAITING
    priorities: frozenset[PriorityReason] = frozenset()
    birth_date: date | None = field(default=None, repr=False)
    appointment_start: datetime | None = None
    appointment_end: datetime | None = None
    target_window: str | None = None
    fallback: bool = False
    reinstated_at: datetime | None = None
    transferred_from: str | None = None
    source: TicketSource = TicketSource.KIOSK

    def __post_init__(self) -> None:
        # Accept plain strings from storage; keep the values typed inside.
        check_category_code(self.category)
        set_ = object.__setattr__
        set_(self, "status", _status(self.status))
        set_(self, "issued_at", ensure_utc(self.issued_at, name="issued_at"))
        set_(self, "priorities", priority_set(self.priorities))
        try:
            set_(self, "source", TicketSource(self.source))
        except ValueError as e:
            raise InvalidInput(field="source") from e
        if self.target_window is not None:
            set_(self, "target_window", str(self.target_window))  # storage may keep window numbers as int
        for name in ("appointment_start", "appointment_end", "reinstated_at"):
            value = getattr(self, name)
            if value is not None:
                set_(self, name, ensure_utc(value, name=name))

    @property
    def queued(self) -> bool:
        return self.status in QUEUED


def priority_set(values: Iterable[PriorityReason | str]) -> frozenset[PriorityReason]:
    try:
        return frozenset(PriorityReason(v) for v in values)
    except ValueError as e:
        raise InvalidInput(field="priority") from e


def transfer(
    ticket: QueueTicket, *, to_category: str | None = None, to_window: str | None = None
) -> QueueTicket:
    """The ticket waiting in its new line: same number, issue time and priority."""
    if (to_category is None) == (to_window is None):
        raise InvalidInput(field="transfer target (exactly one of category or window)")
    status = act(ticket.status, A.TRANSFER)
    origin = f"window {ticket.target_window}" if ticket.target_window else ticket.category
    if to_category is not None:
        check_category_code(to_category)
        return replace(ticket, status=status, category=to_category, target_window=None,
                       transferred_from=origin, reinstated_at=None)
    return replace(ticket, status=status, target_window=to_window, transferred_from=origin,
                   reinstated_at=None)


def reinstate(ticket: QueueTicket, *, no_show_at: datetime, now: datetime, minutes: int = 30) -> QueueTicket:
    """A no-show back in its line, at the head (see :class:`~.queue_policy.Lane.REINSTATED`)."""
    status = act(ticket.status, A.REINSTATE)
    check_reinstate(no_show_at, now, minutes=minutes)
    return replace(ticket, status=status, reinstated_at=ensure_utc(now, name="now"))


def from_flat(
    *, id: Hashable, number: str, category: str, issued_at: datetime, priority: str | None = None,
    status: TicketStatus | str = TicketStatus.WAITING, target_window: str | int | None = None,
    birth_date: date | None = None, reinstated_at: datetime | None = None,
    appointment_start: datetime | None = None, appointment_end: datetime | None = None,
) -> QueueTicket:
    """Build from storage that keeps one ``priority`` word per ticket: a :class:`PriorityReason`
    value, ``appointment`` (a check-in ticket) or ``cannot_do`` (办不成事)."""
    source = TicketSource.APPOINTMENT if priority == "appointment" else TicketSource.KIOSK
    declared = () if priority in (None, "", "appointment", FALLBACK_PRIORITY) else (priority,)
    return QueueTicket(
        id=id, number=number, category=category, issued_at=issued_at, status=_status(status),
        priorities=priority_set(declared), birth_date=birth_date,
        target_window=None if target_window is None else str(target_window),
        fallback=priority == FALLBACK_PRIORITY, reinstated_at=reinstated_at, source=source,
        appointment_start=appointment_start, appointment_end=appointment_end,
    )
