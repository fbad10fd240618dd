"""The dashboard's JSON: session, live overview and charts (the day/week report is ``stats.schemas.ReportOut``).

Every figure is computed on the server (docs/dashboard.md); the page only renders these.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from hall.server.core.schemas import FreeText, In, IsoTime, Out
from hall.server.feedback.schemas import FollowUpOut
from hall.server.stats.schemas import UnservedOut
from hall.server.submissions.schemas import DeadlineOut
from hall.server.terminals.schemas import TerminalOut
from hall.server.tickets.schemas import NoShowOut
from hall.server.windows.schemas import WindowFacts


class LoginIn(In):
    token: str = Field(min_length=1, max_length=256, repr=False)


class NoteIn(In):
    note: Annotated[str, FreeText] = Field(default="", max_length=500)


class CloseIn(In):
    note: Annotated[str, FreeText] = Field(min_length=1, max_length=500)


class SessionOut(Out):
    """Who is logged in and the CSRF value the page sends with its writes (``X-CSRF-Token``)."""

    name: str
    role: str
    csrf: str = Field(repr=False)
    session_s: int


class LogoutOut(Out):
    ok: bool = True


class CurrentTicketOut(Out):
    id: int
    number: str
    category: str
    status: str
    priority: str | None = None
    called_at: IsoTime | None = None
    started_at: IsoTime | None = None


class WindowPanelOut(WindowFacts):
    current: CurrentTicketOut | None = None


class CategoryPanelOut(Out):
    """A line with its SLA level and the open-a-window suggestion (``dashboard.stats.assess``)."""

    code: str
    name_zh: str
    name_en: str = ""
    sla_minutes: int
    waiting: int
    longest_wait_s: int
    open_windows: int
    predicted_wait_s: int
    service_s: int
    breach: bool
    level: str
    predicted_breach: bool
    suggest_open: int


class TerminalPanelOut(TerminalOut):
    heartbeat_age_s: int | None = None
    oldest_pending_s: int = 0  # whole seconds on the panel


class RecentTicketOut(Out):
    id: int
    number: str
    category: str
    status: str
    window: int | None = None
    issued_at: IsoTime


class TotalsOut(Out):
    waiting: int
    served: int
    open_windows: int
    breaches: int
    alerts: int


class HallNameOut(Out):
    name_zh: str
    name_en: str


class NoShowReinstatedOut(Out):
    id: int
    number: str
    category: str
    status: str


class BookedSlotOut(Out):
    """A slot of today with bookings: places booked of its capacity, and how many checked in."""

    category: str
    start: IsoTime
    end: IsoTime
    capacity: int
    booked: int
    checked_in: int


class OverviewOut(Out):
    """Everything the live panels show."""

    now: IsoTime
    hall_day: str
    timezone: str
    hall: HallNameOut
    totals: TotalsOut
    categories: list[CategoryPanelOut]
    windows: list[WindowPanelOut]
    terminals: list[TerminalPanelOut]
    followups: list[FollowUpOut]
    recent: list[RecentTicketOut]
    unserved: list[UnservedOut] = Field(default_factory=list)
    deadlines: list[DeadlineOut] = Field(default_factory=list)
    no_shows: list[NoShowOut] = Field(default_factory=list)  # may still be reinstated
    bookings: list[BookedSlotOut] = Field(default_factory=list)  # today's booked slots (docs/booking.md)


class ChartCategoryOut(Out):
    code: str
    name_zh: str
    name_en: str = ""


class HistogramOut(Out):
    bins_min: list[int]
    labels: list[str]
    counts: list[int]


class ChartsOut(Out):
    """Tickets issued per local hour per category, and the distribution of waits (issue → first call)."""

    day: str
    hours: list[int]
    categories: list[ChartCategoryOut]
    per_hour: dict[str, list[int]]
    waits: HistogramOut
    waits_n: int
