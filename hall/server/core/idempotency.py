"""Idempotency-Key for retryable writes: the first answer is stored with the write itself.

A keyed write first *claims* its key — ``INSERT … ON CONFLICT DO NOTHING RETURNING`` on the unique
(scope, key) — in the same transaction as the write, then fills in its answer. A retry that arrives
after the first committed finds the row and gets the same status and body; one that arrives while
the first is still writing waits on the key's index entry (PostgreSQL) or the write lock (SQLite) and
then does the same, so two racing retries never both write. The same key with a different body is
:class:`~hall.server.core.errors.IdempotencyMismatch`. A refused write rolls back with its claim, so
a retry is judged afresh. The lean ticket front and the routes use these same functions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from hall.server.core.context import HallContext, Tx
from hall.server.core.errors import IdempotencyBadKey, IdempotencyMismatch
from hall.server.core.models import IdempotencyKey
from hall.server.core.retry import run_unit
from hall.server.core.sql import Sql
from hall.server.domain.errors import DomainError

MAX_KEY_LEN = 128
Outcome = tuple[int, Any]
_K = cast(Table, IdempotencyKey.__table__)
STORED = select(_K.c.request_hash, _K.c.status_code, _K.c.body).where(
    _K.c.scope == bindparam("scope"), _K.c.key == bindparam("key"))
RELEASE = _K.delete().where(_K.c.id == bindparam("rid"))
FILL = _K.update().where(_K.c.id == bindparam("rid")).values(status_code=bindparam("status"),
                                                              body=bindparam("body"))


@cache
def claim_statement(dialect: str) -> Any:
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_K)
    return ins.values(scope=bindparam("scope"), key=bindparam("key"), request_hash=bindparam("digest"),
                      status_code=0, body="", created_at=bindparam("at")).on_conflict_do_nothing(
        index_elements=[_K.c.scope, _K.c.key]).returning(_K.c.id)


def body_hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> str:
    """The key if well formed; raises :class:`IdempotencyBadKey` (1–128 ASCII characters)."""
    if not key or len(key) > MAX_KEY_LEN or not key.isascii():
        raise IdempotencyBadKey(max_len=MAX_KEY_LEN)
    return key


@dataclass(frozen=True)
class Replay:
    """The answer stored for a key: its status and the JSON text of its body."""

    status: int
    body: str


def statements(dialect: str) -> list[Any]:
    """Every statement of a keyed write (PostgreSQL creates their batch functions at start-up)."""
    return [claim_statement(dialect), STORED, FILL, RELEASE]


def replay(stored: Sequence[Any], digest: str) -> Replay | IdempotencyMismatch:
    """The stored answer for a repeat with ``digest``; a mismatch when the first request had another body."""
    if stored[0] != digest:
        return IdempotencyMismatch()
    return Replay(int(stored[1]), str(stored[2]))


def claim(sql: Sql, *, scope: str, key: str, digest: str) -> int | Replay:
    """The new key row's id when this request is the first with ``key``, else the stored answer.
    Raises :class:`IdempotencyMismatch` when the stored request had another body."""
    row = sql.row(claim_statement(sql.dialect), {"scope": scope, "key": key, "digest": digest,
                                                 "at": datetime.now(UTC)})
    if row is not None:
        return int(row[0])
    stored = sql.row(STORED, {"scope": scope, "key": key})
    assert stored is not None  # the conflict was with a committed row
    found = replay(stored, digest)
    if isinstance(found, IdempotencyMismatch):
        raise found
    return found


def run_keyed(sql: Sql, *, scope: str, key: str, digest: str, action: Callable[[], tuple[int, str]]
              ) -> tuple[int, str]:
    """``action`` (status and JSON text) once per (scope, key) inside the caller's transaction; a repeat
    gets the stored answer. A refused action leaves no claim behind (its retry is judged afresh), also in
    a batch that commits the other jobs' writes."""
    claimed = claim(sql, scope=scope, key=key, digest=digest)
    if isinstance(claimed, Replay):
        return claimed.status, claimed.body
    try:
        status, text = action()
    except DomainError:
        sql.run(RELEASE, {"rid": claimed})
        raise
    sql.run(FILL, {"rid": claimed, "status": status, "body": text})
    return status, text


def dump(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, default=str)


def run_idempotent(hall: HallContext, *, scope: str, key: str | None, payload: Any,
                   action: Callable[[Tx], Outcome]) -> Outcome:
    """Run ``action`` in a write transaction once per (scope, key); later calls get its answer."""
    if key is None:
        return run_unit(hall, action)
    check_key(key)
    digest = body_hash(payload)

    def keyed(tx: Tx) -> Outcome:
        answer: list[Any] = []

        def act() -> tuple[int, str]:
            status, body = action(tx)
            answer.append(body)
            return status, dump(body)

        status, text = run_keyed(tx.sql, scope=scope, key=key, digest=digest, action=act)
        return status, answer[0] if answer else json.loads(text)

    return run_unit(hall, keyed)
