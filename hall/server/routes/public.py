"""The public ticket page (the QR on the ticket): no login, no personal data, live by polling."""

from __future__ import annotations

import html
from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import select

from hall.server.context import HallContext
from hall.server.errors import ApiError
from hall.server.models import Ticket
from hall.server.schemas import ERRORS
from hall.server.services.tickets import estimate, waiting_ahead

router = APIRouter(tags=["public"])
# Errors are JSON even for the HTML page (documented so, or clients would expect an HTML error body).
_JSON_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
Token = Path(pattern=r"^[A-Za-z0-9_-]{16,40}$")

_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{number} · {hall}</title>
<style>body{{font-family:sans-serif;margin:0;padding:1.2em;background:#f4f6f8;color:#123}}
.n{{font-size:3.6em;font-weight:700;text-align:center;margin:.2em 0}}.card{{background:#fff;border-radius:12px;
padding:1em;margin:.8em 0;box-shadow:0 1px 4px #0002}}.big{{font-size:1.6em}}.call{{background:#c62828;color:#fff}}
small{{color:#567}}</style></head><body><div class="card"><small>{hall}</small>
<div class="n" id="n">{number}</div><div id="st" class="big">{status_zh}</div>
<p>前面还有 <b id="ahead">{ahead}</b> 人，预计等候约 <b id="wait">{wait_min}</b> 分钟</p></div>
<p><small>本页自动刷新，无需登录。请留意叫号屏和语音。Updates automatically.</small></p>
<script>
const u = location.pathname + ".json";
async function tick() {{
  try {{
    const r = await fetch(u, {{cache: "no-store"}}); const t = await r.json();
    document.getElementById("ahead").textContent = t.waiting_ahead;
    document.getElementById("wait").textContent = Math.max(1, Math.round(t.estimated_wait_s / 60));
    const st = document.getElementById("st"); st.textContent = t.status_zh;
    if (t.status === "called") {{ document.body.classList.add("call"); }}
  }} catch (e) {{}}
}}
setInterval(tick, 5000);
</script></body></html>"""

_STATUS_ZH = {"waiting": "等候中", "called": "请到 {window} 号窗口办理", "serving": "正在 {window} 号窗口办理",
              "done": "已办结", "no_show": "已过号，请到服务台", "cancelled": "已取消"}


def _public_state(hall: HallContext, token: str) -> dict[str, Any]:
    with hall.db.read() as s:
        t = s.scalar(select(Ticket).where(Ticket.public_token == token))
        if t is None:
            raise ApiError(404, "ticket.not_found", "no such ticket")
        ahead = waiting_ahead(s, t, hall) if t.status == "waiting" else 0
        return {"number": t.number, "category": t.category, "status": t.status, "window": t.window,
                "waiting_ahead": ahead, "estimated_wait_s": estimate(hall, t.category, ahead),
                "status_zh": _STATUS_ZH.get(t.status, t.status).format(window=t.window)}


@router.get("/t/{token}.json", responses={404: ERRORS[404], 422: ERRORS[422]})
def public_ticket_json(request: Request, token: str = Token) -> JSONResponse:
    return JSONResponse(_public_state(request.app.state.hall, token), headers={"Cache-Control": "no-store"})


@router.get("/t/{token}", response_class=HTMLResponse, responses={404: _JSON_ERROR, 422: _JSON_ERROR})
def public_ticket_page(request: Request, token: str = Token) -> HTMLResponse:
    hall: HallContext = request.app.state.hall
    st = _public_state(hall, token)
    page = _PAGE.format(number=html.escape(st["number"]), hall=html.escape(hall.options.hall_name_zh),
                        status_zh=html.escape(st["status_zh"]), ahead=st["waiting_ahead"],
                        wait_min=max(1, round(st["estimated_wait_s"] / 60)))
    return HTMLResponse(page, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
