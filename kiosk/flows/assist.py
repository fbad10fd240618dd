"""办不成事 (couldn't get it done) and 呼叫帮助 (call staff): record, alert, priority ticket."""

from __future__ import annotations

from typing import Any

from kiosk.flows import qr
from kiosk.flows.base import Flow, Step, View, Work, message
from kiosk.flows.ports import Category, PortError, Ticket
from kiosk.flows.take_number import line_of, ticket_document, ticket_view

PROBLEMS = ("no_item", "materials", "system", "refused", "other")


class HelpFlow(Flow):
    """One touch: the manager dashboard is alerted and staff come to the kiosk."""

    name = "help"

    def start(self) -> Step:
        return Work(run=lambda: self.ctx.terminal.help_call(reason="help"),
                    done=self._sent,
                    failed=lambda _e: message("help.failed", tone="warn"),
                    busy=View("busy", {"key": "busy.calling"}), label="help_call")


    def _sent(self, delivered: bool | None) -> Step:
        # Offline the call waits in the outbox: telling the citizen "someone is coming" would be a lie.
        if delivered is False:
            return message("help.queued", tone="warn")
        return message("help.called", tone="ok")


class FallbackFlow(Flow):
    """Choose what went wrong → alert + a top-priority ticket for the fallback window."""

    name = "fallback"

    def start(self) -> Step:
        return View("fallback", {"problems": list(PROBLEMS)}, prompt="fallback.prompt")

    def on_problem(self, value: Any) -> Step:
        problem = str(value) if value in PROBLEMS else "other"
        self.ctx.session.data["problem"] = problem
        category = self.ctx.fallback_category
        identity = self.ctx.session.identity
        id_number = identity.id_number if identity else None

        def run() -> tuple[Ticket, Category | None]:
            self.ctx.terminal.help_call(reason="fallback", detail=problem)
            ticket = self.ctx.terminal.issue_ticket(category, id_number=id_number, priority="fallback")
            qr.warm(ticket, ticket.follow_url)
            try:
                return ticket, line_of(ticket.category, self.ctx.hall.categories())
            except PortError:
                return ticket, None

        if not category:
            return Work(run=lambda: self.ctx.terminal.help_call(reason="fallback", detail=problem),
                        done=lambda _r: message("fallback.recorded", tone="ok"), failed=self._failed,
                        busy=View("busy", {"key": "busy.sending"}), label="fallback")
        return Work(run=run, done=self._issued, failed=self._failed, busy=View("busy", {"key": "busy.ticket"}),
                    label="fallback")

    def _issued(self, found: tuple[Ticket, Category | None]) -> Step:
        ticket, line = found
        self.ctx.session.data["ticket"] = ticket
        doc = ticket_document(ticket, line, lang=self.ctx.lang, hall=self.ctx.hall_name(), issued=self.ctx.now())

        def shown(printed: bool) -> Step:
            view = ticket_view(ticket, line, printed=printed)
            return View("ticket", {**view.data, "fallback": True}, prompt=view.prompt,
                        prompt_values=view.prompt_values)

        return self.print_then(doc, shown)

    def _failed(self, exc: PortError) -> Step:
        return message("fallback.failed", actions=("help", "home"), tone="error")
