"""Working-day arithmetic with a pluggable holiday calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hall.server.domain import workdays as wd
from hall.server.domain.errors import InvalidInput

# 2026 National Day week as an example: 1–7 Oct off, Sunday 27 Sep and Saturday 10 Oct worked.
NATIONAL_DAY = wd.WeekendCalendar.of(
    holidays=[date(2026, 10, d) for d in range(1, 8)], extra_working_days=[date(2026, 9, 27), date(2026, 10, 10)]
)


def test_weekends_are_skipped() -> None:
    friday = date(2026, 3, 6)
    assert wd.add_working_days(friday, 1) == date(2026, 3, 9)
    assert wd.add_working_days(friday, 5) == date(2026, 3, 13)
    assert wd.add_working_days(friday, 0) == friday


def test_holidays_and_make_up_days() -> None:
    assert wd.add_working_days(date(2026, 9, 25), 1, calendar=NATIONAL_DAY) == date(2026, 9, 27)
    assert wd.add_working_days(date(2026, 9, 30), 1, calendar=NATIONAL_DAY) == date(2026, 10, 8)
    assert wd.add_working_days(date(2026, 9, 30), 3, calendar=NATIONAL_DAY) == date(2026, 10, 10)
    assert wd.working_days_between(date(2026, 9, 30), date(2026, 10, 10), calendar=NATIONAL_DAY) == 3


def test_bad_input() -> None:
    with pytest.raises(InvalidInput):
        wd.add_working_days(date(2026, 1, 1), -1)

    class Never:
        def is_working_day(self, day: date) -> bool:
            return False

    with pytest.raises(InvalidInput):
        wd.add_working_days(date(2026, 1, 1), 1, calendar=Never())


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 60))
def test_add_and_count_agree(start: date, n: int) -> None:
    end = wd.add_working_days(start, n)
    assert wd.working_days_between(start, end) == n
    if n:
        assert end.weekday() < 5
        assert wd.working_days_between(start, end - timedelta(days=1)) == n - 1
