"""Refusals of the statistics routes."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class BadDay(DomainError):
    code = "stats.bad_date"
    template_zh = "日期须在 2000 年至 2100 年之间"
    template_en = "day must be between 2000 and 2100"


class BadRange(DomainError):
    code = "stats.bad_range"
    template_zh = "报表起止日期有误：开始日期不能晚于结束日期，且跨度不超过 {max_days} 天"
    template_en = "report range: from must not be after to, and the range must be at most {max_days} days"
