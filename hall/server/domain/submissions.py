"""Submissions (办件): registration code (登记赋码), status model with history, due dates.

Registration code: ``YYYYMMDD`` (hall day) + 4-digit daily counter + 4 random Crockford base32
characters + 1 check character, 17 characters, e.g. ``202611220042A7K3M`` (printed
``20261122-0042-A7K3-M``). The counter makes it unique, the random part makes it unguessable
(a public status look-up cannot walk the counter), the check character catches typos. It is 17
characters so it is never mistaken for an 18-character ID number.

Status: submitted → accepted (pre-review passed; 登记赋码结果即预审结果) → in_review →
approved / rejected → result_ready → delivered, with supplement_required (补正) from submitted,
accepted or in_review, and back. Material matching lives in :mod:`.materials`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from . import codes
from .catalogue import ServiceItem
from .errors import InvalidCode, InvalidInput, InvalidTransition, SequenceExhausted
from .hallday import ensure_utc, hall_day
from .materials import (  # re-exported: the submission API uses both
    MaterialCheck,
    MissingItem,
    Provided,
    Provision,
    check_materials,
)
from .workdays import HolidayCalendar, add_working_days, working_days_between

__all__ = [
    "SUBMISSION_TRANSITIONS", "DueDates", "HistoryEntry", "MaterialCheck", "MissingItem", "Provided",
    "Provision", "RegistrationCode", "SubmissionStatus", "advance", "check_materials", "current_status",
    "due_dates", "new_registration_code", "parse_registration_code", "paused_working_days",
]

MAX_DAILY_COUNTER = 9999
_RANDOM = 4


@dataclass(frozen=True)
class RegistrationCode:
    code: str
    day: date
    counter: int

    def printed(self) -> str:
        c = self.code
        return f"{c[:8]}-{c[8:12]}-{c[12:16]}-{c[16]}"

    def __str__(self) -> str:
        return self.code


def new_registration_code(day: date, counter: int, *, randbelow: codes.RandBelow = secrets.randbelow
                          ) -> RegistrationCode:
    """``counter``: the hall day's submission sequence (1-based, from the storage layer)."""
    if not isinstance(counter, int) or counter < 1:
        raise InvalidInput(field="registration counter")
    if counter > MAX_DAILY_COUNTER:
        raise SequenceExhausted(category="登记赋码")
    body = f"{day:%Y%m%d}{counter:04d}{codes.random_chars(_RANDOM, randbelow=randbelow)}"
    return RegistrationCode(codes.with_check(body), day, counter)


def parse_registration_code(text: str) -> RegistrationCode:
    """Read a typed or scanned code (hyphens, blanks, lower case, O/I/L tolerated)."""
    s = codes.normalize(text)
    if len(s) != 17 or not s[:12].isdigit() or not codes.is_valid(s):
        raise InvalidCode(what="registration code")
    try:
        day = date(int(s[:4]), int(s[4:6]), int(s[6:8]))
    except ValueError as e:
        raise InvalidCode(what="registration code") from e
    counter = int(s[8:12])
    if counter < 1:
        raise InvalidCode(what="registration code")
    return RegistrationCode(s, day, counter)


class SubmissionStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"  # pre-reviewed, registration code issued
    SUPPLEMENT_REQUIRED = "supplement_required"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    RESULT_READY = "result_ready"
    DELIVERED = "delivered"


_S = SubmissionStatus
# The time limit runs while an application is accepted or in review (a supplement request pauses it).
CLOCK_RUNNING = frozenset({_S.ACCEPTED.value, _S.IN_REVIEW.value})
SUBMISSION_TRANSITIONS: dict[SubmissionStatus, frozenset[SubmissionStatus]] = {
    _S.SUBMITTED: frozenset({_S.ACCEPTED, _S.SUPPLEMENT_REQUIRED, _S.REJECTED}),
    _S.ACCEPTED: frozenset({_S.IN_REVIEW, _S.SUPPLEMENT_REQUIRED}),
    _S.SUPPLEMENT_REQUIRED: frozenset({_S.SUBMITTED, _S.ACCEPTED, _S.IN_REVIEW, _S.REJECTED}),
    _S.IN_REVIEW: frozenset({_S.APPROVED, _S.REJECTED, _S.SUPPLEMENT_REQUIRED}),
    _S.APPROVED: frozenset({_S.RESULT_READY}),
    _S.REJECTED: frozenset({_S.RESULT_READY}),  # the written decision is handed out too
    _S.RESULT_READY: frozenset({_S.DELIVERED}),
    _S.DELIVERED: frozenset(),
}


@dataclass(frozen=True)
class HistoryEntry:
    """One status change. ``actor``: a role or clerk id, never a citizen's name."""

    at: datetime
    status: SubmissionStatus
    actor: str = ""
    note: str = ""


def advance(
    history: Sequence[HistoryEntry], target: SubmissionStatus | str, *, at: datetime, actor: str = "",
    note: str = "",
) -> tuple[HistoryEntry, ...]:
    """``history`` plus the change to ``target``; the first entry must be ``submitted``.

    Raises :class:`InvalidTransition` for a change the model does not allow and
    :class:`InvalidInput` for an unknown status or a time earlier than the last entry.
    """
    try:
        tgt = SubmissionStatus(target)
    except ValueError as e:
        raise InvalidInput(field="submission status") from e
    at = ensure_utc(at)
    if not history:
        if tgt is not _S.SUBMITTED:
            raise InvalidTransition(current="(new)", target=tgt.value)
        return (HistoryEntry(at, tgt, actor, note),)
    last = history[-1]
    if tgt not in SUBMISSION_TRANSITIONS[last.status]:
        raise InvalidTransition(current=last.status.value, target=tgt.value)
    if at < last.at:
        raise InvalidInput(field="status time earlier than the previous change")
    return (*history, HistoryEntry(at, tgt, actor, note))


def current_status(history: Sequence[HistoryEntry]) -> SubmissionStatus | None:
    return history[-1].status if history else None


@dataclass(frozen=True)
class DueDates:
    """Last working day for the decision: ``legal`` by law, ``promised`` by the hall (≤ legal)."""

    legal: date | None
    promised: date | None

    def overdue(self, today: date) -> bool:
        limit = self.promised or self.legal
        return limit is not None and today > limit

    def working_days_left(self, today: date, *, calendar: HolidayCalendar | None = None) -> int | None:
        """Working days from ``today`` to the limit (promised, else legal): 0 on its last day, negative
        once past it (the working days overdue); None without a limit."""
        limit = self.promised or self.legal
        if limit is None:
            return None
        if today <= limit:
            return working_days_between(today, limit, calendar=calendar)
        return -working_days_between(limit, today, calendar=calendar)

    def deadline(self, today: date, *, soon_days: int = 2, calendar: HolidayCalendar | None = None) -> str:
        """``overdue`` past the limit, ``soon`` within ``soon_days`` working days of it, else ``ok``."""
        left = self.working_days_left(today, calendar=calendar)
        if left is None or left > soon_days:
            return "ok"
        return "overdue" if self.overdue(today) else "soon"


def paused_working_days(
    history: Sequence[HistoryEntry], *, today: date | None = None, calendar: HolidayCalendar | None = None
) -> int:
    """Working days spent waiting for the citizen's supplement (补正) after acceptance; these do
    not count against the time limit. An open supplement request counts up to ``today``."""
    paused = 0
    accepted = False
    for i, entry in enumerate(history):
        accepted = accepted or entry.status is _S.ACCEPTED
        if not accepted or entry.status is not _S.SUPPLEMENT_REQUIRED:
            continue
        start = hall_day(entry.at)
        end = hall_day(history[i + 1].at) if i + 1 < len(history) else today
        if end is not None:
            paused += working_days_between(start, end, calendar=calendar)
    return paused


def due_dates(
    item: ServiceItem, accepted_at: datetime, *, calendar: HolidayCalendar | None = None,
    history: Sequence[HistoryEntry] = (), today: date | None = None,
) -> DueDates:
    """Due dates counted in working days from the hall day of acceptance, pushed back by the
    working days spent waiting for supplements (``history``)."""
    day = hall_day(accepted_at)
    extra = paused_working_days(history, today=today, calendar=calendar)

    def due(n: int | None) -> date | None:
        return None if n is None else add_working_days(day, n + extra, calendar=calendar)

    return DueDates(legal=due(item.legal_limit_days), promised=due(item.promised_limit_days))
