"""A terminal process for the crash-safety trials: issues tickets or syncs until it is SIGKILLed.

``write`` mode issues tickets through the kiosk facade as fast as it can (online while the server
answers, offline otherwise) with the sync worker running, and appends ``GIVEN <key> <number>``
to ``--out`` after each ticket is handed over — exactly what a citizen would hold. ``sync`` mode
only runs the sync worker. Either way ``READY`` is written once the terminal is open, so the
harness can kill it at a random moment of real work.

Run by hand: ``python -m tests.integration.offline_driver write --dir D --url URL --token T --prefix P --out F``
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

from offline_cache.crypto import Cipher, load_key
from offline_cache.link import Link
from offline_cache.sender import ClientSender
from offline_cache.store import Outbox
from offline_cache.sync import SyncOptions, SyncWorker
from offline_cache.terminal import Terminal
from tests.rigs.waiting import poll_pause

CATEGORIES = "ABCD"


def open_terminal(directory: Path, url: str, token: str, prefix: str) -> Terminal:
    cipher = Cipher(load_key(env_var="OFFLINE_DRIVER_NO_ENV_KEY", key_file=directory / "outbox.key"))
    outbox = Outbox(db_path=directory / "outbox.db", attachments_dir=directory / "files", cipher=cipher,
                    max_bytes=1 << 30, min_free_bytes=0, offline_prefix=prefix)
    sender = ClientSender(url, token=token, timeout_s=2.0, budget_s=0.9)
    link = Link()
    worker = SyncWorker(outbox, sender, link, SyncOptions(probe_interval_s=0.1, retry_base_s=0.05,
                                                          retry_cap_s=0.5, parallel=2))
    return Terminal(outbox, sender, link, worker, terminal_id=prefix)


def _emit(fd: int, line: str) -> None:
    os.write(fd, (line + "\n").encode())  # one write per line: a kill never leaves half a line


def run(mode: str, directory: str, url: str, token: str, prefix: str, out: str, seed: int = 0) -> None:
    rng = random.Random(seed)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    terminal = open_terminal(Path(directory), url, token, prefix)
    terminal.start()
    _emit(fd, "READY")
    if mode == "write":
        for _ in range(400):
            ticket = terminal.issue_ticket(rng.choice(CATEGORIES))
            _emit(fd, f"GIVEN {ticket.key} {ticket.number} {int(ticket.offline)}")
    while terminal.backlog().backlog:
        poll_pause(0.01)
    _emit(fd, "DRAINED")
    terminal.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("mode", choices=["write", "sync"])
    for name in ("--dir", "--url", "--token", "--prefix", "--out"):
        p.add_argument(name, required=True)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    run(a.mode, a.dir, a.url, a.token, a.prefix, a.out, a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
