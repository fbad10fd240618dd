"""Idempotency-Key handling for retryable writes: the first response is stored with the write itself.

The key row is inserted in the same transaction as the write, under a unique constraint on
(scope, key): two racing retries cannot both commit, and the loser replays the winner's response.
A repeat with a different body gets 409 ``idempotency.mismatch``. A deadlocked attempt runs again
(:func:`hall.server.retry.run_unit`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hall.server.core.context import HallContext, Tx
from hall.server.core.http_errors import ApiError
from hall.server.core.models import IdempotencyKey
from hall.server.core.retry import run_unit

MAX_KEY_LEN = 128
Outcome = tuple[int, Any]


def body_hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored(hall: HallContext, scope: str, key: str) -> IdempotencyKey | None:
    with hall.db.read() as s:
        return s.scalar(select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key))


def _replay(row: IdempotencyKey, digest: str) -> Outcome:
    if row.request_hash != digest:
        raise ApiError(409, "idempotency.mismatch",
                       "this Idempotency-Key was already used with a different request body")
    return row.status_code, json.loads(row.body)


def run_idempotent(hall: HallContext, *, scope: str, key: str | None, payload: Any,
                   action: Callable[[Tx], Outcome]) -> Outcome:
    """Run ``action`` in a write transaction once per (scope, key); later calls replay its response."""
    if key is None:
        return run_unit(hall, action)
    if not key or len(key) > MAX_KEY_LEN or not key.isascii():
        raise ApiError(422, "idempotency.bad_key", f"Idempotency-Key must be 1-{MAX_KEY_LEN} ASCII characters")
    digest = body_hash(payload)
    row = _stored(hall, scope, key)
    if row is not None:
        return _replay(row, digest)

    def keyed(tx: Tx) -> Outcome:
        status, body = action(tx)
        tx.session.add(IdempotencyKey(scope=scope, key=key, request_hash=digest, status_code=status,
                                      body=json.dumps(body, ensure_ascii=False, default=str)))
        tx.session.flush()
        return status, body

    try:
        return run_unit(hall, keyed)
    except IntegrityError:
        # Either a racing retry committed first (replay it) or the write itself broke a constraint.
        row = _stored(hall, scope, key)
        if row is None:
            raise
        return _replay(row, digest)
