"""Refusals of the terminal routes."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class TerminalNotRegistered(DomainError):
    code = "terminal.not_registered"
    kind = "not_found"
    template_zh = "该终端尚未登记，请先登记"
    template_en = "register the terminal first"
