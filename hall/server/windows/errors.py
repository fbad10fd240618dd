"""Refusals of a window's actions."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class WindowNotFound(DomainError):
    code = "window.not_found"
    kind = "not_found"
    template_zh = "没有 {window} 号窗口"
    template_en = "No window {window}"


class WindowPaused(DomainError):
    code = "window.paused"
    kind = "conflict"
    template_zh = "{window} 号窗口暂停中，请先恢复"
    template_en = "Window {window} is paused; resume it first"


class WindowIdle(DomainError):
    code = "window.idle"
    kind = "conflict"
    template_zh = "{window} 号窗口当前没有在办的号"
    template_en = "Window {window} has no current ticket"


class PauseReasonRequired(DomainError):
    code = "window.reason_required"
    template_zh = "暂停须填写原因"
    template_en = "A pause needs a reason"


class WindowNotOpen(DomainError):
    code = "window.not_open"
    kind = "conflict"
    template_zh = "{window} 号窗口未开放（{status}），转入的群众将无人叫号；请先开窗，或由管理人员强制转入"
    template_en = ("Window {window} is not open ({status}): nobody would call the citizen. Open it first, "
                   "or a manager forces the transfer")


class ForceNeedsManager(DomainError):
    code = "window.force_needs_manager"
    kind = "forbidden"
    template_zh = "只有管理人员可以强制转入未开放的窗口"
    template_en = "Only a manager may force a transfer to a window that is not open"
