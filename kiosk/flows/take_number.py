"""取号: choose a category, optionally identify (elderly priority), get and print the ticket.

The ticket is always shown on screen too (number, category, people ahead, estimated wait and a
QR to follow the queue on a phone), so a printer fault never leaves the citizen without a number.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from devices.printer import layouts
from devices.printer.document import Document
from kiosk.flows import qr
from kiosk.flows.base import Flow, Home, Step, View, Work, message
from kiosk.flows.identify import Identifier
from kiosk.flows.ports import Category, Opening, PortError, Refused, Ticket, Unavailable
from kiosk.flows.session import Identity
from kiosk.i18n import has, tr


def category_rows(categories: list[Category], *, offline: bool = False) -> list[dict[str, Any]]:
    """The lines as the categories screen shows them; offline the counts are old, so none are shown."""
    return [{"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en, "waiting": c.waiting,
             "wait_min": max(0, round(c.estimated_wait_s / 60)), "full": c.full, "full_reason": c.full_reason,
             "offline": offline}
            for c in categories]


def line_of(code: str, categories: list[Category]) -> Category | None:
    """The line (with its names) behind a category code: screens and paper never show a bare code."""
    return next((c for c in categories if c.code == code), None)


def spoken_number(number: str) -> str:
    """A ticket number for the voice, which spells letters and digits one by one (A023 → A 零 二 三);
    an offline number's dash becomes a pause (K1-A005 → "K1 A005")."""
    return number.replace("-", " ")


def ticket_document(ticket: Ticket, category: Category | None, *, lang: str, hall: str, issued: datetime,
                    appointment: bool = False) -> Document:
    """The ticket as ``devices.printer.layouts`` describes it (the one layout), filled in here."""
    lang = lang if lang in layouts.LABELS else "zh_CN"
    name = (category.name_zh if lang == "zh_CN" else category.name_en or category.name_zh) if category \
        else ticket.category
    priority = ""
    if ticket.priority and ticket.priority != "appointment" and has(lang, f"ticket.priority.{ticket.priority}"):
        priority = tr(lang, f"ticket.priority.{ticket.priority}")
    info = layouts.TicketInfo(number=ticket.number, category=name, people_ahead=ticket.waiting_ahead,
                              estimated_wait_min=_minutes(ticket.estimated_wait_s), issued_at=issued,
                              follow_url=ticket.follow_url, hall_name=hall, appointment=appointment,
                              offline=ticket.offline, priority=priority)
    return layouts.ticket(info, lang=lang)


def _minutes(seconds: int | None) -> int | None:
    return None if seconds is None else max(1, round(seconds / 60))


def ticket_view(ticket: Ticket, category: Category | None, *, printed: bool, appointment: bool = False) -> View:
    """The ticket on screen: number, line name, the priority granted, people ahead and the wait — but
    no wait offline (nobody knows it; the screen says why)."""
    data = {"number": ticket.number, "category": ticket.category,
            "category_zh": category.name_zh if category else ticket.category,
            "category_en": (category.name_en or category.name_zh) if category else ticket.category,
            "ahead": ticket.waiting_ahead, "wait_min": _minutes(ticket.estimated_wait_s),
            # online, but no open window serves the line: the wait is unknown and the screen says why
            "wait_unknown": not ticket.offline and ticket.estimated_wait_s is None,
            "follow_url": ticket.follow_url, "offline": ticket.offline, "printed": printed,
            "appointment": appointment, "priority": "" if ticket.priority == "appointment" else ticket.priority}
    return View("ticket", data, prompt="ticket.prompt.number" if printed else "ticket.prompt.number_not_printed",
                prompt_values={"number": spoken_number(ticket.number)})


class TakeNumberFlow(Flow):
    name = "take_number"

    def __init__(self, ctx: Any, **options: Any) -> None:
        super().__init__(ctx, **options)
        self.categories: list[Category] = []
        self.category: Category | None = None
        self.priority: str | None = options.get("priority")

    def start(self) -> Step:
        return Work(run=lambda: (self.ctx.hall.opening(), self.ctx.hall.categories()), done=self._loaded,
                    failed=self._load_failed, label="categories")

    def _loaded(self, result: tuple[Opening, list[Category]]) -> Step:
        opening, self.categories = result
        if not opening.open:
            return message("closed.message", opens=opening.opens_at, tone="warn")
        preset = self.options.get("category")
        if preset:
            chosen = next((c for c in self.categories if c.code == preset), None)
            if chosen is not None and not chosen.full:
                return self.on_category(preset)
        return self.view_categories()

    def _load_failed(self, exc: PortError) -> Step:
        return message("take_number.no_categories", tone="error", actions=("help", "home"))

    def view_categories(self, notice: str = "", **values: Any) -> View:
        offline = not self.ctx.online()
        if offline and not notice:
            notice = "categories.offline"  # why there are no waiting counts or estimates
        return View("categories", {"categories": category_rows(self.categories, offline=offline), "notice": notice,
                                   "values": values}, prompt="categories.prompt")

    def on_category(self, code: Any) -> Step:
        chosen = next((c for c in self.categories if c.code == code), None)
        if chosen is None:
            return self.view_categories()
        if chosen.full:
            reason = f"categories.full.{chosen.full_reason}"
            return self.view_categories(reason if has(self.ctx.lang, reason) else "categories.full.daily_cap",
                                        code=chosen.code)
        self.category = chosen
        self.ctx.session.data["category"] = chosen.code
        if self.ctx.session.identity is not None:  # already identified earlier in this visit
            return self._issue(self.ctx.session.identity)
        self.sub = sub = Identifier(self, purpose="priority", optional=True, then=self._issue)
        return sub.view()

    def on_back(self, _value: Any = None) -> Step:
        self.sub = None
        return self.view_categories()

    def _issue(self, identity: Identity | None) -> Step:
        assert self.category is not None
        code = self.category.code
        id_number = identity.id_number if identity else None
        def run() -> Ticket:
            ticket = self.ctx.terminal.issue_ticket(code, id_number=id_number, priority=self.priority)
            return qr.warm(ticket, ticket.follow_url)

        return Work(run=run,
                    done=self._issued, failed=self._issue_failed,
                    busy=View("busy", {"key": "busy.ticket"}), label="issue_ticket")

    def _issue_failed(self, exc: PortError) -> Step:
        if isinstance(exc, Refused):
            return self._refused(exc)
        if isinstance(exc, Unavailable):
            return message("take_number.unavailable", tone="error", actions=("help", "home"))
        return self.failed(exc)

    def _refused(self, exc: Refused) -> Step:
        """The server's reason, in the citizen's language, with its specifics (limit, cap, hours)."""
        d = exc.detail
        if exc.code in ("full", "closed") and self.category is not None:
            # the line is full or closed now: show it as such, here and to the next citizens
            reason = "daily_cap" if exc.code == "full" else "closed"
            self.ctx.hall.mark_full(self.category.code, reason)
            self.categories = [replace(c, full=True, full_reason=reason) if c.code == self.category.code else c
                               for c in self.categories]
            self.sub = None
            return self.view_categories(f"categories.full.{reason}", code=self.category.code)
        key = f"refused.{exc.code}" if has(self.ctx.lang, f"refused.{exc.code}") else "refused.other"
        lines: list[tuple[str, dict[str, Any]]] = []
        if exc.code == "quota" and d.get("limit") and d.get("used"):
            lines.append(("refused.detail.quota", {"limit": d["limit"], "used": d["used"]}))
        if d.get("until"):
            lines.append(("refused.detail.until", {"until": d["until"]}))
        return message(key, actions=("back", "home"), tone="warn", lines=tuple(lines))

    def _issued(self, ticket: Ticket) -> Step:
        self.ctx.session.data["ticket"] = ticket
        doc = ticket_document(ticket, self.category, lang=self.ctx.lang, hall=self.ctx.hall_name(),
                              issued=self.ctx.now(), appointment=bool(self.options.get("appointment")))
        return self.print_then(doc, lambda ok: ticket_view(ticket, self.category, printed=ok))

    def on_done(self, _value: Any = None) -> Step:
        return Home()
