"""Offline numbers bound to their terminal and never merged (issue 13, item 2), against a real server.

The attack: any terminal token registered another kiosk's future offline number (``K1-C007``) and
cancelled it; when K1 later synced the ticket it really printed, the server answered 200 "already
accepted" with the attacker's cancelled row, and the citizen was never called.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.rigs.hall_server import HallServer, start_prepared
from tests.rigs.waiting import budget


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    workdir: Path = tmp_path_factory.mktemp("offline-numbers")
    srv = start_prepared(f"sqlite:///{workdir / 'hall.db'}", workdir)
    yield srv
    srv.stop()


def _post(server: HallServer, who: str, path: str, body: dict[str, Any], key: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.tokens[who]}"}
    if key:
        headers["Idempotency-Key"] = key
    return httpx.post(f"{server.url}/api/v1{path}", json=body, headers=headers, timeout=budget(10))


def _offline(number: str, *, epoch: int | None = None, **extra: Any) -> dict[str, Any]:
    body = {"category": "C", "source": "offline", "offline_number": number,
            "issued_at": (datetime.now(UTC) - timedelta(minutes=3)).isoformat(), **extra}
    if epoch is not None:
        body["epoch"] = epoch
    return body


def _code(r: httpx.Response) -> str:
    return str(r.json().get("error", {}).get("code", "")) if r.status_code >= 400 else ""


def test_another_terminal_cannot_take_or_spoil_a_kiosks_offline_numbers(server: HallServer) -> None:
    assert _post(server, "kiosk", "/terminals/register", {"id": "K1", "kind": "kiosk",
                                                         "offline_prefix": "K1"}).status_code == 200
    # K2's own token: neither as itself with K1's prefix, nor speaking for K1.
    r = _post(server, "kiosk2", "/tickets", _offline("K1-C007"), key="attack-1")
    assert r.status_code == 409 and _code(r) == "ticket.offline_prefix_foreign" and r.json()["error"]["message_zh"]
    r = _post(server, "kiosk2", "/tickets", _offline("K1-C007", terminal_id="K1"), key="attack-2")
    assert r.status_code == 403 and _code(r) == "auth.other_terminal"
    # A deprecated, unbound terminal token naming another terminal id is refused the prefix too.
    r = _post(server, "terminal", "/tickets", _offline("K1-C007", terminal_id="K9"), key="attack-3")
    assert r.status_code == 409 and _code(r) == "ticket.offline_prefix_foreign"
    r = _post(server, "kiosk2", "/terminals/register", {"id": "K2", "kind": "kiosk", "offline_prefix": "K1"})
    assert r.status_code == 409 and _code(r) == "terminal.prefix_taken"
    # The kiosk's real ticket, synced later, is its own.
    first = _post(server, "kiosk", "/tickets", _offline("K1-C007"), key="k1-outbox-7")
    assert first.status_code == 201 and first.json()["terminal_id"] == "K1" and first.json()["status"] == "waiting"


def test_already_accepted_only_for_the_same_ticket_and_a_new_epoch_never_collides(server: HallServer) -> None:
    body = _offline("K1-C011")
    first = _post(server, "kiosk", "/tickets", body, key="k1-outbox-11")
    assert first.status_code == 201
    again = _post(server, "kiosk", "/tickets", body, key="k1-outbox-11")  # a retry of the same ticket
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    # The same printed number under another key (a kiosk whose outbox was lost numbers from 001 again):
    # not merged into the first ticket, a 409 the terminal keeps pending for the technician.
    other = _post(server, "kiosk", "/tickets", _offline("K1-C011"), key="k1-new-outbox-11")
    assert other.status_code == 409 and _code(other) == "ticket.offline_number_taken"
    assert _post(server, "kiosk", "/tickets", _offline("K1-C011")).status_code == 409  # no key: not provable
    # A new numbering epoch (the lost outbox starts one): its numbers are new tickets.
    fresh = _post(server, "kiosk", "/tickets", _offline("K1-C011", epoch=1), key="k1-epoch1-11")
    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"]
    r = _post(server, "kiosk", "/tickets", _offline("K1-C011", epoch=-1), key="bad-epoch")
    assert r.status_code == 422


def test_an_unheld_prefix_goes_to_the_first_terminal_that_prints_it(server: HallServer) -> None:
    assert _post(server, "kiosk2", "/tickets", _offline("K2-C001"), key="k2-1").status_code == 201
    r = _post(server, "kiosk2", "/tickets", _offline("K3-C001"), key="k2-2")  # a terminal holds one prefix
    assert r.status_code == 409 and _code(r) == "ticket.offline_prefix_foreign"
    listed = httpx.get(f"{server.url}/api/v1/terminals", timeout=budget(10),
                       headers={"Authorization": f"Bearer {server.tokens['manager']}"}).json()
    assert {t["id"]: t["offline_prefix"] for t in listed}.items() >= {"K1": "K1", "K2": "K2"}.items()
