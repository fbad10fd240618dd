"""API errors: one JSON shape ``{"error": {"code", "message"}}`` for every failure, never a bare 500
for bad input. Domain errors map by their ``kind``; FastAPI's validation errors become 422."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from config.privacy import redact
from hall.server.domain.errors import DomainError

log = logging.getLogger(__name__)

_KIND_STATUS = {"invalid": 422, "refused": 422, "conflict": 409, "not_found": 404}


class ApiError(Exception):
    """Raise anywhere in a route or service; rendered as ``{"error": {...}}`` with ``status``."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.extra}}


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what}.not_found", f"no such {what}")


def conflict(code: str, message: str) -> ApiError:
    return ApiError(409, code, message)


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def domain_status(exc: DomainError) -> int:
    return _KIND_STATUS.get(exc.kind, 422)


def _describe_validation(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    fields = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        # Never echo the input: it may be an ID number or a name.
        fields.append({"field": loc, "problem": redact(str(err.get("msg", "invalid")))})
    first = fields[0] if fields else {"field": "", "problem": "invalid"}
    return f"{first['field'] or 'request'}: {first['problem']}", fields


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        body = exc.to_dict()
        return JSONResponse({"error": body}, status_code=domain_status(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        message, fields = _describe_validation(exc)
        return error_response(422, "validation", message, fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 401: "auth.required", 403: "auth.forbidden",
                 413: "too_large", 415: "unsupported_media_type"}
        code = codes.get(exc.status_code, f"http_{exc.status_code}")
        return error_response(exc.status_code, code, str(exc.detail), )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s: %s", request.method, request.url.path, exc.__class__.__name__,
                  exc_info=exc)
        return error_response(500, "internal", "internal server error")
