"""Errors of the server's own machinery (idempotency, the database), in the domain's error tree.

Like every error a service raises they carry a stable code, a kind (which the one HTTP mapping in
:mod:`hall.server.core.http_errors` turns into a status) and zh/en messages.
"""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class IdempotencyMismatch(DomainError):
    code = "idempotency.mismatch"
    kind = "conflict"
    template_zh = "该请求编号（Idempotency-Key）已用于另一个请求"
    template_en = "This Idempotency-Key was already used with a different request body"


class IdempotencyBadKey(DomainError):
    code = "idempotency.bad_key"
    template_zh = "请求编号（Idempotency-Key）须为 1–{max_len} 个 ASCII 字符"
    template_en = "Idempotency-Key must be 1-{max_len} ASCII characters"


class DatabaseBusy(DomainError):
    """A write met conflicting ones too often (deadlock or serialization failure); repeating it is safe."""

    code = "db.busy"
    kind = "unavailable"
    template_zh = "系统繁忙，请稍后重试"
    template_en = "The database is busy with conflicting changes; try again"
    retry_after_s = 1


class DatabaseUnavailable(DomainError):
    code = "db.unavailable"
    kind = "unavailable"
    template_zh = "数据库暂时无法访问，请稍后重试"
    template_en = "The database is not answering; try again shortly"
    retry_after_s = 2
