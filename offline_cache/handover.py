"""Replacing a terminal: ``cache handover --to DIR`` on the old outbox, ``cache takeover DIR`` on the new.

A handover folder holds a consistent copy of the old database (SQLite's backup API: whatever sat
in the WAL is in it, nothing of another terminal's WAL can mix in), the attachment files of every
undelivered record as they are (still sealed with the old key), and ``handover.json``: what it
holds in clear (non-personal metadata, as ``cache list``) plus, sealed with a key derived from the
technician's passphrase (scrypt, as export bundles), the old outbox key and the numbering state
(prefix, epoch, sequences). The takeover opens the old records record by record with that key,
stores them in this outbox under their own idempotency keys — re-encrypted with this terminal's
key — and continues numbering above the old terminal's in a new epoch. The old outbox is marked
handed over: started again it sets itself aside and begins a new epoch instead of sending or
numbering on.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from offline_cache.crypto import Cipher
from offline_cache.epoch import Numbering
from offline_cache.errors import DecryptFailed, HandoverError, TakeoverRefused, TargetMissing, WrongPassphrase
from offline_cache.export import _SCRYPT, MIN_PASSPHRASE, _cipher, _write_atomic
from offline_cache.salvage import salvage_into
from offline_cache.schema import guarded
from offline_cache.states import State
from offline_cache.store import Outbox

FORMAT = "hall-outbox-handover"
VERSION = 1
MANIFEST = "handover.json"
_UNSENT = (State.PENDING, State.IN_FLIGHT, State.DEAD)


def check_folder(target: Path) -> None:
    """Raise TargetMissing unless ``target``'s parent exists (a USB stick that is not mounted)."""
    if not target.parent.is_dir():
        raise TargetMissing(f"folder {target.parent} does not exist (is the USB stick mounted?)")


def handover(outbox: Outbox, *, key: bytes, target: Path, passphrase: str, terminal_id: str) -> dict[str, Any]:
    """Write the handover folder ``target`` (created; must not hold a handover already) and mark
    ``outbox`` handed over. The caller holds the sync lock (no kiosk sends meanwhile). Raises
    TargetMissing, HandoverError, PassphraseMissing, StorageError."""
    if len(passphrase) < MIN_PASSPHRASE:
        from offline_cache.errors import PassphraseMissing
        raise PassphraseMissing(f"a passphrase of at least {MIN_PASSPHRASE} characters is needed")
    check_folder(target)
    if (target / MANIFEST).exists() or (target / "outbox.db").exists():
        raise HandoverError(f"{target} already holds a handover; choose an empty folder")
    outbox.resume()  # in flight at the stop: pending now, so the takeover sends it
    with guarded():
        target.mkdir(mode=0o700, exist_ok=True)
        src = sqlite3.connect(str(outbox.db_path), timeout=10.0)
        dst = sqlite3.connect(str(target / "outbox.db"))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        (target / "outbox.db").chmod(0o600)
    unsent = [r for r in outbox.records() if r.state in _UNSENT]
    with guarded():
        for rec in unsent:
            for digest in rec.attachments:
                dest = target / "files" / digest[:2] / outbox.files.path(digest).name
                dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                shutil.copyfile(outbox.files.path(digest), dest)
                dest.chmod(0o600)
    numbering = outbox.numbering()
    salt = os.urandom(16)
    cipher = _cipher(passphrase, salt, _SCRYPT)
    secret = json.dumps({"key": base64.b64encode(key).decode(), "numbering": numbering.public()}).encode()
    manifest = {"format": FORMAT, "version": VERSION, "created_at": datetime.now(UTC).isoformat(),
                "terminal_id": terminal_id, "prefix": numbering.prefix, "epoch": numbering.epoch,
                "records": [{k: r.public()[k] for k in ("key", "kind", "state", "local_ref", "last_error")}
                            for r in unsent],
                "kdf": {"name": "scrypt", **_SCRYPT, "salt": base64.b64encode(salt).decode()},
                "sealed": base64.b64encode(cipher.encrypt(secret, context="handover:secret")).decode()}
    _write_atomic(target / MANIFEST, json.dumps(manifest, ensure_ascii=True, indent=1).encode())
    outbox.mark_handed_over(str(target))
    return {"path": str(target), "count": len(unsent), "records": manifest["records"],
            "numbering": {"prefix": numbering.prefix, "epoch": numbering.epoch}}


def _read(source: Path, passphrase: str) -> tuple[dict[str, Any], bytes, Numbering]:
    try:
        manifest = json.loads((source / MANIFEST).read_bytes())
    except FileNotFoundError as exc:
        raise HandoverError(f"{source} holds no {MANIFEST}: not a handover folder (or an unfinished one)") from exc
    except (OSError, ValueError) as exc:
        raise HandoverError(f"cannot read {source / MANIFEST} ({exc.__class__.__name__})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise HandoverError("not a handover folder of this version")
    try:
        kdf = manifest["kdf"]
        cipher = _cipher(passphrase, base64.b64decode(kdf["salt"]), {k: int(kdf[k]) for k in ("n", "r", "p")})
        sealed = base64.b64decode(manifest["sealed"])
    except (KeyError, TypeError, ValueError) as exc:
        raise HandoverError("the handover folder is incomplete or damaged") from exc
    try:
        secret = json.loads(cipher.decrypt(sealed, context="handover:secret"))
    except DecryptFailed as exc:
        raise WrongPassphrase("wrong passphrase (or an altered handover)") from exc
    return manifest, base64.b64decode(secret["key"]), Numbering.parse(secret["numbering"])


def takeover(outbox: Outbox, *, source: Path, passphrase: str, merge: bool = False) -> dict[str, Any]:
    """Take the records and numbering of the handover folder ``source`` into ``outbox``. Refuses an
    outbox that holds undelivered records unless ``merge``; merging keeps every record's state
    (pending stays pending, dead stays dead) and skips keys already here. The caller holds the
    sync lock. Raises HandoverError, WrongPassphrase, TakeoverRefused, StorageError."""
    if not source.is_dir():
        raise TargetMissing(f"folder {source} does not exist (is the USB stick mounted?)")
    manifest, key, numbering = _read(source, passphrase)
    held = outbox.unsent_count()
    if held and not merge:
        raise TakeoverRefused(f"this outbox holds {held} undelivered records; add --merge to keep both backlogs")
    report = salvage_into(outbox, source / "outbox.db", source / "files", Cipher(key))
    new_epoch = outbox.merge_numbering(numbering, reason="takeover", source=str(source))
    return {**report.public(), "from_terminal": manifest.get("terminal_id"),
            "numbering": {"prefix": numbering.prefix, "epoch": numbering.epoch}, "epoch": new_epoch,
            "merged": bool(held)}
