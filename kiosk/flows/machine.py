"""The kiosk as a state machine: which flow runs, what is on screen, idle and session rules.

No Qt and no threads here. A runner (the Qt app, or :func:`settle` in tests) executes
:class:`Work` and feeds results back; ``generation`` makes late results of a wiped session land
nowhere, so the next citizen can never see the previous one's data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from kiosk.flows.assist import FallbackFlow, HelpFlow
from kiosk.flows.base import Flow, FlowContext, Goto, Home, Step, View, Work, message
from kiosk.flows.checkin import CheckInFlow
from kiosk.flows.idle import IdleWatch
from kiosk.flows.ports import PortError
from kiosk.flows.query import QueryFlow
from kiosk.flows.rate import RateFlow
from kiosk.flows.submission import SubmissionFlow
from kiosk.flows.take_number import TakeNumberFlow
from kiosk.i18n import has, tr, voice_lang

log = logging.getLogger(__name__)

FLOWS: dict[str, type[Flow]] = {
    "take_number": TakeNumberFlow, "checkin": CheckInFlow, "submit": SubmissionFlow, "query": QueryFlow,
    "rate": RateFlow, "fallback": FallbackFlow, "help": HelpFlow,
}
HOME = View("home", prompt="home.welcome")
ELDERLY_IDLE_FACTOR = 2.0  # seniors get twice the time before the countdown
# screens that end a visit: leaving them loses nothing, so 返回首页 does not ask
FINAL_SCREENS = frozenset({"ticket", "receipt", "cases", "message", "checkin_refused", "home"})
# screens that stay until 完成 even when the card that identified the citizen is pulled
KEEP_ON_CARD_PULLED = frozenset({"ticket", "receipt"})
CARD_KINDS = ("id_card", "ss_card")
TAKE_CARD = "session.take_card"


class KioskMachine:
    def __init__(self, ctx: FlowContext, *, idle_timeout_s: float = 60, idle_countdown_s: float = 10,
                 monotonic: Callable[[], float] = time.monotonic, default_lang: str = "zh_CN",
                 default_elderly: bool = False) -> None:
        self.ctx = ctx
        self.flow: Flow | None = None
        self.view: View = HOME
        self.generation = 0
        self.countdown: float | None = None
        self._idle_base = (idle_timeout_s, idle_countdown_s)
        self.idle = IdleWatch(idle_timeout_s, idle_countdown_s, monotonic())
        self._now = monotonic
        self.defaults = (default_lang, default_elderly)
        self.spoken: list[str] = []  # prompts waiting to be read aloud (elderly mode)
        self.last_home_reason = ""
        # over the current screen, which stays as it is underneath: "" none, "help" (呼叫帮助, with
        # help_state busy/called/queued/failed), "confirm_home" (返回首页 with work in progress)
        self.overlay = ""
        self.help_state = ""
        self.cards_in: set[str] = set()  # cards in (or on) a reader right now

    # -- inputs: each returns the Work the runner must start, if any --------------------------------
    def choose(self, flow_name: str, **options: Any) -> Work | None:
        """A home tile (or the help button anywhere) was touched."""
        self.touch()
        if flow_name == "help":
            return self.call_help()
        if flow_name not in FLOWS:
            return None
        return self.apply(self._start(flow_name, options))

    def input(self, action: str, value: Any = None) -> Work | None:
        self.touch()
        if action == "home":
            if self.in_progress():
                self.overlay = "confirm_home"  # 20 touches of work are not thrown away by one
                self._say("confirm.home")
                return None
            return self.apply(Home("citizen"))
        if action in ("continue", "keep_working", "close_help"):
            self.overlay = ""
            return None
        if action == "leave":
            self.overlay = ""
            return self.apply(Home("citizen"))
        if action == "help":
            return self.call_help()
        if self.overlay:
            return None  # the overlay covers the screen: a stale touch underneath does nothing
        if self.flow is None:
            return None
        step = self.flow.handle(action, value)
        return None if step is None else self.apply(step)

    def device_event(self, kind: str, name: str, payload: Any = None) -> Work | None:
        identity = self.ctx.session.identity
        if kind in CARD_KINDS and name in ("card_placed", "card_removed"):
            (self.cards_in.add if name == "card_placed" else self.cards_in.discard)(kind)
            if name == "card_removed" and self.flow is None and self.view.data.get("key") == TAKE_CARD:
                if not self.cards_in:
                    self.view = HOME  # the reminder has done its job
                return None
        if kind == "ss_card" and name == "card_removed" and identity is not None and identity.source == "ss_card":
            if self.view.screen in KEEP_ON_CARD_PULLED:
                return None  # the number on screen stays until 完成 (the printer may be out of paper)
            return self.apply(Home("card_removed"))
        if self.flow is None:
            return None
        step = self.flow.event(kind, name, payload)
        if step is None:
            return None
        self.touch()
        return self.apply(step)

    def tick(self) -> Work | None:
        """Called about once a second: countdown, then home with everything wiped. At rest on the home
        screen in another language or mode than the hall's, the idle time quietly brings it back."""
        at_rest = self.flow is None and self.ctx.session.is_empty()
        if at_rest and (self.ctx.lang, self.ctx.elderly) == self.defaults:
            self.countdown = None
            return None
        state, left = self.idle.state(self._now())
        if state == "expired":
            return self.apply(Home("idle"))
        self.countdown = left if state == "countdown" and not at_rest else None
        return None

    def touch(self) -> None:
        self.idle.touch(self._now())
        self.countdown = None

    def set_elderly(self, on: bool) -> None:
        self.ctx.elderly = on
        factor = ELDERLY_IDLE_FACTOR if on else 1.0
        self.idle.timeout_s = self._idle_base[0] * factor
        self.idle.countdown_s = self._idle_base[1] * factor
        self._speak(self.view)

    def set_language(self, lang: str) -> None:
        self.touch()  # the idle time that brings the hall's language back starts now
        self.ctx.lang = lang

    # -- steps -------------------------------------------------------------------------------------
    def apply(self, step: Step) -> Work | None:
        """Take a step: show a view, go home, switch flow; a Work is returned for the runner."""
        for _ in range(10):  # Goto chains are short; the bound stops a loop bug from hanging the kiosk
            if isinstance(step, View):
                again = step is self.view  # the same screen back (after 呼叫帮助): not read out again
                self.view = step
                if self.flow is not None:
                    self.flow.view = step
                if not again:
                    self._speak(step)
                return None
            if isinstance(step, Home):
                self.go_home(step.reason)
                return None
            if isinstance(step, Goto):
                step = self._start(step.flow, dict(step.options))
                continue
            self.view = step.busy
            return step
        self.go_home("loop")
        return None

    def complete(self, work: Work, generation: int, result: Any = None,
                 error: BaseException | None = None) -> Work | None:
        """The runner finished ``work`` (on the GUI thread). Stale results are dropped."""
        if generation != self.generation:
            return None
        if error is not None:
            if not isinstance(error, PortError):
                log.error("work %s failed unexpectedly: %s", work.label, error.__class__.__name__)
                error = PortError(code="kiosk.internal")
            return self.apply(work.failed(error))
        return self.apply(work.done(result))

    def go_home(self, reason: str) -> None:
        """End the visit: wipe the session, forget the flow, back to the default language; an idle end
        also resets the mode.
        A card still in a reader is asked back, on screen and aloud (whatever the mode)."""
        self.ctx.session.wipe()
        self.flow = None
        self.generation += 1
        self.countdown = None
        self.overlay = self.help_state = ""
        self.last_home_reason = reason
        remind = bool(self.cards_in) and self.view.data.get("key") != TAKE_CARD and reason != "technician"
        # the next citizen starts in the hall's language: every end of a visit resets it (issue 14.7);
        # the mode is reset when the citizen left without saying so (idle, card pulled)
        if reason != "technician":
            self.ctx.lang = self.defaults[0]
        if reason in ("idle", "card_removed"):
            self.set_elderly(self.defaults[1])
        self.view = HOME
        if remind:
            self.view = message(TAKE_CARD, tone="warn")
            self.spoken.append(tr(voice_lang(self.ctx.lang), TAKE_CARD))

    def in_progress(self) -> bool:
        """Work the citizen would lose by leaving now (identified, typed, captured or signed)."""
        s = self.ctx.session
        if self.flow is None or self.view.screen in FINAL_SCREENS:
            return False
        return bool(s.identity or s.form or s.pages or s.face_photos or s.signature)

    def call_help(self) -> Work:
        """呼叫帮助 over the current screen: staff are alerted, the screen underneath stays exactly as
        it was (nothing is rebuilt or lost), and 返回 closes the overlay."""
        keep = self.view
        self.overlay, self.help_state = "help", "busy"

        def done(delivered: Any) -> Step:
            # offline the call waits in the outbox: "someone is coming" would be a lie
            self.help_state = "queued" if delivered is False else "called"
            self._say(f"help.{self.help_state}")
            return keep

        def failed(_exc: PortError) -> Step:
            self.help_state = "failed"
            self._say("help.failed")
            return keep

        return Work(run=lambda: self.ctx.terminal.help_call(reason="help"), done=done, failed=failed, busy=keep,
                    label="help_call")

    def _say(self, key: str) -> None:
        if self.ctx.elderly and has(self.ctx.lang, key):
            self.spoken.append(tr(voice_lang(self.ctx.lang), key))

    def _start(self, name: str, options: dict[str, Any]) -> Step:
        self.flow = FLOWS[name](self.ctx, **options)
        return self.flow.start()

    def _speak(self, view: View) -> None:
        if self.ctx.elderly and view.prompt and has(self.ctx.lang, view.prompt):
            self.spoken.append(tr(voice_lang(self.ctx.lang), view.prompt, **view.prompt_values))


def settle(machine: KioskMachine, step: Work | None) -> View:
    """Run every Work synchronously until a view is showing (tests and benchmarks without Qt)."""
    while step is not None:
        gen = machine.generation
        try:
            result = step.run()
        except Exception as exc:  # noqa: BLE001 (handed to the flow as a typed failure, like the Qt runner)
            step = machine.complete(step, gen, error=exc)
            continue
        step = machine.complete(step, gen, result=result)
    return machine.view
