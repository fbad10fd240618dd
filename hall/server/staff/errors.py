"""Refusals of staff accounts and the counter's sign-in."""

from __future__ import annotations

from hall.server.domain.errors import DomainError


class StaffExists(DomainError):
    code = "staff.exists"
    kind = "conflict"
    template_zh = "工号 {staff_no} 已存在"
    template_en = "staff number {staff_no} exists already"


class BadPinFormat(DomainError):
    code = "staff.pin_format"
    template_zh = "PIN 须为 4 到 8 位数字"
    template_en = "the PIN must be 4 to 8 digits"


class NameRequired(DomainError):
    code = "staff.name_required"
    template_zh = "请填写工作人员姓名"
    template_en = "the staff member's name is required"


class SignInFailed(DomainError):
    """Unknown staff number and wrong PIN look the same (no guessing who exists)."""

    code = "staff.sign_in_failed"
    kind = "forbidden"
    template_zh = "工号或 PIN 不正确"
    template_en = "wrong staff number or PIN"


class StaffLocked(DomainError):
    code = "staff.locked"
    kind = "forbidden"
    template_zh = "PIN 连续输错，账号已锁定 {minutes} 分钟，请联系值班长"
    template_en = "too many wrong PINs: the account is locked for {minutes} minutes; ask the duty manager"


class NotSignedIn(DomainError):
    code = "staff.not_signed_in"
    kind = "conflict"
    template_zh = "该窗口没有工作人员签到"
    template_en = "nobody is signed in at this window"
