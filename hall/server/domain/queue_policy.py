"""The call order: a configurable policy that can always say why (see docs/queue-policy.md).

Every queued ticket is put in one *lane*, tried in this order:

1. ``fallback``   — 办不成事 tickets, only at the designated window;
2. ``reinstated`` — a no-show brought back within M minutes goes to the head of its line;
3. ``appointment``— a checked-in appointment whose slot has begun (or begins within the lead);
4. ``priority``   — elderly (age from the ID number's birth date ≥ threshold), disabled,
   pregnant, veteran, VIP; and, with aging, a normal ticket that has waited longer than X minutes;
5. ``normal``     — everyone else.

Inside a lane the longest (weighted) wait goes first. Mode ``priority_first`` always empties the
priority lane first; mode ``ratio`` calls one normal ticket after every N priority calls at a
window. A window serving several categories multiplies each ticket's wait by its category weight.
The same generator, :func:`call_order`, decides :func:`choose_next` and the positions that
:mod:`.queue_explain` reports, so what the display predicts is what the window does.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .errors import InvalidInput
from .hallday import ensure_utc, hall_day
from .identity import age_on
from .tickets import (
    QUEUED,
    TRANSITIONS,
    PriorityReason,
    QueueTicket,
    RecallOutcome,
    TicketSource,
    TicketStatus,
    after_no_answer,
    check_transition,
    reinstate,
    transfer,
)

if TYPE_CHECKING:
    from .queue_explain import Explanation

__all__ = [
    "QUEUED", "TRANSITIONS", "CallMode", "Choice", "Lane", "Placement", "PriorityReason", "QueuePolicy",
    "QueueTicket", "RecallOutcome", "TicketSource", "TicketStatus", "Window", "after_no_answer",
    "call_order", "check_transition", "choose_next", "classify", "explain", "reinstate", "transfer",
]


class Lane(StrEnum):
    FALLBACK = "fallback"
    REINSTATED = "reinstated"
    APPOINTMENT = "appointment"
    PRIORITY = "priority"
    NORMAL = "normal"


LANE_RANK = {lane: i for i, lane in enumerate(Lane)}
_REASON_ORDER = tuple(PriorityReason)
_TOP_LANES = (Lane.FALLBACK, Lane.REINSTATED, Lane.APPOINTMENT)


class CallMode(StrEnum):
    PRIORITY_FIRST = "priority_first"
    RATIO = "ratio"


@dataclass(frozen=True)
class QueuePolicy:
    """Hall-wide call-order settings; ``aging_minutes=None`` turns aging off."""

    mode: CallMode = CallMode.PRIORITY_FIRST
    elderly_age: int = 70
    priority_reasons: frozenset[PriorityReason] = frozenset(PriorityReason)
    ratio_priority: int = 2
    aging_minutes: int | None = 30
    appointment_lead_minutes: int = 5
    max_recalls: int = 2
    reinstate_minutes: int = 30
    fallback_window: str | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "mode", CallMode(self.mode))
            object.__setattr__(self, "priority_reasons", frozenset(PriorityReason(r) for r in self.priority_reasons))
        except ValueError as e:
            raise InvalidInput(field="queue policy mode/priority_reasons") from e
        for name in ("elderly_age", "ratio_priority", "appointment_lead_minutes", "max_recalls",
                     "reinstate_minutes"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < (1 if name == "ratio_priority" else 0):
                raise InvalidInput(field=f"queue policy {name}")
        if self.aging_minutes is not None and (not isinstance(self.aging_minutes, int) or self.aging_minutes < 1):
            raise InvalidInput(field="queue policy aging_minutes")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> QueuePolicy:
        """Build from a settings table; unknown keys are refused so typos do not pass silently."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise InvalidInput(field=f"queue policy: unknown {sorted(unknown)}")
        return cls(**dict(data))


@dataclass(frozen=True)
class Window:
    """A counter: the categories it serves with their weights (> 0), and whether it is the
    designated 办不成事 window."""

    id: str  # an int window number is accepted and kept as its string
    weights: Mapping[str, float]
    handles_fallback: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", str(self.id))
        if any(not isinstance(w, int | float) or w <= 0 for w in self.weights.values()):
            raise InvalidInput(field="window category weight (must be > 0)")

    @classmethod
    def serving(cls, id: str | int, categories: Iterable[str] | Mapping[str, float], *,
                handles_fallback: bool = False) -> Window:
        weights = dict(categories) if isinstance(categories, Mapping) else dict.fromkeys(categories, 1.0)
        return cls(id=str(id), weights=weights, handles_fallback=handles_fallback)

    def serves(self, ticket: QueueTicket) -> bool:
        if ticket.target_window is not None:
            return ticket.target_window == self.id
        if ticket.fallback:
            return self.handles_fallback
        return ticket.category in self.weights

    def weight(self, ticket: QueueTicket) -> float:
        return float(self.weights.get(ticket.category, 1.0))


@dataclass(frozen=True)
class Placement:
    """Why a ticket sits in its lane. ``reasons``: codes such as ``elderly``, ``aged``."""

    lane: Lane
    reasons: tuple[str, ...] = ()
    aged: bool = False

    @property
    def record_lane(self) -> Lane:
        """The lane to remember for the ratio rule: an aged normal ticket counts as normal."""
        return Lane.NORMAL if self.aged else self.lane


def waited(ticket: QueueTicket, now: datetime) -> timedelta:
    return max(timedelta(0), now - ticket.issued_at)


def appointment_due(ticket: QueueTicket, policy: QueuePolicy, now: datetime) -> bool:
    """Due from ``lead`` minutes before the slot. A check-in ticket stored without its slot is
    due at once: check-in itself only happens inside the slot's window."""
    start = ticket.appointment_start
    if start is None:
        return ticket.source is TicketSource.APPOINTMENT
    return now >= start - timedelta(minutes=policy.appointment_lead_minutes)


def priority_reasons(ticket: QueueTicket, policy: QueuePolicy, now: datetime) -> tuple[str, ...]:
    """The enabled priority reasons that apply, in a stable order."""
    if not ticket.priorities and ticket.birth_date is None:
        return ()  # the common case, kept cheap: call-next classifies every waiting ticket
    found = set(ticket.priorities) & policy.priority_reasons
    if (PriorityReason.ELDERLY in policy.priority_reasons and ticket.birth_date is not None
            and age_on(ticket.birth_date, hall_day(now)) >= policy.elderly_age):
        found.add(PriorityReason.ELDERLY)
    return tuple(r.value for r in _REASON_ORDER if r in found)


def classify(ticket: QueueTicket, policy: QueuePolicy, now: datetime) -> Placement:
    """The lane of a queued ticket at ``now`` (aging and appointment slots depend on time)."""
    extra = ("transferred",) if ticket.transferred_from else ()
    if ticket.fallback:
        return Placement(Lane.FALLBACK, ("fallback", *extra))
    if ticket.reinstated_at is not None:
        return Placement(Lane.REINSTATED, ("reinstated", *extra))
    if appointment_due(ticket, policy, now):
        return Placement(Lane.APPOINTMENT, ("appointment_due", *extra))
    reasons = priority_reasons(ticket, policy, now)
    if ticket.appointment_start is not None:
        extra = ("appointment_not_due", *extra)
    if reasons:
        return Placement(Lane.PRIORITY, (*reasons, *extra))
    if policy.aging_minutes is not None and waited(ticket, now) > timedelta(minutes=policy.aging_minutes):
        return Placement(Lane.PRIORITY, ("aged", *extra), aged=True)
    return Placement(Lane.NORMAL, extra)


@dataclass(frozen=True)
class Choice:
    """One step of the call order. ``basis``: why this one now (``lane``, ``ratio_turn``,
    ``no_priority_waiting``). Store ``record_lane`` with the call for the ratio rule."""

    ticket: QueueTicket
    placement: Placement
    basis: str
    weight: float = field(default=1.0)

    @property
    def lane(self) -> Lane:
        return self.placement.lane

    @property
    def record_lane(self) -> Lane:
        return self.placement.record_lane


def priority_streak(recent_calls: Sequence[Lane | str]) -> int:
    """Priority calls since the last normal one; top lanes neither count nor break the run."""
    streak = 0
    for value in reversed(recent_calls):
        try:
            lane = Lane(value)
        except ValueError as e:
            raise InvalidInput(field="recent_calls") from e
        if lane is Lane.NORMAL:
            break
        if lane is Lane.PRIORITY:
            streak += 1
    return streak


def _key(ticket: QueueTicket, placement: Placement, weight: float, now: datetime) -> tuple[Any, ...]:
    weighted = -waited(ticket, now).total_seconds() * weight
    tail = (ticket.issued_at, ticket.number)
    if placement.lane is Lane.REINSTATED:
        return (ticket.reinstated_at, *tail)
    if placement.lane is Lane.APPOINTMENT:
        return (ticket.appointment_start, weighted, *tail)
    if placement.lane is Lane.FALLBACK:
        return tail
    return (weighted, *tail)


def call_order(
    tickets: Iterable[QueueTicket],
    policy: QueuePolicy,
    now: datetime,
    *,
    recent_calls: Sequence[Lane | str] = (),
    weights: Mapping[str, float] | None = None,
) -> Iterator[Choice]:
    """The order in which ``tickets`` (all eligible, queued) would be called from ``now`` on."""
    now = ensure_utc(now, name="now")
    weights = weights or {}
    entries = []
    for t in tickets:
        if t.status not in QUEUED:
            continue
        p = classify(t, policy, now)
        w = float(weights.get(t.category, 1.0))
        entries.append((_key(t, p, w, now), t, p, w))
    entries.sort(key=lambda e: (LANE_RANK[e[2].lane], e[0]))
    for _, t, p, w in entries:
        if p.lane in _TOP_LANES:
            yield Choice(t, p, "lane", w)
    real = deque(e for e in entries if e[2].lane is Lane.PRIORITY and not e[2].aged)
    aged = deque(e for e in entries if e[2].aged)
    normal = deque(e for e in entries if e[2].lane is Lane.NORMAL)
    streak = priority_streak(recent_calls)
    while real or aged or normal:
        ratio_turn = policy.mode is CallMode.RATIO and streak >= policy.ratio_priority and (aged or normal)
        if ratio_turn:
            source, basis = (aged if aged else normal), "ratio_turn"
        elif real or aged:
            source = aged if not real or (aged and aged[0][0] < real[0][0]) else real
            basis = "lane"
        else:
            source, basis = normal, "no_priority_waiting" if policy.mode is CallMode.RATIO else "lane"
        _, t, p, w = source.popleft()
        streak = streak + 1 if p.record_lane is Lane.PRIORITY else 0
        yield Choice(t, p, basis, w)


def choose_next(
    window: Window,
    waiting_tickets: Iterable[QueueTicket],
    policy: QueuePolicy,
    now: datetime,
    recent_calls: Sequence[Lane | str] = (),
) -> Choice | None:
    """The ticket ``window`` should call now, or ``None`` when nothing it serves is waiting.

    ``recent_calls``: the ``record_lane`` of this window's recent calls, oldest first. 办不成事
    tickets go to windows marked ``handles_fallback`` or named by ``policy.fallback_window``.
    """
    eligible = [t for t in waiting_tickets if t.status in QUEUED and (window.serves(t) or (
        t.fallback and t.target_window is None and policy.fallback_window == window.id))]
    return next(call_order(eligible, policy, now, recent_calls=recent_calls, weights=window.weights), None)


def explain(
    ticket: QueueTicket, queue: Iterable[QueueTicket], policy: QueuePolicy, now: datetime,
    *, recent_calls: Sequence[Lane | str] = (),
) -> Explanation:
    """Why ``ticket`` is where it is; see :func:`.queue_explain.explain`."""
    from .queue_explain import explain as _explain  # the explainer builds on this module

    return _explain(ticket, queue, policy, now, recent_calls=recent_calls)
