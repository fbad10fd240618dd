"""FastAPI application factory: routes, error shape, and the background tasks (snapshots, LISTEN)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from typing import Any

from fastapi import APIRouter, FastAPI

from hall.server.build import build_services
from hall.server.core.context import HallContext
from hall.server.core.db import libpq_dsn
from hall.server.core.http_errors import install_error_handlers
from hall.server.core.options import ServerOptions
from hall.server.edge.bodyguard import BodyGuard
from hall.server.events.hub import make_event
from hall.server.events.listen import listen_forever
from hall.server.hallday.service import hall_day_task, run_closing
from hall.server.tickets.front import TicketFront
from hall.server.tickets.service import issue_batch

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
VERSION = "0.1.0"


async def _snapshots(hall: HallContext) -> None:
    """Every few seconds: refresh wait estimates and push ``queue.snapshot`` to this replica's clients."""
    from hall.server.core.memory import trim
    from hall.server.stats.service import refresh_estimates, snapshot

    while True:
        try:
            await asyncio.to_thread(refresh_estimates, hall)
            event = make_event("queue.snapshot", await asyncio.to_thread(snapshot, hall))
            hall.hub.last_snapshot = event
            hall.hub.fanout(event)
            await asyncio.to_thread(trim)  # freed native memory back to the OS (at most every 30 s)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the loop must survive a DB hiccup; it is logged
            log.warning("queue snapshot failed: %s", exc.__class__.__name__)
        await asyncio.sleep(hall.options.snapshot_interval_s)


async def _city_publish(hall: HallContext) -> None:
    """Once the hall has joined a city (PostgreSQL only): refresh the summary rows it publishes, every second."""
    from hall.server.citylink.task import publish_forever

    await publish_forever(hall)


async def _start_hall_day(hall: HallContext) -> None:
    """Close the days missed while no server ran, before the first ticket of today is numbered."""
    try:
        await asyncio.to_thread(run_closing, hall, datetime.now(UTC))
    except Exception as exc:  # noqa: BLE001 - the first ticket write retries it; serving must start
        log.warning("hall day closing at start-up failed: %s", exc.__class__.__name__)


def create_app(*, db_url: str, options: ServerOptions | None = None, migrate: bool = True) -> FastAPI:
    """Build the hall server app bound to the database at ``db_url`` (migrated to head at start-up)."""
    hall = build_services(db_url=db_url, options=options)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            from hall.server.migrate import upgrade

            await asyncio.to_thread(upgrade, hall.db.engine)
        hall.hub.bind(asyncio.get_running_loop())
        await _start_hall_day(hall)
        hall.writer.start(asyncio.get_running_loop(), partial(issue_batch, hall))
        tasks = [asyncio.create_task(_snapshots(hall), name="snapshots"),
                 asyncio.create_task(hall_day_task(hall), name="hall-day"),
                 asyncio.create_task(hall.notices.run(hall), name="notices")]
        tasks += [asyncio.create_task(run(hall), name=name) for name, run in hall.connectors.workers()]
        if not hall.db.is_sqlite:
            ready = asyncio.Event()
            tasks.append(asyncio.create_task(listen_forever(hall.hub, libpq_dsn(hall.db.url), ready=ready),
                                             name="listen"))
            tasks.append(asyncio.create_task(_city_publish(hall), name="city-publish"))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ready.wait(), 5)
        # Everything loaded so far lives as long as the process: keep it out of the collector's scans,
        # which otherwise show up as pauses in the ticket latency tail.
        gc.freeze()
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.to_thread(hall.writer.close)
            hall.db.dispose()

    app = HallApp(
        title="Hall server",
        version=VERSION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.hall = hall
    app.state.db_url = db_url
    install_error_handlers(app)
    app.front = BodyGuard(TicketFront(app.serve, hall), hall, max_body=hall.options.max_body_bytes)
    router = APIRouter(prefix=API_PREFIX)

    @router.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": VERSION, "time": datetime.now(UTC).isoformat()}

    for module in _domain_routers():
        router.include_router(module.router)
    app.include_router(router)
    from hall.server.dashboard import routes as dashboard
    from hall.server.public import routes as public

    app.include_router(public.router)
    app.include_router(dashboard.router)
    return app


class HallApp(FastAPI):
    """FastAPI with the body guard and the lean ticket front in front of its whole middleware stack: the hottest request
    (:mod:`hall.server.tickets.front`) skips FastAPI's per-request work, everything else gets all of it."""

    front: BodyGuard | None = None  # the body guard, then the lean ticket front (hall.server.edge)

    async def serve(self, scope: Any, receive: Any, send: Any) -> None:
        await super().__call__(scope, receive, send)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.front is None:
            await self.serve(scope, receive, send)
        else:
            await self.front(scope, receive, send)


def _domain_routers() -> list[Any]:
    """The API routers of every domain package, in the order their routes are listed in the OpenAPI document."""
    import importlib

    names = ["catalogue", "tickets", "windows", "events", "submissions", "appointments", "feedback", "terminals",
             "stats", "audit", "identity"]
    return [importlib.import_module(f"hall.server.{name}.routes") for name in names]
