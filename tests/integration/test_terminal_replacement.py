"""Issue 17 item 1: replacing a terminal loses nothing and prints no number twice.

Both routes are replayed against a real hall server with live records on both terminals, all
issued during an outage: ``cache handover --to DIR`` / ``cache takeover DIR [--merge]`` (records,
materials, the key by re-encryption, the numbering state) and the bundle route (``cache export
--state unsent`` / ``cache import``, which now carries the numbering too). Afterwards every record
reaches the server exactly once, and no printed number appears twice.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import pytest

from config import load_settings
from offline_cache.factory import open_terminal
from offline_cache.terminal import Terminal
from tests.integration.offline_faults import offline_tickets, query, wait_for
from tests.integration.test_offline_submissions import _submission
from tests.rigs.hall_server import HallServer, run_main, start_hall_server

PASSPHRASE = "replacement terminal 2026"


def _sets(folder: Path, prefix: str, server: HallServer) -> list[str]:
    values = {"cache.db_path": folder / "outbox.db", "cache.attachments_dir": folder / "files",
              "cache.key_file": folder / "outbox.key"}
    return [f'{k}="{v}"' for k, v in values.items()] + [
        f"terminal.id={prefix}", f"terminal.offline_prefix={prefix}", f"hall.server_url={server.url}",
        f'terminal.token="{server.tokens["terminal"]}"', "cache.probe_interval_s=0.2", "cache.retry_base_s=0.1",
        "cache.retry_cap_s=1.0", "cache.reserve_kb=0"]


def _terminal(folder: Path, prefix: str, server: HallServer) -> Terminal:
    return open_terminal(load_settings(None, _sets(folder, prefix, server)))


def _cache(folder: Path, prefix: str, server: HallServer, *args: str) -> tuple[int, dict[str, Any]]:
    done = run_main(*[a for s in _sets(folder, prefix, server) for a in ("--set", s)], "cache", *args)
    return done.returncode, json.loads(done.stdout)


def _work(terminal: Terminal, printed: list[str], keys: list[str], *, tickets: int, materials: bool = False) -> None:
    for _ in range(tickets):
        ticket = terminal.issue_ticket("A")
        assert ticket.offline
        printed.append(ticket.number)
        keys.append(ticket.key)
    if materials:
        body, files = _submission()
        receipt = terminal.submit(body, materials=files)
        keys.append(receipt.key)


def test_handover_and_bundle_routes_deliver_every_record_once(tmp_path: Path, hall_server: HallServer,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALL_EXPORT_PASSPHRASE", PASSPHRASE)
    hall_server.stop()  # an outage: everything below is offline, numbered by the terminals
    printed: list[str] = []
    keys: list[str] = []
    old, spare = tmp_path / "old", tmp_path / "spare"
    for folder, prefix, n in ((old, "K07", 3), (spare, "K08", 2)):
        terminal = _terminal(folder, prefix, hall_server)
        _work(terminal, printed, keys, tickets=n, materials=True)
        terminal.close()
    wal = old / "outbox.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # a clean stop checkpointed the WAL

    # Route 1: handover from the old disk, takeover on the spare that already holds its own records.
    code, out = _cache(old, "K07", hall_server, "handover", "--to", str(tmp_path / "usb" / "K07"))
    assert code == 2 and out["error"]["code"] == "cache.target_missing"  # the stick is not mounted
    (tmp_path / "usb").mkdir()
    code, out = _cache(old, "K07", hall_server, "handover", "--to", str(tmp_path / "usb" / "K07"))
    assert code == 0, out
    assert out["handed_over"]["count"] == 4 and out["handed_over"]["numbering"]["prefix"] == "K07"
    code, out = _cache(spare, "K07", hall_server, "takeover", str(tmp_path / "usb" / "K07"))
    assert code == 2 and out["error"]["code"] == "cache.takeover_refused"
    code, out = _cache(spare, "K07", hall_server, "takeover", str(tmp_path / "usb" / "K07"), "--merge")
    assert code == 0, out
    assert out["taken_over"]["imported"] == 4 and out["taken_over"]["unreadable"] == []
    code, status = _cache(spare, "K07", hall_server, "status")
    assert status["backlog"] == 4 + 3 and status["dead"] == 0  # merging made nothing dead
    # The spare now serves as K07: its numbers continue above the old terminal's.
    replacement = _terminal(spare, "K07", hall_server)
    _work(replacement, printed, keys, tickets=2)
    replacement.close()
    # The old outbox, started again by mistake, neither resends nor numbers on.
    code, status = _cache(old, "K07", hall_server, "status")
    assert status["backlog"] == 0 and status["recoveries"][0]["reason"] == "handed_over"

    # Route 2: a bundle from terminal K09 to a replacement that holds K10 records, then serves as K09.
    third, fourth = tmp_path / "third", tmp_path / "fourth"
    for folder, prefix, n in ((third, "K09", 3), (fourth, "K10", 1)):
        terminal = _terminal(folder, prefix, hall_server)
        _work(terminal, printed, keys, tickets=n, materials=prefix == "K09")
        terminal.close()
    bundle = tmp_path / "usb" / "K09.bundle"
    assert _cache(third, "K09", hall_server, "export", "--state", "unsent", "--output", str(bundle))[0] == 0
    code, out = _cache(fourth, "K09", hall_server, "import", "--input", str(bundle))
    assert code == 0 and out["imported"]["count"] == 4
    replacement = _terminal(fourth, "K09", hall_server)
    _work(replacement, printed, keys, tickets=2)
    replacement.close()

    assert len(printed) == len(set(printed)), printed  # no number printed twice
    code, out = _cache(fourth, "K09", hall_server, "sync")
    assert code == 3  # the server is still down: exit 3, not 0

    server = start_hall_server(hall_server.db_url, tmp_path, port=hall_server.port, name="server-again")
    server.tokens = hall_server.tokens
    try:
        # Every outbox that still holds records drains — the exporter too (its records went by bundle
        # but stayed): the server keeps one of each.
        for folder, prefix in ((spare, "K07"), (fourth, "K09"), (third, "K09")):
            code, out = _cache(folder, prefix, server, "sync")
            assert code == 0 and out["backlog"] == 0, json.dumps(out)
        tickets = offline_tickets(server.db_url)
        assert tickets == {n: 1 for n in printed if n.startswith("K")}
        stored = [str(r[0]) for r in query(server.db_url, "SELECT key FROM idempotency_keys")]
        assert sorted(k for k in stored if k in keys) == sorted(keys)
        assert len(query(server.db_url, "SELECT id FROM submissions")) == 3
    finally:
        server.process.send_signal(signal.SIGTERM)
        wait_for(lambda: server.process.poll() is not None)
