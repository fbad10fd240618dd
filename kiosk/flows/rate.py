"""好差评: five faces; the two lowest need a reason; an optional comment from ready-made phrases.

Every rating belongs to a service: after a submission it is that submission; from the home tile
the citizen scans the receipt's QR first — a case's registration code, or a queue ticket's one-time rating
code (``RATE:123-ABCDEFGH``); the server takes each service once, after it was served.
"""

from __future__ import annotations

import re
from typing import Any

from kiosk.flows.base import Flow, Home, Step, View, Work, message
from kiosk.flows.ports import PortError
from kiosk.flows.query import registration_code
from kiosk.i18n import tr

LEVELS = (5, 4, 3, 2, 1)  # very satisfied … very dissatisfied
LOW = 2
# the hall's fixed list (so bad ratings can be counted and followed up); "other" needs typed text,
# which the kiosk never asks for
REASONS = ("long_wait", "attitude", "too_slow", "multiple_trips", "not_told_at_once", "extra_materials",
           "guide_unclear", "system_fault", "fees")
# A queue ticket's rating code as printed on it ("RATE:123-ABCDEFGH" in its QR, or typed without RATE:).
_RATING_CODE = re.compile(r"^(?:RATE:)?([1-9][0-9]{0,11}-[A-Z2-7]{8})$")
COMMENTS = ("", "comment.thanks", "comment.faster", "comment.signage", "comment.more_kiosks")


class RateFlow(Flow):
    name = "rate"

    def __init__(self, ctx: Any, **options: Any) -> None:
        super().__init__(ctx, **options)
        self.level = 0
        self.reasons: list[str] = []
        self.comment = ""
        self.target = str(options.get("target") or "")

    def start(self) -> Step:
        if not self.target:
            return View("rate_scan", {}, prompt="rate.scan.prompt")
        return View("rate", {"levels": list(LEVELS), "level": self.level}, prompt="rate.prompt")

    def event(self, kind: str, name: str, payload: Any) -> Step | None:
        if self.target or kind != "code_scanner" or name != "code_scanned":
            return None
        text = str(getattr(payload, "text", "")).strip()
        rated = _RATING_CODE.match(text.upper())
        if rated is not None:  # the queue ticket's one-time rating code (its QR says RATE:…)
            self.target = f"rating:{rated.group(1)}"
            return self.start()
        code = registration_code(text)
        if code is None:
            return View("rate_scan", {"notice": "rate.scan.unknown"}, prompt="rate.scan.unknown")
        self.target = f"submission:{code}"
        return self.start()

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
        level, reasons, target = self.level, list(self.reasons), self.target
        comment = tr("zh_CN", self.comment) if self.comment else ""  # the hall reads comments in Chinese
        return Work(run=lambda: self.ctx.terminal.rate(level=level, reasons=reasons, comment=comment, target=target),
                    done=lambda _r: message("rate.thanks", tone="ok"), failed=self._failed,
                    busy=View("busy", {"key": "busy.sending"}), label="rate")

    def _failed(self, exc: PortError) -> Step:
        return self.failed(exc)

    def on_done(self, _value: Any = None) -> Step:
        return Home()
