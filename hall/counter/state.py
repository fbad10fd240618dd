"""The counter terminal's state as plain data: window, clerk, current ticket, queue, what can be done.

No Qt and no HTTP: the window renders a :class:`CounterState`, the service feeds it server answers
and events. ``actions()`` decides which buttons are live, so the rules are tested without a screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from config.privacy import mask_id_number

ACTIONS = ("call_next", "recall", "start", "finish", "no_show", "transfer", "pause", "resume", "call_number",
           "reinstate", "alert")
PRIORITY_ZH = {"elderly": "老年人优先", "disabled": "残疾人优先", "pregnant": "孕妇优先", "veteran": "军人优先",
               "vip": "重点服务对象", "cannot_do": "办不成事反映", "appointment": "预约优先"}
STATUS_ZH = {"waiting": "等候中", "called": "已呼叫", "serving": "办理中", "done": "已办结", "no_show": "过号",
             "transferred": "已转移", "cancelled": "已取消"}
WINDOW_ZH = {"open": "开放", "paused": "暂停", "closed": "关闭"}
APPOINTMENT_ZH = {"booked": "已预约", "checked_in": "已签到", "missed": "未到",
                  "cancelled": "已取消"}


@dataclass(frozen=True, slots=True)
class Message:
    """A line for the clerk's status bar: ``level`` ok / info / warn / error."""

    level: str
    text: str


@dataclass
class CounterState:
    window: int
    clerk: str = ""
    logged_in: bool = False
    online: bool = False
    window_status: str = "closed"
    pause_reason: str = ""
    # The emergency alert this counter raised (its follow-up id) and whether a manager acknowledged it.
    alert_id: int | None = None
    alert_acknowledged: bool = False
    categories: list[str] = field(default_factory=list)
    category_names: dict[str, str] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)
    current: dict[str, Any] | None = None
    stale: bool = False  # the current ticket was read before the server went away
    busy: str | None = None
    # The server keeps these on the window record (each finish updates it): the counter never counts.
    served_today: int = 0
    avg_handling_s: float | None = None
    appointment: dict[str, Any] | None = None  # GET /appointments/{id} of the current ticket
    message: Message | None = None
    # How many of our actions the server has answered: a snapshot asked for before the latest answer
    # is older than it (a refresh at sign-in answering after F1 must not take the called ticket away).
    answered: int = 0

    # -- what the clerk may do -------------------------------------------------------------------
    def actions(self) -> dict[str, bool]:
        ready = self.logged_in and self.online and self.busy is None
        status = (self.current or {}).get("status") if not self.stale else None
        paused = self.window_status == "paused"
        return {
            "call_next": ready and not paused,
            "call_number": ready and not paused,
            "recall": ready and status == "called",
            "start": ready and status == "called",
            "finish": ready and status in ("called", "serving"),
            "no_show": ready and status == "called",
            "transfer": ready and status in ("called", "serving"),
            "pause": ready and self.window_status == "open" and status not in ("called", "serving"),
            "resume": ready and paused,
            "reinstate": ready,
            # The alarm works whenever the clerk is logged in; the service retries it until it is through.
            "alert": self.logged_in,
        }

    # -- derived figures -------------------------------------------------------------------------
    def waiting_total(self) -> int:
        return sum(self.waiting.get(c, 0) for c in self.categories)

    def average_handling_s(self) -> float | None:
        return self.avg_handling_s

    def appointment_for_current(self) -> dict[str, Any] | None:
        """The loaded booking, only while it belongs to the ticket on screen."""
        aid = (self.current or {}).get("appointment_id")
        appt = self.appointment
        return appt if aid is not None and appt is not None and appt.get("id") == aid else None

    def wait_so_far_s(self, now: datetime | None = None) -> int | None:
        """Seconds from issue to the call (or to now while still called and not started)."""
        cur = self.current
        if not cur or not cur.get("issued_at"):
            return None
        issued = _parse(cur["issued_at"])
        end = _parse(cur["called_at"]) if cur.get("called_at") else (now or datetime.now(UTC))
        return max(0, int((end - issued).total_seconds())) if issued and end else None

    # -- inputs ----------------------------------------------------------------------------------
    def set_window(self, view: dict[str, Any]) -> None:
        self.window_status = str(view.get("status", self.window_status))
        self.pause_reason = str(view.get("pause_reason") or "")
        self.categories = [str(c) for c in view.get("categories") or self.categories]
        self.clerk = str(view.get("clerk") or self.clerk)
        if isinstance(view.get("served_today"), int):
            self.served_today = int(view["served_today"])
        if "avg_handling_s" in view:
            avg = view["avg_handling_s"]
            self.avg_handling_s = float(avg) if isinstance(avg, int | float) else None
        if view.get("current_ticket_id") is None and self.current and self.current.get("status") in (
                "called", "serving") and not self._older_than_current(view):
            self.current = None

    def _older_than_current(self, view: dict[str, Any]) -> bool:
        """A window event sent before our own action's answer arrived must not undo that answer."""
        changed = _parse(view.get("updated_at"))
        called = _parse((self.current or {}).get("called_at"))
        return changed is not None and called is not None and changed < called

    def set_categories(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            code = str(row.get("code", ""))
            if code:
                self.category_names[code] = str(row.get("name") or code)
                self.waiting[code] = int(row.get("waiting") or 0)

    def action_answered(self) -> None:
        """The server answered one of our actions (its answer is applied next)."""
        self.busy = None
        self.answered += 1

    def set_snapshot(self, snap: dict[str, Any], *, asked: int) -> bool:
        """A refresh's answer, asked for when :attr:`answered` was ``asked``. The line counts always
        apply; the window and the current ticket only when no action was answered meanwhile. False when
        they were left out (ask again)."""
        self.set_categories(snap["categories"])
        if asked != self.answered:
            return False
        self.set_window(snap["window"])
        self.set_ticket(snap["current"])
        return True

    def set_ticket(self, ticket: dict[str, Any] | None) -> None:
        """An action's answer (or None: nothing waits). Done/no-show/transferred tickets leave the panel."""
        self.stale = False
        if ticket is None:
            self.current = None
            return
        if ticket.get("status") in ("called", "serving"):
            self.current = ticket
        elif self.current is None or self.current.get("id") == ticket.get("id"):
            self.current = None

    def apply(self, event: dict[str, Any]) -> bool:
        """One server event; True when the screen should be redrawn."""
        kind, data = event.get("type"), event.get("data") or {}
        if not isinstance(data, dict):
            return False
        if kind == "queue.snapshot":
            for row in data.get("categories") or []:
                if isinstance(row, dict) and row.get("code"):
                    self.waiting[str(row["code"])] = int(row.get("waiting") or 0)
            return True
        if kind == "window.changed" and data.get("number") == self.window:
            self.set_window(data)
            return True
        if kind == "ticket.issued" and data.get("category") in self.categories:
            self.waiting[data["category"]] = self.waiting.get(data["category"], 0) + 1
            return True
        if kind == "ticket.called" and not data.get("recall"):
            code = str(data.get("category", ""))
            self.waiting[code] = max(0, self.waiting.get(code, 0) - 1)
            return code in self.categories
        if kind == "followup.changed" and self.alert_id is not None and data.get("id") == self.alert_id:
            return self.alert_seen(data)
        if kind == "ticket.finished" and data.get("window") == self.window:
            if self.current and self.current.get("id") == data.get("id"):
                self.current = None  # the count arrives with the window.changed that follows
            return True
        return False

    def alert_raised(self, followup: Any) -> None:
        """The alert reached the server: wait for a manager's acknowledgement (never claim it before)."""
        self.alert_id = int(followup["id"]) if isinstance(followup, dict) and followup.get("id") else None
        self.alert_acknowledged = False
        self.message = Message("warn", f"已报警：{self.window} 号窗口的紧急求助已送达，等待大厅管理员确认…")

    def alert_seen(self, followup: dict[str, Any]) -> bool:
        """A manager acknowledged (or closed) this counter's alert: say so, with the time."""
        if followup.get("status") not in ("acknowledged", "closed") or self.alert_acknowledged:
            return False
        self.alert_acknowledged = True
        at = _parse(followup.get("acknowledged_at") or followup.get("closed_at"))
        when = f"（{at.astimezone():%H:%M}）" if at else ""
        self.message = Message("ok", f"大厅管理员已确认报警{when}，正在处理")
        return True

    def disconnected(self) -> None:
        """The server went away: nothing on screen may pretend to be current."""
        self.online = False
        self.stale = self.current is not None
        self.message = Message("warn", "与服务器的连接中断，正在重连…（期间不能叫号）")


def _parse(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def appointment_text(appt: dict[str, Any]) -> str:
    """``预约号 Y123 · 09:30–10:00 · 社保卡申领 · 已签到 · 110101********1233`` (slot in this machine's time).

    Only masked personal data: an ID that somehow arrives unmasked is masked here."""
    start, end = _parse(appt.get("slot_start")), _parse(appt.get("slot_end"))
    slot = f"{start.astimezone():%H:%M}–{end.astimezone():%H:%M}" if start and end else ""
    what = str(appt.get("item_name") or appt.get("category_name") or appt.get("category") or "")
    status = APPOINTMENT_ZH.get(str(appt.get("status")), str(appt.get("status") or ""))
    parts = [f"预约号 {appt.get('code') or appt.get('id')}", slot, what, status,
             mask_id_number(str(appt.get("id_masked") or ""))]
    return " · ".join(p for p in parts if p)


def idle_text(state: CounterState) -> str:
    """What the ticket area says with no ticket: 暂停中 (with the reason) while paused, never "press F1"."""
    if not state.logged_in:
        return ""
    if state.window_status == "paused":
        reason = f"（{state.pause_reason}）" if state.pause_reason else ""
        return f"暂停中{reason}，按 F7 恢复服务"
    if state.window_status == "closed":
        return "窗口已关闭"
    return "空闲，按 F1 呼叫下一位"


def format_duration(seconds: float | None) -> str:
    """``754`` → ``12分34秒``; None → ``—``."""
    if seconds is None:
        return "—"
    s = int(seconds)
    if s < 60:
        return f"{s}秒"
    if s < 3600:
        return f"{s // 60}分{s % 60:02d}秒"
    return f"{s // 3600}小时{s % 3600 // 60:02d}分"
