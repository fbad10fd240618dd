"""The closing of a hall day as it is announced (``hall.day_closed``) and stored (``hall_days.summary``)."""

from __future__ import annotations

from hall.server.core.schemas import Out


class CategoryClosingOut(Out):
    """What the closing did to one line: its policy, tickets closed and carried over, number conflicts
    (a carried ticket whose number the new day already used, closed instead)."""

    policy: str
    closed: int = 0
    carried: int = 0
    conflicts: int = 0


class DayClosedOut(Out):
    day: str
    today: str
    categories: dict[str, CategoryClosingOut]
