"""The counter's 今日预约 list without Qt or HTTP: slots in the hall's time with capacity and places
taken, who is booked (pretty code, masked ID, checked in), and the last list kept — flagged in Chinese
and English — when a read fails."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hall.counter.bookings import BookingsBoard, changes_bookings, pretty_code

DAY = date(2026, 12, 8)


def slot(hour: int, *bookings: dict[str, Any], capacity: int = 2) -> dict[str, Any]:
    """A by-slot row as the server sends it (times UTC; the hall is 8 hours ahead)."""
    taken = sum(1 for b in bookings if b["status"] in ("booked", "checked_in"))
    return {"start": f"2026-12-08T{hour - 8:02d}:00:00+00:00", "end": f"2026-12-08T{hour - 8:02d}:30:00+00:00",
            "capacity": capacity, "booked": taken, "bookings": list(bookings)}


def booking(code: str, status: str = "booked", id_masked: str = "110101********1233",
            item_name: str | None = "不动产登记") -> dict[str, Any]:
    return {"code": code, "status": status, "item_code": "D-001", "item_name": item_name, "id_masked": id_masked,
            "ticket_id": None}


def loaded(**lines: list[dict[str, Any]]) -> BookingsBoard:
    board = BookingsBoard(timezone="Asia/Shanghai")
    board.loaded(DAY, dict(lines), now=datetime(2026, 12, 8, 2, 15, tzinfo=UTC))
    return board


def test_slots_show_hall_time_capacity_and_who_is_booked() -> None:
    board = loaded(D=[slot(9, booking("K7M29QXA3", "checked_in"), booking("P2Q7R8S4T"), capacity=2),
                      slot(10)],
                   A=[slot(9, booking("AAAA2BBB5", "cancelled"), booking("CCCC3DDD6", item_name=None))])
    cells = [r.cells for r in board.rows()]
    assert cells == [
        ("A  09:00–09:30", "已约 1/2", "", "", ""),
        ("", "CCCC-3DDD-6", "110101********1233", "已预约", "D-001"),  # cancelled: left out; no name: the code
        ("D  09:00–09:30", "已约 2/2（满）", "", "", ""),
        ("", "K7M2-9QXA-3", "110101********1233", "已签到", "不动产登记"),
        ("", "P2Q7-R8S4-T", "110101********1233", "已预约", "不动产登记"),
        ("D  10:00–10:30", "已约 0/2", "", "", ""),
    ]
    assert [r.full for r in board.rows() if r.booking is None] == [False, True, False]
    assert board.summary() == "今日预约 1/3"
    level, text = board.hint()
    assert level == "info" and text == "10:15:00 更新 · 共 3 人预约，1 人已签到"


def test_an_unmasked_id_is_masked_before_it_is_shown() -> None:
    board = loaded(D=[slot(9, booking("K7M29QXA3", id_masked="110101199003071233"))])
    assert [r.cells[2] for r in board.rows() if r.booking] == ["110101********1233"]


def test_a_failed_read_keeps_the_last_list_and_says_it_is_not_up_to_date() -> None:
    board = loaded(D=[slot(9, booking("K7M29QXA3"))])
    before = board.rows()
    board.failed()
    assert board.rows() == before and board.stale
    level, text = board.hint()
    assert level == "warn"
    assert "预约名单未更新" in text and "10:15:00" in text and "Not up to date" in text
    assert board.summary().endswith("⚠")
    board.loaded(DAY, {"D": []}, now=datetime(2026, 12, 8, 2, 16, tzinfo=UTC))  # the server is back
    assert not board.stale and board.rows() == [] and "没有可预约时段" in board.hint()[1]


def test_no_list_yet_and_the_first_read_failing() -> None:
    board = BookingsBoard()
    assert board.hint()[0] == "info" and board.summary() == "今日预约"
    board.failed()
    level, text = board.hint()
    assert level == "warn" and "暂时无法读取今日预约" in text and "retrying" in text


def test_malformed_rows_are_skipped_not_fatal() -> None:
    rows: dict[str, Any] = {"D": [{"start": "nonsense", "end": "x"}, "not a dict", slot(9),
                                  {"start": "2026-12-08T01:00:00", "end": "2026-12-08T01:30:00", "capacity": "many",
                                   "booked": 0, "bookings": []}],
                            "E": "not a list"}
    board = BookingsBoard()
    board.loaded(DAY, rows)
    assert [r.cells[0] for r in board.rows()] == ["D  09:00–09:30"]


def test_today_is_the_halls_day_whatever_the_machines_zone() -> None:
    board = BookingsBoard(timezone="Asia/Shanghai")
    assert board.today(datetime(2026, 12, 7, 16, 30, tzinfo=UTC)) == date(2026, 12, 8)
    assert board.today(datetime(2026, 12, 7, 15, 59, tzinfo=UTC)) == date(2026, 12, 7)


def test_the_list_opens_at_the_first_slot_not_over() -> None:
    board = loaded(D=[slot(9), slot(10), slot(11)])
    assert board.upcoming(datetime(2026, 12, 8, 2, 15, tzinfo=UTC)) == 1  # 10:15 hall time: the 10:00 slot is under way
    assert board.upcoming(datetime(2026, 12, 8, 0, 0, tzinfo=UTC)) == 0
    assert board.upcoming(datetime(2026, 12, 8, 9, 0, tzinfo=UTC)) is None


def test_a_check_in_at_a_line_of_the_window_calls_for_a_new_read() -> None:
    def issued(**data: Any) -> dict[str, Any]:
        return {"type": "ticket.issued", "data": {"id": 1, "number": "A001", **data}}

    assert changes_bookings(issued(category="A", source="appointment"), ["A", "F"])
    assert not changes_bookings(issued(category="B", source="appointment"), ["A", "F"])
    assert not changes_bookings(issued(category="A", source="kiosk"), ["A", "F"])
    assert not changes_bookings({"type": "ticket.called", "data": {"category": "A", "source": "appointment"}}, ["A"])
    assert not changes_bookings({"type": "ticket.issued", "data": "odd"}, ["A"])


def test_pretty_code() -> None:
    assert pretty_code("K7M29QXA3") == "K7M2-9QXA-3"
    assert pretty_code("K7M2-9QXA-3") == "K7M2-9QXA-3" and pretty_code("Y123") == "Y123"
