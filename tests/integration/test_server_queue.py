"""The call order on a real database: call-next, waiting_ahead and the explanation all follow the domain
policy (hall.server.domain.queue_policy), with the settings' modes, weights and the 办不成事 window.

In-process (HallContext on a copy of the seeded SQLite template) so time can be injected."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hall.server.appointments.models import Appointment
from hall.server.build import build_services
from hall.server.core.context import HallContext
from hall.server.core.options import ServerOptions
from hall.server.domain import errors as derr
from hall.server.domain.queue_policy import QueuePolicy
from hall.server.tickets import explain as explain_svc
from hall.server.tickets import service as tsvc
from hall.server.tickets import transitions
from hall.server.tickets.schemas import TicketIn
from hall.server.windows import service as wsvc
from hall.server.windows.models import Window
from tests.rigs.hall_server import sqlite_template
from tests.rigs.hall_time import hall_time, hall_today

ELDER_1950 = "110101195001010017"  # born 1950-01-01
TODAY = hall_today()  # the hall's day: some calls (recall, reinstate) run on the real clock


def at(hhmm: str) -> datetime:
    return hall_time(hhmm, TODAY)


@pytest.fixture
def make_hall(tmp_path: Path) -> Iterator[Callable[..., HallContext]]:
    made: list[HallContext] = []

    def make(**policy: Any) -> HallContext:
        db = tmp_path / f"hall{len(made)}.db"
        shutil.copyfile(sqlite_template()[0], db)
        hall = build_services(db_url=f"sqlite:///{db}", options=ServerOptions(
            data_dir=tmp_path / "data", policy=QueuePolicy(**policy)))
        made.append(hall)
        return hall

    yield make
    for hall in made:
        hall.db.dispose()


def issue(hall: HallContext, category: str, when: str, **req: Any) -> dict[str, Any]:
    appointment = req.pop("slot", None)
    with hall.unit() as tx:
        appt_id = None
        if appointment is not None:
            a = Appointment(code=f"T{when.replace(':', '')}", id_hash="x" * 64, id_masked="-", category=category,
                            slot_start=at(appointment[0]), slot_end=at(appointment[1]), status="checked_in")
            tx.session.add(a)
            tx.session.flush()
            appt_id = a.id
            req.update(priority="appointment", source="appointment")
        forced = {k: req.pop(k) for k in ("priority", "source") if req.get(k) in ("appointment",)}
        return tsvc.issue_request(hall, tx, TicketIn(category=category, **req), now=at(when),
                                  appointment_id=appt_id, **forced)[1].model_dump(mode="json")


def call_all(hall: HallContext, window: int, now: datetime) -> list[str]:
    out: list[str] = []
    while True:
        with hall.unit() as tx:
            t = wsvc.call_next(hall, tx, window, now=now)
        if t is None:
            return out
        out.append(t.number)


def ahead(hall: HallContext, ticket_id: int, now: datetime) -> dict[str, Any]:
    with hall.db.read() as s:
        return explain_svc.explain(hall, s, tsvc.get_ticket(s, ticket_id), now=now).model_dump()


def worked_example(hall: HallContext) -> dict[str, dict[str, Any]]:
    """docs/queue-policy.md's line A at 10:00."""
    return {
        "A001": issue(hall, "A", "09:25"),
        "A002": issue(hall, "A", "09:40"),
        "A003": issue(hall, "A", "09:45", priority="disabled"),
        "A004": issue(hall, "A", "09:48", id_number=ELDER_1950),
        "A005": issue(hall, "A", "09:50", priority="pregnant"),
        "A006": issue(hall, "A", "09:52", slot=("10:00", "10:30")),
        "A007": issue(hall, "A", "09:55"),
    }


def test_worked_example_priority_first(make_hall: Callable[..., HallContext]) -> None:
    hall = make_hall()
    t = worked_example(hall)
    assert t["A004"]["priority"] == "elderly"
    why = ahead(hall, t["A002"]["id"], at("10:00"))
    assert why["waiting_ahead"] == 5 and why["position"] == 6 and why["lane"] == "normal"
    assert why["ahead_by_lane"] == {"appointment": 1, "priority": 3, "aged": 1}
    assert "前面还有 5 人（预约 1 人、优先 3 人、久等普通号 1 人）" in why["text_zh"]
    assert why["next_numbers"] == ["A006", "A001", "A003", "A004", "A005"]
    # Every ticket's predicted place is where call-next really takes it.
    predicted = {n: ahead(hall, x["id"], at("10:00"))["waiting_ahead"] for n, x in t.items()}
    order = call_all(hall, 1, at("10:00"))
    assert order == ["A006", "A001", "A003", "A004", "A005", "A002", "A007"]
    assert {n: order.index(n) for n in order} == predicted


def test_worked_example_ratio_two_to_one(make_hall: Callable[..., HallContext]) -> None:
    hall = make_hall(mode="ratio", ratio_priority=2)
    t = worked_example(hall)
    assert ahead(hall, t["A002"]["id"], at("10:00"))["waiting_ahead"] == 4
    assert call_all(hall, 1, at("10:00")) == ["A006", "A001", "A003", "A004", "A002", "A005", "A007"]


def test_new_plain_ticket_ahead_matches_the_domain_order(make_hall: Callable[..., HallContext]) -> None:
    hall = make_hall()
    issue(hall, "B", "09:00", priority="vip")
    issue(hall, "B", "09:01")
    fresh = issue(hall, "B", "09:02")  # hot path: the line's counter
    assert fresh["waiting_ahead"] == 2
    assert ahead(hall, fresh["id"], at("09:02"))["waiting_ahead"] == 2
    vip = issue(hall, "B", "09:03", priority="vip")  # the domain's order
    assert vip["waiting_ahead"] == 1


def test_window_weights_lean_without_starving(make_hall: Callable[..., HallContext]) -> None:
    hall = make_hall(aging_minutes=None)
    with hall.unit() as tx:
        w = tx.session.get(Window, 7)
        assert w is not None
        w.categories, w.weights = ["C", "D"], {"C": 3.0, "D": 1.0}
    issue(hall, "D", "09:40")  # waited 20 min at 10:00 → 20 × 1
    issue(hall, "C", "09:50")  # waited 10 min → 10 × 3 = 30: first
    assert call_all(hall, 7, at("10:00")) == ["C001", "D001"]


def test_fallback_tickets_only_at_the_designated_window_first(make_hall: Callable[..., HallContext]) -> None:
    hall = make_hall()
    issue(hall, "G", "09:00")
    cannot = issue(hall, "G", "09:30", priority="fallback")
    assert cannot["priority"] == "cannot_do"
    assert call_all(hall, 8, at("10:00")) == ["G002", "G001"]  # window 8 is the 办不成事 desk
    issue(hall, "A", "09:00", priority="cannot_do")
    assert call_all(hall, 1, at("10:00")) == []  # an ordinary window never takes it
    assert call_all(hall, 8, at("10:00")) == ["A001"]


def test_fallback_window_from_settings(make_hall: Callable[..., HallContext]) -> None:
    hall = make_hall(fallback_window="6")
    issue(hall, "E", "09:00")
    issue(hall, "A", "09:10", priority="cannot_do")
    assert call_all(hall, 6, at("10:00")) == ["A001", "E001"]


def test_reinstated_no_show_heads_its_line_and_recall_limit(make_hall: Callable[..., HallContext]) -> None:
    hall = make_hall(max_recalls=1, reinstate_minutes=10)
    first = issue(hall, "D", "09:00")
    issue(hall, "D", "09:01", priority="vip")
    with hall.unit() as tx:
        assert wsvc.call_next(hall, tx, 5, now=at("09:05")).number == "D002"  # type: ignore[union-attr]
    with hall.unit() as tx:
        assert wsvc.call_next(hall, tx, 5, now=at("09:06")).number == "D001"  # type: ignore[union-attr]
    with hall.unit() as tx:
        assert wsvc.recall(hall, tx, 5).call_count == 2
    with hall.unit() as tx:
        assert wsvc.recall(hall, tx, 5).status == "no_show"  # recall N=1 from settings
    issue(hall, "D", "09:07", priority="vip")
    now = datetime.now(UTC)
    with hall.unit() as tx:
        assert transitions.reinstate(hall, tx, first["id"], now=now).status == "waiting"
    why = ahead(hall, first["id"], now)
    assert why["lane"] == "reinstated" and why["waiting_ahead"] == 0
    assert call_all(hall, 5, now)[0] == "D001"
    with hall.unit() as tx, pytest.raises(derr.ReinstateExpired):
        t = tsvc.get_ticket(tx.session, first["id"])
        t.status, t.no_show_at = "no_show", now - timedelta(minutes=11)
        transitions.reinstate(hall, tx, first["id"], now=now)


def test_transfer_keeps_number_priority_and_time(make_hall: Callable[..., HallContext]) -> None:
    hall = make_hall(aging_minutes=None)
    issue(hall, "C", "09:30")
    moved = issue(hall, "E", "09:00", priority="veteran")
    with hall.unit() as tx:
        out = wsvc.transfer(hall, tx, moved["id"], category="C", window=None)
    assert out.number == "E001" and out.category == "C" and out.priority == "veteran"
    why = ahead(hall, moved["id"], at("10:00"))
    assert why["waiting_ahead"] == 0 and "transferred" in [r["code"] for r in why["reasons"]]
    assert call_all(hall, 4, at("10:00")) == ["E001", "C001"]
