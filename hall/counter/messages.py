"""Clerk-facing texts for failures, chosen by error class and server code (never from ``str(exc)``)."""

from __future__ import annotations

from hall.client.errors import (
    HallAuthError,
    HallConflict,
    HallError,
    HallRateLimited,
    HallRejected,
    HallServerError,
    HallTimeout,
    HallUnreachable,
)

BY_CODE = {
    "staff.sign_in_failed": "工号或 PIN 不正确",
    "staff.locked": "PIN 连续输错，账号已锁定 15 分钟，请联系值班长",
    "window.paused": "窗口已暂停，请先恢复服务",
    "window.idle": "当前没有正在办理的号码",
    "window.not_found": "服务器上没有配置本窗口，请联系管理员",
    "ticket.not_found": "今天没有这个号码",
    "invalid_transition": "该号码当前状态不能执行此操作",
    "invalid_ticket_number": "号码格式不对，例如 A023",
    "window.reason_required": "暂停需要填写原因",
    "transfer.target": "请选择转移到的业务类别或窗口",
    "unknown_category": "没有这个业务类别",
    "reinstate_expired": "已超过可恢复时限",
    "materials_incomplete": "材料不齐，不能受理",
    "idempotency.mismatch": "重复提交的内容不一致，请重试",
}


def error_text(exc: BaseException, action: str = "") -> str:
    """A short Chinese sentence for the status bar."""
    prefix = f"{action}失败：" if action else ""
    if isinstance(exc, HallUnreachable | HallTimeout):
        return prefix + "暂时连不上服务器，请稍后再按一次（不会重复叫号）"
    if isinstance(exc, HallRejected) and (exc.server_code or "") in BY_CODE:
        return prefix + BY_CODE[exc.server_code or ""]
    if isinstance(exc, HallAuthError):
        return prefix + "登录已失效或没有柜员权限，请重新登录"
    if isinstance(exc, HallRateLimited):
        return prefix + "操作过于频繁，请稍候"
    if isinstance(exc, HallRejected):
        code = exc.server_code or ""
        if code in BY_CODE:
            return prefix + BY_CODE[code]
        if exc.status == 404:
            return prefix + "服务器暂不支持此功能或记录不存在"
        if isinstance(exc, HallConflict):
            return prefix + "与当前状态冲突，已刷新，请重试"
        return prefix + "服务器拒绝了此操作"
    if isinstance(exc, HallServerError):
        return prefix + "服务器内部错误，请稍后重试"
    if isinstance(exc, HallError):
        return prefix + "操作未完成"
    return prefix + "程序出现意外，已记录日志"
