"""The city server: ``GET /api/v1/city/queues`` (public), ``/city`` (phones), ``/city/dashboard`` (managers).

It reads the city database only; halls are never contacted. Errors have the hall server's shape and
statuses (:mod:`hall.server.core.http_errors`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.exc import SQLAlchemyError

from hall.city.board import QueueBoard, read_dashboard
from hall.city.errors import BadPeriod, CityDatabaseDown, NeedToken, UnknownHall
from hall.city.reports import FORMATS, PERIODS, report_rows, to_csv, to_xlsx
from hall.city.schema import city_tokens
from hall.server.citylink.code import valid_code
from hall.server.citylink.tables import city_hall
from hall.server.core.db import normalise_url
from hall.server.core.http_errors import install_error_handlers

TZ = ZoneInfo("Asia/Shanghai")
TOKEN_CACHE_S = 1.0


class TokenCheck:
    """City manager tokens (hashes in ``city_tokens``), looked up at most once a second per token."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._seen: dict[str, tuple[float, bool]] = {}

    def valid(self, token: str) -> bool:
        digest = hashlib.sha256(token.encode()).hexdigest()
        hit = self._seen.get(digest)
        if hit and time.monotonic() - hit[0] < TOKEN_CACHE_S:
            return hit[1]
        try:
            with self.engine.connect() as conn:
                ok = conn.execute(select(city_tokens.c.name).where(
                    city_tokens.c.token_hash == digest, city_tokens.c.revoked_at.is_(None))).first() is not None
        except SQLAlchemyError as exc:
            raise CityDatabaseDown() from exc
        if len(self._seen) > 1000:
            self._seen.clear()
        self._seen[digest] = (time.monotonic(), ok)
        return ok


QUEUES_PATH = "/api/v1/city/queues"
_QUEUES_HEADERS = [(b"content-type", b"application/json"), (b"cache-control", b"public, max-age=1")]


class CityApp(FastAPI):
    """FastAPI with a lean front for the one hot request: ``GET /api/v1/city/queues`` (every phone, every few
    seconds) is answered from the shared board without FastAPI's per-request work; its failures (no board
    yet and the database down) go through the route so they get the usual error body."""

    board: QueueBoard | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (self.board is not None and scope["type"] == "http" and scope["path"] == QUEUES_PATH
                and scope["method"] == "GET"):
            try:
                body = await self.board.body()
            except CityDatabaseDown:
                pass
            else:
                await send({"type": "http.response.start", "status": 200,
                            "headers": [*_QUEUES_HEADERS, (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await super().__call__(scope, receive, send)


def _page(name: str) -> str:
    return resources.files("hall.city").joinpath(f"static/{name}").read_text(encoding="utf-8")


def create_city_app(*, db_url: str) -> FastAPI:
    engine = create_engine(normalise_url(db_url), pool_size=8, max_overflow=4, pool_pre_ping=True,
                           connect_args={"connect_timeout": 3})
    board = QueueBoard(engine)
    tokens = TokenCheck(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            engine.dispose()

    def manager(authorization: Annotated[str | None, Header()] = None) -> None:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token or not tokens.valid(token.strip()):
            raise NeedToken()

    app = CityApp(title="City server", version="0.1.0", openapi_url="/api/v1/city/openapi.json",
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.board = board
    install_error_handlers(app)
    api = APIRouter(prefix="/api/v1/city")

    @api.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "time": datetime.now(UTC).isoformat()}

    @api.get("/queues")
    async def queues() -> Response:
        """Every joined hall's lines: waiting, estimate, open windows, updated_at, stale (older than 60 s)."""
        return Response(await board.body(), media_type="application/json",
                        headers={"Cache-Control": "public, max-age=1"})

    @api.get("/dashboard", dependencies=[Depends(manager)])
    def dashboard() -> dict[str, Any]:
        try:
            return read_dashboard(engine, today=datetime.now(TZ).date().isoformat())
        except SQLAlchemyError as exc:
            raise CityDatabaseDown() from exc

    @api.get("/reports", dependencies=[Depends(manager)])
    def reports(period: Annotated[str, Query(max_length=8)] = "day",
                date: Annotated[str | None, Query(max_length=10)] = None,
                format: Annotated[str, Query(max_length=4)] = "csv",
                hall: Annotated[str | None, Query(max_length=32)] = None) -> Response:
        if period not in PERIODS or format not in FORMATS:
            raise BadPeriod()
        day = date or datetime.now(TZ).date().isoformat()
        try:
            if hall is not None:
                with engine.connect() as conn:
                    known = valid_code(hall) and conn.execute(
                        select(city_hall.c.code).where(city_hall.c.code == hall)).first() is not None
                if not known:
                    raise UnknownHall()
            rows = report_rows(engine, period=period, day=day, hall=hall)
        except SQLAlchemyError as exc:
            raise CityDatabaseDown() from exc
        name = f"city-{period}-{rows[0]['from'] if rows else day}{'-' + hall if hall else ''}"
        if format == "csv":
            return Response(to_csv(rows), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
        return Response(to_xlsx(rows, title=name),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})

    app.include_router(api)

    @app.get("/city", response_class=HTMLResponse, include_in_schema=False)
    def phone_page() -> str:
        return _page("city.html")

    @app.get("/city/dashboard", response_class=HTMLResponse, include_in_schema=False)
    def dashboard_page() -> str:
        return _page("dashboard.html")

    return app
