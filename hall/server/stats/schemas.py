"""The live queue figures (``queue.snapshot`` event, ``GET /stats/live``) and the day/week report.

Report definitions (docs/dashboard.md): a day is a hall day, a week the Monday–Sunday week, one row per
category plus ``ALL``; no-show rate = no-shows ÷ (served + no-shows).
"""

from __future__ import annotations

from pydantic import ConfigDict, Field

from hall.server.core.schemas import Out


class SnapshotCategoryOut(Out):
    code: str
    name: str
    sla_minutes: int | None = None
    waiting: int = 0
    longest_wait_s: int = 0
    estimated_wait_s: int = 0


class SnapshotWindowOut(Out):
    number: int
    status: str
    current_ticket_id: int | None = None
    categories: list[str] = Field(default_factory=list)
    # The number this open window would call next (the call-order policy's pick): the display's 请…准备.
    next_number: str | None = None


class SnapshotOut(Out):
    """The ``queue.snapshot`` event's data: per category the queue now, and the windows."""

    categories: list[SnapshotCategoryOut]
    windows: list[SnapshotWindowOut]


class LiveCategoryOut(SnapshotCategoryOut):
    # The longest wait is past the target; the estimate for a new ticket is past it too.
    sla_breached: bool = False
    open_another_window: bool = False


class UnservedOut(Out):
    """A waiting ticket no open window can serve (docs/dashboard.md, "Nobody stranded")."""

    number: str
    category: str
    reason: str  # line_closed, fallback_desk_closed, window_closed
    waiting_s: int
    open_window: int | None = None  # the window to open for it; None when no window serves it
    reason_zh: str = ""
    reason_en: str = ""


class LiveOut(Out):
    categories: list[LiveCategoryOut]
    windows: list[SnapshotWindowOut]
    unserved: list[UnservedOut] = Field(default_factory=list)


class FiguresOut(Out):
    """The figures of a report row (docs/dashboard.md): tickets and what became of them, waits,
    handling times, ratings (满意率, 差评)."""

    tickets: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    no_show_rate: float | None = None
    wait_p50_s: int | None = None
    wait_p90_s: int | None = None
    handling_avg_s: int | None = None
    handling_p50_s: int | None = None
    ratings: int = 0
    rating_avg: float | None = None
    rating_good_rate: float | None = None  # 满意率
    rating_bad: int = 0  # 差评


class ReportRowOut(FiguresOut):
    category: str
    category_name: str
    category_name_en: str = ""


class ReportOut(Out):
    """``GET /dashboard/report``: the period (``day`` or ``week``), its first and last hall day, the rows."""

    period: str
    period_start: str
    period_end: str
    rows: list[ReportRowOut]


class StatsReportOut(ReportOut):
    """``GET /stats/report``: the dashboard's report plus ``from``/``to`` (= ``period_start``/``period_end``)."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str


class BreakdownRowOut(FiguresOut):
    """One value of the dimension (``key`` a category code, window number, clerk, item code; ``-`` none;
    ``ALL`` the total) with the figures of docs/dashboard.md, "Reports by anything"."""

    key: str
    name: str
    name_en: str = ""
    rectified: int = 0
    rectify_rate: float | None = None  # 整改率
    revisited: int = 0
    revisit_rate: float | None = None  # 回访率
    cannot_do: int = 0  # 办不成事
    cannot_do_resolved: int = 0


class BreakdownOut(Out):
    """``GET /stats/report?by=…``: the range, the dimension and ``{"rows": [...]}`` (last row ``ALL``)."""

    model_config = ConfigDict(populate_by_name=True)

    period: str
    by: str
    period_start: str
    period_end: str
    from_: str = Field(alias="from")
    to: str
    rows: list[BreakdownRowOut]
