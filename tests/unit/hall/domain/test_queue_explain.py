"""explain(): structured zh/en reasons, position and who is ahead."""

from __future__ import annotations

from hall.server.domain import queue_policy as qp
from hall.server.domain.queue_explain import Explanation, waiting_ahead
from hall.server.domain.tickets import transfer
from tests.unit.hall.domain.queue_helpers import at, elderly_birth, ticket

POLICY = qp.QueuePolicy()

QUEUE = [
    ticket("A001", 0),
    ticket("A002", 1, priorities={"disabled"}),
    ticket("A003", 2, appointment_start=at(5)),
    ticket("A004", 3, birth_date=elderly_birth(72)),
    ticket("A005", 4),
    ticket("B001", 0, priorities={"vip"}),  # another line
]


def codes(e: Explanation) -> list[str]:
    return [r.code for r in e.reasons]


def test_normal_ticket_explained() -> None:
    e = qp.explain(QUEUE[4], QUEUE, POLICY, at(10))
    assert e.position == 5 and e.ahead == 4 and e.lane is qp.Lane.NORMAL
    assert e.ahead_by_lane == {"appointment": 1, "priority": 2, "normal": 1}
    assert codes(e) == ["normal", "aging_hint", "mode.priority_first", "ahead", "line"]
    ahead = e.reasons[3]
    assert ahead.zh == "前面还有 4 人（预约 1 人、优先 2 人、普通 1 人）"
    assert ahead.en == "4 ahead of you (1 appointment, 2 priority, 1 normal)"
    assert waiting_ahead(QUEUE[4], QUEUE, POLICY, at(10)) == 4


def test_elderly_reason_names_threshold_not_age() -> None:
    e = qp.explain(QUEUE[3], QUEUE, POLICY, at(10))
    assert e.lane is qp.Lane.PRIORITY and e.ahead == 2
    assert e.reasons[0].zh == "70 周岁及以上老年人优先"
    assert "72" not in str(e.to_dict()) and "1954" not in str(e.to_dict())


def test_first_in_line_is_next() -> None:
    e = qp.explain(QUEUE[2], QUEUE, POLICY, at(10))
    assert e.position == 1 and codes(e)[0] == "appointment_due" and "next" in codes(e)
    assert "09:05" in e.reasons[0].zh


def test_new_ticket_not_yet_in_queue_is_counted() -> None:
    fresh = ticket("A006", 9)
    assert waiting_ahead(fresh, QUEUE, POLICY, at(10)) == 5


def test_ratio_and_aging_reasons() -> None:
    ratio = qp.QueuePolicy(mode=qp.CallMode.RATIO, ratio_priority=2)
    e = qp.explain(QUEUE[0], QUEUE, ratio, at(31))
    assert "aged" in codes(e) and "mode.ratio" in codes(e)
    assert any("每叫 2 位优先号后叫 1 位普通号" in r.zh for r in e.reasons)


def test_transferred_and_window_lines() -> None:
    moved = transfer(ticket("C009", 0, status="serving"), to_window="5")
    e = qp.explain(moved, [*QUEUE, moved], POLICY, at(10))
    assert e.position == 1 and "transferred" in codes(e)
    assert "从 C 转来" in e.reasons[1].zh


def test_not_queued_states() -> None:
    e = qp.explain(ticket("A001", status="no_show"), QUEUE, POLICY, at(10))
    assert e.position is None and codes(e) == ["status.no_show"] and "30" in e.reasons[0].zh
    d = qp.explain(ticket("A001", status="done"), QUEUE, POLICY, at(10)).to_dict()
    assert d["status"] == "done" and d["reasons"][0]["en"] == "Finished"


def test_worked_example_in_docs_queue_policy_md() -> None:
    """The example in docs/queue-policy.md, so the document stays true."""
    from datetime import date, datetime

    from hall.server.domain.hallday import HALL_TZ

    def sh(h: int, m: int) -> datetime:
        return datetime(2026, 3, 2, h, m, tzinfo=HALL_TZ)

    def t(n: str, h: int, m: int, **kw: object) -> qp.QueueTicket:
        return qp.QueueTicket(id=n, number=n, category="A", issued_at=sh(h, m), **kw)  # type: ignore[arg-type]

    q = [t("A001", 9, 25), t("A002", 9, 40), t("A003", 9, 45, priorities={"disabled"}),
         t("A004", 9, 48, birth_date=date(1950, 5, 1)), t("A005", 9, 50, priorities={"pregnant"}),
         t("A006", 9, 52, appointment_start=sh(10, 0), appointment_end=sh(10, 30)), t("A007", 9, 55)]
    now = sh(10, 0)
    first = [c.ticket.number for c in qp.call_order(q, POLICY, now)]
    assert first == ["A006", "A001", "A003", "A004", "A005", "A002", "A007"]
    ratio = qp.QueuePolicy(mode=qp.CallMode.RATIO, ratio_priority=2)
    assert [c.ticket.number for c in qp.call_order(q, ratio, now)] == [
        "A006", "A001", "A003", "A004", "A002", "A005", "A007"]
    e = qp.explain(q[1], q, POLICY, now)
    assert e.reasons[3].zh == "前面还有 5 人（预约 1 人、优先 3 人、久等普通号 1 人）"
    assert qp.explain(q[1], q, ratio, now).ahead == 4
    assert qp.explain(q[3], q, POLICY, now).reasons[2].zh == "前面还有 3 人（预约 1 人、优先 1 人、久等普通号 1 人）"
