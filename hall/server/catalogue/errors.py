"""Refusals of the catalogue's routes."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class ItemNotFound(DomainError):
    code = "item.not_found"
    kind = "not_found"
    template_zh = "没有该事项"
    template_en = "No such service item"


class CodeMismatch(DomainError):
    code = "category.code_mismatch"
    template_zh = "路径与正文中的类别代码不一致"
    template_en = "Path and body codes differ"
