"""Write transactions that PostgreSQL may abort (deadlock, serialization failure) run again, a few times.

Ticket transitions lock rows in one order — window, then ticket, then the line's counter rows (sorted)
— so they should not deadlock; this is the guard for what that order does not cover. The whole unit
runs again from the start: the aborted attempt was rolled back, its events were never sent, and the
idempotency row (written in the same transaction) was not stored, so a repeat is the first attempt.
When every attempt fails the client gets a JSON 503 with ``Retry-After`` (see :mod:`hall.server.core.http_errors`).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from hall.server.core.context import HallContext, Tx
from hall.server.core.errors import DatabaseBusy

log = logging.getLogger(__name__)
T = TypeVar("T")

ATTEMPTS = 4
# 40P01 deadlock_detected, 40001 serialization_failure: the transaction was aborted and may be retried.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


class StateChanged(Exception):
    """Raised inside a unit when a row changed between reading it and locking it in lock order."""


def retryable(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL aborting the transaction in a way that a new attempt can pass."""
    if isinstance(exc, StateChanged):
        return True
    orig = exc.orig if isinstance(exc, DBAPIError) else None
    return getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES


def run_unit(hall: HallContext, action: Callable[[Tx], T], *, attempts: int = ATTEMPTS,
             sleep: Callable[[float], None] = time.sleep) -> T:
    """``action`` in a write transaction; a deadlock or serialization failure reruns it (bounded)."""
    for attempt in range(1, attempts + 1):
        try:
            with hall.unit() as tx:
                return action(tx)
        except Exception as exc:
            if not retryable(exc):
                raise
            kind = "state_changed" if isinstance(exc, StateChanged) else getattr(exc.orig, "sqlstate", "?")  # type: ignore[attr-defined]
            if attempt == attempts:
                log.warning("write aborted %d times (%s); answering 503", attempts, kind)
                raise DatabaseBusy() from exc
            log.info("write aborted (%s), attempt %d of %d; running it again", kind, attempt, attempts)
            # Jitter so the two sides of a deadlock do not meet again at the same instant.
            sleep(random.uniform(0.005, 0.02) * attempt)
    raise AssertionError("unreachable")
