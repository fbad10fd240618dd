"""The hall adapter's view of the lines: full (said by the server or learnt from a refusal today)
and closed (outside a line's own hours), each with its reason."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.adapters.hall import HallAdapter

TZ = ZoneInfo("Asia/Shanghai")


class Categories:
    """The hall client answering GET /categories with fixed rows (the adapter under test is real)."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def request(self, method: str, path: str, **_kw: Any) -> Any:
        assert (method, path) == ("GET", "/categories")
        return self.rows


def _row(code: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "name_zh": code, "name_en": code, "waiting": 1, "estimated_wait_s": 60,
            "opens": "00:00", "closes": "24:00", **extra}


def test_lines_outside_their_hours_are_closed_and_full_lines_say_so() -> None:
    now = datetime.now(TZ)
    later = (now + timedelta(hours=2)).strftime("%H:%M") if now.hour < 21 else "23:59"
    rows = [_row("A"), _row("B", opens=later, closes="24:00"), _row("C", daily_cap=2, issued_today=2)]
    adapter = HallAdapter(Categories(rows))
    got = {c.code: (c.full, c.full_reason) for c in adapter.categories()}
    assert got == {"A": (False, ""), "B": (True, "closed"), "C": (True, "daily_cap")}
    assert adapter.opening().open  # A is open: the hall is


def test_a_refusal_marks_the_line_full_until_the_day_ends() -> None:
    adapter = HallAdapter(Categories([_row("A"), _row("B")]))
    adapter.mark_full("A", "daily_cap")
    got = {c.code: (c.full, c.full_reason) for c in adapter.categories()}
    assert got == {"A": (True, "daily_cap"), "B": (False, "")}
    adapter._full["A"] = ("2000-01-01", "daily_cap")  # yesterday's refusal
    assert not adapter.categories()[0].full
