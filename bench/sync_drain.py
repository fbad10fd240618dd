"""Outbox drain rate: items (submissions with a material image) delivered per second once the server returns."""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ID_NUMBER = "11010519491231002X"
# as from a kiosk where the citizen presented a social-security card (a typed number proves nothing)
PROOF = {"method": "ss_card", "ss_card_id": "11010500000000000000000000000001", "ss_card_number": "A00000001"}


def _jpeg(target_bytes: int) -> bytes:
    """A noise JPEG of about ``target_bytes`` (noise does not compress, like a busy document photo)."""
    from PIL import Image

    side = 64
    while True:
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=90)
        if out.tell() >= target_bytes or side > 4000:
            return out.getvalue()
        side = int(side * max(1.1, (target_bytes / max(out.tell(), 1)) ** 0.5))


def _process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of another process (Linux /proc; 0.0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench sync_drain")
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--attachment-kb", type=int, default=300)
    parser.add_argument("--parallel", type=int, default=4, help="parallel sends (cache.parallel_sends)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bench._servers import start_servers, stop_servers
    from offline_cache.crypto import Cipher
    from offline_cache.link import Link
    from offline_cache.sender import ClientSender
    from offline_cache.states import State
    from offline_cache.store import Attachment, Outbox, Ref
    from offline_cache.sync import SyncOptions, SyncWorker
    from tests.rigs.hall_server import prepare_hall

    with tempfile.TemporaryDirectory(prefix="sync-drain-") as tmp:
        work = Path(tmp)
        db_url = f"sqlite:///{work / 'hall.db'}"
        token = prepare_hall(db_url, token_prefix="bench")["terminal"]
        outbox = Outbox(db_path=work / "outbox.db", attachments_dir=work / "files", cipher=Cipher(os.urandom(32)),
                        max_bytes=1 << 40, min_free_bytes=0, offline_prefix="K1")
        base = _jpeg(args.attachment_kb * 1024)
        fill_started = time.monotonic()
        for _ in range(args.items):
            body = {"item_code": "A-001", "id_number": ID_NUMBER, "name": "张三", "terminal_id": "K1",
                    "proof": PROOF, "materials": [{"requirement": "id_card", "file": "id_card"}]}
            # Bytes after the JPEG end marker keep it a valid JPEG and every item distinct.
            page = Attachment(base + os.urandom(16), name="id_card.jpg", part="id_card")
            outbox.add("submission", body, files=[page], ref=Ref("code", "local_code"))
        fill_s = time.monotonic() - fill_started
        servers = start_servers(db_url, work, 1)
        url = servers[0][1]
        sender = ClientSender(url, token=token, timeout_s=30.0)
        worker = SyncWorker(outbox, sender, Link(online=False),
                            SyncOptions(parallel=args.parallel, purge_grace_s=3600))
        pid = servers[0][0].pid
        try:
            load = os.getloadavg()[0]
            server_cpu, client_cpu = _process_cpu_s(pid), time.process_time()
            started = time.monotonic()  # the server answers from here on
            worker.start()
            first = None
            # A cheap indexed count, not stats(): polling must not steal the CPU it is measuring.
            while (left := outbox.backlog_count()) > 0:
                if first is None and left < args.items:
                    first = time.monotonic() - started
                time.sleep(0.05)
            elapsed = time.monotonic() - started
            server_cpu, client_cpu = _process_cpu_s(pid) - server_cpu, time.process_time() - client_cpu
        finally:
            worker.stop()
            sender.close()
            stop_servers(servers)
        dead = len(outbox.records(state=State.DEAD))
        outbox.close()
    server_ms, client_ms = server_cpu * 1000 / args.items, client_cpu * 1000 / args.items
    return {"items": args.items, "attachment_kb": args.attachment_kb, "parallel": args.parallel,
            "per_s": round((args.items - dead) / elapsed, 1), "elapsed_s": round(elapsed, 2),
            "first_delivery_s": round(first or 0.0, 3), "dead": dead, "fill_s": round(fill_s, 1),
            "server_cpu_ms_per_item": round(server_ms, 2), "client_cpu_ms_per_item": round(client_ms, 2),
            # The rate if the server and the terminal each had a core of their own (as in a hall):
            # a shared, loaded bench machine shows per_s far below it.
            "cpu_bound_per_s": round(1000 / max(server_ms, client_ms, 1e-9), 1),
            "load_avg_1m": round(load, 2), "cpus": os.cpu_count() or 0}
