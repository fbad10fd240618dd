"""The outbox store: exactly-once by key, ordered claims, crash resume, purge, limits, corruption."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import event

from offline_cache.errors import (
    CacheFull,
    DiskFull,
    DuplicateKey,
    InvalidRecord,
    InvalidTransition,
    Purged,
    UnknownRecord,
)
from offline_cache.states import State
from offline_cache.store import Attachment, Outbox, Ref
from tests.unit.offline_cache.conftest import Clock, OutboxFactory


def test_duplicate_key_is_refused_by_the_constraint(outbox: Outbox) -> None:
    outbox.add("rating", {"level": 5}, key="k1")
    with pytest.raises(DuplicateKey) as info:
        outbox.add("rating", {"level": 1}, key="k1")
    assert info.value.code == "cache.duplicate_key"
    assert outbox.body("k1") == {"level": 5}
    assert outbox.stats().counts["pending"] == 1


def test_unknown_kind_and_unserialisable_payload(outbox: Outbox) -> None:
    with pytest.raises(InvalidRecord):
        outbox.add("lottery", {})
    with pytest.raises(InvalidRecord):
        outbox.add("rating", {"x": object()})
    assert outbox.stats().counts["pending"] == 0


def test_claims_are_oldest_first_and_exclusive(outbox: Outbox, clock: Clock) -> None:
    keys = [outbox.add("rating", {"n": i}).key for i in range(5)]
    clock.now -= 1000  # the clock moving back must not reorder anything
    keys.append(outbox.add("rating", {"n": 5}).key)
    assert [r.key for r in outbox.claim(3)] == keys[:3]
    assert [r.key for r in outbox.claim(10)] == keys[3:]
    assert outbox.claim(10) == []
    assert all(r.attempts == 1 for r in outbox.records(state=State.IN_FLIGHT))


def test_two_outboxes_on_one_database_never_claim_the_same_record(make_outbox: OutboxFactory) -> None:
    a, b = make_outbox(), make_outbox()
    keys = {a.add("rating", {"n": i}).key for i in range(200)}
    got: list[list[str]] = [[], []]

    def drain(box: Outbox, out: list[str]) -> None:
        while batch := box.claim(7):
            out.extend(r.key for r in batch)

    threads = [threading.Thread(target=drain, args=(box, out)) for box, out in zip((a, b), got, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got[0] + got[1]) == sorted(keys)
    assert not set(got[0]) & set(got[1])


def test_transitions_are_guarded(outbox: Outbox) -> None:
    rec = outbox.add("rating", {"level": 4})
    with pytest.raises(InvalidTransition):
        outbox.ack(rec.key)
    with pytest.raises(UnknownRecord):
        outbox.ack("nope")
    outbox.claim()
    outbox.kill(rec.key, error="rating.invalid")
    with pytest.raises(InvalidTransition):
        outbox.ack(rec.key)
    assert outbox.retry_dead() == 1
    outbox.claim()
    outbox.ack(rec.key, response={"id": 9}, server_ref="9")
    assert outbox.get(rec.key).state is State.ACKED
    assert outbox.retry_dead([rec.key]) == 0
    with pytest.raises(InvalidTransition):
        outbox.retry(rec.key, error="x")


def test_in_flight_records_resume_after_a_crash(make_outbox: OutboxFactory) -> None:
    first = make_outbox()
    keys = [first.add("rating", {"n": i}).key for i in range(3)]
    first.claim(2)
    first.close()  # the process died with two records in flight
    second = make_outbox()
    assert second.stats().counts["in_flight"] == 2
    assert second.resume() == 2
    assert [r.key for r in second.claim()] == keys


def test_retry_backoff_and_a_clock_that_jumped_back(outbox: Outbox, clock: Clock) -> None:
    rec = outbox.add("rating", {"n": 1})
    outbox.claim()
    outbox.retry(rec.key, error="server.500", delay_s=30)
    assert outbox.claim() == []
    clock.advance(31)
    assert [r.key for r in outbox.claim()] == [rec.key]
    outbox.retry(rec.key, error="server.500", delay_s=30)
    clock.now -= 86400  # NTP fixed a clock a day fast: the backlog must not stall for a day
    assert [r.key for r in outbox.claim()] == [rec.key]


def test_purge_keeps_a_tombstone_and_drops_personal_data(outbox: Outbox, clock: Clock) -> None:
    shared = Attachment(b"\xff\xd8 same page", part="id_copy")
    a = outbox.add("submission", {"id_number": "110101199003071234"}, files=[shared], ref=Ref("code", "local_code"))
    b = outbox.add("submission", {"id_number": "110101199003071234"}, files=[shared])
    outbox.claim()
    outbox.ack(a.key, response={"registration_code": "2026112200A7K3"}, server_ref="2026112200A7K3")
    assert outbox.purge(grace_s=600) == 0  # within the reprint grace
    assert outbox.body(a.key)["id_number"] == "110101199003071234"
    clock.advance(601)
    assert outbox.purge(grace_s=600) == 1
    tomb = outbox.get(a.key)
    assert tomb.purged and tomb.state is State.ACKED and tomb.server_ref == "2026112200A7K3"
    assert tomb.local_ref == a.local_ref and tomb.size_bytes == 0
    with pytest.raises(Purged):
        outbox.body(a.key)
    with pytest.raises(Purged):
        outbox.response(a.key)
    # b (still in flight) shares the attachment: the file stays until b is purged too.
    assert outbox.file_data(b.key)[0][1] == shared.data
    outbox.ack(b.key)
    clock.advance(601)
    outbox.purge(grace_s=600)
    assert not list(outbox.files.directory.rglob("*.bin"))
    clock.advance(31 * 86400)
    outbox.purge(grace_s=600, tombstone_days=30)
    with pytest.raises(UnknownRecord):
        outbox.get(a.key)


def test_purge_when_the_clock_jumped_back_past_the_grace(outbox: Outbox, clock: Clock) -> None:
    rec = outbox.add("rating", {"name": "张三"})
    outbox.claim()
    outbox.ack(rec.key)
    clock.now -= 3600
    assert outbox.purge(grace_s=600) == 1


def test_cap_refuses_submissions_but_not_tickets(make_outbox: OutboxFactory) -> None:
    outbox = make_outbox(max_bytes=300_000)
    first = outbox.add("submission", {"n": 1}, files=[Attachment(b"a" * 200_000)])
    with pytest.raises(CacheFull) as info:
        outbox.add("submission", {"n": 2}, files=[Attachment(b"b" * 200_000)])
    assert info.value.code == "cache.full"
    ticket = outbox.add("ticket", {"category": "A"}, ref=Ref("ticket", "offline_number", "A"))
    assert ticket.local_ref == "K1-A001"
    assert outbox.file_data(first.key)[0][1] == b"a" * 200_000
    assert len(list(outbox.files.directory.rglob("*.bin"))) == 1


def test_low_disk_refuses_submissions_with_a_typed_error(make_outbox: OutboxFactory) -> None:
    outbox = make_outbox(min_free_bytes=1 << 62)
    with pytest.raises(DiskFull) as info:
        outbox.add("submission", {"n": 1})
    assert info.value.code == "cache.disk_full"
    assert outbox.add("ticket", {"category": "B"}).state is State.PENDING


def test_sqlite_disk_full_is_translated_and_harms_nothing(outbox: Outbox) -> None:
    kept = outbox.add("rating", {"level": 5})

    @event.listens_for(outbox.engine, "connect")
    def _tiny(dbapi_conn: object, _rec: object) -> None:
        dbapi_conn.execute("PRAGMA max_page_count=40")  # type: ignore[attr-defined]

    outbox.engine.dispose()
    with pytest.raises(DiskFull):
        for i in range(200):
            outbox.add("ticket", {"category": "A", "pad": "x" * 3000, "i": i})
    assert outbox.body(kept.key) == {"level": 5}
    assert outbox.get(kept.key).state is State.PENDING


def test_unreadable_database_is_set_aside_and_a_fresh_one_started(tmp_path: Path, make_outbox: OutboxFactory) -> None:
    (tmp_path / "outbox.db").write_bytes(b"this is not sqlite" * 100)
    (tmp_path / "files").mkdir()
    outbox = make_outbox()
    assert outbox.recovered_from is not None and outbox.recovered_from.exists()
    assert outbox.recovered_from.name.startswith("outbox.db.corrupt-")
    assert outbox.corrupt_reason
    assert list(tmp_path.glob("files.corrupt-*"))
    # Its numbering could not be salvaged: numbers jump so earlier offline tickets are not reissued.
    assert outbox.add("ticket", {"category": "A"}, ref=Ref("ticket", "offline_number", "A")).local_ref == "K1-A501"


def test_foreign_schema_is_set_aside_and_numbering_salvaged(make_outbox: OutboxFactory) -> None:
    first = make_outbox()
    for _ in range(3):
        first.add("ticket", {"category": "C"}, ref=Ref("ticket", "offline_number", "C"))
    with first.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE meta SET value='99' WHERE name='schema_version'")
    first.close()
    second = make_outbox()
    assert second.recovered_from is not None
    assert second.corrupt_reason == "unknown schema version 99"
    rec = second.add("ticket", {"category": "C"}, ref=Ref("ticket", "offline_number", "C"))
    assert rec.local_ref == "K1-C024"  # salvaged 3 + safety margin 20 + 1


def test_attachments_are_atomic_and_orphans_swept(outbox: Outbox) -> None:
    digest, _ = outbox.files.put(b"orphan from a crash before commit")
    tmp = outbox.files.path(digest).parent / ".tmp-leftover"
    tmp.write_bytes(b"half a file")
    assert outbox.files.sweep(set(), older_than_s=-1) == 2
    assert not list(outbox.files.directory.rglob("*"))[1:]
