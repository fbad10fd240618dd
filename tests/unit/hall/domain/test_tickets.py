"""Ticket states, recall/no-show, reinstatement and transfer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from hall.server.domain import tickets as tk
from hall.server.domain.errors import InvalidInput, InvalidTransition, ReinstateExpired
from tests.unit.hall.domain.queue_helpers import at, ticket

S = tk.TicketStatus


@pytest.mark.parametrize(
    ("cur", "tgt"),
    [(S.WAITING, S.CALLED), (S.CALLED, S.CALLED), (S.CALLED, S.SERVING), (S.SERVING, S.DONE),
     (S.CALLED, S.NO_SHOW), (S.SERVING, S.WAITING), (S.CALLED, S.DONE), (S.NO_SHOW, S.WAITING),
     (S.WAITING, S.CANCELLED)],
)
def test_allowed(cur: tk.TicketStatus, tgt: tk.TicketStatus) -> None:
    assert tk.check_transition(cur.value, tgt.value) is tgt


@pytest.mark.parametrize(
    ("cur", "tgt"),
    [(S.WAITING, S.SERVING), (S.WAITING, S.DONE), (S.DONE, S.WAITING), (S.CANCELLED, S.CALLED),
     (S.SERVING, S.NO_SHOW), (S.NO_SHOW, S.CALLED), (S.SERVING, S.CALLED), (S.CALLED, S.CANCELLED)],
)
def test_refused(cur: tk.TicketStatus, tgt: tk.TicketStatus) -> None:
    assert not tk.can_transition(cur, tgt)
    with pytest.raises(InvalidTransition) as info:
        tk.check_transition(cur, tgt)
    assert info.value.code == "invalid_transition"
    assert cur.value in info.value.message_en and tgt.value in info.value.message_zh


def test_the_state_graph_is_the_action_table() -> None:
    for (state, action), target in tk.ACTIONS.items():
        assert tk.act(state, action) is target and target in tk.TRANSITIONS[state]
    assert {t for targets in tk.TRANSITIONS.values() for t in targets} <= set(S)


def test_an_action_the_table_lacks_is_an_invalid_transition() -> None:
    with pytest.raises(InvalidTransition) as info:
        tk.act(S.SERVING, tk.TicketAction.RECALL)
    assert info.value.params == {"current": "serving", "target": "recall"}
    with pytest.raises(InvalidInput):
        tk.act(S.WAITING, "teleport")


def test_final_states_have_no_way_out() -> None:
    for s in tk.FINAL:
        assert not tk.TRANSITIONS[s]


def test_unknown_status_is_typed() -> None:
    with pytest.raises(InvalidInput):
        tk.check_transition("waiting", "teleported")


def test_recall_twice_then_no_show() -> None:
    assert tk.after_no_answer(0) is tk.RecallOutcome.RECALL
    assert tk.after_no_answer(1) is tk.RecallOutcome.RECALL
    assert tk.after_no_answer(2) is tk.RecallOutcome.NO_SHOW
    assert tk.after_no_answer(0, max_recalls=0) is tk.RecallOutcome.NO_SHOW


def test_reinstate_within_window() -> None:
    missed = ticket("A003", 0, status="no_show")
    back = tk.reinstate(missed, no_show_at=at(10), now=at(40))
    assert back.status is S.WAITING and back.reinstated_at == at(40)
    with pytest.raises(ReinstateExpired) as info:
        tk.reinstate(missed, no_show_at=at(10), now=at(40.5))
    assert "30" in info.value.message_zh
    tk.check_reinstate(at(0), at(50), minutes=60)
    with pytest.raises(InvalidTransition):
        tk.reinstate(ticket("A004"), no_show_at=at(0), now=at(1))


def test_transfer_keeps_number_time_and_priority() -> None:
    t = ticket("A007", 3, status="serving", priorities={"disabled"})
    moved = tk.transfer(t, to_category="C")
    assert (moved.number, moved.issued_at, moved.priorities) == ("A007", t.issued_at, t.priorities)
    assert moved.category == "C" and moved.status is S.WAITING and moved.transferred_from == "A"
    to_window = tk.transfer(moved, to_window="5")
    assert to_window.target_window == "5" and to_window.category == "C"
    with pytest.raises(InvalidInput):
        tk.transfer(t, to_category="C", to_window="5")
    with pytest.raises(InvalidTransition):
        tk.transfer(ticket("A008", status="done"), to_category="C")


def test_ticket_values_are_checked_and_typed() -> None:
    t = ticket("A001", status="called", priorities=["vip"], source="offline")
    assert t.status is S.CALLED and t.priorities == {tk.PriorityReason.VIP}
    assert t.source is tk.TicketSource.OFFLINE
    for bad in ({"priorities": ["king"]}, {"status": "lost"}, {"source": "fax"}, {"category": "a"}):
        with pytest.raises(InvalidInput):
            ticket("A001", **bad)
    with pytest.raises(InvalidInput):
        tk.QueueTicket(id=1, number="A001", category="A", issued_at=datetime(2026, 1, 1))


def test_birth_date_stays_out_of_repr() -> None:
    t = ticket("A001", birth_date=at(0).date())
    assert "birth" not in repr(t)


def test_from_flat_storage_words() -> None:
    common: dict[str, Any] = {"id": 1, "number": "A001", "category": "A", "issued_at": at(0)}
    assert tk.from_flat(**common, priority="veteran").priorities == {tk.PriorityReason.VETERAN}
    assert tk.from_flat(**common, priority="cannot_do").fallback
    appt = tk.from_flat(**common, priority="appointment", target_window=3)
    assert appt.source is tk.TicketSource.APPOINTMENT and appt.target_window == "3" and not appt.priorities
    assert tk.from_flat(**common).priorities == frozenset()
    with pytest.raises(InvalidInput):
        tk.from_flat(**common, priority="royal")
