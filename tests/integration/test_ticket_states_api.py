"""Every (status, action) pair through the HTTP API agrees with the domain's action table: what the table
allows the API does, leaving the status the table names; what it does not the API refuses and changes
nothing (in-process app on a copy of the seeded SQLite template)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hall.server.app import create_app
from hall.server.core.options import ServerOptions
from hall.server.domain.tickets import ACTIONS, TicketAction, TicketStatus
from tests.rigs.hall_server import sqlite_template

S, A = TicketStatus, TicketAction
WINDOW = 1


class Hall:
    def __init__(self, client: TestClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.kiosk = {"Authorization": f"Bearer {tokens['terminal']}"}
        self.clerk = {"Authorization": f"Bearer {tokens['clerk']}"}

    def post(self, path: str, *, clerk: bool = True, **body: Any) -> Any:
        return self.client.post(f"/api/v1{path}", json=body or None, headers=self.clerk if clerk else self.kiosk)

    def status(self, ticket: dict[str, Any]) -> str:
        return str(self.client.get(f"/api/v1/tickets/{ticket['id']}", headers=self.kiosk).json()["status"])

    def clear_window(self) -> None:
        """Leave the window with no current ticket, so each case starts alike."""
        current = self.client.get("/api/v1/windows", headers=self.kiosk).json()
        mine = next(w for w in current if w["number"] == WINDOW)
        if mine["current_ticket_id"]:
            self.post(f"/windows/{WINDOW}/finish")


def _waiting(h: Hall) -> dict[str, Any]:
    r = h.post("/tickets", clerk=False, category="A")
    assert r.status_code == 201
    return dict(r.json())


def _step(path: str, **body: Any) -> Callable[[Hall, dict[str, Any]], None]:
    def run(h: Hall, t: dict[str, Any]) -> None:
        r = h.post(path.format(id=t["id"], w=WINDOW), **body)
        assert r.status_code in (200, 201), r.text

    return run


def _call(h: Hall, t: dict[str, Any]) -> None:
    r = h.post(f"/windows/{WINDOW}/call", number=t["number"])
    assert r.status_code == 200, r.text


# How each status is reached from a new ticket, through the API.
REACH: dict[TicketStatus, list[Callable[[Hall, dict[str, Any]], None]]] = {
    S.WAITING: [],
    S.CALLED: [_call],
    S.SERVING: [_call, _step("/windows/{w}/start")],
    S.DONE: [_call, _step("/windows/{w}/finish")],
    S.NO_SHOW: [_call, _step("/windows/{w}/no-show")],
    S.CANCELLED: [_step("/tickets/{id}/cancel")],
}
# How each action is asked for, through the API (window actions act on the window's current ticket).
ACT: dict[TicketAction, Callable[[Hall, dict[str, Any]], Any]] = {
    A.CALL: lambda h, t: h.post(f"/windows/{WINDOW + 1}/call", number=t["number"]),
    A.RECALL: lambda h, t: h.post(f"/windows/{WINDOW}/recall"),
    A.START: lambda h, t: h.post(f"/windows/{WINDOW}/start"),
    A.FINISH: lambda h, t: h.post(f"/windows/{WINDOW}/finish"),
    A.NO_SHOW: lambda h, t: h.post(f"/windows/{WINDOW}/no-show"),
    A.REINSTATE: lambda h, t: h.post(f"/tickets/{t['id']}/reinstate"),
    A.TRANSFER: lambda h, t: h.post(f"/tickets/{t['id']}/transfer", category="B"),
    A.CANCEL: lambda h, t: h.post(f"/tickets/{t['id']}/cancel", clerk=False),
}


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    tmp = tmp_path_factory.mktemp("states")
    template, tokens = sqlite_template()
    shutil.copyfile(template, tmp / "hall.db")
    app = create_app(db_url=f"sqlite:///{tmp / 'hall.db'}", options=ServerOptions(data_dir=tmp / "data"))
    with TestClient(app) as client:
        yield Hall(client, tokens)


def test_the_tables_cover_every_status_and_action() -> None:
    assert set(REACH) == set(S) and set(ACT) == set(A)


@pytest.mark.parametrize(("status", "action"), list(itertools.product(S, A)), ids=lambda v: v.value)
def test_the_api_does_what_the_action_table_says(hall: Hall, status: TicketStatus, action: TicketAction) -> None:
    hall.clear_window()
    ticket = _waiting(hall)
    for step in REACH[status]:
        step(hall, ticket)
    assert hall.status(ticket) == status.value
    answer = ACT[action](hall, ticket)
    expected = ACTIONS.get((status, action))
    if expected is None:
        assert answer.status_code == 409, answer.text
        assert answer.json()["error"]["code"] in ("invalid_transition", "window.idle")
        assert hall.status(ticket) == status.value  # nothing changed
    else:
        assert answer.status_code == 200, answer.text
        assert hall.status(ticket) == expected.value
