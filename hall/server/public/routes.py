"""The public ticket page (the QR on the ticket): no login, no personal data, live by polling.

Shows the number, people ahead and the estimated wait (the same call order as the windows use), why
the ticket is where it is, and — when it comes — the call ("请 A023 号 到 5 号窗口 办理"), with a
vibration where the phone allows. A citizen may also follow the ticket by SMS/WeChat from here.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from hall.server.core.context import HallContext
from hall.server.core.schemas import ERRORS
from hall.server.public.schemas import PublicFollowOut, PublicTicketOut
from hall.server.queue.order import estimate_for
from hall.server.tickets.errors import TicketNotFound
from hall.server.tickets.explain import explain
from hall.server.tickets.models import Ticket
from hall.server.tickets.schemas import NotifyIn
from hall.server.tickets.service import start_following
from hall.server.windows.service import announce_text

router = APIRouter(tags=["public"])
# Errors are JSON even for the HTML page (documented so, or clients would expect an HTML error body).
_JSON_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
Token = Path(pattern=r"^[A-Za-z0-9_-]{16,40}$")
POLL_MS = 5000

_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{number} · {hall}</title>
<style>body{{font-family:sans-serif;margin:0;padding:1.2em;background:#f4f6f8;color:#123}}
.n{{font-size:3.6em;font-weight:700;text-align:center;margin:.2em 0}}.card{{background:#fff;border-radius:12px;
padding:1em;margin:.8em 0;box-shadow:0 1px 4px #0002}}.big{{font-size:1.6em}}.call{{background:#c62828;color:#fff}}
.call .card{{background:#b71c1c}}small{{color:#567}}.call small{{color:#fdd}}input,button{{font-size:1em;padding:.4em}}
</style></head><body><div class="card"><small>{hall}</small>
<div class="n" id="n">{number}</div><div id="st" class="big">{status_zh}</div>
<p id="aheadline">前面还有 <b id="ahead">{ahead}</b> 人，<span id="wait">{wait_text}</span></p>
<p><small id="why">{why}</small></p></div>
{sms_card}
<p><small>本页自动刷新，无需登录，不显示个人信息。请留意叫号屏和语音。Updates by itself; no login.</small></p>
<script>
const u = location.pathname + ".json";
let called = false;
async function tick() {{
  try {{
    const r = await fetch(u, {{cache: "no-store"}}); if (!r.ok) return; const t = await r.json();
    document.getElementById("ahead").textContent = t.waiting_ahead;
    document.getElementById("wait").textContent = t.estimated_wait_s == null ? "{unknown}"
      : "预计等候约 " + Math.max(1, Math.round(t.estimated_wait_s / 60)) + " 分钟";
    document.getElementById("aheadline").hidden = t.status !== "waiting";
    document.getElementById("st").textContent = t.call_text || t.status_zh;
    document.getElementById("why").textContent = t.why_zh || "";
    const now = t.status === "called";
    document.body.classList.toggle("call", now);
    if (now && !called && navigator.vibrate) navigator.vibrate([400, 200, 400]);
    called = now;
  }} catch (e) {{}}
}}
const form = document.getElementById("f");
if (form) form.onsubmit = async (e) => {{
  e.preventDefault();
  const r = await fetch(location.pathname + "/notify", {{method: "POST", headers: {{"content-type":
    "application/json"}}, body: JSON.stringify({{channel: "sms", to: document.getElementById("to").value}})}});
  document.getElementById("fok").textContent = r.ok ? "已开启提醒 · on" : "号码不正确 · check the number";
}};
setInterval(tick, {poll_ms});
</script></body></html>"""

# Offered only when the hall has a real SMS sender ([connectors.sms]; docs/connectors.md).
_SMS_CARD = """<div class="card"><small>短信提醒（前面剩 3 人时和叫号时）· SMS when 3 are ahead and at your call</small>
<form id="f"><input id="to" inputmode="tel" maxlength="11" placeholder="手机号 mobile" aria-label="手机号">
<button>提醒我</button></form><small id="fok"></small></div>"""

_STATUS_ZH = {"waiting": "等候中", "called": "请到 {window} 号窗口办理", "serving": "正在 {window} 号窗口办理",
              "done": "已办结", "no_show": "已过号，请到服务台", "cancelled": "已取消"}


def _public_state(hall: HallContext, token: str) -> PublicTicketOut:
    now = datetime.now(UTC)
    with hall.db.read() as s:
        t = s.scalar(select(Ticket).where(Ticket.public_token == token))
        if t is None:
            raise TicketNotFound()
        why = explain(hall, s, t, now=now)
        ahead = why.waiting_ahead if t.status == "waiting" else 0
        call = announce_text(t.number, t.window) if t.status == "called" and t.window else None
        return PublicTicketOut(number=t.number, category=t.category, status=t.status, window=t.window,
                               waiting_ahead=ahead, estimated_wait_s=estimate_for(
                                   hall, category=t.category, priority=t.priority, target_window=t.target_window,
                                   ahead=ahead),
                               status_zh=_STATUS_ZH.get(t.status, t.status).format(window=t.window),
                               call_text=call, call_count=t.call_count, why_zh=why.text_zh, why_en=why.text_en)


@router.get("/t/{token}.json", response_model=PublicTicketOut, responses={404: ERRORS[404], 422: ERRORS[422]})
def public_ticket_json(request: Request, response: Response, token: str = Token) -> PublicTicketOut:
    response.headers["Cache-Control"] = "no-store"
    return _public_state(request.app.state.hall, token)


@router.post("/t/{token}/notify", response_model=PublicFollowOut,
             responses={404: ERRORS[404], 409: ERRORS[409], 422: ERRORS[422]})
def public_follow(request: Request, body: NotifyIn, token: str = Token) -> PublicFollowOut:
    """Follow one's own ticket from the phone page (no login: the token is the ticket's secret)."""
    hall: HallContext = request.app.state.hall
    with hall.db.read() as s:
        t = s.scalar(select(Ticket).where(Ticket.public_token == token))
        if t is None:
            raise TicketNotFound()
        ticket_id = t.id
    out = start_following(hall, ticket_id, body)
    return PublicFollowOut(number=out.number, channel=out.channel, following=True)


# No open window serves the ticket (docs/dashboard.md, "Nobody stranded"): no number is promised.
WAIT_UNKNOWN = "暂无法估计等候时间：办理窗口尚未开放"


def _wait_text(seconds: int | None) -> str:
    return WAIT_UNKNOWN if seconds is None else f"预计等候约 {max(1, round(seconds / 60))} 分钟"


@router.get("/t/{token}", response_class=HTMLResponse, responses={404: _JSON_ERROR, 422: _JSON_ERROR})
def public_ticket_page(request: Request, token: str = Token) -> HTMLResponse:
    hall: HallContext = request.app.state.hall
    st = _public_state(hall, token)
    page = _PAGE.format(number=html.escape(st.number), hall=html.escape(hall.options.hall_name_zh),
                        status_zh=html.escape(st.call_text or st.status_zh), ahead=st.waiting_ahead,
                        wait_text=_wait_text(st.estimated_wait_s), unknown=WAIT_UNKNOWN, why=html.escape(st.why_zh),
                        poll_ms=POLL_MS, sms_card=_SMS_CARD if hall.connectors.offers("sms") else "")
    return HTMLResponse(page, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
