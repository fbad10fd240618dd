"""The outbox: records committed under a client-generated idempotency key before any network call.

Exactly-once comes from the UNIQUE constraint on ``records.key`` (and the server honouring the
same key), not from care. State changes are single guarded UPDATEs that name the states they may
leave (see :mod:`offline_cache.states`), so two workers can never both claim a record.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, CursorResult, func, insert, select, text

from offline_cache import epoch as ep
from offline_cache.attachments import AttachmentStore
from offline_cache.crypto import Cipher
from offline_cache.errors import CacheError, CacheFull, DiskFull, InvalidRecord, StorageError
from offline_cache.numbering import (
    code_sequence_name,
    format_local_code,
    format_ticket,
    hall_day,
    sequence_day,
    ticket_sequence_name,
)
from offline_cache.reference import ReferenceMixin
from offline_cache.reserve import Reserve
from offline_cache.salvage import SalvageReport, salvage_into
from offline_cache.schema import (
    SCHEMA_VERSION,
    guarded,
    links,
    make_engine,
    meta,
    metadata,
    records,
    set_aside_files,
)
from offline_cache.states import SMALL_KINDS, Kind, Record, State
from offline_cache.transitions import TransitionsMixin
from offline_cache.upkeep import UpkeepMixin

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A material image to send with a record. ``part`` is the multipart part name the body's
    ``materials[].file`` refers to (defaults to ``name``)."""

    data: bytes
    name: str = "material.jpg"
    content_type: str = "image/jpeg"
    part: str = ""

    def __repr__(self) -> str:
        return f"Attachment({self.name!r}, {len(self.data)} bytes)"


@dataclass(frozen=True, slots=True)
class Ref:
    """Ask :meth:`Outbox.add` for a printed reference, written into the body under ``field``."""

    kind: Literal["ticket", "code"]
    field: str
    category: str = ""
    # Offline tickets also carry the numbering epoch (sent when it is not 0: a server without
    # epochs reads a missing one as 0).
    epoch_field: str = ""


def _inserted_seq(result: CursorResult[Any]) -> int:
    """The ``seq`` of the one row an INSERT without RETURNING just made."""
    pk = result.inserted_primary_key
    assert pk is not None  # single-row INSERT statements always have it
    return int(pk[0])


class Outbox(ReferenceMixin, TransitionsMixin, UpkeepMixin):
    """The durable outbox. Every public call raises only :class:`~offline_cache.errors.CacheError`."""

    def __init__(self, *, db_path: Path, attachments_dir: Path, cipher: Cipher, max_bytes: int,
                 min_free_bytes: int = 64 * 1024 * 1024, offline_prefix: str = "K1",
                 tz: str = "Asia/Shanghai", clock: Callable[[], float] = time.time,
                 lease_s: float = 300.0, horizon_s: float = 120.0, reserve_bytes: int = 1024 * 1024,
                 salvage: bool = True) -> None:
        self.db_path, self.attachments_dir, self.tz, self.prefix = db_path, attachments_dir, tz, offline_prefix
        self.max_bytes, self.min_free_bytes = max_bytes, min_free_bytes
        self.clock, self.lease_s, self.horizon_s = clock, lease_s, horizon_s
        self.cipher = cipher
        self.reserve = Reserve(db_path.with_name(db_path.name + ".reserve"), reserve_bytes)
        self.recovered_from: Path | None = None
        self.corrupt_reason: str | None = None
        self.salvage_report: SalvageReport | None = None
        with guarded():
            db_path.parent.mkdir(parents=True, exist_ok=True)
        damage, created = ep.inspect(db_path, attachments_dir)
        if damage is not None:
            self.recovered_from, self.corrupt_reason = damage.path, damage.why
        self.files = AttachmentStore(attachments_dir, cipher)
        self.engine = make_engine(db_path)
        try:
            self._open_tx(created, damage)
        except DiskFull:  # opening writes too (the epoch's bookkeeping): a full disk must not stop it
            if not self.reserve.release():
                raise
            self.low_space = True
            self._open_tx(created, damage)
        with guarded():
            self.files.sweep(self._referenced_digests())
        if not self.low_space:
            self.reserve.keep()
        if damage is not None and salvage and damage.reason != "handed_over":
            # Whatever is readable in the set-aside file is still owed to the hall: deliver it.
            self.salvage_report = salvage_into(self, damage.path, set_aside_files(damage.path, attachments_dir),
                                               cipher)

    def _open_tx(self, created: bool, damage: ep.Damage | None) -> None:
        with guarded():
            metadata.create_all(self.engine)
            self.db_path.chmod(0o600)  # ciphertext, but its metadata (kinds, times) is nobody else's business
            with self._tx() as conn:
                conn.execute(insert(meta).prefix_with("OR IGNORE"),
                             [{"name": "schema_version", "value": SCHEMA_VERSION}])
                self.epoch, opens = ep.settle(conn, db_path=self.db_path, prefix=self.prefix, now=self.clock(),
                                              day=hall_day(self.clock(), self.tz).isoformat(), created=created,
                                              damage=damage)
        ep.write_marker(self.db_path, prefix=self.prefix, epoch=self.epoch, opens=opens)

    # -- plumbing --------------------------------------------------------------------------------
    @contextmanager
    def _tx(self, *, promised: bool = False) -> Iterator[Connection]:
        """One transaction; ``promised`` commits with synchronous=FULL (a citizen holds a receipt)."""
        with guarded(), self.engine.connect() as conn:
            # On the driver connection: through SQLAlchemy the PRAGMA would open the transaction.
            raw = conn.connection.driver_connection
            assert raw is not None  # a connection just checked out of the pool has its sqlite3 connection
            raw.execute(f"PRAGMA synchronous={'FULL' if promised else 'NORMAL'}")
            # A nearly full disk: checkpoint often so the WAL stays within the released reserve.
            raw.execute(f"PRAGMA wal_autocheckpoint={16 if self.low_space else 1000}")
            with conn.begin():
                yield conn

    def close(self) -> None:
        """Checkpoint the WAL into the database (a clean stop leaves one file to copy) and let go."""
        try:
            with guarded(), self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except CacheError as exc:  # another process still has it open: its last close checkpoints
            log.info("outbox: WAL not checkpointed at close (%s)", exc.code)
        self.engine.dispose()

    def _referenced_digests(self) -> set[str]:
        with self._tx() as conn:
            return set(conn.scalars(select(links.c.digest).distinct()))

    def _next_value(self, conn: Connection, name: str) -> int:
        start = 1
        floor = dict(conn.execute(select(meta.c.name, meta.c.value).where(
            meta.c.name.in_(["sequence_floor", "sequence_floor_day"]))).all())
        if floor and sequence_day(name) <= floor.get("sequence_floor_day", ""):
            start = int(floor.get("sequence_floor", "0")) + 1
        row = conn.execute(text(
            "INSERT INTO sequences(name, value) VALUES (:n, :s) "
            "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value"), {"n": name, "s": start})
        return int(row.scalar_one())

    def _allocate(self, conn: Connection, ref: Ref, now: float) -> str:
        day = hall_day(now, self.tz)
        ep.follow_clock(conn, day=day.isoformat())
        if ref.kind == "ticket":
            n = self._next_value(conn, ticket_sequence_name(self.prefix, ref.category, day))
            return format_ticket(self.prefix, ref.category, n)
        return format_local_code(self.prefix, day, self._next_value(conn, code_sequence_name(self.prefix, day)))

    def _check_room(self, kind: str, size: int) -> None:
        if kind in SMALL_KINDS:
            return
        with guarded():
            free = shutil.disk_usage(self.db_path.parent).free
        if free - size < self.min_free_bytes:
            raise DiskFull("the outbox disk is nearly full; submissions are paused")
        if self.stored_bytes() + size > self.max_bytes:
            raise CacheFull("the outbox reached its size cap; submissions are paused")

    def seal(self, key: str, document: Mapping[str, Any]) -> bytes:
        try:
            raw = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise InvalidRecord("payload is not JSON-serialisable") from exc
        return self.cipher.encrypt(raw.encode(), context=f"record:{key}")

    # -- writing ---------------------------------------------------------------------------------
    def add(self, kind: str, body: Mapping[str, Any], *, key: str | None = None,
            files: Sequence[Attachment] = (), ref: Ref | None = None, claim: bool = False) -> Record:
        """Commit one record (synchronous=FULL) and return it; ``claim`` stores it already in flight
        for a caller that sends it at once. Raises DuplicateKey, CacheFull/DiskFull (not for tickets),
        InvalidRecord, StorageError."""
        key = key or uuid.uuid4().hex
        stored, file_meta = self._put_files(kind, files)
        now = self.clock()
        with self._tx(promised=True) as conn:
            local_ref = self._allocate(conn, ref, now) if ref else None
            stamped = {**body, ref.field: local_ref} if ref else dict(body)
            if ref and ref.epoch_field and self.epoch:
                stamped[ref.epoch_field] = self.epoch
            doc = {"body": stamped, "files": file_meta}
            blob = self.seal(key, doc)
            seq = _inserted_seq(conn.execute(insert(records).values(
                key=key, kind=kind, state=State.IN_FLIGHT if claim else State.PENDING, attempts=1 if claim else 0,
                created_at=now, next_attempt_at=now + self.lease_s if claim else 0.0, updated_at=now,
                local_ref=local_ref, payload=blob, size_bytes=len(blob) + stored, purged=0,
            )))
            if file_meta:
                conn.execute(insert(links).prefix_with("OR IGNORE"),
                             [{"seq": seq, "digest": m["digest"]} for m in file_meta])
        return self.get(key)

    def _put_files(self, kind: str, files: Sequence[Attachment]) -> tuple[int, list[dict[str, str]]]:
        if kind not in set(Kind):
            raise InvalidRecord(f"unknown record kind {kind!r}")
        if not self.room_for_records():
            raise DiskFull("the outbox disk is full; new records are refused until there is room")
        self._check_room(kind, sum(len(f.data) for f in files) + 1024)
        stored, file_meta = 0, []
        for f in files:  # files first: a crash before the commit leaves only sweepable orphans
            digest, size = self.files.put(f.data)
            stored += size
            file_meta.append({"digest": digest, "name": f.name, "content_type": f.content_type,
                              "part": f.part or f.name})
        return stored, file_meta

    def restore(self, *, key: str, kind: str, state: State, document: Mapping[str, Any],
                files: Sequence[Attachment] = (), attempts: int = 0, created_at: float | None = None,
                last_error: str | None = None, local_ref: str | None = None) -> Record:
        """Store a record carried over from another outbox (``cache import``) under its own key, so
        the server still recognises it. ``document`` is ``{"body", …}`` without files. Only pending
        and dead are accepted: nobody here is sending it. Raises DuplicateKey, CacheFull/DiskFull,
        InvalidRecord."""
        if state not in (State.PENDING, State.DEAD):
            raise InvalidRecord("only pending or dead records can be restored")
        stored, file_meta = self._put_files(kind, files)
        now = self.clock()
        blob = self.seal(key, {**document, "files": file_meta})
        with self._tx(promised=True) as conn:
            seq = _inserted_seq(conn.execute(insert(records).values(
                key=key, kind=kind, state=state, attempts=attempts, created_at=now if created_at is None
                else created_at, next_attempt_at=0.0, updated_at=now, last_error=last_error,
                local_ref=local_ref, payload=blob, size_bytes=len(blob) + stored, purged=0,
            )))
            if file_meta:
                conn.execute(insert(links).prefix_with("OR IGNORE"),
                             [{"seq": seq, "digest": m["digest"]} for m in file_meta])
        return self.get(key)

    # -- reading ---------------------------------------------------------------------------------
    def stored_bytes(self) -> int:
        with self._tx() as conn:
            return int(conn.scalar(select(func.coalesce(func.sum(records.c.size_bytes), 0))) or 0)

    def document(self, key: str) -> dict[str, Any]:
        """The decrypted ``{"body", "files"}`` of a record. Raises Purged, DecryptFailed, UnknownRecord."""
        rec, blob = self._blob(key, records.c.payload)
        if blob is None:
            raise self._purged(rec)
        doc: dict[str, Any] = json.loads(self.cipher.decrypt(blob, context=f"record:{key}"))
        return doc

    def body(self, key: str) -> dict[str, Any]:
        body: dict[str, Any] = self.document(key)["body"]
        return body

    def file_data(self, key: str) -> list[tuple[dict[str, str], bytes]]:
        return [(m, self.files.get(m["digest"])) for m in self.document(key)["files"]]

    def response(self, key: str) -> dict[str, Any] | None:
        rec, blob = self._blob(key, records.c.response)
        if blob is None:
            if rec.purged:
                raise self._purged(rec)
            return None
        answer: dict[str, Any] = json.loads(self.cipher.decrypt(blob, context=f"response:{key}"))
        return answer

    def sanity(self) -> None:
        """Raise StorageError unless the database answers (used by health checks)."""
        with self._tx() as conn:
            if conn.scalar(text("SELECT 1")) != 1:
                raise StorageError("outbox database did not answer")
