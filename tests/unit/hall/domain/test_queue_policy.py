"""Call order: lanes, modes, aging, window weights, fallback window, and consistency."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hall.server.domain import queue_policy as qp
from hall.server.domain.errors import InvalidInput
from hall.server.domain.tickets import QueueTicket, transfer
from tests.unit.hall.domain.queue_helpers import at, elderly_birth, ticket

POLICY = qp.QueuePolicy()
RATIO = qp.QueuePolicy(mode=qp.CallMode.RATIO, ratio_priority=2)
WIN_A = qp.Window.serving("1", ["A"])


def pick(window: qp.Window, q: list[QueueTicket], policy: qp.QueuePolicy, now: datetime) -> qp.Choice:
    """choose_next where the test expects a ticket to be called."""
    choice = qp.choose_next(window, q, policy, now)
    assert choice is not None
    return choice


def order(tickets: list[QueueTicket], policy: qp.QueuePolicy = POLICY, now: datetime | None = None,
          **kw: object) -> list[str]:
    return [c.ticket.number for c in qp.call_order(tickets, policy, now or at(10), **kw)]  # type: ignore[arg-type]


def test_normal_tickets_go_by_issue_time() -> None:
    assert order([ticket("A002", 2), ticket("A001", 1), ticket("A003", 3)]) == ["A001", "A002", "A003"]


def test_priority_first_lanes() -> None:
    q = [
        ticket("A001", 0),
        ticket("A002", 1, priorities={"disabled"}),
        ticket("A003", 2, appointment_start=at(10), appointment_end=at(40)),
        ticket("A004", 3, birth_date=elderly_birth(75)),
        ticket("A005", 4, appointment_start=at(60), appointment_end=at(90)),
    ]
    assert order(q) == ["A003", "A002", "A004", "A001", "A005"]
    choice = qp.choose_next(WIN_A, q, POLICY, at(10))
    assert choice is not None and choice.ticket.number == "A003" and choice.lane is qp.Lane.APPOINTMENT


def test_appointment_lead_minutes() -> None:
    appt = ticket("A002", 1, appointment_start=at(14))
    q = [ticket("A001", 0), appt]
    assert order(q, now=at(8)) == ["A001", "A002"]
    assert order(q, now=at(9)) == ["A002", "A001"]  # default lead: 5 minutes
    assert qp.classify(appt, POLICY, at(8)).reasons == ("appointment_not_due",)


def test_elderly_threshold_uses_the_hall_day() -> None:
    # 2026-03-01 17:00 UTC is already 2 March in Shanghai: born 2 March 1956 → 70 there.
    now = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
    t = QueueTicket(id=1, number="A001", category="A", issued_at=now, birth_date=date(1956, 3, 2))
    assert qp.classify(t, POLICY, now).reasons == ("elderly",)
    assert qp.classify(t, qp.QueuePolicy(elderly_age=71), now).lane is qp.Lane.NORMAL
    t69 = QueueTicket(id=2, number="A002", category="A", issued_at=now, birth_date=date(1956, 3, 3))
    assert qp.classify(t69, POLICY, now).lane is qp.Lane.NORMAL


def test_disabled_reasons_do_not_count() -> None:
    policy = qp.QueuePolicy(priority_reasons=frozenset({qp.PriorityReason.ELDERLY, qp.PriorityReason.DISABLED}),
                            aging_minutes=None)
    assert qp.classify(ticket("A001", priorities={"vip"}), policy, at(1)).lane is qp.Lane.NORMAL
    both = ticket("A002", priorities={"vip", "disabled"}, birth_date=elderly_birth(80))
    assert qp.classify(both, policy, at(1)).reasons == ("elderly", "disabled")


def test_ratio_mode_two_priority_then_one_normal() -> None:
    q = [ticket(f"A00{i}", i) for i in range(1, 4)]
    q += [ticket(f"A01{i}", 5 + i, priorities={"pregnant"}) for i in range(1, 6)]
    assert order(q, RATIO) == ["A011", "A012", "A001", "A013", "A014", "A002", "A015", "A003"]
    # The run of priority calls already made at the window counts.
    assert order(q, RATIO, recent_calls=["priority", "appointment", "priority"])[0] == "A001"
    assert order(q, RATIO, recent_calls=["priority", "normal", "priority"])[0] == "A011"
    assert order(q, POLICY)[:5] == ["A011", "A012", "A013", "A014", "A015"]


def test_ratio_mode_without_priority_calls_normal() -> None:
    choice = qp.choose_next(WIN_A, [ticket("A001")], RATIO, at(1))
    assert choice is not None and choice.basis == "no_priority_waiting"


def test_aging_promotes_a_long_wait() -> None:
    q = [ticket("A001", 0), ticket("A002", 25, priorities={"veteran"})]
    assert order(q, now=at(30)) == ["A002", "A001"]
    aged = qp.classify(q[0], POLICY, at(31))
    assert aged.lane is qp.Lane.PRIORITY and aged.aged and aged.record_lane is qp.Lane.NORMAL
    assert order(q, now=at(31)) == ["A001", "A002"]  # waited longer than the veteran
    assert order(q, qp.QueuePolicy(aging_minutes=None), now=at(31)) == ["A002", "A001"]


def test_aged_call_resets_the_ratio_run() -> None:
    q = [ticket("A001", 0)] + [ticket(f"A01{i}", 40 + i, priorities={"vip"}) for i in range(1, 4)]
    choices = list(qp.call_order(q, RATIO, at(45)))
    assert [c.ticket.number for c in choices] == ["A001", "A011", "A012", "A013"]
    assert choices[0].record_lane is qp.Lane.NORMAL


def test_window_weights_across_categories() -> None:
    q = [ticket("A001", 0), ticket("B001", -10)]  # B has waited 20 min, A 10 min at minute 10
    assert pick(qp.Window.serving("1", {"A": 1, "B": 1}), q, POLICY, at(10)).ticket.number == "B001"
    heavy_a = qp.Window.serving("1", {"A": 3, "B": 1})
    assert pick(heavy_a, q, POLICY, at(10)).ticket.number == "A001"
    assert qp.choose_next(qp.Window.serving("2", ["C"]), q, POLICY, at(10)) is None
    with pytest.raises(InvalidInput):
        qp.Window.serving("3", {"A": 0})


def test_priority_lane_beats_weights() -> None:
    q = [ticket("A001", 0), ticket("B001", 9, priorities={"disabled"})]
    assert pick(qp.Window.serving("1", {"A": 10, "B": 1}), q, POLICY, at(10)).ticket.number == "B001"


def test_fallback_tickets_only_at_the_designated_window_first() -> None:
    fb = ticket("Z001", 9, fallback=True)
    q = [ticket("A001", 0, priorities={"vip"}), fb]
    assert pick(qp.Window.serving("9", ["A"], handles_fallback=True), q, POLICY, at(10)).ticket is fb
    assert pick(WIN_A, q, POLICY, at(10)).ticket.number == "A001"
    by_policy = qp.QueuePolicy(fallback_window="8")
    assert pick(qp.Window.serving(8, ["A"]), q, by_policy, at(10)).ticket is fb
    assert pick(qp.Window.serving(8, ["A"]), q, POLICY, at(10)).ticket.number == "A001"
    routed = ticket("Z002", 9, fallback=True, target_window="7")
    assert pick(qp.Window.serving("7", []), [routed], POLICY, at(10)).lane is qp.Lane.FALLBACK


def test_reinstated_goes_to_the_head() -> None:
    q = [ticket("A001", 0, appointment_start=at(0)), ticket("A002", 1, reinstated_at=at(9))]
    assert order(q) == ["A002", "A001"]


def test_transfer_to_window_keeps_priority_and_restricts() -> None:
    moved = transfer(ticket("A005", 0, status="serving", priorities={"disabled"}), to_window="5")
    q = [ticket("A001", 1), moved]
    assert pick(WIN_A, q, POLICY, at(10)).ticket.number == "A001"
    choice = pick(qp.Window.serving("5", ["B"]), q, POLICY, at(10))
    assert choice.ticket.number == "A005" and choice.lane is qp.Lane.PRIORITY


def test_only_queued_tickets_are_called() -> None:
    q = [ticket("A001", 0, status="called"), ticket("A002", 1, status="done"), ticket("A003", 2)]
    assert order(q) == ["A003"]


def test_policy_validation() -> None:
    assert qp.QueuePolicy.from_mapping({"mode": "ratio", "ratio_priority": 3}).mode is qp.CallMode.RATIO
    for bad in ({"mode": "lottery"}, {"ratio_priority": 0}, {"aging_minutes": 0}, {"elderly_age": -1},
                {"priority_reasons": ["royal"]}, {"colour": "red"}):
        with pytest.raises(InvalidInput):
            qp.QueuePolicy.from_mapping(bad)
    with pytest.raises(InvalidInput):
        list(qp.call_order([ticket("A001")], POLICY, datetime(2026, 3, 2, 9)))
    with pytest.raises(InvalidInput):
        qp.priority_streak(["royal"])


tickets_st = st.lists(
    st.builds(
        lambda i, minute, pri, appt, old: ticket(
            f"A{i:03d}", minute, priorities=pri, birth_date=elderly_birth(old) if old else None,
            appointment_start=at(appt) if appt is not None else None,
        ),
        st.integers(1, 999), st.integers(-60, 60), st.sets(st.sampled_from(list(qp.PriorityReason)), max_size=2),
        st.none() | st.integers(-30, 120), st.none() | st.integers(20, 90),
    ),
    max_size=25, unique_by=lambda t: t.id,
)
policies_st = st.builds(qp.QueuePolicy, mode=st.sampled_from(list(qp.CallMode)), ratio_priority=st.integers(1, 4),
                        aging_minutes=st.none() | st.integers(1, 60))


@settings(max_examples=150)
@given(tickets_st, policies_st)
def test_order_is_a_permutation_and_matches_repeated_call_next(q: list[QueueTicket], policy: qp.QueuePolicy) -> None:
    now = at(60)
    predicted = [c.ticket.id for c in qp.call_order(q, policy, now)]
    assert Counter(predicted) == Counter(t.id for t in q)
    remaining = list(q)
    recent: list[qp.Lane] = []
    called: list[Hashable] = []
    while (choice := qp.choose_next(WIN_A, remaining, policy, now, recent)) is not None:
        called.append(choice.ticket.id)
        recent.append(choice.record_lane)
        remaining = [t for t in remaining if t.id != choice.ticket.id]
    assert called == predicted
    lanes = [qp.LANE_RANK[qp.classify(t, policy, now).lane] for t in q]
    if policy.mode is qp.CallMode.PRIORITY_FIRST:
        by_id = {t.id: r for t, r in zip(q, lanes, strict=True)}
        assert [by_id[i] for i in predicted] == sorted(by_id[i] for i in predicted)


def test_storage_friendly_values() -> None:
    # Window numbers stored as integers still match; a check-in ticket without its slot is due.
    moved = ticket("A001", 0, target_window=5)
    assert pick(qp.Window.serving(5, ["B"]), [moved], POLICY, at(1)).ticket is moved
    checked_in = ticket("A002", 5, source="appointment")
    assert qp.classify(checked_in, POLICY, at(6)).lane is qp.Lane.APPOINTMENT
