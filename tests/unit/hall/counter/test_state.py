"""Counter state without Qt or HTTP: which actions are live, events, stale state, figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hall.counter.state import CounterState, format_duration


def ready(**kw: Any) -> CounterState:
    return CounterState(**{"window": 5, "logged_in": True, "online": True, "window_status": "open",
                           "categories": ["D"], **kw})


def ticket(status: str, tid: int = 1, **kw: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"id": tid, "number": f"D00{tid}", "category": "D", "status": status,
            "issued_at": (now - timedelta(minutes=5)).isoformat(), "called_at": now.isoformat(), **kw}


def test_actions_follow_the_ticket() -> None:
    st = ready()
    assert st.actions()["call_next"] and not st.actions()["finish"] and st.actions()["pause"]
    st.set_ticket(ticket("called"))
    a = st.actions()
    assert a["recall"] and a["start"] and a["no_show"] and a["finish"] and a["transfer"] and not a["pause"]
    st.set_ticket(ticket("serving"))
    a = st.actions()
    assert a["finish"] and not a["recall"] and not a["no_show"]
    st.busy = "finish"
    assert not any(v for k, v in st.actions().items() if k != "alert")
    assert st.actions()["alert"]


def test_paused_window_cannot_call_and_offline_disables_all_but_alarm() -> None:
    st = ready(window_status="paused")
    assert not st.actions()["call_next"] and st.actions()["resume"]
    st = ready()
    st.set_ticket(ticket("called"))
    st.disconnected()
    assert st.stale and not st.online and st.message is not None
    assert [k for k, v in st.actions().items() if v] == ["alert"]


def test_served_today_and_average_come_from_the_window_record_not_local_counting() -> None:
    st = ready()
    start = datetime.now(UTC) - timedelta(minutes=4)
    st.set_ticket(ticket("serving", started_at=start.isoformat()))
    done = ticket("done", started_at=start.isoformat(), finished_at=(start + timedelta(seconds=240)).isoformat())
    st.set_ticket(done)
    st.apply({"type": "ticket.finished", "data": {"id": 1, "window": 5}})
    assert st.current is None and st.served_today == 0 and st.average_handling_s() is None  # not counted here
    assert st.apply({"type": "window.changed", "data": {"number": 5, "status": "open", "served_today": 7,
                                                        "avg_handling_s": 240}})
    assert st.served_today == 7 and format_duration(st.average_handling_s()) == "4分00秒"
    st.set_window({"number": 5, "status": "open", "served_today": 0, "avg_handling_s": None})  # a new day
    assert st.served_today == 0 and st.average_handling_s() is None


def test_appointment_details_belong_to_the_current_ticket_only() -> None:
    st = ready()
    st.set_ticket(ticket("called", appointment_id=4))
    st.appointment = {"id": 3, "code": "OLD"}
    assert st.appointment_for_current() is None
    st.appointment = {"id": 4, "code": "YY123"}
    assert st.appointment_for_current() == {"id": 4, "code": "YY123"}


def test_events_update_queue_and_window() -> None:
    st = ready()
    st.set_categories([{"code": "D", "name": "不动产登记", "waiting": 2}, {"code": "A", "waiting": 9}])
    assert st.waiting_total() == 2
    assert st.apply({"type": "ticket.issued", "data": {"category": "D"}})
    assert not st.apply({"type": "ticket.issued", "data": {"category": "A"}})
    assert st.waiting_total() == 3
    st.apply({"type": "ticket.called", "data": {"category": "D", "recall": False}})
    assert st.waiting_total() == 2
    st.apply({"type": "window.changed", "data": {"number": 5, "status": "paused", "pause_reason": "会议"}})
    assert st.window_status == "paused" and st.pause_reason == "会议"
    st.apply({"type": "window.changed", "data": {"number": 6, "status": "closed"}})
    assert st.window_status == "paused"
    st.apply({"type": "queue.snapshot", "data": {"categories": [{"code": "D", "waiting": 7}]}})
    assert st.waiting_total() == 7


def test_wait_so_far() -> None:
    st = ready()
    st.set_ticket(ticket("called"))
    assert 299 <= (st.wait_so_far_s() or 0) <= 301
    assert format_duration(None) == "—" and format_duration(3725) == "1小时02分"


def test_a_late_window_event_does_not_undo_our_call() -> None:
    st = ready()
    st.set_ticket(ticket("called", tid=2))
    before = (datetime.now(UTC) - timedelta(seconds=2)).isoformat()
    st.apply({"type": "window.changed", "data": {"number": 5, "status": "open", "current_ticket_id": None,
                                                 "updated_at": before}})
    assert st.current is not None and st.current["id"] == 2
    after = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    st.apply({"type": "window.changed", "data": {"number": 5, "status": "open", "current_ticket_id": None,
                                                 "updated_at": after}})
    assert st.current is None


def test_appointment_text_is_masked_and_readable() -> None:
    from hall.counter.state import appointment_text

    start = datetime(2026, 11, 22, 1, 30, tzinfo=UTC)
    appt = {"id": 4, "code": "Y7K2", "status": "checked_in", "slot_start": start.isoformat(),
            "slot_end": (start + timedelta(minutes=30)).isoformat(), "item_name": "社保卡申领",
            "category_name": "社保", "id_masked": "110101199003071233"}  # unmasked by mistake
    text = appointment_text(appt)
    local = f"{start.astimezone():%H:%M}–{(start + timedelta(minutes=30)).astimezone():%H:%M}"
    assert text == f"预约号 Y7K2 · {local} · 社保卡申领 · 已签到 · 110101********1233"
    assert appointment_text({"id": 9}) == "预约号 9"


def test_a_snapshot_asked_before_an_actions_answer_does_not_take_the_called_ticket_away() -> None:
    st = ready(waiting={"D": 3})
    asked = st.answered  # the refresh at sign-in goes out; F1 is pressed before it answers
    st.action_answered()
    st.set_ticket(ticket("called", tid=7))
    window = {"number": 5, "status": "open", "current_ticket_id": None}
    stale = {"window": window, "categories": [{"code": "D", "name": "不动产", "waiting": 2}], "current": None}
    assert st.set_snapshot(stale, asked=asked) is False  # the window is read again
    assert st.current is not None and st.current["id"] == 7 and st.waiting["D"] == 2  # counts still apply
    fresh = {**stale, "window": {**window, "current_ticket_id": 7}, "current": ticket("called", tid=7)}
    assert st.set_snapshot(fresh, asked=st.answered) and st.current["id"] == 7
