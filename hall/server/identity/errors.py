"""Refusals of a scanned service code (亮码): all 404, the terminal has nothing to prefill and offers
another way; ``params.reason`` says why (invalid, expired, used)."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class ServiceCodeInvalid(DomainError):
    """Not one of ours, altered, or unknown."""

    code = "service_code.invalid"
    kind = "not_found"
    template_zh = "无法识别这个亮码，请刷新后重试或刷身份证"
    template_en = "This service code is not recognised; refresh it or use your ID card"

    def __init__(self) -> None:
        super().__init__(reason="invalid")


class ServiceCodeExpired(DomainError):
    code = "service_code.expired"
    kind = "not_found"
    template_zh = "亮码已过期，请在手机上刷新后再扫"
    template_en = "This service code has expired; refresh it on your phone and scan again"

    def __init__(self) -> None:
        super().__init__(reason="expired")


class ServiceCodeUsed(DomainError):
    code = "service_code.used"
    kind = "not_found"
    template_zh = "这个亮码已使用过，请在手机上刷新后再扫"
    template_en = "This service code was already used; refresh it on your phone"

    def __init__(self) -> None:
        super().__init__(reason="used")
