"""Undo at the counter: F5 (过号) asks for confirmation first, and F9 (恢复过号) lists this window's
no-shows that may still be reinstated (the server's ``reinstate_minutes``) and puts the chosen one back
at the head of its line. Mixed into the counter window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hall.counter.dialogs import NoShowConfirmDialog, ReinstateDialog
from hall.counter.messages import error_text

if TYPE_CHECKING:  # the window this is mixed into; at run time the mixin is a plain class
    from PySide6.QtWidgets import QWidget as _Window
else:
    _Window = object


class UndoMixin(_Window):
    """Needs ``runner``, ``service``, ``state``, ``say``, ``_act``, ``_open``, ``_ticket_done`` from the window."""

    runner: Any
    service: Any
    state: Any

    if TYPE_CHECKING:  # provided by the window
        def say(self, level: str, text: str) -> None: ...

        def _act(self, name: str, fn: Callable[[], Any], done: Callable[[Any], None], label: str) -> None: ...

        def _open(self, dialog: Any, slot: Callable[..., None]) -> None: ...

        def _ticket_done(self, text: str) -> Callable[[Any], None]: ...

    def do_no_show(self) -> None:
        """F5 asks first: a wrong no-show sends a citizen who is walking up to the back of the hall."""
        if self.state.actions()["no_show"]:
            number = str((self.state.current or {}).get("number", ""))
            self._open(NoShowConfirmDialog(number, self), self.no_show_confirmed)

    def no_show_confirmed(self) -> None:
        self._act("no_show", self.service.no_show, self._ticket_done("{number} 已记为过号（记错可按 F9 恢复）"),
                  "过号")

    def do_reinstate(self) -> None:
        if self.state.actions()["reinstate"]:
            self.runner.op(self.service.no_shows).success(self._show_no_shows).failure(
                lambda e: self.say("error", error_text(e, "读取过号"))).run()

    def _show_no_shows(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            self.say("info", "本窗口没有可恢复的过号（没有过号，或已超过可恢复时限）")
            return
        self._open(ReinstateDialog(rows, self), self.reinstate_ticket)

    def reinstate_ticket(self, ticket_id: int, number: str) -> None:
        self._act("reinstate", lambda: self.service.reinstate(ticket_id),
                  lambda _t: self.say("ok", f"{number} 已恢复，排在该业务队首，可再次呼叫"), "恢复过号")
