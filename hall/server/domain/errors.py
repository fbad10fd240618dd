"""Domain errors: one tree, stable codes, zh/en message templates.

The API layer maps :attr:`DomainError.kind` to an HTTP status and shows ``message_zh`` /
``message_en``; it never parses ``str(e)``. Templates take only non-personal parameters (a masked
ID number at most), so a message can be logged and shown as is.
"""

from __future__ import annotations

from typing import Any, ClassVar

# What an error is, for the one HTTP mapping (hall.server.core.http_errors.STATUS): the first four are
# the domain's own, the rest the server's machinery (tokens, uploads, the database, the web framework).
KINDS = frozenset({"invalid", "refused", "conflict", "not_found", "unauthorized", "forbidden", "too_large",
                   "length_required", "unsupported", "rate_limited", "unavailable", "bad_request", "not_allowed",
                   "internal"})


class DomainError(Exception):
    """Base of all domain errors.

    ``code`` is stable (clients and tests match on it); ``kind`` is one of ``invalid`` (bad
    input), ``refused`` (a rule says no), ``conflict`` (state does not allow it), ``not_found``,
    and for the server's own machinery ``unauthorized``, ``forbidden``, ``too_large``,
    ``length_required``, ``unsupported``, ``rate_limited``, ``unavailable``, ``bad_request``, ``not_allowed``,
    ``internal``.
    ``top_level`` names params that an API body
    repeats next to ``code`` (contracts that predate ``params``); ``retry_after_s`` a client's wait.
    """

    code: ClassVar[str] = "domain_error"
    kind: ClassVar[str] = "invalid"
    template_zh: ClassVar[str] = "业务规则错误"
    template_en: ClassVar[str] = "Business rule error"
    top_level: ClassVar[tuple[str, ...]] = ()
    retry_after_s: ClassVar[int | None] = None

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = params
        super().__init__(f"{self.code}: {self.message_en}")

    @property
    def message_zh(self) -> str:
        return _fill(self.template_zh, self.params)

    @property
    def message_en(self) -> str:
        return _fill(self.template_en, self.params)

    def to_dict(self) -> dict[str, Any]:
        """``{"code", "message", "message_zh", "message_en", "params"}`` for an API body."""
        params = {k: _plain(v) for k, v in self.params.items()}
        return {
            "code": self.code,
            "message": self.message_en,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            **{k: params.get(k) for k in self.top_level},
            "params": params,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


class _Defaults(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, params: dict[str, Any]) -> str:
    # A missing parameter must never turn a refusal into a KeyError.
    return template.format_map(_Defaults(params))


class InvalidInput(DomainError):
    code = "invalid_input"
    template_zh = "输入有误：{field}"
    template_en = "Invalid input: {field}"


class InvalidIdNumber(DomainError):
    """Params: ``reason`` (an :class:`~hall.server.domain.identity.IdReason` value)."""

    code = "invalid_id_number"
    template_zh = "身份证号码无效（{reason}），请核对后重新输入"
    template_en = "Invalid ID number ({reason}); please check it and try again"


class InvalidCreditCode(DomainError):
    code = "invalid_credit_code"
    template_zh = "统一社会信用代码无效（{reason}）"
    template_en = "Invalid unified social credit code ({reason})"


class InvalidTicketNumber(DomainError):
    code = "invalid_ticket_number"
    template_zh = "号码格式不正确"
    template_en = "Malformed ticket number"


class SequenceExhausted(DomainError):
    code = "sequence_exhausted"
    kind = "refused"
    template_zh = "{category} 类今日号码已用完"
    template_en = "No more numbers today for category {category}"


class InvalidTransition(DomainError):
    code = "invalid_transition"
    kind = "conflict"
    template_zh = "当前状态（{current}）不能执行该操作（{target}）"
    template_en = "Cannot go from {current} to {target}"


class ReinstateExpired(DomainError):
    code = "reinstate_expired"
    kind = "refused"
    template_zh = "过号已超过 {minutes} 分钟，无法恢复，请重新取号"
    template_en = "Missed more than {minutes} minutes ago; please take a new ticket"


class UnknownCategory(DomainError):
    code = "unknown_category"
    kind = "not_found"
    template_zh = "没有该业务类别（{category}）"
    template_en = "Unknown service category {category}"


class Closed(DomainError):
    code = "closed"
    kind = "refused"
    template_zh = "{category} 类业务当前不办理，下次开放时间：{next_opening}"
    template_en = "Category {category} is closed now; it opens again at {next_opening}"


class CategoryFull(DomainError):
    code = "category_full"
    kind = "refused"
    template_zh = "{category} 类业务今日号源（{cap} 个）已发完，请改日办理或网上预约"
    template_en = "Today's {cap} tickets for category {category} are all taken; please come back or book online"


class QuotaExceeded(DomainError):
    code = "quota_exceeded"
    kind = "refused"
    template_zh = "同一证件每天每类业务最多取号 {limit} 次，今日已取 {used} 次"
    template_en = "One ID may take at most {limit} tickets per category per day; {used} taken today"


class Blacklisted(DomainError):
    code = "blacklisted"
    kind = "refused"
    template_zh = "近 {window_days} 天内预约未到 {misses} 次，{until} 前暂停网上预约，仍可现场取号"
    template_en = (
        "{misses} missed appointments in {window_days} days: online booking is paused until {until}; "
        "you can still take a ticket at the hall"
    )


class CheckInRefused(DomainError):
    """Params: ``reason`` (a :class:`~hall.server.domain.appointments.CheckInReason`) and detail;
    ``reason`` and ``come_back_at`` also sit next to ``code`` (docs/api.md, "Appointments")."""

    code = "check_in_refused"
    kind = "refused"
    template_zh = "{detail_zh}"
    template_en = "{detail_en}"
    top_level = ("reason", "come_back_at")


class InvalidCode(DomainError):
    code = "invalid_code"
    template_zh = "编码无效（{what}），请核对后重新输入"
    template_en = "Invalid {what}; please check it and try again"


class MaterialsIncomplete(DomainError):
    code = "materials_incomplete"
    kind = "refused"
    template_zh = "还缺 {count} 项材料：{names}"
    template_en = "{count} material(s) still missing: {names}"


class WaiverNotAllowed(DomainError):
    code = "waiver_not_allowed"
    kind = "refused"
    template_zh = "“{material}”不能容缺受理，须当场提供"
    template_en = "“{material}” cannot be waived under commitment; it must be provided now"


class InvalidEvaluation(DomainError):
    """Params: ``problem`` (a stable sub-code) and ``detail_zh`` / ``detail_en``."""

    code = "invalid_evaluation"
    template_zh = "评价无效：{detail_zh}"
    template_en = "Invalid evaluation: {detail_en}"
