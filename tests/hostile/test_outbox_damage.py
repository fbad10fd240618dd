"""Issue 13 item 11: damage loses nothing readable. Eight flipped bytes used to set the whole outbox
aside with 470 pending records undelivered; now every readable record is salvaged into the fresh
outbox, what is unreadable is reported by its printed number, and ``cache salvage FILE`` imports
from a set-aside file again later."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from offline_cache.crypto import Cipher
from offline_cache.states import State
from offline_cache.store import Attachment, Outbox, Ref
from tests.rigs.hall_server import run_main

T0 = 1795361400.0


def _outbox(folder: Path, key: bytes) -> Outbox:
    return Outbox(db_path=folder / "outbox.db", attachments_dir=folder / "files", cipher=Cipher(key),
                  max_bytes=1 << 30, min_free_bytes=0, clock=lambda: T0, reserve_bytes=0)


def _fill(folder: Path, key: bytes, n: int) -> dict[str, str]:
    box = _outbox(folder, key)
    try:
        numbers = {}
        for i in range(n):
            rec = box.add("ticket", {"category": "A", "i": i}, ref=Ref("ticket", "offline_number", "A"))
            numbers[rec.key] = str(rec.local_ref)
        box.add("submission", {"item_code": "X"}, files=[Attachment(b"\xff\xd8 scan", part="id")],
                ref=Ref("code", "local_code"))
    finally:
        box.close()
    return numbers


def _page_of(db: Path, needle: bytes) -> tuple[int, int]:
    data = db.read_bytes()
    size = int.from_bytes(data[16:18], "big")
    return data.index(needle) // size, size


def _flip(db: Path, page: int, size: int, *, at: int = 0, n: int = 8) -> None:
    with open(db, "r+b") as f:
        f.seek(page * size + at)
        raw = f.read(n)
        f.seek(page * size + at)
        f.write(bytes(b ^ 0xFF for b in raw))


def test_eight_flipped_bytes_in_an_index_lose_no_record(tmp_path: Path) -> None:
    key = os.urandom(32)
    numbers = _fill(tmp_path, key, 470)
    con = sqlite3.connect(tmp_path / "outbox.db")
    [root] = con.execute("SELECT rootpage FROM sqlite_master WHERE name='ix_records_state'").fetchone()
    size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    _flip(tmp_path / "outbox.db", root - 1, size)  # the index page's header: quick_check fails
    box = _outbox(tmp_path, key)
    try:
        assert box.recovered_from is not None and box.salvage_report is not None
        report = box.salvage_report.public()
        assert report["imported"] == 471 and report["unreadable"] == []
        pending = {r.key: r.local_ref for r in box.records(state=State.PENDING)}
        assert {k: pending[k] for k in numbers} == numbers  # same keys, same printed numbers
        sub = next(r for r in box.records() if r.kind == "submission")
        assert box.file_data(sub.key)[0][1] == b"\xff\xd8 scan"
        assert [h["reason"] for h in box.history()][:2] == ["salvage", "corrupt"]
    finally:
        box.close()


def test_a_damaged_record_page_is_reported_by_number_and_salvaged_again_later(tmp_path: Path) -> None:
    key = os.urandom(32)
    numbers = _fill(tmp_path, key, 300)
    page, size = _page_of(tmp_path / "outbox.db", b"K1-A150")
    _flip(tmp_path / "outbox.db", page, size)  # a leaf of the records table: its rows are lost
    box = _outbox(tmp_path, key)
    try:
        assert box.salvage_report is not None and box.recovered_from is not None
        lost = box.salvage_report.unreadable
        assert lost and "K1-A150" in {u["local_ref"] for u in lost}
        assert box.salvage_report.public()["imported"] + len(lost) == 301
        kept = {r.local_ref for r in box.records()}
        assert kept == set(numbers.values()) - {u["local_ref"] for u in lost} | {
            r.local_ref for r in box.records() if r.kind == "submission"}
        set_aside = box.recovered_from
    finally:
        box.close()
    # The technician runs it again on the set-aside file: nothing twice, the loss reported again.
    key_file = tmp_path / "outbox.key"
    key_file.write_text(key.hex())
    sets = {"cache.db_path": tmp_path / "outbox.db", "cache.attachments_dir": tmp_path / "files",
            "cache.key_file": key_file, "cache.reserve_kb": 0}
    args = [a for k, v in sets.items() for a in ("--set", f'{k}="{v}"' if isinstance(v, Path) else f"{k}={v}")]
    done = run_main(*args, "cache", "salvage", str(set_aside))
    out = json.loads(done.stdout)
    assert done.returncode == 1, done.stdout  # a delivery fault: some records cannot be read
    assert out["salvaged"]["imported"] == 0 and out["salvaged"]["already_here"] == 301 - len(lost)
    assert "K1-A150" in {u["local_ref"] for u in out["salvaged"]["unreadable"]}
    missing = run_main(*args, "cache", "salvage", str(tmp_path / "nope.db"))
    assert missing.returncode == 2 and json.loads(missing.stdout)["error"]["code"] == "cache.target_missing"
