"""Keeping the server's native memory flat over a long day (docs/reliability.md, defect 3).

The soak found RSS rising ~5 KB per ticket with no plateau, while tracemalloc showed the Python heap
flat (no Python object outlives its request). The growth was native: glibc gives every thread that
allocates its own malloc arena (up to 8 per core), the threads serving requests churn through
SQLAlchemy/driver buffers in all of them, and the freed pages stay mapped; and each pooled SQLite
connection fills a page cache of its own (2 MiB by default) as the database grows. Bounds:

* :func:`limit_arenas` caps glibc arenas (``M_ARENA_MAX``) before any worker thread exists;
* :func:`trim` hands free pages back to the OS (``malloc_trim``), called by the snapshot task;
* :data:`SQLITE_CACHE_KIB` caps each SQLite connection's page cache (set in :mod:`hall.server.core.db`);
  the pool size caps how many there are.

On a C library other than glibc (musl, macOS) the two calls do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import time

log = logging.getLogger(__name__)

ARENAS = 2  # what servers with thread pools commonly run with (MALLOC_ARENA_MAX=2)
SQLITE_CACHE_KIB = 512
TRIM_EVERY_S = 30.0
_M_ARENA_MAX = -8  # mallopt parameter number in glibc's malloc.h

_last_trim = 0.0


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library if it is glibc; looked up once (find_library may run ldconfig), a miss included."""
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        lib.mallopt  # noqa: B018 - glibc only; AttributeError elsewhere
        lib.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return lib


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Cap malloc arenas; call before threads start (arenas already made are kept). True if applied."""
    libc = _glibc()
    ok = bool(libc is not None and libc.mallopt(_M_ARENA_MAX, arenas) == 1)
    if not ok:
        log.info("malloc arena limit not applied (not glibc)")
    return ok


def trim(*, every_s: float = TRIM_EVERY_S, now: float | None = None) -> bool:
    """Return free heap pages to the OS, at most once per ``every_s``. True if it ran."""
    global _last_trim
    now = time.monotonic() if now is None else now
    libc = _glibc()
    if libc is None or now - _last_trim < every_s:
        return False
    _last_trim = now
    libc.malloc_trim(0)
    return True
