"""Uploaded materials: content sniffing (JPEG, PNG, PDF only), size caps, content-addressed storage.

No client-supplied name or path reaches the disk: a file is stored as ``blobs/<sha[:2]>/<sha>``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from hall.server.submissions.errors import (
    BadFilename,
    EmptyUpload,
    FileNotFound,
    FileTooLarge,
    ImageTooLarge,
    SubmissionTooLarge,
    UnsupportedType,
)
from hall.server.submissions.file_check import check_file
from hall.server.submissions.image_header import MAX_PIXELS, declared_size
from hall.server.submissions.models import Blob

_CHUNK = 256 * 1024
_MAGIC = ((b"\xff\xd8\xff", "image/jpeg", "jpg"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
          (b"%PDF-", "application/pdf", "pdf"))


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    content_type: str
    file_format: str
    size: int


@dataclass(frozen=True)
class Part:
    """A file part of an upload: the name the request gives it, the client's file name, its content."""

    name: str
    filename: str | None
    file: BinaryIO


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, ctype, fmt in _MAGIC:
        if head.startswith(magic):
            return ctype, fmt
    return None


def blob_path(data_dir: Path, sha: str) -> Path:
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise FileNotFound()
    return data_dir / "blobs" / sha[:2] / sha


def store(src: BinaryIO, data_dir: Path, *, max_bytes: int, budget: int) -> StoredFile:
    """Copy ``src`` into the blob store, durably: when this returns, the file and its name survive a
    power cut (file fsync, rename, directory fsync), so a submission is never acknowledged with a
    material that could vanish. Content already stored is not written again.

    Raises FileTooLarge, SubmissionTooLarge, ImageTooLarge (413) or UnsupportedType, EmptyUpload, Polyglot
    (415)."""
    root = data_dir / "blobs"
    digest, size, kind = hashlib.sha256(), 0, None
    try:
        fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload-")
    except FileNotFoundError:
        _make_dir(root)
        fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := src.read(_CHUNK):
                if kind is None:
                    kind = sniff(chunk[:16])
                    if kind is None:
                        raise UnsupportedType()
                    _refuse_bombs(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise FileTooLarge(max_bytes=max_bytes)
                if size > budget:
                    raise SubmissionTooLarge()
                digest.update(chunk)
                out.write(chunk)
            if kind is None:
                raise EmptyUpload()
            sha = digest.hexdigest()
            final = blob_path(data_dir, sha)
            # A resend after a lost answer carries the same bytes: no second copy, only make sure
            # the first one's name is durable (its writer may have died before the directory fsync).
            out.flush()
            check_file(Path(tmp), kind[0])  # the real frame header wherever it is; no polyglot
            if _stored_already(final, size):
                _fsync_dir(final.parent)
                return StoredFile(sha, kind[0], kind[1], size)
            os.fsync(out.fileno())
        if _make_dir(final.parent):
            _fsync_dir(root)
        os.replace(tmp, final)
        _fsync_dir(final.parent)
        return StoredFile(sha, kind[0], kind[1], size)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def check_filename(filename: str | None) -> None:
    """The name never reaches the disk, but a name with a path in it is an attack or a broken client:
    say so (:class:`BadFilename`) instead of quietly storing the file."""
    if filename and (any(c in filename for c in "/\\") or filename in (".", "..") or not filename.isprintable()):
        raise BadFilename()


def store_all(parts: Iterable[Part], data_dir: Path, *, max_bytes: int, budget: int) -> dict[str, StoredFile]:
    """Every part stored (see :func:`store`), by part name; ``budget`` caps their sum."""
    files = {}
    for part in parts:
        check_filename(part.filename)
        stored = store(part.file, data_dir, max_bytes=max_bytes, budget=budget)
        budget -= stored.size
        files[part.name] = stored
    return files


# Built once per dialect: a statement rebuilt with literal rows on every upload is compiled every time.
_ADD_BLOB = {name: ins(cast(Table, Blob.__table__)).on_conflict_do_nothing(index_elements=["sha256"])
             for name, ins in (("postgresql", pg_insert), ("sqlite", sqlite_insert))}


def add_blobs(session: Session, files: Iterable[StoredFile]) -> None:
    """Blob rows for the stored files; a file already known (same content) is left as it is."""
    now = datetime.now(UTC)
    rows = {f.sha256: {"sha256": f.sha256, "content_type": f.content_type, "size": f.size, "created_at": now}
            for f in files}
    if not rows:
        return
    conn = session.connection()
    conn.execute(_ADD_BLOB[conn.dialect.name], list(rows.values()))


def _refuse_bombs(head: bytes) -> None:
    """An image declaring more pixels than any scan or photo has is refused before it is stored."""
    size = declared_size(head)
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        raise ImageTooLarge(max_pixels=MAX_PIXELS)


def _stored_already(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except FileNotFoundError:
        return False


def _make_dir(path: Path) -> bool:
    """Create ``path`` (and parents); True when it was new, so its parent entry needs an fsync."""
    try:
        path.mkdir()
    except FileExistsError:
        return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(exist_ok=True)
    return True


def _fsync_dir(path: Path) -> None:
    # A rename or a new entry is durable only once its directory is: one fsync per stored file.
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
