"""One sync worker per outbox: an advisory file lock next to the database.

Only the lock holder resumes in-flight records after a crash, so ``cache sync`` run by a technician
never resets records that a running kiosk is sending at that moment.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from offline_cache.errors import SyncBusy
from offline_cache.schema import guarded


class SyncLock:
    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".sync.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Raises SyncBusy if another process holds it."""
        if self._fd is not None:
            return
        with guarded():
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SyncBusy("another process is syncing this outbox") from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None
