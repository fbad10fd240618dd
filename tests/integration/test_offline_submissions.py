"""Submissions, ratings and help calls through the outbox against a real hall server: offline local
codes linked to the server's code, progress by either, materials delivered, limits refuse only
submissions."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from offline_cache.errors import DiskFull
from offline_cache.factory import open_terminal
from offline_cache.states import State
from offline_cache.store import Attachment
from offline_cache.terminal import Terminal
from tests.integration.offline_faults import terminal_settings, wait_for
from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer, start_hall_server
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

ID_NUMBER = "11010519491231002X"  # GB 11643 check digit valid
NAME = "张三"


def _jpeg(size: int = 160) -> bytes:
    image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def _submission() -> tuple[dict[str, object], list[Attachment]]:
    body: dict[str, object] = {
        "item_code": "A-001", "id_number": ID_NUMBER, "proof": card_proof(ID_NUMBER),
            "name": NAME, "form": STANDARD_ANSWERS,
        "materials": [{"requirement": "id_card", "file": "id_card"}, {"requirement": "photo", "file": "photo"}]}
    return body, [Attachment(_jpeg(), name="id_card.jpg", part="id_card"),
                  Attachment(_jpeg(), name="photo.jpg", part="photo")]


@pytest.fixture
def terminal(tmp_path: Path, hall_server: HallServer) -> Iterator[Terminal]:
    t = open_terminal(terminal_settings(tmp_path / "terminal", hall_server.url, hall_server.tokens["terminal"]))
    yield t
    t.close()


def _progress(server: HallServer, code: str) -> dict[str, object]:
    r = httpx.get(f"{server.url}/api/v1/submissions/{code}", timeout=budget(5),
                  headers={"Authorization": f"Bearer {server.tokens['terminal']}"})
    assert r.status_code == 200, r.text
    return r.json()


def test_online_submission_gets_the_server_code(terminal: Terminal, hall_server: HallServer) -> None:
    body, files = _submission()
    receipt = terminal.submit(body, materials=files)
    assert receipt.delivered and receipt.server_code and receipt.local_code
    progress = _progress(hall_server, receipt.local_code)
    assert progress["code"] == receipt.server_code and len(progress["materials"]) == 2  # type: ignore[arg-type]


def test_offline_submission_rating_and_help_are_delivered_once(terminal: Terminal, hall_server: HallServer,
                                                               tmp_path: Path) -> None:
    hall_server.stop()
    body, files = _submission()
    receipt = terminal.submit(body, materials=files)
    rating = terminal.rate({"level": 1, "reasons": ["long_wait"], "comment": "等太久",
                            "submission_code": receipt.local_code})
    help_call = terminal.help_call({"kind": "cannot_do", "message": "材料不全"})
    assert not receipt.delivered and receipt.local_code and receipt.code == receipt.local_code
    assert not (rating.delivered or help_call.delivered)
    server = start_hall_server(hall_server.db_url, tmp_path, port=hall_server.port, name="server-again")
    server.tokens = hall_server.tokens
    try:
        wait_for(lambda: terminal.backlog().backlog == 0)
        states = {r.kind: r for r in terminal.outbox.records()}
        assert all(r.state is State.ACKED for r in states.values()), {k: r.last_error for k, r in states.items()}
        server_code = states["submission"].server_ref
        by_local = _progress(server, receipt.local_code)
        assert by_local["code"] == server_code and len(by_local["materials"]) == 2  # type: ignore[arg-type]
        assert _progress(server, str(server_code))["local_code"] == receipt.local_code
        assert "110105" in str(by_local["applicant_id_masked"]) and ID_NUMBER not in str(by_local)
        # Within the grace the receipt can be reprinted; the server's code is there now.
        assert terminal.reprint(receipt.local_code)["record"]["server_ref"] == server_code
    finally:
        server.stop()


def test_low_disk_sends_submissions_straight_to_the_server_and_tickets_still_work(
        tmp_path: Path, hall_server: HallServer) -> None:
    settings = terminal_settings(tmp_path / "t", hall_server.url, hall_server.tokens["terminal"],
                                 min_free_mb=1 << 40)
    terminal = open_terminal(settings)
    try:
        body, files = _submission()
        receipt = terminal.submit(body, materials=files)  # the server is reachable: straight to it
        assert receipt.delivered and receipt.server_code and receipt.local_code is None
        assert terminal.storage_fault == "cache.disk_full"
        assert terminal.issue_ticket("A").number
        assert [r.kind for r in terminal.outbox.records()] == ["ticket"]
        hall_server.stop()
        terminal.link.set(False)
        with pytest.raises(DiskFull) as info:  # offline nothing can take it: the citizen is told
            terminal.submit(body, materials=files)
        assert info.value.code == "cache.disk_full"
    finally:
        terminal.close()
