"""Material images as encrypted files named by a keyed content hash, written atomically.

Write path: temp file in the same directory, fsync, rename, fsync the directory — so a crash
leaves either the whole file or none. Files are written before the record that references them
is committed; files nothing references (a crash between the two) are swept at start-up.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from offline_cache.crypto import Cipher
from offline_cache.errors import StorageError
from offline_cache.schema import guarded

log = logging.getLogger(__name__)

_SUFFIX = ".bin"
_TMP_PREFIX = ".tmp-"


class AttachmentStore:
    def __init__(self, directory: Path, cipher: Cipher) -> None:
        self.directory = directory
        self._cipher = cipher
        with guarded():
            directory.mkdir(parents=True, exist_ok=True)
            directory.chmod(0o700)

    @classmethod
    def reader(cls, directory: Path, cipher: Cipher) -> AttachmentStore:
        """A store to read from only (another outbox's files): nothing is created or changed."""
        store = cls.__new__(cls)
        store.directory, store._cipher = directory, cipher
        return store

    def path(self, digest: str) -> Path:
        return self.directory / digest[:2] / f"{digest}{_SUFFIX}"

    def digest(self, data: bytes) -> str:
        return self._cipher.digest(data)

    def put(self, data: bytes) -> tuple[str, int]:
        """Store ``data`` encrypted; return (digest, bytes on disk). Same content is stored once.

        Raises DiskFull / StorageError.
        """
        digest = self._cipher.digest(data)
        target = self.path(digest)
        with guarded():
            if target.exists():
                return digest, target.stat().st_size
            blob = self._cipher.encrypt(data, context=f"attachment:{digest}")
            target.parent.mkdir(exist_ok=True)
            tmp = target.parent / f"{_TMP_PREFIX}{uuid.uuid4().hex}"
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                try:
                    view = memoryview(blob)
                    while view:
                        view = view[os.write(fd, view):]
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.replace(tmp, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise
            _fsync_dir(target.parent)
            return digest, len(blob)

    def get(self, digest: str) -> bytes:
        """The plaintext of a stored attachment. Raises StorageError if missing, DecryptFailed if altered
        or stored under another name."""
        with guarded():
            try:
                blob = self.path(digest).read_bytes()
            except FileNotFoundError as exc:
                raise StorageError("attachment file missing", code="cache.attachment_missing") from exc
        # The name is the AEAD's associated data: a file swapped in under another name, or altered,
        # fails authentication here, so re-hashing the plaintext would prove nothing more.
        return self._cipher.decrypt(blob, context=f"attachment:{digest}")

    def delete(self, digests: Iterable[str]) -> None:
        for digest in digests:
            with guarded(), contextlib.suppress(FileNotFoundError):
                self.path(digest).unlink()

    def sweep(self, referenced: set[str], *, older_than_s: float = 3600.0) -> int:
        """Delete temp files and unreferenced files older than ``older_than_s`` (another process may
        be between writing a file and committing its record). Returns how many were removed."""
        removed = 0
        cutoff = time.time() - older_than_s
        with guarded():
            for sub in self.directory.iterdir():
                if not sub.is_dir():
                    continue
                for file in sub.iterdir():
                    stale = file.stat().st_mtime < cutoff
                    name = file.name
                    orphan = name.endswith(_SUFFIX) and name[: -len(_SUFFIX)] not in referenced
                    if stale and (name.startswith(_TMP_PREFIX) or orphan):
                        file.unlink(missing_ok=True)
                        removed += 1
        if removed:
            log.info("outbox: removed %d unreferenced attachment files", removed)
        return removed

    def total_bytes(self) -> int:
        with guarded():
            return sum(f.stat().st_size for f in self.directory.rglob(f"*{_SUFFIX}"))


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
