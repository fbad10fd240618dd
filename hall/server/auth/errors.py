"""Refusals of the token check (401, 403, 429 through the one HTTP mapping)."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class AuthRequired(DomainError):
    code = "auth.required"
    kind = "unauthorized"
    template_zh = "需要登录令牌（Bearer token）"
    template_en = "A bearer token is required"


class InvalidToken(DomainError):
    code = "auth.invalid_token"
    kind = "unauthorized"
    template_zh = "令牌无效或已被吊销"
    template_en = "Unknown or revoked token"


class AuthRateLimited(DomainError):
    code = "auth.rate_limited"
    kind = "rate_limited"
    template_zh = "失败次数过多，请一分钟后再试"
    template_en = "Too many failed attempts; wait a minute"
    retry_after_s = 60


class Forbidden(DomainError):
    code = "auth.forbidden"
    kind = "forbidden"
    template_zh = "当前角色（{role}）无权执行此操作"
    template_en = "Role {role} may not do this"


class TokenInUrl(DomainError):
    code = "auth.token_in_url"
    kind = "unauthorized"
    template_zh = "令牌不得放在网址中，请在首条消息或 Authorization 头中发送"
    template_en = "A token must not be sent in the URL; send it in the first message or the Authorization header"
