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

from hall.server.errors import ApiError

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
    """Copy ``src`` into the blob store. Raises ApiError 413 (too large) or 415 (not JPEG/PNG/PDF)."""
    root = data_dir / "blobs"
    root.mkdir(parents=True, exist_ok=True)
    digest, size, kind = hashlib.sha256(), 0, None
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := src.read(_CHUNK):
                if kind is None:
                    kind = sniff(chunk[:16])
                    if kind is None:
                        raise ApiError(415, "upload.unsupported_type", "only JPEG, PNG and PDF files are accepted")
                size += len(chunk)
                if size > max_bytes:
                    raise ApiError(413, "upload.file_too_large", f"a file may be at most {max_bytes} bytes")
                if size > budget:
                    raise ApiError(413, "upload.submission_too_large", "the submission's files are too large")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if kind is None:
            raise ApiError(415, "upload.empty", "an empty file is not a JPEG, PNG or PDF")
        sha = digest.hexdigest()
        final = blob_path(data_dir, sha)
        final.parent.mkdir(exist_ok=True)
        os.replace(tmp, final)
        return StoredFile(sha, kind[0], kind[1], size)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
