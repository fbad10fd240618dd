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


# The web framework's own refusals (routing, request parsing), in the same tree so every error body has
# one shape and zh/en text. Codes are the ones the API has always answered with.
class RequestInvalid(DomainError):
    """A body, query or path that does not fit the schema. ``fields``: ``[{"field", "problem"}]``."""

    code = "validation"
    template_zh = "请求内容有误：{field}（{problem}）"
    template_en = "{field}: {problem}"
    top_level = ("fields",)


class BadRequest(DomainError):
    code = "http_400"
    kind = "bad_request"
    template_zh = "请求无法解析"
    template_en = "The request could not be parsed"


class RouteNotFound(DomainError):
    code = "not_found"
    kind = "not_found"
    template_zh = "没有这个地址"
    template_en = "Not Found"


class MethodNotAllowed(DomainError):
    code = "method_not_allowed"
    kind = "not_allowed"
    template_zh = "该地址不支持这种请求方法"
    template_en = "Method Not Allowed"


class PayloadTooLarge(DomainError):
    code = "too_large"
    kind = "too_large"
    template_zh = "请求内容过大"
    template_en = "Request body too large"


class LengthRequired(DomainError):
    """A body sent without ``Content-Length`` (chunked): its size must be known before it is read."""

    code = "length_required"
    kind = "length_required"
    template_zh = "请求须注明内容长度（Content-Length）"
    template_en = "A request body must declare its Content-Length"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    kind = "unsupported"
    template_zh = "不支持这种内容类型"
    template_en = "Unsupported media type"


class InternalError(DomainError):
    """Something the server did not expect; the log has the details, the body never does."""

    code = "internal"
    kind = "internal"
    template_zh = "服务器内部错误，请稍后重试或联系工作人员"
    template_en = "internal server error"
