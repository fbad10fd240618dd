"""PostgreSQL: run one statement for many parameter rows in one round trip, with its own SQL text.

For a batch, the writer runs each of its statements (claim a key, count a quota, bump a counter, insert
a ticket …) for every row at once: :class:`ArrayStatement` generates, from the statement's compiled
PostgreSQL text, a PL/pgSQL function that loops over one array per parameter and returns, per row in
order, whether the statement produced a row and that row. Nothing about a rule is written in the
function: it is the statement itself, only vectorised, so the numbering and idempotency rules stay
defined once (in :mod:`hall.server.tickets.numbering`, :mod:`hall.server.core.idempotency`, …). The
functions are named by a hash of their text (``hall_many_<hash>``) and created by
:func:`install` at server start, so replicas of different versions never share one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

from sqlalchemy.dialects.postgresql import psycopg as pg_psycopg
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import NullType

_DIALECT = pg_psycopg.dialect()
_PARAM = re.compile(r"%\((\w+)\)s")
_LOCK_ID = 7_004_003  # advisory lock while creating the functions (any constant the replicas share)
_registry: dict[int, ArrayStatement] = {}
# (server, database) → the functions created there by this process.
_installed: dict[tuple[str, int, str], set[str]] = {}


def _database(dbapi_connection: Any) -> tuple[str, int, str]:
    info = dbapi_connection.info
    return str(info.host), int(info.port), str(info.dbname)


def _pg_type(type_: Any) -> str:
    if isinstance(type_, NullType):
        return "text"
    return re.sub(r"\(\d+\)", "", type_.compile(dialect=_DIALECT)).lower()


class ArrayStatement:
    """``stmt`` (a module-level constant) as a PostgreSQL function over arrays of its parameters."""

    def __init__(self, stmt: ClauseElement) -> None:
        compiled = cast(SQLCompiler, stmt.compile(dialect=_DIALECT))
        self.params = list(dict.fromkeys(_PARAM.findall(compiled.string)))
        self.types = {name: _pg_type(compiled.binds[name].type) for name in self.params}
        self.literals = {k: v for k, v in compiled.params.items() if v is not None}
        self.processors: dict[str, Any] = dict(getattr(compiled, "_bind_processors", {}))
        columns = list(getattr(stmt, "exported_columns", ())) if _returns_rows(compiled.string) else []
        self.columns = [(f"r{i}", _pg_type(c.type)) for i, c in enumerate(columns)]
        body = _PARAM.sub(lambda m: f"a_{m.group(1)}[i]", compiled.string)
        self.name = "hall_many_" + hashlib.sha256(body.encode()).hexdigest()[:16]
        self._body = body

    def ddl(self) -> str:
        args = ", ".join(f"a_{p} {self.types[p]}[]" for p in self.params)
        outs = ", ".join(["n integer", "hit boolean", *(f"{c} {t}" for c, t in self.columns)])
        into = f" INTO {', '.join(c for c, _ in self.columns)}" if self.columns else ""
        first = f"a_{self.params[0]}" if self.params else "ARRAY[]::integer[]"
        reset = "".join(f"    {c} := NULL;\n" for c, _ in self.columns)
        return (f"CREATE OR REPLACE FUNCTION {self.name}({args}) RETURNS TABLE ({outs}) LANGUAGE plpgsql AS $f$\n"
                f"DECLARE i integer;\nBEGIN\n  FOR i IN 1 .. coalesce(array_length({first}, 1), 0) LOOP\n"
                f"    n := i;\n{reset}    {self._body}{into};\n    hit := FOUND;\n    RETURN NEXT;\n"
                f"  END LOOP;\nEND\n$f$")

    def call(self, rows: Sequence[Mapping[str, Any]]) -> tuple[str, list[list[Any]]]:
        """The SQL and parameters running the statement for ``rows`` (each a dict of its parameters)."""
        columns: list[list[Any]] = [[] for _ in self.params]
        for row in rows:
            merged = {**self.literals, **row} if self.literals else row
            for j, name in enumerate(self.params):
                value = merged[name]
                process = self.processors.get(name)
                columns[j].append(process(value) if process is not None and value is not None else value)
        casts = ", ".join(f"%s::{self.types[p]}[]" for p in self.params)
        # Names and types come from our own statements, never from a request.
        return f"SELECT * FROM {self.name}({casts}) ORDER BY n", columns  # noqa: S608


def _returns_rows(sql: str) -> bool:
    return sql.lstrip().upper().startswith("SELECT") or " RETURNING " in sql.upper()


def array_statement(stmt: ClauseElement) -> ArrayStatement:
    """The vectorised form of ``stmt`` (cached by identity, registered for :func:`install`)."""
    found = _registry.get(id(stmt))
    if found is None:
        found = _registry[id(stmt)] = ArrayStatement(stmt)
    return found


class Results(Sequence[Sequence[Any] | None]):
    """A statement's rows, read when first looked at: in pipeline mode, statements sent before the first
    look share its round trip (the writer sends its claims and quota counts together)."""

    def __init__(self, cursor: Any, fn: ArrayStatement | None) -> None:
        self._cursor, self._fn = cursor, fn
        self._rows: list[Sequence[Any] | None] | None = None if fn is not None else []

    def _read(self) -> list[Sequence[Any] | None]:
        if self._rows is None:
            assert self._fn is not None
            keep = bool(self._fn.columns)
            self._rows = [tuple(r[2:]) if r[1] and keep else None for r in self._cursor.fetchall()]
        return self._rows

    def __len__(self) -> int:
        return len(self._read())

    def __getitem__(self, i: Any) -> Any:
        return self._read()[i]

    def __iter__(self) -> Iterator[Sequence[Any] | None]:
        return iter(self._read())


def many(connection: Any, stmt: ClauseElement, rows: Sequence[Mapping[str, Any]]) -> Results:
    """Send ``stmt`` for each of ``rows`` in one round trip; per row (when looked at) its returned row, or
    None when it returned none (or returns nothing at all)."""
    if not rows:
        return Results(None, None)
    fn = _registry.get(id(stmt))
    if fn is None or fn.name not in _installed.get(_database(connection), set()):
        raise RuntimeError("statement not installed in this database: the server installs the writer's "
                           "statements at start-up (hall.server.core.pg_many.install)")
    sql, params = fn.call(rows)
    cursor = connection.cursor()
    cursor.execute(sql, params)
    return Results(cursor, fn)


def install(dbapi_connection: Any, statements: Sequence[ClauseElement]) -> None:
    """Create the functions of ``statements`` (and every one used so far) in one transaction; replicas
    starting together take turns."""
    for stmt in statements:
        array_statement(stmt)
    with dbapi_connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
        for fn in list(_registry.values()):
            cur.execute(fn.ddl())
    dbapi_connection.commit()
    _installed.setdefault(_database(dbapi_connection), set()).update(fn.name for fn in _registry.values())
