"""Server death to the kiosk's first offline ticket: killed server process and a hung (SIGSTOPped) one."""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from offline_cache.terminal import Terminal

ROOT = Path(__file__).resolve().parents[1]


def _terminal(work: Path, url: str, token: str) -> Terminal:
    from offline_cache.crypto import Cipher
    from offline_cache.link import Link
    from offline_cache.sender import ClientSender
    from offline_cache.store import Outbox
    from offline_cache.sync import SyncOptions, SyncWorker
    from offline_cache.terminal import Terminal

    outbox = Outbox(db_path=work / "outbox.db", attachments_dir=work / "files", cipher=Cipher(os.urandom(32)),
                    max_bytes=1 << 30, min_free_bytes=0, offline_prefix="K1")
    sender = ClientSender(url, token=token, timeout_s=5.0, budget_s=0.9)
    link = Link()
    worker = SyncWorker(outbox, sender, link, SyncOptions())
    return Terminal(outbox, sender, link, worker, terminal_id="K1", ticket_budget_s=0.9)


def _one(work: Path, db_url: str, token: str, how: str) -> float:
    from bench.tickets import start_servers, stop_servers

    servers = start_servers(db_url, work, 1)
    proc, url = servers[0]
    terminal = _terminal(work / f"t-{how}-{time.monotonic_ns()}", url, token)
    terminal.start()
    try:
        for _ in range(3):  # warm: connections open, the server believed online
            assert not terminal.issue_ticket("A").offline
        died = time.monotonic()
        proc.send_signal(signal.SIGKILL if how == "killed" else signal.SIGSTOP)
        ticket = terminal.issue_ticket("A")
        took = time.monotonic() - died
        assert ticket.offline
        return took
    finally:
        terminal.close()
        if how == "hung":
            proc.send_signal(signal.SIGCONT)
        if proc.poll() is None:
            stop_servers(servers)


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench failover")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from tests.rigs.hall_server import prepare_hall

    results: dict[str, list[float]] = {"killed": [], "hung": []}
    with tempfile.TemporaryDirectory(prefix="failover-") as tmp:
        work = Path(tmp)
        db_url = f"sqlite:///{work / 'hall.db'}"
        token = prepare_hall(db_url, token_prefix="bench")["terminal"]
        for how in results:
            for _ in range(args.runs):
                results[how].append(_one(work, db_url, token, how))
    killed, hung = statistics.median(results["killed"]), statistics.median(results["hung"])
    return {"runs": args.runs, "first_offline_ticket_s": round(max(killed, hung), 3),
            "killed_first_offline_ticket_s": round(killed, 3), "hung_first_offline_ticket_s": round(hung, 3),
            "worst_first_offline_ticket_s": round(max(results["killed"] + results["hung"]), 3)}
