"""The clerk's counter window: login, the current ticket, big actions with F-key shortcuts, queue figures.

One tiny method per clerk action; each runs its HTTP call on the Runner and comes back on the GUI
thread. Events (and reconnects) arrive through the EventBridge.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from hall.client.errors import HallConflict, HallTimeout, HallUnreachable
from hall.counter.bookings_view import BookingsMixin
from hall.counter.dialogs import CallNumberDialog, LoginPanel, PauseDialog, TransferDialog
from hall.counter.messages import error_text
from hall.counter.panels import TicketPanel
from hall.counter.review import ReviewMixin
from hall.counter.service import CounterService
from hall.counter.state import WINDOW_ZH, CounterState, Message, format_duration
from hall.counter.theme import COMPACT_BELOW_PX, counter_qss
from hall.counter.undo import UndoMixin
from hall.qtkit.fitting import ElidedLabel, relayout
from hall.qtkit.widgets import named, timer
from hall.qtkit.window import TerminalWindow

log = logging.getLogger(__name__)

# action -> (label, shortcut)
ACTIONS: dict[str, tuple[str, str]] = {
    "call_next": ("呼叫下一位", "F1"), "recall": ("重呼", "F2"), "start": ("开始办理", "F3"),
    "finish": ("办结", "F4"), "no_show": ("过号", "F5"), "transfer": ("转移", "F6"),
    "pause": ("暂停 / 恢复", "F7"), "call_number": ("指定叫号", "F8"), "reinstate": ("恢复过号", "F9"),
    "alert": ("一键报警", "F12"),
}
ALERT_RETRY_MS = 2000
BEAT_MS = 30_000  # the server calls a counter offline after 90 s without a heartbeat


def log_beat_failure(exc: BaseException) -> None:
    log.warning("counter heartbeat failed: %s", exc.__class__.__name__)


class CounterWindow(BookingsMixin, UndoMixin, ReviewMixin, TerminalWindow):
    def __init__(self, *, server_url: str, window: int, clerk: str = "", notices: Any = None,
                 timezone: str = "Asia/Shanghai") -> None:
        super().__init__(runner_name="counter-http")
        self.setObjectName("counterRoot")
        self.setWindowTitle(f"{window} 号窗口 — 柜员终端")
        self.compact = False
        self.setStyleSheet(counter_qss(compact=False))
        self.state = CounterState(window=window)
        self.notices = notices
        self.last_notice: Any = None
        self.service = CounterService(server_url, window=window)
        self._server_url = server_url
        self._timezone = timezone  # the hall's: whose "today" the bookings tab shows
        self.login = LoginPanel(window, clerk=clerk)
        self.login.submitted.connect(lambda token, clerk: self.do_login(
            token, clerk, staff_no=self.login.staff_no.text().strip(), pin=self.login.pin.text()))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.login)
        self.stack.addWidget(self._work_page())
        root = QVBoxLayout(self)
        root.addWidget(self.stack)
        root.setContentsMargins(0, 0, 0, 0)
        self._tick = timer(self, interval_ms=1000, on_timeout=self.redraw)
        self._alert_retry = timer(self, interval_ms=ALERT_RETRY_MS, single_shot=True, on_timeout=self.do_alert)
        # Registered as a terminal and beating every 30 s while signed in: a dead counter shows 离线.
        self._beat = timer(self, interval_ms=BEAT_MS, on_timeout=self.do_beat)
        self.dialog: Any = None

    # -- layout ----------------------------------------------------------------------------------
    def _work_page(self) -> QWidget:
        page = QWidget()
        header = named(QWidget(), "header")
        h = QHBoxLayout(header)
        self.title = named(QLabel(f"{self.state.window} 号窗口"), "windowTitle")
        # a long name or pause reason ends in "…" (whole in the tooltip) rather than widening the window
        self.clerk_label, self.window_status = ElidedLabel("", min_chars=12), ElidedLabel("")
        self.online_badge = named(QLabel(""), "onlineBadge")
        for w in (self.title, self.clerk_label, self.window_status):
            h.addWidget(w)  # at their full width while there is room, then shortened
        h.addStretch(1)
        h.addWidget(self.online_badge)
        self.sign_out_button = named(QPushButton("签退"), "signOut")
        self.sign_out_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sign_out_button.clicked.connect(self.do_sign_out)
        h.addWidget(self.sign_out_button)
        self.panel = TicketPanel()
        self.panel.verdict.connect(self.do_verdict)
        self.panel.advance.connect(self.do_advance)
        self.panel.print_notice.connect(self.do_print_notice)
        self.panel.open_material.connect(self.do_open_material)
        actions = named(QWidget(), "actionsPanel")
        a = self._actions_layout = QVBoxLayout(actions)
        self.buttons: dict[str, QPushButton] = {}
        for name, (label, key) in ACTIONS.items():
            b = named(QPushButton(f"{key}   {label}"), f"act_{name}")
            b.setProperty("class", "action")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(getattr(self, f"do_{name}"))
            QShortcut(QKeySequence(key), self, getattr(self, f"do_{name}"), Qt.ShortcutContext.WindowShortcut)
            if name == "alert":
                a.addStretch(1)
            a.addWidget(b)
            self.buttons[name] = b
        # The current ticket and, a tab away (F10), today's bookings of the window's lines.
        self.tabs = named(QTabWidget(), "workTabs")
        self.tabs.addTab(self.panel, "当前办理")
        self.tabs.addTab(self.setup_bookings(timezone=self._timezone), "今日预约")
        QShortcut(QKeySequence("F10"), self, self.do_bookings, Qt.ShortcutContext.WindowShortcut)
        body = QHBoxLayout()
        body.addWidget(self.tabs, 3)
        body.addWidget(actions, 1)
        stats = named(QWidget(), "statsBar")
        s = QHBoxLayout(stats)
        self.stat_labels: dict[str, QLabel] = {}
        for key, title in (("queue", "本窗口等候"), ("served", "今日已办"), ("avg", "平均办理时长")):
            s.addWidget(QLabel(title))
            self.stat_labels[key] = named(QLabel("—"), "statValue")
            s.addWidget(self.stat_labels[key])
            s.addSpacing(24)
        self.queue_detail = ElidedLabel("")  # one line whatever the number of lines served
        s.addWidget(self.queue_detail, 1)
        self.message = named(QLabel(""), "message")
        self.message.setWordWrap(True)  # an error is read whole: a second line rather than "…"
        lay = self._page_layout = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 12)
        lay.addWidget(header)
        inner = self._inner = QVBoxLayout()
        inner.setContentsMargins(16, 8, 16, 0)
        inner.addLayout(body, 1)
        inner.addWidget(stats)
        inner.addWidget(self.message)
        lay.addLayout(inner, 1)
        return page

    def redraw(self) -> None:
        st = self.state
        self.clerk_label.setText(f"柜员：{st.clerk}" if st.clerk else "")
        status = WINDOW_ZH.get(st.window_status, st.window_status)
        self.window_status.setText(f"· {status}" + (f"（{st.pause_reason}）" if st.pause_reason else ""))
        self.online_badge.setText("● 已连接" if st.online else "● 连接中断，正在重连")
        self.online_badge.setProperty("online", "true" if st.online else "false")
        self.online_badge.style().polish(self.online_badge)
        enabled = st.actions()
        for name, button in self.buttons.items():
            button.setEnabled(enabled[name] or (name == "pause" and enabled["resume"]))
        self.buttons["pause"].setText(f"F7   {'恢复服务' if st.window_status == 'paused' else '暂停服务'}")
        self.panel.show_state(st)
        self.stat_labels["queue"].setText(f"{st.waiting_total()} 人")
        self.stat_labels["served"].setText(f"{st.served_today} 人")
        self.stat_labels["avg"].setText(format_duration(st.average_handling_s()))
        self.queue_detail.setText("   ".join(f"{c} {st.category_names.get(c, '')} {st.waiting.get(c, 0)}人"
                                            for c in st.categories),
                                  short="  ".join(f"{c} {st.waiting.get(c, 0)}人" for c in st.categories))
        msg = st.message
        self.message.setText(msg.text if msg else "")
        self.message.setProperty("level", msg.level if msg else "info")
        self.message.style().polish(self.message)

    def say(self, level: str, text: str) -> None:
        self.state.message = Message(level, text)
        self.redraw()

    def fit_screen(self, size: tuple[int, int]) -> None:
        """Take the whole of a ``size`` screen (its available part, for a window): compact when it is short."""
        self._set_compact(size[1] < COMPACT_BELOW_PX)
        self.resize(*size)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # shown full screen, maximised or moved to another screen: the type follows the height it got
        self._set_compact(self.height() < COMPACT_BELOW_PX)

    def _set_compact(self, compact: bool) -> None:
        if compact == self.compact:
            return
        self.compact = compact
        self.setStyleSheet(counter_qss(compact=compact))
        self._actions_layout.setSpacing(4 if compact else 6)
        self._inner.setContentsMargins(*((10, 4, 10, 0) if compact else (16, 8, 16, 0)))
        self._inner.setSpacing(4 if compact else 6)
        self._page_layout.setContentsMargins(0, 0, 0, 4 if compact else 12)
        self.panel.set_compact(compact)
        relayout(self)  # the new type changes every size hint: a resize must meet the new minimum

    # -- login and refresh -----------------------------------------------------------------------
    def do_login(self, token: str, clerk: str = "", *, staff_no: str = "", pin: str = "") -> None:
        self.runner.op(lambda: self.service.login(token, clerk=clerk, staff_no=staff_no, pin=pin)).success(
            self._logged_in).failure(self._login_failed).run()

    def do_beat(self) -> None:
        """Register (first time) and beat, off the GUI thread; a missed beat is the next one's job."""
        if self.state.logged_in:
            self.runner.op(self.service.beat).failure(log_beat_failure).run()

    def do_sign_out(self) -> None:
        """签退: the window closes and the login screen comes back."""
        self.runner.op(self.service.sign_out).success(self._signed_out).failure(
            lambda e: self.say("error", error_text(e, "签退"))).run()

    def _signed_out(self, view: dict[str, Any]) -> None:
        self._beat.stop()
        self.stop_bookings()
        self._tick.stop()
        self.state.logged_in = False
        self.state.set_window(view)
        self.service.close()
        self.login.pin.clear()
        self.login.error.setText("已签退，窗口已关闭")
        self.stack.setCurrentIndex(0)

    def _logged_in(self, view: dict[str, Any]) -> None:
        self.login.set_busy(False)
        self.login.token.clear()
        self.login.pin.clear()
        self.state.logged_in = True
        self.state.set_window(view)
        self.stack.setCurrentIndex(1)
        self._tick.start()
        self._beat.start()
        self.do_beat()
        self.listen(self._server_url, self.service.token, name=f"counter-{self.state.window}")
        self.say("ok", f"已登录，{self.state.window} 号窗口开始服务")
        self.refresh()
        self.start_bookings()

    def _login_failed(self, exc: BaseException) -> None:
        self.login.set_busy(False)
        self.login.error.setText(error_text(exc, "登录"))

    def refresh(self) -> None:
        asked = self.state.answered
        self.runner.op(self.service.snapshot).success(lambda snap: self._snapshot(snap, asked)).failure(
            lambda e: self.say("warn", error_text(e, "刷新"))).run()

    def _snapshot(self, snap: dict[str, Any], asked: int) -> None:
        if not self.state.set_snapshot(snap, asked=asked):
            self.refresh()  # outdated by an action's answer: read the window again
            return
        self._load_details()
        self.redraw()

    def on_online(self, online: bool) -> None:
        if online:
            self.state.online = True
            self.say("ok", "已连接服务器")
            self.refresh()
            self.refresh_bookings()
        else:
            self.state.disconnected()
            self.bookings_stale()
            self.redraw()

    def on_event(self, event: dict[str, Any]) -> None:
        self.bookings_event(event)
        before = (self.state.current or {}).get("id")
        if self.state.apply(event):
            if before is not None and self.state.current is None and event.get("type") == "ticket.finished":
                self.say("ok", "已办结，请群众在评价器上评价")
            self.redraw()

    # -- actions ---------------------------------------------------------------------------------
    def _act(self, name: str, fn: Callable[[], Any], done: Callable[[Any], None], label: str) -> None:
        if not self.state.actions().get(name, False):
            return
        self.state.busy = name
        self.redraw()

        def ok(result: Any) -> None:
            self.state.action_answered()
            done(result)
            self.redraw()

        def failed(exc: BaseException) -> None:
            self.state.busy = None
            self.say("error", error_text(exc, label))
            if isinstance(exc, HallConflict):
                self.refresh()

        self.runner.op(fn).success(ok).failure(failed).run()

    def _ticket_done(self, text: str) -> Callable[[Any], None]:
        def done(ticket: Any) -> None:
            self.state.set_ticket(ticket)
            self._load_details()
            number = (ticket or {}).get("number", "")
            if ticket:
                self.tabs.setCurrentIndex(0)  # a citizen at the window: their ticket comes first
            self.state.message = Message("ok", text.format(number=number)) if ticket else Message(
                "info", "当前没有等候的群众")
        return done

    def do_call_next(self) -> None:
        self._act("call_next", self.service.call_next, self._ticket_done("已呼叫 {number}"), "叫号")

    def do_recall(self) -> None:
        self._act("recall", self.service.recall, self._ticket_done("已重呼 {number}"), "重呼")

    def do_start(self) -> None:
        self._act("start", self.service.start, self._ticket_done("{number} 开始办理"), "开始办理")

    def do_finish(self) -> None:
        self._act("finish", self.service.finish, self._ticket_done("{number} 已办结，请群众在评价器上评价"), "办结")

    def do_transfer(self) -> None:
        if self.state.actions()["transfer"]:
            self._open(TransferDialog(self.state.category_names, self.state.window, self), self.transfer_to)

    def transfer_to(self, category: str | None, window: int | None) -> None:
        tid = int((self.state.current or {}).get("id", 0))
        where = f"{category} 类" if category else f"{window} 号窗口"
        self._act("transfer", lambda: self.service.transfer(tid, category=category, window=window),
                  self._ticket_done(f"{{number}} 已转到 {where}"), "转移")

    def do_pause(self) -> None:
        if self.state.window_status == "paused":
            self._act("resume", self.service.resume, self._window_done("已恢复服务"), "恢复服务")
        elif self.state.actions()["pause"]:
            self._open(PauseDialog(self), self.pause_with)

    def do_resume(self) -> None:
        self._act("resume", self.service.resume, self._window_done("已恢复服务"), "恢复服务")

    def pause_with(self, reason: str) -> None:
        self._act("pause", lambda: self.service.pause(reason), self._window_done(f"已暂停：{reason}"), "暂停")

    def _window_done(self, text: str) -> Callable[[Any], None]:
        def done(view: Any) -> None:
            self.state.set_window(view)
            self.state.message = Message("ok", text)
        return done

    def do_call_number(self) -> None:
        if self.state.actions()["call_number"]:
            self._open(CallNumberDialog(self), self.call_number)

    def call_number(self, number: str) -> None:
        self._act("call_number", lambda: self.service.call_number(number), self._ticket_done("已呼叫 {number}"),
                  "指定叫号")

    def do_alert(self) -> None:
        if not self.state.logged_in:
            return
        self.say("warn", "正在报警…")
        self.runner.op(self.service.alert).success(self._alert_sent).failure(self._alert_failed).run()

    def _alert_sent(self, followup: Any) -> None:
        self.state.alert_raised(followup)
        self.redraw()

    def _alert_failed(self, exc: BaseException) -> None:
        if isinstance(exc, HallUnreachable | HallTimeout):
            self.say("error", "报警暂未送达服务器，正在自动重试…")
            self._alert_retry.start()  # same Idempotency-Key: one alert however many retries
        else:
            self.say("error", error_text(exc, "报警"))

    def _open(self, dialog: Any, slot: Callable[..., None]) -> None:
        self.dialog = dialog
        dialog.chosen.connect(slot)
        dialog.finished.connect(lambda _r: self.activateWindow())  # F-keys work again at once
        dialog.open()

    # -- lifecycle -------------------------------------------------------------------------------
    def release(self) -> None:
        self._beat.stop()
        self.release_bookings()
        self._tick.stop()
        self._alert_retry.stop()
        self.service.close()
