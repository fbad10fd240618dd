"""The outbox's numbering state — prefix, epoch, sequences — and the epochs a recovery starts.

A printed offline number (``K1-A005``) must never be handed out twice in a hall day. The sequences
live in the outbox, so whenever it cannot vouch for what was printed before, a new numbering
**epoch** starts (recorded in ``recoveries``, logged, shown by ``cache status``):

* ``lost``: the database is missing although this terminal had one (the marker file
  ``outbox.db.numbering`` beside it says which epoch it was in);
* ``zero_length`` / ``corrupt``: the file was set aside (its records are salvaged, its sequences
  read if they can be, plus a margin of 20; otherwise today's numbers jump by 500);
* ``stale``: the marker names a later epoch, or more opens, than the database (an old copy put back);
* ``handed_over``: the outbox was handed to a replacement terminal (``cache handover``);
* ``takeover`` / ``import``: another outbox's numbering was merged in (sequences: the larger).

The server keeps offline numbers unique per (terminal, epoch, number): a number that clashes all the
same is refused with 409 ``ticket.offline_number_taken`` instead of being merged with another ticket.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, text

from offline_cache.errors import CacheError
from offline_cache.numbering import on_day, sequence_day, with_prefix
from offline_cache.salvage import handed_over
from offline_cache.schema import (
    check_database,
    guarded,
    meta,
    recoveries,
    salvage_numbering,
    sequences,
    set_aside,
)

log = logging.getLogger(__name__)

MARKER_SUFFIX = ".numbering"
SEQUENCE_JUMP = 500
SALVAGE_MARGIN = 20


@dataclass(frozen=True, slots=True)
class Numbering:
    """What a terminal's future offline numbers depend on; carried by handover and export bundles."""

    prefix: str
    epoch: int
    sequences: Mapping[str, int] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        return {"prefix": self.prefix, "epoch": self.epoch, "sequences": dict(self.sequences)}

    @classmethod
    def parse(cls, doc: Mapping[str, Any]) -> Numbering:
        """Raises ValueError/TypeError/KeyError on a malformed document."""
        seqs = {str(n): int(v) for n, v in dict(doc.get("sequences", {})).items()}
        return cls(prefix=str(doc["prefix"]), epoch=int(doc["epoch"]), sequences=seqs)


@dataclass(frozen=True, slots=True)
class Damage:
    """An outbox file set aside at start: why, where it went, and its numbering if readable."""

    reason: str
    path: Path
    sequences: Mapping[str, int]
    meta: Mapping[str, str]
    why: str = ""


def inspect(db_path: Path, attachments_dir: Path) -> tuple[Damage | None, bool]:
    """Before opening: set aside a file that cannot be used as it is (damaged, zero-length, handed
    over); return the damage (if any) and whether the database will be new."""
    if not db_path.exists():
        return None, True
    with guarded():
        empty = db_path.stat().st_size == 0
    why = "zero-length file" if empty else check_database(db_path)
    label, kind = ("empty", "zero_length") if empty else ("corrupt", "corrupt")
    if why is None:
        target = handed_over(db_path)
        if target is None:
            return None, False
        why, label, kind = f"handed over to {target}", "handed-over", "handed_over"
    with guarded():
        moved = set_aside(db_path, attachments_dir, label=label)
    seqs, values = salvage_numbering(moved)
    log.error("outbox database unusable (%s): set aside as %s; started a new one", why, moved.name)
    return Damage(kind, moved, seqs, values, why), True


def marker_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + MARKER_SUFFIX)


def read_marker(db_path: Path) -> tuple[int, int] | None:
    """(epoch, opens) the marker beside ``db_path`` records, None when there is none (a new terminal)."""
    try:
        doc = json.loads(marker_path(db_path).read_text(encoding="utf-8"))
        return int(doc["epoch"]), int(doc.get("opens", 0))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        log.warning("outbox numbering marker %s unreadable: taken as epoch 0", marker_path(db_path))
        return 0, 0


def write_marker(db_path: Path, *, prefix: str, epoch: int, opens: int = 0) -> None:
    """Atomically record the current epoch beside the database. Logs (never raises) on failure:
    the marker is a second line of defence and must not stop a terminal serving citizens."""
    path = marker_path(db_path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with guarded():
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, json.dumps({"prefix": prefix, "epoch": epoch, "opens": opens}).encode())
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
    except CacheError as exc:
        log.error("outbox numbering marker not written (%s)", exc.code)


def get_meta(conn: Connection, name: str) -> str | None:
    value = conn.scalar(select(meta.c.value).where(meta.c.name == name))
    return None if value is None else str(value)


def set_meta(conn: Connection, name: str, value: str) -> None:
    conn.execute(insert(meta).prefix_with("OR REPLACE"), [{"name": name, "value": value}])


def read_numbering(conn: Connection, *, prefix: str) -> Numbering:
    seqs = {str(n): int(v) for n, v in conn.execute(select(sequences.c.name, sequences.c.value))}
    return Numbering(prefix=get_meta(conn, "numbering_prefix") or prefix,
                     epoch=int(get_meta(conn, "epoch") or 0), sequences=seqs)


def _raise_to(conn: Connection, values: Mapping[str, int]) -> None:
    for name, value in values.items():
        conn.execute(text("INSERT INTO sequences(name, value) VALUES (:n, :v) "
                          "ON CONFLICT(name) DO UPDATE SET value = max(value, :v)"), {"n": name, "v": value})


def follow_clock(conn: Connection, *, day: str) -> None:
    """Numbers stay unique when the clock steps back to an earlier hall day (NTP after an outage, a
    technician's correction), or forward again to a day it numbered before: that day's sequences
    continue from those of the day it leaves, where restarting would print numbers handed out this
    morning. Only a day never numbered before (midnight) starts at 001."""
    latest = get_meta(conn, "numbering_day") or ""
    if day == latest:
        return
    current = [(str(n), int(v)) for n, v in conn.execute(select(sequences.c.name, sequences.c.value))]
    if latest and (day < latest or any(sequence_day(n) == day for n, _ in current)):
        _raise_to(conn, {on_day(n, day): v for n, v in current if sequence_day(n) == latest})
    set_meta(conn, "numbering_day", day)


def record(conn: Connection, *, reason: str, epoch: int, now: float, source: str | None = None,
           detail: Mapping[str, Any] | None = None) -> None:
    conn.execute(insert(recoveries).values(at=now, reason=reason, epoch=epoch, source=source,
                                           detail=json.dumps(dict(detail or {}), ensure_ascii=False)))


def start_epoch(conn: Connection, *, epoch: int, reason: str, now: float, day: str, prefix: str,
                known: Mapping[str, int] | None, source: str | None = None) -> None:
    """Begin ``epoch``. ``known``: the sequences of the outbox it replaces (continued plus a margin),
    or None when nothing is known — today's numbers then jump by 500 (once more per such recovery)."""
    set_meta(conn, "epoch", str(epoch))
    set_meta(conn, "numbering_prefix", prefix)
    floor_day = get_meta(conn, "sequence_floor_day") or ""
    floor = int(get_meta(conn, "sequence_floor") or 0) if floor_day >= day else 0
    if known:
        _raise_to(conn, {n: v + SALVAGE_MARGIN for n, v in known.items()})
    elif known is None:
        floor += SEQUENCE_JUMP
        current = {str(n): int(v) for n, v in conn.execute(select(sequences.c.name, sequences.c.value))}
        _raise_to(conn, {n: v + SEQUENCE_JUMP for n, v in current.items() if sequence_day(n) >= day})
    set_meta(conn, "sequence_floor_day", max(day, floor_day))
    set_meta(conn, "sequence_floor", str(floor))
    record(conn, reason=reason, epoch=epoch, now=now, source=source,
           detail={"floor": floor, "sequences_known": known is not None})
    log.warning("outbox recovery (%s): numbering epoch %d starts%s", reason, epoch,
                f", today's numbers from {floor + 1}" if floor else "")


def settle(conn: Connection, *, db_path: Path, prefix: str, now: float, day: str, created: bool,
           damage: Damage | None) -> tuple[int, int]:
    """Decide the epoch of an outbox being opened (see the module docstring); returns it and the
    open count. Every open is counted in the database and (after the commit: a crash in between
    leaves the marker behind, never ahead) in the marker: a database that counts fewer opens than
    the marker is an old copy (``stale``)."""
    found = read_marker(db_path)
    marker, marker_opens = (None, 0) if found is None else found
    db_opens = int(get_meta(conn, "opens") or 0)
    stored = get_meta(conn, "numbering_prefix") or prefix
    for name, value in list(conn.execute(select(sequences.c.name, sequences.c.value))):
        if with_prefix(name, stored) != name:  # names from before they carried the prefix
            conn.execute(sequences.delete().where(sequences.c.name == name))
            _raise_to(conn, {with_prefix(name, stored): int(value)})
    current = get_meta(conn, "epoch")
    if damage is not None:
        old = int(damage.meta.get("epoch", "0") or 0)
        epoch = max(marker or 0, old, int(current or 0)) + 1
        known = {with_prefix(n, damage.meta.get("numbering_prefix", prefix)): v for n, v in damage.sequences.items()}
        start_epoch(conn, epoch=epoch, reason=damage.reason, now=now, day=day, prefix=prefix,
                    known=known or None, source=str(damage.path))
    elif created and marker is not None:
        epoch = marker + 1
        start_epoch(conn, epoch=epoch, reason="lost", now=now, day=day, prefix=prefix, known=None)
    elif current is None:
        epoch = 0
        set_meta(conn, "epoch", "0")
        set_meta(conn, "numbering_prefix", prefix)
        record(conn, reason="new" if created else "upgrade", epoch=0, now=now)
    elif marker is not None and (marker > int(current) or marker_opens > db_opens):
        epoch = max(marker, int(current)) + 1
        start_epoch(conn, epoch=epoch, reason="stale", now=now, day=day, prefix=prefix, known=None)
    else:
        epoch = int(current)
    if stored != prefix:
        set_meta(conn, "numbering_prefix", prefix)
        log.info("outbox: offline prefix changed from %s to %s (each keeps its own sequences)", stored, prefix)
    opens = max(db_opens, marker_opens) + 1
    set_meta(conn, "opens", str(opens))
    return epoch, opens


def merge(conn: Connection, other: Numbering, *, now: float, reason: str, source: str | None) -> tuple[int, int]:
    """Take over another outbox's numbering: every sequence continues above both, and a new epoch
    (above both) starts. Returns the new epoch and the open count (for the marker, after the commit)."""
    mine = int(get_meta(conn, "epoch") or 0)
    opens = int(get_meta(conn, "opens") or 0)
    _raise_to(conn, {with_prefix(n, other.prefix): v for n, v in other.sequences.items()})
    epoch = max(mine, other.epoch) + 1
    set_meta(conn, "epoch", str(epoch))
    record(conn, reason=reason, epoch=epoch, now=now, source=source,
           detail={"from_prefix": other.prefix, "from_epoch": other.epoch})
    log.warning("outbox: numbering of %s (epoch %d) taken over (%s); epoch %d starts",
                other.prefix, other.epoch, reason, epoch)
    return epoch, opens


def history(conn: Connection, limit: int = 10) -> list[dict[str, Any]]:
    """The latest epochs and recoveries, newest first, for ``cache status``."""
    rows = conn.execute(select(recoveries).order_by(recoveries.c.id.desc()).limit(limit)).all()
    return [{"at": r.at, "reason": r.reason, "epoch": r.epoch, "source": r.source,
             "detail": json.loads(r.detail or "{}")} for r in rows]
