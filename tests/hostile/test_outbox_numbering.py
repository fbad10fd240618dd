"""Issue 13 item 2, terminal side: a lost, zero-length, set-aside or stale outbox starts a new
numbering epoch (recorded, logged as a recovery), so a printed offline number is never handed out
twice in a day; offline tickets carry the epoch; a 409 ``ticket.offline_number_taken`` is kept
pending (never dead) and listed for the technician."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from offline_cache.crypto import Cipher
from offline_cache.link import Link
from offline_cache.sender import Delivered, Outcome, Outgoing, RetryLater, classify
from offline_cache.states import State
from offline_cache.store import Outbox, Ref
from offline_cache.sync import SyncOptions, SyncWorker

T0 = 1795361400.0  # 2026-11-22 23:30 Asia/Shanghai

Factory = Callable[[], Outbox]


@pytest.fixture
def open_outbox(tmp_path: Path) -> Iterator[Factory]:
    key, opened = os.urandom(32), []

    def make() -> Outbox:
        box = Outbox(db_path=tmp_path / "outbox.db", attachments_dir=tmp_path / "files", cipher=Cipher(key),
                     max_bytes=1 << 30, min_free_bytes=0, clock=lambda: T0, offline_prefix="K1", reserve_bytes=0)
        opened.append(box)
        return box

    yield make
    for box in opened:
        box.close()


def _tickets(box: Outbox, n: int) -> list[str]:
    ref = Ref("ticket", "offline_number", "A", epoch_field="epoch")
    return [str(box.add("ticket", {"category": "A"}, ref=ref).local_ref) for _ in range(n)]


def _reasons(box: Outbox) -> list[str]:
    return [h["reason"] for h in box.history()]


def test_a_lost_outbox_starts_a_new_epoch_and_never_reprints_a_number(
        open_outbox: Factory, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = open_outbox()
    printed = _tickets(first, 3)
    assert first.epoch == 0 and "epoch" not in first.body(first.records()[0].key)
    first.close()
    for path in tmp_path.glob("outbox.db*"):
        if not path.name.endswith(".numbering"):  # the disk keeps the marker, the outbox is gone
            path.unlink()
    with caplog.at_level(logging.WARNING):
        second = open_outbox()
    assert second.epoch == 1 and _reasons(second)[0] == "lost"
    assert "outbox recovery (lost)" in caplog.text
    again = _tickets(second, 3)
    assert not set(again) & set(printed) and again[0] == "K1-A501"
    assert second.body(second.records()[0].key)["epoch"] == 1  # sent with the ticket


def test_a_zero_length_outbox_is_a_recovery_not_a_new_terminal(open_outbox: Factory, tmp_path: Path) -> None:
    first = open_outbox()
    printed = _tickets(first, 4)
    first.close()
    (tmp_path / "outbox.db").write_bytes(b"")
    second = open_outbox()
    assert second.recovered_from is not None and ".empty-" in second.recovered_from.name
    assert second.epoch == 1 and "zero_length" in _reasons(second)
    assert not set(_tickets(second, 4)) & set(printed)


def test_an_outbox_restored_from_an_old_copy_starts_a_new_epoch(open_outbox: Factory, tmp_path: Path) -> None:
    first = open_outbox()
    printed = _tickets(first, 2)
    first.close()
    shutil.copy(tmp_path / "outbox.db", tmp_path / "backup.db")
    second = open_outbox()
    printed += _tickets(second, 3)
    second.close()
    os.replace(tmp_path / "backup.db", tmp_path / "outbox.db")  # yesterday's image restored
    third = open_outbox()
    assert third.epoch >= 1 and _reasons(third)[0] == "stale"
    assert not set(_tickets(third, 5)) & set(printed)


def test_a_set_aside_outbox_continues_above_its_salvaged_numbers(open_outbox: Factory, tmp_path: Path) -> None:
    first = open_outbox()
    printed = _tickets(first, 3)
    first.close()
    with open(tmp_path / "outbox.db", "r+b") as f:  # the header's magic string: unreadable as SQLite
        f.write(b"\x00" * 16)
    second = open_outbox()
    assert second.recovered_from is not None and second.epoch == 1
    assert not set(_tickets(second, 3)) & set(printed)


class _Taken:
    """The hall server's answer for a number another ticket holds (the collaborator, scripted)."""

    def __init__(self) -> None:
        self.answers = 0

    def deliver(self, item: Outgoing, *, budget_s: float | None = None) -> Outcome:
        from hall.client.errors import from_response

        self.answers += 1
        return classify(from_response(409, {"error": {"code": "ticket.offline_number_taken", "message": "m"}}))

    def cancel_ticket(self, ticket_id: str, *, key: str) -> Outcome:
        return Delivered(200, {})

    def probe(self, *, timeout_s: float) -> bool:
        return True

    def close(self) -> None:
        pass


def test_a_taken_offline_number_is_kept_pending_and_shown(open_outbox: Factory) -> None:
    box = open_outbox()
    [number] = _tickets(box, 1)
    outcome = _Taken().deliver(Outgoing("k", "ticket", {}))
    assert isinstance(outcome, RetryLater) and outcome.held
    worker = SyncWorker(box, _Taken(), Link(), SyncOptions(parallel=1, conflict_retries=1))
    for _ in range(5):  # far past the conflict retries that kill other 409s
        box.retry_dead()
        with box._tx() as conn:  # due again now, as after the slow retry delay
            conn.exec_driver_sql("UPDATE records SET next_attempt_at = 0")
        report = worker.drain_once()
        assert report.held == 1 and report.dead == 0
    [rec] = box.records()
    assert rec.state is State.PENDING and rec.last_error == "ticket.offline_number_taken"
    assert box.held() == [{"key": rec.key, "kind": "ticket", "local_ref": number,
                           "last_error": "ticket.offline_number_taken", "attempts": 5}]
