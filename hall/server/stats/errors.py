"""Refusals of the statistics routes."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class BadDay(DomainError):
    code = "stats.bad_date"
    template_zh = "日期须在 2000 年至 2100 年之间"
    template_en = "day must be between 2000 and 2100"
