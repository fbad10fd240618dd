"""Issue 13 item 12: a full disk does not stop the hall. On a real 1 MB tmpfs filled to the last
block: with the server reachable, tickets and submissions go straight to it (the technician is
told, in the heartbeat); ``cache sync`` still drains the backlog the outbox held; offline, a
citizen is told at once instead of getting a number nobody stored."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from config import load_settings
from offline_cache.errors import DiskFull
from offline_cache.factory import open_terminal
from tests.integration.offline_faults import offline_tickets, query
from tests.integration.test_offline_submissions import _submission
from tests.rigs import rig_missing
from tests.rigs.hall_server import HallServer, run_main, start_hall_server


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        rig_missing(f"cannot mount a tmpfs here ({done.stderr.strip()})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> None:
    """Take every free block, as a runaway log would."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)


def _sets(disk: Path, server: HallServer) -> list[str]:
    return [f'cache.db_path="{disk / "outbox.db"}"', f'cache.attachments_dir="{disk / "files"}"',
            f'cache.key_file="{disk / "outbox.key"}"', "cache.reserve_kb=128", "cache.min_free_mb=0",
            f"hall.server_url={server.url}", f'terminal.token="{server.tokens["terminal"]}"',
            "terminal.id=K1", "terminal.offline_prefix=K1", "cache.probe_interval_s=0.2"]


def test_full_disk_tickets_go_straight_to_the_server_and_sync_drains(tiny_disk: Path, tmp_path: Path,
                                                                      hall_server: HallServer) -> None:
    hall_server.stop()
    settings = load_settings(None, _sets(tiny_disk, hall_server))
    terminal = open_terminal(settings)
    assert terminal.outbox.reserve.held
    offline = [terminal.issue_ticket("A").number for _ in range(20)]
    _fill(tiny_disk)  # a runaway log takes every free block
    with pytest.raises(DiskFull):  # offline and nothing can be stored: the citizen is told at once
        terminal.issue_ticket("A")
    assert terminal.backlog().backlog == 20  # nothing stored was harmed
    terminal.close()
    _fill(tiny_disk)  # what the clean stop freed goes too

    server = start_hall_server(hall_server.db_url, tmp_path, port=hall_server.port, name="server-again")
    server.tokens = hall_server.tokens
    try:
        done = run_main(*[a for s in _sets(tiny_disk, server) for a in ("--set", s)], "cache", "sync")
        out = json.loads(done.stdout)
        assert done.returncode == 0 and out["backlog"] == 0 and out["delivered"] == 20, done.stdout
        assert out["disk"]["low_space"] is True and out["disk"]["free_mb"] < 0.2  # drained on a full disk
        assert offline_tickets(server.db_url) == dict.fromkeys(offline, 1)

        terminal = open_terminal(settings, start=False)  # the kiosk serves on …
        try:
            _fill(tiny_disk)  # … while the log takes what the sync's clean stop freed
            ticket = terminal.issue_ticket("B")
            assert not ticket.offline and ticket.id is not None  # straight to the server
            body, files = _submission()
            receipt = terminal.submit(body, materials=files)
            assert receipt.delivered and receipt.server_code and receipt.local_code is None
            assert terminal.storage_fault == "cache.disk_full"  # the technician is told …
            assert terminal.heartbeat()  # … and the dashboard, as a degraded "outbox" device
            devices = query(server.db_url, "SELECT devices FROM terminals WHERE id='K1'")
            assert "cache.disk_full" in str(devices)
            assert terminal.backlog().backlog == 0  # nothing was stored on the full disk
        finally:
            terminal.close()
        assert len(query(server.db_url, "SELECT id FROM submissions")) == 1
    finally:
        server.stop()
