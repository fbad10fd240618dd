"""The hall's holiday calendar from a CSV file: 法定节假日 off, 调休 weekend days on.

The State Council publishes each year's schedule; a hall keeps it as ``日期,类型,名称`` rows (UTF-8,
BOM allowed): 日期 ``YYYY-MM-DD``, 类型 ``休`` (a holiday; also ``假``, ``holiday``) or ``班`` (a
make-up working day; also ``workday``), 名称 optional (``国庆节``). Every problem names its row and
column; nothing of a bad file is used.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .errors import DomainError
from .workdays import WeekendCalendar

_OFF = {"休", "假", "holiday", "off"}
_ON = {"班", "workday", "work", "on"}
MAX_ROWS = 2000
MAX_NAME = 32


@dataclass(frozen=True)
class CalendarDay:
    day: date
    working: bool  # True: a weekend day worked (调休); False: a holiday
    name: str = ""


class HolidayFileBad(DomainError):
    code = "calendar.file"
    kind = "invalid"
    template_zh = "节假日文件第 {row} 行“{column}”列：{problem_zh}"
    template_en = "Holiday file row {row}, column {column}: {problem_en}"


def _bad(row: int, column: str, zh: str, en: str) -> HolidayFileBad:
    return HolidayFileBad(row=row, column=column, problem_zh=zh, problem_en=en)


def parse_holiday_csv(text: str) -> list[CalendarDay]:
    """The rows of a holiday file; raises :class:`HolidayFileBad` naming the first bad row and column."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = [h.strip() for h in next(reader, [])]
    if header[:2] != ["日期", "类型"]:
        raise _bad(1, "日期", "表头应为“日期,类型,名称”", "the header must be 日期,类型,名称 (date, kind, name)")
    out: dict[date, CalendarDay] = {}
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if n > MAX_ROWS:
            raise _bad(n, "日期", f"行数超过 {MAX_ROWS}", f"more than {MAX_ROWS} rows")
        cells = [c.strip() for c in cells] + ["", ""]
        try:
            day = date.fromisoformat(cells[0])
        except ValueError:
            raise _bad(n, "日期", "日期应为 YYYY-MM-DD", "the date must be YYYY-MM-DD") from None
        kind = cells[1].lower()
        if kind not in _OFF | _ON:
            raise _bad(n, "类型", "类型应为“休”或“班”", "the kind must be 休 (holiday) or 班 (working day)")
        working = kind in _ON
        if working and day.weekday() < 5:  # a holiday's weekend days may be listed; a weekday 班 is a slip
            raise _bad(n, "类型", "“班”（调休上班）应是周末", "a make-up working day (班) must fall on a weekend")
        if day in out:
            raise _bad(n, "日期", "日期重复", "the date is listed twice")
        name = cells[2]
        if len(name) > MAX_NAME:
            raise _bad(n, "名称", f"名称超过 {MAX_NAME} 字", f"the name is longer than {MAX_NAME} characters")
        out[day] = CalendarDay(day, working, name)
    return sorted(out.values(), key=lambda d: d.day)


def calendar_of(days: Iterable[CalendarDay]) -> WeekendCalendar:
    """The working-day calendar the time limits count with."""
    days = list(days)
    return WeekendCalendar.of(holidays=(d.day for d in days if not d.working),
                              extra_working_days=(d.day for d in days if d.working))
