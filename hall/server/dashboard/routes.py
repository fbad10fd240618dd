"""The manager dashboard: the page at ``/dashboard``, its local assets, and manager login/logout.

Every asset is served from ``hall/dashboard/`` by this module (no CDN: halls often have no internet).
The data routes live in ``dashboard.data`` (live overview, follow-ups, events) and
``dashboard.report`` (charts, day/week report, CSV); all are mounted under ``/api/v1/dashboard``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from hall.server.core.context import HallContext
from hall.server.core.schemas import ERRORS
from hall.server.dashboard import admin as dashboard_admin
from hall.server.dashboard import data as dashboard_data
from hall.server.dashboard import items as dashboard_items
from hall.server.dashboard import rectify as dashboard_rectify
from hall.server.dashboard import report as dashboard_report
from hall.server.dashboard import staff as dashboard_staff
from hall.server.dashboard.auth import COOKIE, SESSION_S, Manager, csrf_for, end_session, login, new_session
from hall.server.dashboard.errors import AssetNotFound
from hall.server.dashboard.schemas import LoginIn, LogoutOut, SessionOut

ASSETS = Path(__file__).resolve().parents[2] / "dashboard"
# A fixed list: no client-supplied path ever reaches the file system.
_FILES = {
    "dashboard.css": "text/css; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
    "render.js": "text/javascript; charset=utf-8",
    "charts.js": "text/javascript; charset=utf-8",
    "i18n.js": "text/javascript; charset=utf-8",
    "alarm.js": "text/javascript; charset=utf-8",
    "admin.js": "text/javascript; charset=utf-8",
    "items.js": "text/javascript; charset=utf-8",
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
        raise AssetNotFound()
    return FileResponse(ASSETS / name, media_type=media, headers=_HEADERS)


@api.post("/login", response_model=SessionOut)
def login_route(body: LoginIn, request: Request, response: Response) -> SessionOut:
    """Exchange a manager token for a 12-hour session cookie (HttpOnly, SameSite=Strict)."""
    hall: HallContext = request.app.state.hall
    who = login(hall, body.token, request.client.host if request.client else "?")
    cookie = new_session(hall, who)
    response.set_cookie(COOKIE, cookie, max_age=SESSION_S, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    return SessionOut(name=who.name, role=who.role, csrf=csrf_for(hall, cookie), session_s=SESSION_S)


@api.post("/logout", response_model=LogoutOut)
def logout_route(request: Request, response: Response) -> LogoutOut:
    """End the session on the server (its cookie is refused from now on, on every replica) and drop it."""
    cookie = request.cookies.get(COOKIE, "")
    if cookie:
        end_session(request.app.state.hall, cookie)
    response.delete_cookie(COOKIE, path="/")
    return LogoutOut(ok=True)


@api.get("/session", response_model=SessionOut)
def session_route(user: Manager) -> SessionOut:
    """Who is logged in, and the CSRF value the page must send with its writes."""
    return SessionOut(name=user.name, role=user.role, csrf=user.csrf, session_s=SESSION_S)


api.include_router(dashboard_rectify.router)
api.include_router(dashboard_data.router)
api.include_router(dashboard_admin.router)
api.include_router(dashboard_items.router)
api.include_router(dashboard_report.router)
api.include_router(dashboard_staff.router)
router.include_router(api)
router.include_router(dashboard_data.ws_router)
