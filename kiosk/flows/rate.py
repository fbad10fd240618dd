"""好差评: five faces; the two lowest need a reason; an optional comment from ready-made phrases."""

from __future__ import annotations

from typing import Any

from kiosk.flows.base import Flow, Home, Step, View, Work, message
from kiosk.flows.ports import PortError

LEVELS = (5, 4, 3, 2, 1)  # very satisfied … very dissatisfied
LOW = 2
REASONS = ("wait_long", "attitude", "not_clear", "not_done", "run_around", "system")
COMMENTS = ("", "comment.thanks", "comment.faster", "comment.signage", "comment.more_kiosks")


class RateFlow(Flow):
    name = "rate"

    def __init__(self, ctx: Any, **options: Any) -> None:
        super().__init__(ctx, **options)
        self.level = 0
        self.reasons: list[str] = []
        self.comment = ""
        self.target = str(options.get("target") or f"terminal:{ctx.terminal_id}")

    def start(self) -> Step:
        return View("rate", {"levels": list(LEVELS), "level": self.level}, prompt="rate.prompt")

    def on_level(self, value: Any) -> Step:
        level = int(value)
        if level not in LEVELS:
            return self.start()
        self.level = level
        if level <= LOW:
            return self.view_reasons()
        return self.view_comment()

    def view_reasons(self, error: str = "") -> View:
        return View("rate_reasons", {"level": self.level, "reasons": list(REASONS), "chosen": list(self.reasons),
                                     "error": error}, prompt="rate.reasons.prompt")

    def on_toggle_reason(self, value: Any) -> Step:
        reason = str(value)
        if reason in REASONS:
            if reason in self.reasons:
                self.reasons.remove(reason)
            else:
                self.reasons.append(reason)
        return self.view_reasons()

    def on_reasons_next(self, _value: Any = None) -> Step:
        if not self.reasons:
            return self.view_reasons("rate.reasons.required")
        return self.view_comment()

    def view_comment(self) -> View:
        return View("rate_comment", {"level": self.level, "comments": list(COMMENTS), "chosen": self.comment},
                    prompt="rate.comment.prompt")

    def on_comment(self, value: Any) -> Step:
        self.comment = str(value) if value in COMMENTS else ""
        return self.view_comment()

    def on_send(self, _value: Any = None) -> Step:
        if self.level <= LOW and not self.reasons:
            return self.view_reasons("rate.reasons.required")
        level, reasons, comment, target = self.level, list(self.reasons), self.comment, self.target
        return Work(run=lambda: self.ctx.terminal.rate(level=level, reasons=reasons, comment=comment, target=target),
                    done=lambda _r: message("rate.thanks", tone="ok"), failed=self._failed,
                    busy=View("busy", {"key": "busy.sending"}), label="rate")

    def _failed(self, exc: PortError) -> Step:
        return self.failed(exc)

    def on_done(self, _value: Any = None) -> Step:
        return Home()
