"""FastAPI application factory."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI

API_PREFIX = "/api/v1"
VERSION = "0.1.0"


def create_app(*, db_url: str) -> FastAPI:
    """Build the hall server app bound to the database at ``db_url``."""
    app = FastAPI(
        title="Hall server",
        version=VERSION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.db_url = db_url
    router = APIRouter(prefix=API_PREFIX)

    @router.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": VERSION, "time": datetime.now(UTC).isoformat()}

    app.include_router(router)
    return app
