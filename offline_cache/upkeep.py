"""Numbering, recoveries, held records and disk space of the outbox (mixed into ``Outbox``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from offline_cache import epoch as ep
from offline_cache.numbering import hall_day
from offline_cache.reserve import Reserve
from offline_cache.schema import records
from offline_cache.states import HELD_ERRORS, State

if TYPE_CHECKING:
    from offline_cache.salvage import SalvageReport

log = logging.getLogger(__name__)


class UpkeepMixin:
    db_path: Path
    prefix: str
    tz: str
    epoch: int
    reserve: Reserve
    clock: Callable[[], float]
    _tx: Callable[..., AbstractContextManager[Connection]]
    low_space: bool = False

    # -- numbering -----------------------------------------------------------------------------------
    def numbering(self) -> ep.Numbering:
        """Prefix, epoch and every sequence: what a handover or an export bundle carries."""
        with self._tx() as conn:
            return ep.read_numbering(conn, prefix=self.prefix)

    def merge_numbering(self, other: ep.Numbering, *, reason: str, source: str | None = None) -> int:
        """Continue above another outbox's numbers in a new epoch (takeover, bundle import)."""
        with self._tx(promised=True) as conn:
            self.epoch, opens = ep.merge(conn, other, now=self.clock(), reason=reason, source=source)
        ep.write_marker(self.db_path, prefix=self.prefix, epoch=self.epoch, opens=opens)
        return self.epoch

    def today(self) -> str:
        """The hall day now (ISO), as sequence names spell it."""
        return hall_day(self.clock(), self.tz).isoformat()

    def history(self, limit: int = 10) -> list[dict[str, Any]]:
        """Epochs started and recoveries done, newest first (``cache status``)."""
        with self._tx() as conn:
            return ep.history(conn, limit)

    def note_salvage(self, report: SalvageReport) -> None:
        doc = report.public()
        with self._tx() as conn:
            ep.record(conn, reason="salvage", epoch=self.epoch, now=self.clock(), source=report.source,
                         detail={k: doc[k] for k in ("imported", "already_here", "delivered_before", "unreadable")})

    def mark_handed_over(self, target: str) -> None:
        """This outbox's records and numbering went to ``target``: the next start sets it aside and
        begins a new epoch instead of sending or numbering on (``cache handover``)."""
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        with self._tx(promised=True) as conn:
            ep.set_meta(conn, "handed_over_to", target[:200])
            ep.set_meta(conn, "handed_over_at", stamp)

    # -- records kept for a technician -----------------------------------------------------------
    def held(self) -> list[dict[str, Any]]:
        """Pending records the server refused with a clash it cannot settle alone (an offline number
        taken by another ticket): kept, retried slowly, never dead — a technician must look."""
        with self._tx() as conn:
            rows = conn.execute(select(records.c.key, records.c.kind, records.c.local_ref, records.c.last_error,
                                       records.c.attempts).where(records.c.state == State.PENDING,
                                                                 records.c.last_error.in_(HELD_ERRORS))
                                .order_by(records.c.seq)).all()
        return [{"key": r.key, "kind": r.kind, "local_ref": r.local_ref, "last_error": r.last_error,
                 "attempts": r.attempts} for r in rows]

    def unsent_count(self) -> int:
        with self._tx() as conn:
            return len(conn.execute(select(records.c.seq).where(
                records.c.state.in_([State.PENDING, State.IN_FLIGHT, State.DEAD]))).all())

    # -- disk space ------------------------------------------------------------------------------------
    def make_room(self) -> bool:
        """Before the worker's bookkeeping (claims, acks): give back the reserve when the disk is
        (nearly) full; low-space mode lasts until the reserve can be made again. In it new records
        are refused (the freed space is for delivering what is stored), the WAL is checkpointed in
        small steps and the server's answers are not kept. Returns whether it is on."""
        was = self.low_space
        if self.reserve.low():
            self.reserve.release()
            self.low_space = True
        else:  # a reserve given back (by this process or an earlier one) and not yet made again
            self.low_space = self.reserve.size > 0 and not self.reserve.keep()
        if was != self.low_space:
            log.log(logging.ERROR if self.low_space else logging.WARNING, "outbox: disk %s",
                    "full: new records refused, delivering in small steps" if self.low_space else "has room again")
        return self.low_space

    def room_for_records(self) -> bool:
        """Whether new records may be written: not while the disk is (nearly) full or the reserve,
        once given back, cannot be made again. The reserve itself is left for delivering."""
        low = self.reserve.low() or (self.reserve.size > 0 and not self.reserve.keep())
        if low and not self.low_space:
            log.error("outbox: disk full: new records refused")
        self.low_space = low
        return not low

    def disk(self) -> Mapping[str, Any]:
        return {"free_mb": round(self.reserve.free_bytes() / 1e6, 3), "reserve_held": self.reserve.held,
                "low_space": self.low_space}
