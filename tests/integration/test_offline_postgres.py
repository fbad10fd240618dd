"""The outbox against a hall server on PostgreSQL, and PostgreSQL goes away mid-sync: stopped cleanly
(``pg_ctl stop -m fast``) or crashed (``-m immediate``, recovery on start). The hall server process
stays up and answers errors meanwhile; once the database is back every record is on the server
exactly once. The cluster is this test's own (``tests/rigs/private_postgres.py``), never the shared one.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from offline_cache.factory import open_terminal
from offline_cache.states import State
from offline_cache.store import Attachment
from tests.integration.offline_faults import offline_tickets, query, terminal_settings, ticket_rows, wait_for
from tests.rigs import free_port
from tests.rigs.hall_server import prepare_hall, start_hall_server
from tests.rigs.private_postgres import PrivatePostgres
from tests.rigs.proofs import card_proof

TICKETS = 100
ID_NUMBER = "11010519491231002X"


def _jpeg() -> bytes:
    image = Image.frombytes("RGB", (96, 96), os.urandom(96 * 96 * 3))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def _submission(n: int) -> tuple[dict[str, object], list[Attachment]]:
    body: dict[str, object] = {"item_code": "A-001", "id_number": ID_NUMBER, "proof": card_proof(ID_NUMBER),
                               "name": "张三", "form": {"n": n},
                               "materials": [{"requirement": "id_card", "file": "id_card"}]}
    return body, [Attachment(_jpeg(), name="id_card.jpg", part="id_card")]


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgres_restarts_mid_sync(private_postgres: PrivatePostgres, tmp_path: Path, mode: str) -> None:
    db_url = private_postgres.create_database("hall")
    tokens = prepare_hall(db_url)
    port = free_port()
    settings = terminal_settings(tmp_path / "terminal", f"http://127.0.0.1:{port}", tokens["terminal"],
                                 parallel_sends=2)
    terminal = open_terminal(settings)
    server = None
    try:
        # The hall server is not up yet: a backlog of offline tickets with a few submissions among them.
        numbers, local_codes = [], []
        for i in range(TICKETS):
            numbers.append(terminal.issue_ticket("ABCD"[i % 4]).number)
            if i % 35 == 10:
                body, files = _submission(i)
                local_codes.append(terminal.submit(body, materials=files).local_code)
        assert all(t.startswith("K1-") for t in numbers) and len(local_codes) == 3
        server = start_hall_server(db_url, tmp_path, port=port)
        wait_for(lambda: terminal.backlog().counts["acked"] >= 15, interval_s=0.005)
        private_postgres.stop(mode)
        assert terminal.backlog().backlog > 0  # it really went away mid-sync
        # The hall server answers, but with errors: records go back to pending, none is dead.
        wait_for(lambda: any((r.last_error or "").startswith("server.")
                             for r in terminal.outbox.records(state=State.PENDING)))
        assert terminal.outbox.records(state=State.DEAD) == []
        private_postgres.start()
        wait_for(lambda: terminal.backlog().backlog == 0, timeout_s=90)

        records = terminal.outbox.records()
        assert {r.state for r in records} == {State.ACKED}, {r.last_error for r in records}
        held = offline_tickets(db_url)
        assert sorted(held) == sorted(numbers) and set(held.values()) == {1}
        assert len(ticket_rows(db_url)) == TICKETS
        linked = query(db_url, "SELECT local_code, count(*) FROM submissions GROUP BY local_code")
        assert sorted(linked) == sorted((code, 1) for code in local_codes)
        materials = query(db_url, "SELECT count(*) FROM submission_materials WHERE kind='file'")
        assert materials == [(3,)]
    finally:
        terminal.close()
        if server is not None:
            server.stop()
