"""Refusals about tickets that are not the queue rules' own (those are in :mod:`hall.server.domain.errors`)."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class TicketNotFound(DomainError):
    code = "ticket.not_found"
    kind = "not_found"
    template_zh = "没有该号码"
    template_en = "No such ticket"


class TicketNotFoundToday(TicketNotFound):
    template_zh = "今天没有 {number} 号"
    template_en = "No ticket {number} today"


class OfflineFields(DomainError):
    code = "ticket.offline_fields"
    template_zh = "离线号须带 offline_number、issued_at 和 terminal_id"
    template_en = "Offline tickets need offline_number, issued_at and terminal_id"


class BadTerminalClock(DomainError):
    code = "ticket.bad_terminal_clock"
    template_zh = "X-Terminal-Clock 须为带时区的 ISO 8601 时间"
    template_en = "X-Terminal-Clock must be an ISO 8601 time with its zone"


class TransferTarget(DomainError):
    code = "transfer.target"
    template_zh = "请给出转入的业务类别或窗口（二者取一）"
    template_en = "Give exactly one of category or window"


class OfflineNumberTaken(DomainError):
    """Another ticket already holds this printed number (a retry of the same ticket carries its
    Idempotency-Key and gets the first answer instead). The terminal keeps its ticket pending."""

    code = "ticket.offline_number_taken"
    kind = "conflict"
    template_zh = "离线号 {number} 已被另一张号票使用，请联系技术人员"
    template_en = "Offline number {number} is already held by another ticket; call a technician"


class OfflinePrefixForeign(DomainError):
    code = "ticket.offline_prefix_foreign"
    kind = "conflict"
    template_zh = "离线号前缀 {prefix} 属于另一台终端，请联系技术人员"
    template_en = "Offline prefix {prefix} belongs to another terminal; call a technician"
