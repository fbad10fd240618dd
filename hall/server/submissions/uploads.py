"""Uploaded materials: content sniffing (JPEG, PNG, PDF only), size caps, content-addressed storage.

No client-supplied name or path reaches the disk: a file is stored as ``blobs/<sha[:2]>/<sha>``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from hall.server.core.http_errors import ApiError
from hall.server.submissions.image_header import MAX_PIXELS, declared_size

_CHUNK = 256 * 1024
_MAGIC = ((b"\xff\xd8\xff", "image/jpeg", "jpg"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
          (b"%PDF-", "application/pdf", "pdf"))


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    content_type: str
    file_format: str
    size: int


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, ctype, fmt in _MAGIC:
        if head.startswith(magic):
            return ctype, fmt
    return None


def blob_path(data_dir: Path, sha: str) -> Path:
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise ApiError(404, "file.not_found", "no such file")
    return data_dir / "blobs" / sha[:2] / sha


def store(src: BinaryIO, data_dir: Path, *, max_bytes: int, budget: int) -> StoredFile:
    """Copy ``src`` into the blob store, durably: when this returns, the file and its name survive a
    power cut (file fsync, rename, directory fsync), so a submission is never acknowledged with a
    material that could vanish. Content already stored is not written again.

    Raises ApiError 413 (too large) or 415 (not JPEG/PNG/PDF)."""
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
                        raise ApiError(415, "upload.unsupported_type", "only JPEG, PNG and PDF files are accepted")
                    _refuse_bombs(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise ApiError(413, "upload.file_too_large", f"a file may be at most {max_bytes} bytes")
                if size > budget:
                    raise ApiError(413, "upload.submission_too_large", "the submission's files are too large")
                digest.update(chunk)
                out.write(chunk)
            if kind is None:
                raise ApiError(415, "upload.empty", "an empty file is not a JPEG, PNG or PDF")
            sha = digest.hexdigest()
            final = blob_path(data_dir, sha)
            # A resend after a lost answer carries the same bytes: no second copy, only make sure
            # the first one's name is durable (its writer may have died before the directory fsync).
            if _stored_already(final, size):
                _fsync_dir(final.parent)
                return StoredFile(sha, kind[0], kind[1], size)
            out.flush()
            os.fsync(out.fileno())
        if _make_dir(final.parent):
            _fsync_dir(root)
        os.replace(tmp, final)
        _fsync_dir(final.parent)
        return StoredFile(sha, kind[0], kind[1], size)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _refuse_bombs(head: bytes) -> None:
    """An image declaring more pixels than any scan or photo has is refused before it is stored."""
    size = declared_size(head)
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        raise ApiError(413, "upload.image_too_large", f"an image may have at most {MAX_PIXELS} pixels")


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
