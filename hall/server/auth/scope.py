"""What a token may act for: a kiosk token only for its own terminal id, a counter or evaluator token
only for its own window, priorities the server does not derive only from staff.

Routes call these right after the role check (``who`` from :mod:`hall.server.auth.deps`); the refusals
are 403s with a translated message that names the token's own binding, never the input.
"""

from __future__ import annotations

from hall.server.auth.cache import Principal
from hall.server.auth.tokens import STAFF
from hall.server.domain.errors import DomainError


class OtherTerminal(DomainError):
    code = "auth.other_terminal"
    kind = "forbidden"
    template_zh = "此令牌只能代表终端 {terminal} 操作"
    template_en = "This token acts only for terminal {terminal}"


class OtherWindow(DomainError):
    code = "auth.other_window"
    kind = "forbidden"
    template_zh = "此令牌只能操作 {window} 号窗口"
    template_en = "This token acts only for window {window}"


class StaffPriority(DomainError):
    code = "auth.staff_priority"
    kind = "forbidden"
    template_zh = "此优先类别只能由工作人员设置"
    template_en = "Only staff may set this priority"


# Priorities a kiosk may ask for: the 办不成事 fallback; the server derives elderly (from the ID) and
# appointment (check-in) itself.
SELF_SERVICE_PRIORITIES = frozenset({"cannot_do", "fallback"})


def for_terminal(who: Principal, terminal_id: str | None) -> str | None:
    """The terminal id to act for: a bound token's own (``terminal_id`` must be it or absent), else
    ``terminal_id`` as given. Raises OtherTerminal."""
    if who.terminal is None:
        return terminal_id
    if terminal_id is not None and terminal_id != who.terminal:
        raise OtherTerminal(terminal=who.terminal)
    return who.terminal


class TechnicianAlertFromKiosk(DomainError):
    code = "auth.technician_alert"
    kind = "forbidden"
    template_zh = "维护密码告警只能由自助终端为其自身发出"
    template_en = "Only a kiosk raises technician PIN alerts, for its own terminal"


def technician_alert(who: Principal, terminal_id: str | None) -> None:
    """A ``technician_pin`` help call: from a token bound to a terminal (already checked to be its
    own by :func:`for_terminal`) or from the deprecated shared terminal token naming one.
    Raises TechnicianAlertFromKiosk."""
    if who.role not in ("kiosk", "terminal") or terminal_id is None:
        raise TechnicianAlertFromKiosk()


def owns_ticket(who: Principal, ticket_terminal: str | None) -> None:
    """A kiosk token may touch only tickets its own terminal issued. Raises OtherTerminal."""
    if who.terminal is not None and ticket_terminal != who.terminal:
        raise OtherTerminal(terminal=who.terminal)


def for_window(who: Principal, window: int | None) -> None:
    """A counter or evaluator token acts only for its own window. Raises OtherWindow."""
    if who.window is not None and window != who.window:
        raise OtherWindow(window=who.window)


def check_priority(who: Principal, priority: str | None) -> None:
    """Priorities other than the self-service ones only from staff. Raises StaffPriority."""
    if priority is not None and priority not in SELF_SERVICE_PRIORITIES and who.role not in STAFF:
        raise StaffPriority()


def public_only(who: Principal) -> bool:
    """A display's or evaluation pad's token reads only a ticket's public fields."""
    return who.role in ("display", "evaluator")
