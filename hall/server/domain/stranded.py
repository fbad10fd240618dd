"""Nobody stranded: a waiting ticket that no open window can serve, why, and which window would.

A ticket is stranded when no *open* window serves it (:meth:`queue_policy.Window.serves`, the rule
call-next itself follows): its line has no open window, the 办不成事 desk is closed, or the window it
was transferred to is not open. The dashboard shows such tickets in red with the window to open; their
estimate is unknown, never a number no window will keep.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from hall.server.domain.queue_policy import Window
from hall.server.domain.tickets import QueueTicket


class StrandReason(StrEnum):
    LINE_CLOSED = "line_closed"  # no open window serves its category
    FALLBACK_DESK_CLOSED = "fallback_desk_closed"  # a 办不成事 ticket and no open 办不成事 desk
    WINDOW_CLOSED = "window_closed"  # transferred to a window that is not open


REASON_ZH = {StrandReason.LINE_CLOSED: "该业务没有开放的窗口", StrandReason.FALLBACK_DESK_CLOSED: "办不成事窗口未开放",
             StrandReason.WINDOW_CLOSED: "转入的窗口未开放"}
REASON_EN = {StrandReason.LINE_CLOSED: "No open window serves this line",
             StrandReason.FALLBACK_DESK_CLOSED: "The 'cannot get it done' desk is not open",
             StrandReason.WINDOW_CLOSED: "The window it was transferred to is not open"}


def strand_reason(ticket: QueueTicket, open_windows: Iterable[Window]) -> StrandReason | None:
    """Why no open window can serve ``ticket``; None when one can."""
    if any(w.serves(ticket) for w in open_windows):
        return None
    if ticket.target_window is not None:
        return StrandReason.WINDOW_CLOSED
    if ticket.fallback:
        return StrandReason.FALLBACK_DESK_CLOSED
    return StrandReason.LINE_CLOSED


def window_to_open(ticket: QueueTicket, other_windows: Iterable[Window]) -> str | None:
    """The first of the windows that are not open which would serve ``ticket`` once opened."""
    serving = sorted((w for w in other_windows if w.serves(ticket)), key=lambda w: (len(w.id), w.id))
    return serving[0].id if serving else None
