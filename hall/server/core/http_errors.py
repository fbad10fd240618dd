"""The one place where errors become HTTP: ``{"error": {"code", "message", …}}`` for every failure.

Services raise domain errors (:class:`~hall.server.domain.errors.DomainError`, with zh/en messages);
their ``kind`` picks the status here (:data:`STATUS`), and nowhere else. The framework's own refusals
(validation, unknown route, wrong method) are turned into domain errors of :mod:`hall.server.core.errors`
first, so they have the same shape; an unreachable database is a 503 with ``Retry-After``; never a bare
500 for bad input."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from config.privacy import redact
from hall.server.core.errors import (
    BadRequest,
    DatabaseBusy,
    DatabaseUnavailable,
    InternalError,
    MethodNotAllowed,
    PayloadTooLarge,
    RequestInvalid,
    RouteNotFound,
    UnsupportedMediaType,
)
from hall.server.core.schemas import MAX_DEPTH
from hall.server.domain.errors import DomainError

log = logging.getLogger(__name__)

STATUS = {"invalid": 422, "refused": 422, "conflict": 409, "not_found": 404, "unauthorized": 401,
          "forbidden": 403, "too_large": 413, "length_required": 411, "unsupported": 415, "rate_limited": 429,
          "unavailable": 503,
          "bad_request": 400, "not_allowed": 405, "internal": 500}


def domain_status(exc: DomainError) -> int:
    return STATUS.get(exc.kind, 422)


def domain_headers(exc: DomainError) -> dict[str, str] | None:
    retry = exc.params.get("retry_after_s", exc.retry_after_s)
    return {"Retry-After": str(retry)} if retry is not None else None


def domain_body(exc: DomainError) -> dict[str, Any]:
    return {"error": exc.to_dict()}


def domain_response(exc: DomainError) -> JSONResponse:
    return JSONResponse(domain_body(exc), status_code=domain_status(exc), headers=domain_headers(exc))


_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")


def _safe_part(part: Any) -> str:
    # A location may name a key the client made up (an unknown field, a dict key): it is shown only when it
    # looks like a field name, never as the client wrote it (it may be an ID number or a <script>).
    text = str(part)
    return text if isinstance(part, int) or _FIELD.fullmatch(text) else "…"


def request_invalid(errors: Sequence[Any], *, prefix: str = "") -> RequestInvalid:
    """The 422 ``validation`` refusal for pydantic's ``errors()``: every field with its problem (the
    problem is pydantic's own text, redacted; the input itself never comes back)."""
    fields = []
    for err in errors:
        loc = ".".join(_safe_part(p) for p in (prefix, *err.get("loc", ())) if p not in ("body", ""))
        fields.append({"field": loc, "problem": redact(str(err.get("msg", "invalid")))})
    first = fields[0] if fields else {"field": "", "problem": "invalid"}
    return RequestInvalid(field=first["field"] or "request", problem=first["problem"], fields=fields)


_FRAMEWORK: dict[int, type[DomainError]] = {400: BadRequest, 404: RouteNotFound, 405: MethodNotAllowed,
                                            413: PayloadTooLarge, 415: UnsupportedMediaType}


def framework_error(exc: StarletteHTTPException) -> DomainError:
    """The domain error for a refusal of the framework itself (routing, request parsing)."""
    if exc.status_code == 400 and isinstance(exc.__cause__, RecursionError):
        # A body nested past the JSON parser's own limit: the same 422 as one nested past MAX_DEPTH.
        return RequestInvalid(field="request", problem=f"nested deeper than {MAX_DEPTH} levels",
                              fields=[{"field": "request", "problem": f"nested deeper than {MAX_DEPTH} levels"}])
    found = _FRAMEWORK.get(exc.status_code)
    if found is None:
        log.warning("unexpected HTTP %d from the framework", exc.status_code)
        found = InternalError if exc.status_code >= 500 else BadRequest
    return found()


def _db_unreachable_types() -> tuple[type[BaseException], ...]:
    """Errors that mean "the database did not answer" (not "the request was wrong")."""
    from sqlalchemy import exc as sa

    found: list[type[BaseException]] = [sa.OperationalError, sa.InterfaceError, sa.TimeoutError,
                                        sa.DisconnectionError]
    try:
        import psycopg

        found += [psycopg.OperationalError, psycopg.InterfaceError]
    except ImportError:  # SQLite-only installation
        pass
    return tuple(found)


DB_UNREACHABLE = _db_unreachable_types()


def db_unavailable(request: Request, exc: BaseException) -> JSONResponse:
    # One line, no traceback: an outage makes thousands of these and the cause is the database's log.
    sqlstate = getattr(getattr(exc, "orig", exc), "sqlstate", None)
    if sqlstate in ("40P01", "40001"):
        # A deadlock or serialization failure outside the retrying runner (hall.server.core.retry): the
        # database is there, the write met another one; the client may simply repeat it.
        log.warning("write aborted by the database on %s %s (%s)", request.method, request.url.path, sqlstate)
        return domain_response(DatabaseBusy())
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc.__class__.__name__)
    return domain_response(DatabaseUnavailable())


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return domain_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return domain_response(request_invalid(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        resp = domain_response(framework_error(exc))
        for name, value in (exc.headers or {}).items():  # e.g. Allow on a 405
            resp.headers.setdefault(name, value)
        return resp

    for kind in DB_UNREACHABLE:
        app.add_exception_handler(kind, db_unavailable)  # type: ignore[arg-type]

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Raised outside the routes (the lean ticket path's token check) only reaches this handler.
        if isinstance(exc, DB_UNREACHABLE):
            return db_unavailable(request, exc)
        log.error("unhandled error on %s %s: %s", request.method, request.url.path, exc.__class__.__name__,
                  exc_info=exc)
        return domain_response(InternalError())
