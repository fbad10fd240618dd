"""Reading another outbox file record by record: a damaged one set aside, or a handover's copy.

A few flipped bytes make ``PRAGMA quick_check`` fail, yet SQLite usually still reads most rows.
So nothing is thrown away whole: each row is read on its own (by ``seq``, the rowid), decrypted,
its attachments read, and stored in the live outbox under its own idempotency key (the server
still recognises anything it already has). What cannot be read is reported by its printed number
(``local_ref``) or, failing that, its ``seq``; the file stays where it is for another attempt
(``python main.py cache salvage FILE``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from offline_cache.crypto import Cipher
from offline_cache.errors import CacheError, CacheFull, DuplicateKey
from offline_cache.states import State

if TYPE_CHECKING:
    from offline_cache.store import Attachment, Outbox

log = logging.getLogger(__name__)

_ROW = ("SELECT seq, key, kind, state, attempts, created_at, last_error, local_ref, payload FROM records "
        "WHERE seq = ?")


@dataclass(slots=True)
class SalvageReport:
    """What a salvage did; JSON-ready, no personal data (printed numbers and keys only)."""

    source: str
    imported: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    delivered: int = 0
    unreadable: list[dict[str, Any]] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        return {"source": self.source, "imported": len(self.imported), "records": self.imported,
                "already_here": len(self.skipped), "delivered_before": self.delivered,
                "unreadable": self.unreadable}


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    """Read-only; a file whose WAL cannot be opened is read as it is on disk (``immutable``)."""
    last: sqlite3.Error | None = None
    for options in ("mode=ro", "mode=ro&immutable=1"):
        try:
            con = sqlite3.connect(f"file:{path}?{options}", uri=True, timeout=2.0)
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            yield con
        finally:
            con.close()
        return
    raise sqlite3.DatabaseError(f"cannot open ({type(last).__name__})")


def handed_over(db_path: Path) -> str | None:
    """Where a healthy outbox was handed over to (``cache handover``), None if it was not."""
    try:
        with _connect(db_path) as con:
            row = con.execute("SELECT value FROM meta WHERE name='handed_over_to'").fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else str(row[0])


def _seqs(con: sqlite3.Connection) -> list[int]:
    try:
        return [int(r[0]) for r in con.execute("SELECT seq FROM records ORDER BY seq")]
    except sqlite3.Error:
        pass  # a damaged table or index page: probe every rowid up to the highest ever given
    for query in ("SELECT max(seq) FROM records", "SELECT seq FROM sqlite_sequence WHERE name='records'"):
        try:
            row = con.execute(query).fetchone()
        except sqlite3.Error:
            continue
        if row and row[0]:
            return list(range(1, int(row[0]) + 1))
    return []


def _refs_from_index(con: sqlite3.Connection) -> dict[int, str]:
    """Printed numbers by ``seq`` from the ``local_ref`` index alone: a row on a damaged page can
    still be reported by the number the citizen holds."""
    refs: dict[int, str] = {}
    try:
        for seq, ref in con.execute("SELECT seq, local_ref FROM records INDEXED BY ix_records_local_ref "
                                    "WHERE local_ref IS NOT NULL"):
            refs[int(seq)] = str(ref)
    except sqlite3.Error:
        pass  # the index is damaged too: rows are then reported by seq
    return refs


def read_rows(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every record row of the outbox file at ``path`` that SQLite can read, each with its
    attachment digests, and the rows it cannot (``{"seq", "local_ref", "reason"}``)."""
    rows, bad = [], []
    try:
        with _connect(path) as con:
            con.row_factory = sqlite3.Row
            seqs = _seqs(con)
            if not seqs:
                try:
                    con.execute("SELECT count(*) FROM records").fetchone()
                except sqlite3.Error:
                    return [], [{"seq": None, "local_ref": None, "reason": "records table unreadable"}]
                return [], []
            refs = _refs_from_index(con)
            for seq in seqs:
                try:
                    row = con.execute(_ROW, (seq,)).fetchone()
                except sqlite3.Error as exc:
                    bad.append({"seq": seq, "local_ref": refs.get(seq),
                                "reason": f"row unreadable ({type(exc).__name__})"})
                    continue
                if row is None:
                    continue  # a gap: discarded or long purged, not a record
                found = dict(row)
                try:
                    found["digests"] = [r[0] for r in con.execute(
                        "SELECT digest FROM attachment_links WHERE seq = ?", (seq,))]
                except sqlite3.Error:
                    bad.append({"seq": seq, "local_ref": found["local_ref"], "reason": "attachment list unreadable"})
                    continue
                rows.append(found)
    except sqlite3.Error as exc:
        return [], [{"seq": None, "local_ref": None, "reason": str(exc)[:80]}]
    return rows, bad


def _files(doc: dict[str, Any], files_dir: Path, cipher: Cipher) -> list[Attachment]:
    from offline_cache.attachments import AttachmentStore
    from offline_cache.store import Attachment

    store = AttachmentStore.reader(files_dir, cipher)
    return [Attachment(store.get(m["digest"]), name=m["name"], content_type=m["content_type"], part=m["part"])
            for m in doc.get("files", [])]


def salvage_into(outbox: Outbox, path: Path, files_dir: Path, cipher: Cipher) -> SalvageReport:
    """Store every readable undelivered record of the outbox file ``path`` (attachments in
    ``files_dir``, sealed with ``cipher``) in ``outbox``: dead stays dead, the rest pending.
    Raises nothing but CacheError from the live outbox other than a full disk (reported per record)."""
    report = SalvageReport(str(path))
    rows, report.unreadable = read_rows(path)
    for row in rows:
        ref = row["local_ref"]
        if row["state"] == State.ACKED:
            report.delivered += 1
            continue
        try:
            if row["payload"] is None:
                raise CacheError("payload missing", code="cache.purged")
            doc = json.loads(cipher.decrypt(bytes(row["payload"]), context=f"record:{row['key']}"))
            files = _files(doc, files_dir, cipher)
            state = State.DEAD if row["state"] == State.DEAD else State.PENDING
            outbox.restore(key=str(row["key"]), kind=str(row["kind"]), state=state,
                           document={k: v for k, v in doc.items() if k != "files"}, files=files,
                           attempts=int(row["attempts"] or 0), created_at=float(row["created_at"]),
                           last_error=row["last_error"], local_ref=ref)
        except DuplicateKey:
            report.skipped.append(str(row["key"]))
            continue
        except CacheFull as exc:
            report.unreadable.append({"seq": row["seq"], "local_ref": ref, "reason": exc.code})
            continue
        except (CacheError, ValueError, TypeError, KeyError) as exc:
            code = exc.code if isinstance(exc, CacheError) else "cache.invalid_record"
            report.unreadable.append({"seq": row["seq"], "local_ref": ref, "reason": code})
            continue
        report.imported.append({"key": row["key"], "kind": row["kind"], "local_ref": ref, "state": state.value})
    if report.imported or report.unreadable:
        log.warning("outbox salvage of %s: %d records recovered, %d unreadable (%s)", path.name,
                    len(report.imported), len(report.unreadable),
                    ", ".join(str(u["local_ref"] or f"seq {u['seq']}") for u in report.unreadable[:20]))
    outbox.note_salvage(report)
    return report
