"""Report periods, files with Chinese headers, and the freshness rule of the city board (no database)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from hall.city.board import STALE_AFTER_S, is_stale, render_queues
from hall.city.errors import BadPeriod
from hall.city.reports import COLUMNS, period_range, to_csv, to_xlsx
from hall.server.citylink.code import subscription_name, valid_code


@pytest.mark.parametrize(("period", "day", "first", "last"), [
    ("day", "2026-12-07", date(2026, 12, 7), date(2026, 12, 7)),
    ("week", "2026-12-09", date(2026, 12, 7), date(2026, 12, 13)),
    ("month", "2026-02-14", date(2026, 2, 1), date(2026, 2, 28)),
    ("month", "2026-12-31", date(2026, 12, 1), date(2026, 12, 31)),
])
def test_a_period_covers_its_calendar_days(period: str, day: str, first: date, last: date) -> None:
    assert period_range(period, day) == (first, last)


@pytest.mark.parametrize(("period", "day"), [("year", "2026-12-07"), ("day", "2026-13-01"), ("day", "<script>")])
def test_a_bad_period_or_date_is_a_translated_refusal(period: str, day: str) -> None:
    with pytest.raises(BadPeriod) as caught:
        period_range(period, day)
    assert caught.value.message_zh and caught.value.message_en and "<script>" not in caught.value.message_en


ROW = {"hall": "420502-01", "name": "一号大厅", "from": "2026-12-07", "to": "2026-12-07", "issued": 3, "served": 2,
       "no_show": 1, "cancelled": 0, "avg_wait_min": 4.5, "avg_handling_min": 6.0, "sla_breaches": 0, "ratings": 2,
       "good": 2, "bad": 0, "bad_open": 0, "bad_closed": 0, "cannot_do": 1, "cannot_do_open": 1}


def test_csv_has_a_bom_and_chinese_headers_for_excel() -> None:
    data = to_csv([ROW])
    assert data.startswith("\ufeff".encode())
    header, line = data.decode("utf-8-sig").splitlines()
    assert header.split(",") == [title for _, title in COLUMNS]
    assert line.startswith("420502-01,一号大厅,2026-12-07")


def test_xlsx_has_chinese_headers_and_numbers() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx([ROW], title="city-day-2026-12-07"))).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == [title for _, title in COLUMNS]
    assert sheet["E2"].value == 3 and sheet["I2"].value == 4.5


def test_a_hall_older_than_sixty_seconds_is_stale_and_still_listed() -> None:
    now = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    assert STALE_AFTER_S == 60
    assert not is_stale(now - timedelta(seconds=60), now)
    assert is_stale(now - timedelta(seconds=61), now) and is_stale(None, now)
    rows = [{"hall": "H-1", "name": "n", "category": "A", "category_name": "社保", "waiting": 7,
             "estimated_wait_s": None, "open_windows": 0, "updated_at": now - timedelta(minutes=5)}]
    body = render_queues(rows, now)
    assert b'"waiting":7' in body and b'"stale":true' in body and b'"estimated_wait_s":null' in body


@pytest.mark.parametrize("code", ["420502-01", "A", "4205020000000000000000000000001-"])
def test_hall_codes_that_are_accepted(code: str) -> None:
    assert valid_code(code)


@pytest.mark.parametrize("code", ["", "-1", "420502 01", "420502_01", "x" * 33, "'; DROP TABLE x; --"])
def test_hall_codes_that_are_refused(code: str) -> None:
    assert not valid_code(code)


def test_subscription_names_are_plain_identifiers() -> None:
    assert subscription_name("420502-01") == "city_420502_01"
