"""Refusals of the dashboard: its session (401/403), its CSRF check, its assets, its dates."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class DashboardRole(DomainError):
    code = "dashboard.role"
    kind = "forbidden"
    template_zh = "管理看板需要管理员令牌"
    template_en = "the dashboard needs a manager token"


class LoginRequired(DomainError):
    code = "dashboard.login_required"
    kind = "unauthorized"
    template_zh = "请先登录管理看板"
    template_en = "please log in to the dashboard"


class SessionRevoked(DomainError):
    code = "dashboard.session_revoked"
    kind = "unauthorized"
    template_zh = "登录所用的令牌已被吊销，请重新登录"
    template_en = "the token behind this session was revoked"


class CsrfMismatch(DomainError):
    code = "dashboard.csrf"
    kind = "forbidden"
    template_zh = "缺少或错误的 X-CSRF-Token，请刷新页面"
    template_en = "missing or wrong X-CSRF-Token"


class AssetNotFound(DomainError):
    code = "dashboard.asset_not_found"
    kind = "not_found"
    template_zh = "没有该看板文件"
    template_en = "no such dashboard asset"


class BadDate(DomainError):
    code = "dashboard.bad_date"
    template_zh = "日期须为真实存在的 YYYY-MM-DD"
    template_en = "date must be a real YYYY-MM-DD day"


class DateOutOfRange(BadDate):
    template_zh = "日期须在 2000 年至 2100 年之间"
    template_en = "date must be between 2000 and 2100"


class AdminOnly(DomainError):
    code = "dashboard.admin_only"
    kind = "forbidden"
    template_zh = "该操作需要系统管理员（admin）令牌"
    template_en = "this needs an admin token"


class BadCalendarDay(DomainError):
    code = "dashboard.calendar_day"
    template_zh = "“班”（调休上班）应是周末"
    template_en = "a make-up working day must fall on a weekend"


class CalendarDayNotFound(DomainError):
    code = "dashboard.calendar_day_not_found"
    kind = "not_found"
    template_zh = "日历中没有这一天"
    template_en = "that day is not in the calendar"


class ItemInvalid(DomainError):
    """A service item the admin tab sent that breaks the catalogue's rules (the checks of an import).
    ``fields``: ``[{"field", "reason_zh", "reason_en"}]`` with ``field`` as the API names it
    (``promised_days``, ``materials[1].copies``); the message names the first."""

    code = "item.invalid"
    template_zh = "{label}：{reason_zh}"
    template_en = "{field}: {reason_en}"
    top_level = ("fields",)


class ItemFormInvalid(DomainError):
    """An item's form definition that ``hall.forms.parse_form`` refuses: ``path`` names the part
    (``fields[2].when``), with the reason in both languages."""

    code = "item.form_invalid"
    template_zh = "申请表定义 {path}：{reason_zh}"
    template_en = "form definition, {path}: {reason_en}"
    top_level = ("path",)
