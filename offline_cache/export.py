"""Export and import of outbox records for a technician: an encrypted bundle, one file.

A dead record can never go from this terminal, but it is a citizen's submission or ticket: the
hall's back office (or a replacement terminal) must be able to take it over. The outbox key
cannot travel with it (it unlocks everything else on the terminal), so the bundle is sealed with a
key derived from a technician's passphrase (scrypt). The passphrase never appears on a command
line; it comes from ``HALL_EXPORT_PASSPHRASE`` or a file.

Bundle (JSON): ``format``, ``version``, ``exported_at``, ``states``, ``kdf`` (scrypt parameters and
salt), ``check`` (proves the passphrase before any record is touched) and ``records``: each with
``meta`` in clear — only the non-personal fields ``cache list`` shows (key, kind, state, attempts,
times, ``last_error``, ``local_ref``, ``server_ref``) — and ``sealed``: AES-256-GCM of the body
and the material images, with the ``meta`` as associated data so the clear part cannot be altered
unnoticed. Importing keeps each record's idempotency key, so the server still recognises anything
it already has: exporting, importing elsewhere and sending from both delivers once.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from offline_cache.crypto import Cipher
from offline_cache.epoch import Numbering
from offline_cache.errors import BundleError, DecryptFailed, DuplicateKey, PassphraseMissing, WrongPassphrase
from offline_cache.schema import guarded
from offline_cache.states import Record, State
from offline_cache.store import Attachment, Outbox

FORMAT = "hall-outbox-export"
VERSION = 1
PASSPHRASE_ENV = "HALL_EXPORT_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret
MIN_PASSPHRASE = 12
EXPORTABLE = (State.DEAD, State.PENDING, State.IN_FLIGHT)
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}
_CHECK = b"hall outbox export"
_META = ("key", "kind", "state", "attempts", "created_at", "last_error", "local_ref", "server_ref")


@dataclass(frozen=True, slots=True)
class BundleSummary:
    """What an export or import did; JSON-ready, no personal data."""

    path: str
    states: tuple[str, ...]
    records: tuple[dict[str, Any], ...]
    skipped: tuple[str, ...] = field(default=())

    def public(self) -> dict[str, Any]:
        return {"path": self.path, "states": list(self.states), "count": len(self.records),
                "records": list(self.records), "skipped": list(self.skipped)}


def read_passphrase(passphrase_file: str | None = None) -> str:
    """From ``passphrase_file`` (first line) or ``$HALL_EXPORT_PASSPHRASE``. Raises PassphraseMissing."""
    if passphrase_file:
        try:
            text = Path(passphrase_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise PassphraseMissing(f"cannot read the passphrase file ({exc.__class__.__name__})") from exc
        value = text[0] if text else ""
    else:
        value = os.environ.get(PASSPHRASE_ENV, "")
    if len(value.strip()) < MIN_PASSPHRASE:
        raise PassphraseMissing(f"a passphrase of at least {MIN_PASSPHRASE} characters is needed "
                                f"(--passphrase-file or {PASSPHRASE_ENV})")
    return value.strip()


def _cipher(passphrase: str, salt: bytes, params: Mapping[str, int]) -> Cipher:
    kdf = Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"])
    return Cipher(kdf.derive(passphrase.encode()))


def _meta(rec: Record) -> dict[str, Any]:
    public = rec.public()
    return {name: public[name] for name in _META}


def _context(meta: Mapping[str, Any]) -> str:
    return "export:" + json.dumps(meta, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def export_records(outbox: Outbox, path: Path, *, passphrase: str,
                   states: Iterable[State] = (State.DEAD,)) -> BundleSummary:
    """Write the records in ``states`` to an encrypted bundle at ``path`` (0600, atomic). The records
    stay in the outbox. Raises PassphraseMissing, BundleError, StorageError, DecryptFailed."""
    wanted = tuple(State(s) for s in states)
    if not wanted or any(s not in EXPORTABLE for s in wanted):
        raise BundleError("only dead, pending and in-flight records can be exported")
    if len(passphrase) < MIN_PASSPHRASE:
        raise PassphraseMissing(f"a passphrase of at least {MIN_PASSPHRASE} characters is needed")
    salt = os.urandom(16)
    cipher = _cipher(passphrase, salt, _SCRYPT)
    chosen = [r for r in outbox.records() if r.state in wanted]
    entries: list[dict[str, Any]] = []
    for rec in chosen:
        doc = outbox.document(rec.key)  # Purged cannot happen: acked records are not exportable
        files = [{**{k: m[k] for k in ("name", "content_type", "part")}, "data": _b64(data)}
                 for m, data in outbox.file_data(rec.key)]
        plain = json.dumps({**doc, "files": files}, ensure_ascii=False, separators=(",", ":")).encode()
        meta = _meta(rec)
        entries.append({"meta": meta, "sealed": _b64(cipher.encrypt(plain, context=_context(meta)))})
    bundle = {"format": FORMAT, "version": VERSION, "exported_at": datetime.now(UTC).isoformat(),
              "states": [s.value for s in wanted],
              "kdf": {"name": "scrypt", **_SCRYPT, "salt": _b64(salt)},
              "check": _b64(cipher.encrypt(_CHECK, context="export:check")), "records": entries,
              # Sealed too: the importing terminal continues above these numbers (no number twice).
              "numbering": _b64(cipher.encrypt(json.dumps(outbox.numbering().public()).encode(),
                                               context="export:numbering"))}
    _write_atomic(path, json.dumps(bundle, ensure_ascii=True).encode())
    return BundleSummary(str(path), tuple(s.value for s in wanted), tuple(e["meta"] for e in entries))


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with guarded():
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)


def read_bundle(path: Path) -> dict[str, Any]:
    """The bundle's JSON with its clear metadata (no passphrase needed). Raises BundleError."""
    try:
        bundle = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise BundleError(f"cannot read the bundle ({exc.__class__.__name__})") from exc
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise BundleError("not an outbox export bundle")
    if bundle.get("version") != VERSION:
        raise BundleError(f"unknown bundle version {bundle.get('version')!r}")
    return bundle


def _open(bundle: Mapping[str, Any], passphrase: str) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]],
                                                                Numbering | None]:
    """Every record's (meta, document) decrypted, or an error before anything is stored."""
    try:
        kdf = bundle["kdf"]
        cipher = _cipher(passphrase, base64.b64decode(kdf["salt"]), {k: int(kdf[k]) for k in ("n", "r", "p")})
        check = base64.b64decode(bundle["check"])
        entries = [(dict(e["meta"]), base64.b64decode(e["sealed"])) for e in bundle["records"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError("the bundle is incomplete or damaged") from exc
    try:
        if cipher.decrypt(check, context="export:check") != _CHECK:
            raise WrongPassphrase("wrong passphrase")
    except DecryptFailed as exc:
        raise WrongPassphrase("wrong passphrase") from exc
    opened = []
    for meta, sealed in entries:
        # The clear metadata is the associated data: an altered kind, state or key fails here.
        doc = json.loads(cipher.decrypt(sealed, context=_context(meta)))
        opened.append((meta, doc))
    numbering = None
    if bundle.get("numbering"):
        try:
            numbering = Numbering.parse(json.loads(cipher.decrypt(base64.b64decode(bundle["numbering"]),
                                                                  context="export:numbering")))
        except (KeyError, TypeError, ValueError) as exc:
            raise BundleError("the bundle's numbering is damaged") from exc
    return opened, numbering


def import_records(outbox: Outbox, path: Path, *, passphrase: str) -> BundleSummary:
    """Store a bundle's records in ``outbox`` under their own keys: dead stays dead (``cache retry``
    sends it), pending and in-flight become pending. Keys already present are skipped. The
    exporting terminal's numbering is merged: this one's numbers continue above it, in a new epoch. Nothing is
    stored unless every record decrypts. Raises BundleError, DecryptFailed (wrong passphrase or an
    altered bundle), CacheFull/DiskFull, StorageError."""
    bundle = read_bundle(path)
    opened, numbering = _open(bundle, passphrase)
    done, skipped = [], []
    for meta, doc in opened:
        files = _attachments(doc.pop("files", []))
        state = State.DEAD if meta["state"] == State.DEAD else State.PENDING
        try:
            rec = outbox.restore(key=str(meta["key"]), kind=str(meta["kind"]), state=state, document=doc,
                                 files=files, attempts=int(meta["attempts"]),
                                 created_at=float(meta["created_at"]), last_error=meta["last_error"],
                                 local_ref=meta["local_ref"])
        except DuplicateKey:
            skipped.append(str(meta["key"]))
            continue
        done.append(_meta(rec))
    if numbering is not None:
        outbox.merge_numbering(numbering, reason="import", source=str(path))
    return BundleSummary(str(path), tuple(bundle.get("states", ())), tuple(done), tuple(skipped))


def _attachments(files: Sequence[Mapping[str, Any]]) -> list[Attachment]:
    try:
        return [Attachment(base64.b64decode(f["data"]), name=str(f["name"]), content_type=str(f["content_type"]),
                           part=str(f["part"])) for f in files]
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError("a material in the bundle is damaged") from exc

