"""A reserve file beside the outbox: disk space set aside so a full disk cannot stop the backlog.

Delivering a record still writes (its state, in the WAL). When the disk fills up — logs, a stuck
download, another program — SQLite would fail those writes and ``cache sync`` could not drain.
The reserve (``outbox.db.reserve``, ``cache.reserve_kb``) is made while there is room; the sync
worker and ``cache sync`` give it back the moment free space runs out, then write in small WAL
steps (see ``Outbox.low_space``), and it is made again once the disk has room.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

# Below this much free space (or a quarter of the reserve, if more) the reserve is given back.
LOW_WATER_BYTES = 64 * 1024


class Reserve:
    def __init__(self, path: Path, size: int) -> None:
        self.path, self.size = path, size
        self.low_water = max(LOW_WATER_BYTES, size // 4)

    @property
    def held(self) -> bool:
        return self.path.exists()

    def free_bytes(self) -> int:
        try:
            return shutil.disk_usage(self.path.parent).free
        except OSError:
            return 0

    def keep(self) -> bool:
        """Make the reserve if it is missing and the disk has room for it and more. True when held."""
        if self.size <= 0 or self.held:
            return self.held
        if self.free_bytes() < self.size * 2 + self.low_water:
            return False
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return True
        except OSError as exc:
            log.warning("outbox: disk reserve not made (%s)", exc.__class__.__name__)
            return False
        try:
            os.write(fd, b"\0" * self.size)  # real blocks: a sparse file would reserve nothing
            os.fsync(fd)
        except OSError as exc:
            log.warning("outbox: disk reserve not made (%s)", exc.__class__.__name__)
            os.close(fd)
            with contextlib.suppress(OSError):
                self.path.unlink()
            return False
        os.close(fd)
        return True

    def release(self) -> bool:
        """Give the space back. True when there was a reserve to give."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            log.error("outbox: disk reserve could not be released (%s)", exc.__class__.__name__)
            return False
        log.error("outbox: disk almost full; released the %d KB reserve to keep delivering", self.size // 1024)
        return True

    def low(self) -> bool:
        """The disk is (nearly) full: below the low-water mark."""
        return self.free_bytes() < self.low_water
