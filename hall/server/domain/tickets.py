"""Tickets: states, allowed transitions, recall/no-show, reinstatement and transfer.

States: waiting → called → serving → done, or no_show, transferred, cancelled. A transferred
ticket waits again in its new line (category or window) and can be called there; it keeps its
number, issue time and priority. A no-show can be reinstated within M minutes; it then waits at
the head of its line.
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
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"


class TicketSource(StrEnum):
    KIOSK = "kiosk"
    COUNTER = "counter"
    APPOINTMENT = "appointment"
    ONLINE = "online"
    OFFLINE = "offline"


class PriorityReason(StrEnum):
    ELDERLY = "elderly"
    DISABLED = "disabled"
    PREGNANT = "pregnant"
    VETERAN = "veteran"
    VIP = "vip"


S = TicketStatus
TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.WAITING: frozenset({S.CALLED, S.CANCELLED, S.TRANSFERRED}),
    S.CALLED: frozenset({S.CALLED, S.SERVING, S.NO_SHOW, S.TRANSFERRED, S.CANCELLED}),
    S.SERVING: frozenset({S.DONE, S.TRANSFERRED}),
    S.TRANSFERRED: frozenset({S.CALLED, S.CANCELLED, S.TRANSFERRED}),
    S.NO_SHOW: frozenset({S.WAITING}),
    S.DONE: frozenset(),
    S.CANCELLED: frozenset(),
}
QUEUED = frozenset({S.WAITING, S.TRANSFERRED})
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
    check_transition(ticket.status, TicketStatus.TRANSFERRED)
    origin = f"window {ticket.target_window}" if ticket.target_window else ticket.category
    if to_category is not None:
        check_category_code(to_category)
        return replace(ticket, status=S.TRANSFERRED, category=to_category, target_window=None,
                       transferred_from=origin, reinstated_at=None)
    return replace(ticket, status=S.TRANSFERRED, target_window=to_window, transferred_from=origin,
                   reinstated_at=None)


def reinstate(ticket: QueueTicket, *, no_show_at: datetime, now: datetime, minutes: int = 30) -> QueueTicket:
    """A no-show back in its line, at the head (see :class:`~.queue_policy.Lane.REINSTATED`)."""
    check_transition(ticket.status, TicketStatus.WAITING)
    check_reinstate(no_show_at, now, minutes=minutes)
    return replace(ticket, status=S.WAITING, reinstated_at=ensure_utc(now, name="now"))


def from_flat(
    *, id: Hashable, number: str, category: str, issued_at: datetime, priority: str | None = None,
    status: TicketStatus | str = TicketStatus.WAITING, target_window: str | int | None = None,
    birth_date: date | None = None, reinstated_at: datetime | None = None,
    appointment_start: datetime | None = None, appointment_end: datetime | None = None,
) -> QueueTicket:
    """Build from storage that keeps one ``priority`` word per ticket: a :class:`PriorityReason`
    value, ``appointment`` (a check-in ticket) or ``cannot_do`` (办不成事)."""
    source = TicketSource.APPOINTMENT if priority == "appointment" else TicketSource.KIOSK
    declared = () if priority in (None, "", "appointment", "cannot_do") else (priority,)
    return QueueTicket(
        id=id, number=number, category=category, issued_at=issued_at, status=_status(status),
        priorities=priority_set(declared), birth_date=birth_date,
        target_window=None if target_window is None else str(target_window),
        fallback=priority == "cannot_do", reinstated_at=reinstated_at, source=source,
        appointment_start=appointment_start, appointment_end=appointment_end,
    )
