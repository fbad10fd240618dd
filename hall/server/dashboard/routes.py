"""The manager dashboard: the page at ``/dashboard``, its local assets, and manager login/logout.

Every asset is served from ``hall/dashboard/`` by this module (no CDN: halls often have no internet).
The data routes live in ``dashboard_data`` (live overview, follow-ups, events) and
``dashboard_report`` (charts, day/week report, CSV); all are mounted under ``/api/v1/dashboard``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from hall.server.core.context import HallContext
from hall.server.core.http_errors import ApiError
from hall.server.core.schemas import ERRORS
from hall.server.dashboard import data as dashboard_data
from hall.server.dashboard import report as dashboard_report
from hall.server.dashboard.auth import COOKIE, SESSION_S, Manager, csrf_for, login, new_session

ASSETS = Path(__file__).resolve().parents[2] / "dashboard"
# A fixed list: no client-supplied path ever reaches the file system.
_FILES = {
    "dashboard.css": "text/css; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
    "render.js": "text/javascript; charset=utf-8",
    "charts.js": "text/javascript; charset=utf-8",
    "i18n.js": "text/javascript; charset=utf-8",
    "alarm.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
# The page loads nothing from elsewhere and runs no inline script: a strict policy costs nothing.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache"}

router = APIRouter()
_RESPONSES: dict[int | str, dict[str, Any]] = {k: dict(v) for k, v in ERRORS.items()}
api = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"], responses=_RESPONSES)


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=256, repr=False)


@router.get("/dashboard", include_in_schema=False)
def page() -> Response:
    return FileResponse(ASSETS / "index.html", media_type="text/html; charset=utf-8", headers=_HEADERS)


@router.get("/dashboard/", include_in_schema=False)
def page_slash() -> Response:
    return RedirectResponse("/dashboard", status_code=308)


@router.get("/dashboard/assets/{name}", include_in_schema=False)
def asset(name: str) -> Response:
    media = _FILES.get(name)
    if media is None:
        raise ApiError(404, "dashboard.asset_not_found", "no such dashboard asset")
    return FileResponse(ASSETS / name, media_type=media, headers=_HEADERS)


def _session_body(name: str, role: str, csrf: str) -> dict[str, Any]:
    return {"name": name, "role": role, "csrf": csrf, "session_s": SESSION_S}


@api.post("/login")
def login_route(body: LoginIn, request: Request) -> JSONResponse:
    """Exchange a manager token for a 12-hour session cookie (HttpOnly, SameSite=Strict)."""
    hall: HallContext = request.app.state.hall
    who = login(hall, body.token, request.client.host if request.client else "?")
    cookie = new_session(hall, who)
    resp = JSONResponse(_session_body(who.name, who.role, csrf_for(hall, cookie)))
    resp.set_cookie(COOKIE, cookie, max_age=SESSION_S, httponly=True, samesite="strict",
                    secure=request.url.scheme == "https", path="/")
    return resp


@api.post("/logout")
def logout_route() -> JSONResponse:
    resp = JSONResponse({"ok": True})
    resp.delete_cookie(COOKIE, path="/")
    return resp


@api.get("/session")
def session_route(user: Manager) -> dict[str, Any]:
    """Who is logged in, and the CSRF value the page must send with its writes."""
    return _session_body(user.name, user.role, user.csrf)


api.include_router(dashboard_data.router)
api.include_router(dashboard_report.router)
router.include_router(api)
router.include_router(dashboard_data.ws_router)
