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
