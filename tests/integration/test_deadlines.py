"""Due dates that know holidays (issue 16, item 6): a holiday file moves the time limit by working days;
overdue and soon-due applications are listed for the dashboard and the counter."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from hall.server.domain.hallday import hall_day
from hall.server.domain.holidays import CalendarDay, calendar_of
from hall.server.domain.workdays import add_working_days
from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer, run_main
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

API = "/api/v1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PROMISED_DAYS = 10  # demo item A-004 (社会保障卡申领)


def _h(server: HallServer, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[role]}"}


def _submit(server: HallServer) -> dict[str, Any]:
    data = {"item_code": "A-004", "id_number": "110101199003071233", "name": "张三",
            "proof": card_proof("110101199003071233"), "form": STANDARD_ANSWERS,
            "materials": [{"requirement": "id_card", "file": "f0"}, {"requirement": "photo", "file": "f1"},
                          {"requirement": "photo", "file": "f2"}]}  # the photo is needed twice
    r = httpx.post(f"{server.url}{API}/submissions", headers=_h(server, "terminal"),
                   files={"f0": ("id.png", PNG, "image/png"), "f1": ("p.png", PNG, "image/png"),
                          "f2": ("p2.png", PNG, "image/png")},
                   data={"data": json.dumps(data, ensure_ascii=False)})
    assert r.status_code == 201 and r.json()["status"] == "accepted", r.text
    return dict(r.json())


def _schedule(today: date) -> list[CalendarDay]:
    """The next three weekdays off and the next Saturday worked: the limit moves by two working days."""
    days: list[CalendarDay] = []
    d = today
    while len(days) < 3:
        d += timedelta(days=1)
        if d.weekday() < 5:
            days.append(CalendarDay(d, False, "测试假日"))
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    return [*days, CalendarDay(saturday, True, "调休")]


def test_holidays_move_the_promised_date(hall_server: HallServer, tmp_path: Path) -> None:
    today = hall_day(datetime.now(UTC))
    schedule = _schedule(today)
    csv = tmp_path / "节假日.csv"
    csv.write_text("\ufeff日期,类型,名称\n" + "".join(
        f"{d.day.isoformat()},{'班' if d.working else '休'},{d.name}\n" for d in schedule), encoding="utf-8")
    done = run_main("hall", "admin", "import-holidays", str(csv), "--db", hall_server.db_url)
    assert done.returncode == 0, done.stderr
    assert "3 days off, 1 make-up working days" in done.stdout
    sub = _submit(hall_server)
    expected = add_working_days(today, PROMISED_DAYS, calendar=calendar_of(schedule))
    assert sub["promised_due"] == expected.isoformat()
    assert expected != add_working_days(today, PROMISED_DAYS)  # the calendar made the difference


def test_a_bad_holiday_file_names_row_and_column_and_keeps_nothing(hall_server: HallServer, tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("日期,类型,名称\n2027-10-01,休,国庆节\n2027-10-02,放假,国庆节\n", encoding="utf-8")
    done = run_main("hall", "admin", "import-holidays", str(csv), "--db", hall_server.db_url)
    assert done.returncode == 2 and "第 3 行" in done.stderr and "类型" in done.stderr and "row 3" in done.stderr
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("日期,类型,名称\n2027-10-01,休,国庆节\n".encode("gbk"))
    done = run_main("hall", "admin", "import-holidays", str(gbk), "--db", hall_server.db_url)
    assert done.returncode == 2 and "UTF-8" in done.stderr
    engine = create_engine(hall_server.db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM calendar_days")).scalar_one() == 0
    finally:
        engine.dispose()


def test_overdue_and_soon_due_applications_are_listed(hall_server: HallServer) -> None:
    late, soon, fine = _submit(hall_server), _submit(hall_server), _submit(hall_server)
    today = hall_day(datetime.now(UTC))
    engine = create_engine(hall_server.db_url)  # time travel: these were accepted weeks ago
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE submissions SET promised_due = :d WHERE code = :c"),
                         {"d": today - timedelta(days=14), "c": late["code"]})
            conn.execute(text("UPDATE submissions SET promised_due = :d WHERE code = :c"),
                         {"d": add_working_days(today, 1), "c": soon["code"]})
    finally:
        engine.dispose()
    r = httpx.get(f"{hall_server.url}{API}/deadlines", headers=_h(hall_server, "clerk"), timeout=budget(10))
    assert r.status_code == 200, r.text
    rows = {d["code"]: d for d in r.json()}
    assert rows[late["code"]]["state"] == "overdue" and rows[late["code"]]["working_days_left"] <= -9
    assert rows[soon["code"]]["state"] == "soon" and rows[soon["code"]]["working_days_left"] == 1
    assert fine["code"] not in rows and next(iter(rows)) == late["code"]  # overdue first
    assert "张三" not in r.text  # names masked
    detail = httpx.get(f"{hall_server.url}{API}/submissions/{late['code']}/detail", headers=_h(hall_server, "clerk"),
                       timeout=budget(10)).json()
    assert detail["deadline"] == "overdue" and detail["working_days_left"] == rows[late["code"]]["working_days_left"]
    kiosk = httpx.get(f"{hall_server.url}{API}/deadlines", headers=_h(hall_server, "terminal"), timeout=budget(10))
    assert kiosk.status_code == 403
