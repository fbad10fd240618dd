"""The holiday file and the deadline of an application in working days."""

from __future__ import annotations

from datetime import date

import pytest

from hall.server.domain.holidays import HolidayFileBad, calendar_of, parse_holiday_csv
from hall.server.domain.submissions import DueDates

# 2026: 国庆节 Thu 1 Oct – Wed 7 Oct off; Sun 27 Sep and Sat 10 Oct worked (an illustrative schedule).
FILE = "\ufeff日期,类型,名称\n" + "".join(f"2026-10-0{d},休,国庆节\n" for d in range(1, 8)) + \
    "2026-09-27,班,国庆节调休\n2026-10-10,班,国庆节调休\n"


def test_the_file_becomes_a_calendar() -> None:
    days = parse_holiday_csv(FILE)
    assert len(days) == 9 and days[0].day == date(2026, 9, 27) and days[0].working
    cal = calendar_of(days)
    assert not cal.is_working_day(date(2026, 10, 5)) and cal.is_working_day(date(2026, 10, 10))
    assert cal.is_working_day(date(2026, 9, 27)) and not cal.is_working_day(date(2026, 10, 11))


@pytest.mark.parametrize(("row", "column", "text"), [
    (2, "日期", "2026/10/01,休,\n"),
    (2, "类型", "2026-10-01,放假,\n"),
    (2, "类型", "2026-10-05,班,\n"),  # a Monday is worked anyway
    (3, "日期", "2026-10-01,休,\n2026-10-01,休,\n"),
    (2, "名称", "2026-10-01,休," + "节" * 33 + "\n"),
])
def test_each_bad_row_is_named(row: int, column: str, text: str) -> None:
    with pytest.raises(HolidayFileBad) as bad:
        parse_holiday_csv("日期,类型,名称\n" + text)
    assert bad.value.params["row"] == row and bad.value.params["column"] == column
    assert f"第 {row} 行" in bad.value.message_zh and f"row {row}" in bad.value.message_en


def test_a_file_without_the_header_is_refused() -> None:
    with pytest.raises(HolidayFileBad):
        parse_holiday_csv("date,kind\n2026-10-01,休\n")


def test_deadline_counts_working_days_with_the_calendar() -> None:
    cal = calendar_of(parse_holiday_csv(FILE))
    due = DueDates(legal=date(2026, 10, 20), promised=date(2026, 10, 9))
    assert due.working_days_left(date(2026, 9, 30), calendar=cal) == 2  # Thu 8 and Fri 9 Oct
    assert due.deadline(date(2026, 9, 30), calendar=cal) == "soon"
    assert due.deadline(date(2026, 9, 25), soon_days=1, calendar=cal) == "ok"  # 27–30 Sep, 8–9 Oct: 6 left
    assert due.working_days_left(date(2026, 10, 9), calendar=cal) == 0
    assert due.working_days_left(date(2026, 10, 13), calendar=cal) == -3  # Sat 10 Oct worked, Mon 12, Tue 13
    assert due.deadline(date(2026, 10, 13), calendar=cal) == "overdue"
    assert DueDates(legal=None, promised=None).deadline(date(2026, 10, 13)) == "ok"
