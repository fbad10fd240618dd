"""The display's board as plain data: latest calls, newest first, history, counts, announcements."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from hall.display.board import Board


def called(number: str, window: int, *, tid: int, count: int = 1, recall: bool = False, **extra: Any) -> dict[str, Any]:
    return {"type": "ticket.called", "data": {"id": tid, "number": number, "window": window,
                                              "category": number[0], "call_count": count, "recall": recall, **extra}}


def test_newest_call_on_top_and_window_previous_call_moves_to_history() -> None:
    board = Board(latest_size=3, history_size=5)
    board.apply(called("A001", 1, tid=1), now=0)
    board.apply(called("B001", 3, tid=2), now=1)
    board.apply(called("A002", 1, tid=3), now=2)
    assert [e.number for e in board.latest] == ["A002", "B001"]
    assert [e.number for e in board.history] == ["A001"]
    newest = board.newest()
    assert newest is not None and newest.window == 1


def test_overflow_spills_to_history_capped() -> None:
    board = Board(latest_size=2, history_size=2)
    for i in range(1, 6):
        board.apply(called(f"A00{i}", i, tid=i), now=i)
    assert [e.number for e in board.latest] == ["A005", "A004"]
    assert [e.number for e in board.history] == ["A003", "A002"]


def test_recall_is_announced_again_and_moves_to_top_but_duplicates_are_not() -> None:
    board = Board()
    assert len(board.apply(called("A001", 1, tid=1), now=0)) == 1
    board.apply(called("B001", 2, tid=2), now=1)
    again = board.apply(called("A001", 1, tid=1, count=2, recall=True), now=2)
    assert [(e.number, e.recall) for e in again] == [("A001", True)]
    assert [e.number for e in board.latest] == ["A001", "B001"]
    # the same event delivered twice (reconnect) is neither shown twice nor announced twice
    assert board.apply(called("A001", 1, tid=1, count=2, recall=True), now=3) == []
    assert [e.number for e in board.latest] == ["A001", "B001"]


def test_blinks_briefly() -> None:
    board = Board(blink_s=5)
    board.apply(called("A001", 1, tid=1), now=100)
    assert board.blinking(102)
    assert not board.blinking(106)


def test_waiting_counts_from_categories_snapshot_and_events() -> None:
    board = Board()
    board.set_categories([{"code": "A", "name": "社会保险", "waiting": 2}, {"code": "B", "name": "住房公积金"}])
    board.apply({"type": "ticket.issued", "data": {"category": "A", "number": "A003"}}, now=0)
    assert board.categories["A"].waiting == 3
    board.apply(called("A001", 1, tid=1), now=1)
    assert board.categories["A"].waiting == 2
    board.apply({"type": "queue.snapshot", "data": {"categories": [{"code": "B", "waiting": 7}]}}, now=2)
    assert [(c.code, c.name, c.waiting) for c in board.category_lines()] == [("A", "社会保险", 2),
                                                                             ("B", "住房公积金", 7)]


def test_names_masked_and_hidden_unless_enabled() -> None:
    hidden = Board()
    hidden.apply(called("A001", 1, tid=1, name="张三"), now=0)
    assert hidden.latest[0].name == ""
    shown = Board(show_names=True)
    shown.apply(called("A001", 1, tid=1, name="张三丰"), now=0)
    assert shown.latest[0].name == "张**"
    assert "三" not in repr(shown.latest[0])


def test_bad_events_are_ignored() -> None:
    board = Board()
    for event in ({"type": "ticket.called", "data": {"number": "A001", "window": "x"}},
                  {"type": "ticket.called", "data": None}, {"type": "ticket.called", "data": {"window": 2}},
                  {"type": "queue.snapshot", "data": {"categories": ["bad"]}}, {}):
        assert board.apply(event, now=0) == []
    assert board.latest == []


def test_ready_numbers_come_from_the_snapshot_and_leave_when_called() -> None:
    from hall.display.board import Board

    board = Board()
    board.apply({"type": "queue.snapshot", "data": {"categories": [], "windows": [
        {"number": 1, "next_number": "A005"}, {"number": 2, "next_number": "A005"},
        {"number": 3, "next_number": "B012"}, {"number": 4, "next_number": None}]}}, now=0.0)
    assert board.ready == ["A005", "B012"] and board.ready_text() == "请 A005、B012 准备"
    board.apply({"type": "ticket.called", "data": {"number": "A005", "window": 1, "id": 5}}, now=1.0)
    assert board.ready == ["B012"]
    board.apply({"type": "queue.snapshot", "data": {"categories": [], "windows": []}}, now=2.0)
    assert board.ready == [] and board.ready_text() == ""


def test_the_notice_band_is_never_empty() -> None:
    from hall.display.board import notice_runs

    band, text, gap = 1920.0, 700.0, 160.0
    for step in range(0, 4000, 7):
        runs = notice_runs(step * 1.3, text_w=text, band_w=band, gap=gap)
        assert runs[0] <= 0 < runs[0] + text + gap  # the first copy starts at or before the left edge
        assert runs[-1] + text + gap >= band  # and copies reach past the right edge
        for a, b in pairwise(runs):
            assert b - (a + text) == pytest.approx(gap)  # never more than the gap between two copies
