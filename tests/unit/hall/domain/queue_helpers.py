"""Small builders shared by the queue tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hall.server.domain.tickets import QueueTicket

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in the hall


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ticket(number: str, minute: float = 0, **kw: Any) -> QueueTicket:
    kw.setdefault("category", number[0])
    return QueueTicket(id=number, number=number, issued_at=at(minute), **kw)


def elderly_birth(age: int, on: date = date(2026, 3, 2)) -> date:
    return on.replace(year=on.year - age)
