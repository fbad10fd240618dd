"""State changes and queries of the outbox (mixed into :class:`offline_cache.store.Outbox`).

Every change is one UPDATE whose WHERE names the states it may leave; a row that is elsewhere is
left alone and the caller gets InvalidTransition. Due-ness tolerates a clock that moved backwards:
"due now" is stored as 0.0 (not as a time), and a ``next_attempt_at`` further ahead than
``horizon_s`` (more than the longest backoff) can only come from such a jump, so it counts as due
instead of stalling the backlog until the clock catches up.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Column, Connection, RowMapping, and_, delete, func, or_, select, update

from offline_cache.attachments import AttachmentStore
from offline_cache.crypto import Cipher
from offline_cache.errors import InvalidTransition, Purged, UnknownRecord
from offline_cache.schema import links, records
from offline_cache.states import ALLOWED_FROM, Record, State, Stats

DAY_S = 86400.0


def _record(m: RowMapping, digests: Sequence[str] = ()) -> Record:
    return Record(seq=m["seq"], key=m["key"], kind=m["kind"], state=State(m["state"]),
                  attempts=m["attempts"], created_at=m["created_at"], next_attempt_at=m["next_attempt_at"],
                  acked_at=m["acked_at"], last_error=m["last_error"], local_ref=m["local_ref"],
                  server_ref=m["server_ref"], purged=bool(m["purged"]), size_bytes=m["size_bytes"],
                  attachments=tuple(digests))


_COLUMNS = [c for c in records.c if c.name not in ("payload", "response")]


class TransitionsMixin:
    clock: Callable[[], float]
    lease_s: float
    horizon_s: float
    cipher: Cipher
    files: AttachmentStore
    _tx: Callable[..., AbstractContextManager[Connection]]
    document: Callable[[str], dict[str, Any]]
    seal: Callable[[str, Mapping[str, Any]], bytes]

    # -- queries -----------------------------------------------------------------------------------
    def _digests(self, conn: Connection, seqs: Sequence[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        if seqs:
            for seq, digest in conn.execute(select(links.c.seq, links.c.digest).where(links.c.seq.in_(seqs))):
                out.setdefault(seq, []).append(digest)
        return out

    def _select(self, conn: Connection, *where: Any, limit: int | None = None) -> list[Record]:
        rows = conn.execute(select(*_COLUMNS).where(*where).order_by(records.c.seq).limit(limit)).all()
        digests = self._digests(conn, [r.seq for r in rows])
        return [_record(r._mapping, digests.get(r.seq, ())) for r in rows]

    def get(self, key: str) -> Record:
        """Raises UnknownRecord."""
        with self._tx() as conn:
            found = self._select(conn, records.c.key == key)
        if not found:
            raise UnknownRecord("no such record")
        return found[0]

    def find_ref(self, ref: str) -> Record | None:
        """The record whose printed reference (offline number or local code) is ``ref``, newest first."""
        with self._tx() as conn:
            found = self._select(conn, or_(records.c.local_ref == ref, records.c.server_ref == ref))
        return found[-1] if found else None

    def records(self, *, state: State | None = None, limit: int | None = None) -> list[Record]:
        with self._tx() as conn:
            return self._select(conn, *([records.c.state == state] if state else []), limit=limit)

    def _blob(self, key: str, column: Column[Any]) -> tuple[Record, bytes | None]:
        with self._tx() as conn:
            row = conn.execute(select(*_COLUMNS, column.label("blob")).where(records.c.key == key)).first()
        if row is None:
            raise UnknownRecord("no such record")
        return _record(row._mapping), row.blob

    @staticmethod
    def _purged(rec: Record) -> Purged:
        return Purged(f"personal data of {rec.kind} {rec.local_ref or rec.server_ref or ''} was purged")

    def stats(self) -> Stats:
        now = self.clock()
        with self._tx() as conn:
            counts = {s.value: 0 for s in State}
            counts.update(dict(conn.execute(select(records.c.state, func.count())
                                            .group_by(records.c.state)).all()))
            oldest = conn.scalar(select(func.min(records.c.created_at)).where(
                records.c.state.in_([State.PENDING, State.IN_FLIGHT])))
            size = conn.scalar(select(func.coalesce(func.sum(records.c.size_bytes), 0)))
        age = None if oldest is None else round(max(0.0, now - oldest), 3)
        return Stats(counts=counts, backlog=counts["pending"] + counts["in_flight"],
                     oldest_pending_age_s=age, size_bytes=int(size or 0), dead=counts["dead"])

    def backlog_count(self) -> int:
        """Records still to deliver (pending + in flight): one indexed count, cheap enough to poll."""
        with self._tx() as conn:
            return int(conn.scalar(select(func.count()).select_from(records).where(
                records.c.state.in_([State.PENDING, State.IN_FLIGHT]))) or 0)

    # -- transitions -------------------------------------------------------------------------------
    def _move(self, conn: Connection, key: str, dst: State, **values: Any) -> None:
        result = conn.execute(update(records).where(
            records.c.key == key, records.c.state.in_(list(ALLOWED_FROM[dst]))
        ).values(state=dst, updated_at=self.clock(), **values))
        if result.rowcount == 1:
            return
        state = conn.scalar(select(records.c.state).where(records.c.key == key))
        if state is None:
            raise UnknownRecord("no such record")
        raise InvalidTransition(f"cannot move a {state} record to {dst.value}")

    def _due(self, now: float) -> Any:
        return and_(records.c.state == State.PENDING,
                    or_(records.c.next_attempt_at <= now, records.c.next_attempt_at > now + self.horizon_s))

    def claim(self, limit: int = 32) -> list[Record]:
        """Move up to ``limit`` due pending records to in_flight, oldest first, and return them."""
        now = self.clock()
        with self._tx() as conn:
            seqs = list(conn.scalars(select(records.c.seq).where(self._due(now))
                                     .order_by(records.c.seq).limit(limit)))
            if not seqs:
                return []
            # The state guard makes a concurrent claimer (another process) skip rows taken meanwhile.
            taken = list(conn.scalars(update(records).where(
                records.c.seq.in_(seqs), records.c.state == State.PENDING
            ).values(state=State.IN_FLIGHT, attempts=records.c.attempts + 1, updated_at=now,
                     next_attempt_at=now + self.lease_s).returning(records.c.seq)))
            return self._select(conn, records.c.seq.in_(taken))

    def claim_key(self, key: str) -> Record:
        """Claim one record by key (the facade sending at once). Raises InvalidTransition/UnknownRecord."""
        now = self.clock()
        with self._tx() as conn:
            self._move(conn, key, State.IN_FLIGHT, attempts=records.c.attempts + 1,
                       next_attempt_at=now + self.lease_s)
        return self.get(key)

    def ack(self, key: str, *, response: dict[str, Any] | None = None, server_ref: str | None = None) -> None:
        blob = None
        # On a nearly full disk the answer (kept only for reprinting) is not stored.
        if response is not None and not getattr(self, "low_space", False):
            raw = json.dumps(response, ensure_ascii=False, separators=(",", ":")).encode()
            blob = self.cipher.encrypt(raw, context=f"response:{key}")
        with self._tx() as conn:
            self._move(conn, key, State.ACKED, acked_at=self.clock(), last_error=None,
                       response=blob, server_ref=server_ref)

    def retry(self, key: str, *, error: str, delay_s: float = 0.0) -> None:
        """in_flight → pending, due again after ``delay_s``."""
        with self._tx() as conn:
            # 0.0 means "due now" whatever the clock says later; a delay is bounded by horizon_s.
            due = self.clock() + delay_s if delay_s > 0 else 0.0
            self._move(conn, key, State.PENDING, last_error=error[:64], next_attempt_at=due)

    def kill(self, key: str, *, error: str) -> None:
        """in_flight → dead after a permanent rejection; the encrypted payload stays for a technician."""
        with self._tx() as conn:
            self._move(conn, key, State.DEAD, last_error=error[:64])

    def discard(self, key: str) -> None:
        """Forget an in-flight record that never reached the server (only the facade does this, for a
        ticket refused or unsent in front of the citizen, who was promised nothing)."""
        with self._tx() as conn:
            seq = conn.scalar(select(records.c.seq).where(records.c.key == key,
                                                          records.c.state == State.IN_FLIGHT))
            if seq is None:
                raise InvalidTransition("only an in-flight record can be discarded")
            digests = set(conn.scalars(select(links.c.digest).where(links.c.seq == seq)))
            conn.execute(delete(links).where(links.c.seq == seq))
            conn.execute(delete(records).where(records.c.seq == seq))
            still = set(conn.scalars(select(links.c.digest).where(links.c.digest.in_(digests))))
        self.files.delete(digests - still)

    def void(self, key: str, *, error: str) -> None:
        """in_flight → pending, flagged so the worker cancels whatever the server made of it."""
        doc = self.document(key)
        blob = self.seal(key, {**doc, "void": True})
        with self._tx(promised=True) as conn:
            self._move(conn, key, State.PENDING, payload=blob, last_error=error[:64], next_attempt_at=0.0)

    def retry_dead(self, keys: Sequence[str] | None = None) -> int:
        """A technician's retry: dead → pending, due now. Returns how many moved."""
        with self._tx() as conn:
            where = [records.c.state == State.DEAD] + ([records.c.key.in_(keys)] if keys is not None else [])
            return conn.execute(update(records).where(*where).values(
                state=State.PENDING, next_attempt_at=0.0, updated_at=self.clock())).rowcount

    def resume(self) -> int:
        """After a crash: every in_flight record goes back to pending, due now (sends are idempotent)."""
        now = self.clock()
        with self._tx() as conn:
            return conn.execute(update(records).where(records.c.state == State.IN_FLIGHT).values(
                state=State.PENDING, next_attempt_at=0.0, updated_at=now)).rowcount

    def purge(self, *, grace_s: float, tombstone_days: float = 30.0) -> int:
        """Drop personal data of records acked more than ``grace_s`` ago, keeping a tombstone; delete
        tombstones older than ``tombstone_days``. A clock that jumped back more than the grace counts
        as expired, so personal data is never kept longer than twice the grace. Returns records purged."""
        now = self.clock()
        expired = and_(records.c.state == State.ACKED, records.c.purged == 0, or_(
            records.c.acked_at <= now - grace_s, records.c.acked_at > now + grace_s))
        with self._tx() as conn:
            seqs = list(conn.scalars(select(records.c.seq).where(expired)))
            digests: set[str] = set()
            for chunk in _chunks(seqs, 500):
                digests |= set(conn.scalars(select(links.c.digest).where(links.c.seq.in_(chunk))))
                conn.execute(delete(links).where(links.c.seq.in_(chunk)))
                conn.execute(update(records).where(records.c.seq.in_(chunk)).values(
                    payload=None, response=None, purged=1, size_bytes=0, updated_at=now))
            conn.execute(delete(records).where(records.c.purged == 1, records.c.state == State.ACKED,
                                               records.c.acked_at < now - tombstone_days * DAY_S))
            still = set(conn.scalars(select(links.c.digest).where(links.c.digest.in_(digests))))
        self.files.delete(digests - still)
        return len(seqs)


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
