"""Refusals of the terminal routes."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class TerminalNotRegistered(DomainError):
    code = "terminal.not_registered"
    kind = "not_found"
    template_zh = "该终端尚未登记，请先登记"
    template_en = "register the terminal first"


class PrefixTaken(DomainError):
    code = "terminal.prefix_taken"
    kind = "conflict"
    template_zh = "离线号前缀 {prefix} 已属于另一台终端，每台终端须有自己的前缀"
    template_en = "Offline prefix {prefix} belongs to another terminal; each terminal needs its own"


class OtherKind(DomainError):
    code = "terminal.other_kind"
    kind = "forbidden"
    template_zh = "此令牌只能代表 {kind} 类终端操作"
    template_en = "This token acts only for terminals of kind {kind}"
