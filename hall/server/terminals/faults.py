"""A terminal's faults in words for the manager (缺纸, 读卡器离线, 扬声器故障…), from its last heartbeat;
faulty terminals sort first (issue 15, item 4)."""

from __future__ import annotations

from typing import Any

# Device kind → (zh, en) name as the dashboard says it.
_KIND = {"id_card": ("读卡器", "card reader"), "ss_card": ("社保卡读卡器", "SS card reader"),
         "printer": ("打印机", "printer"), "camera": ("摄像头", "camera"), "doc_camera": ("高拍仪", "document camera"),
         "code_scanner": ("扫码器", "code scanner"), "voice": ("扬声器", "speaker"), "speaker": ("扬声器", "speaker"),
         "display": ("显示屏", "display"), "keypad": ("键盘", "keypad"), "face": ("人脸核验", "face check")}
# Device status codes with a name of their own.
_CODES = {"device.printer.paper_out": ("缺纸", "out of paper"), "device.printer.paper_low": ("纸将尽", "paper low"),
          "device.printer.cover_open": ("打印机盖未关", "printer cover open")}


def device_fault(d: dict[str, Any]) -> tuple[str, str] | None:
    """The fault of one reported device as (zh, en), None when it is healthy."""
    health = d.get("health", "ok")
    if health == "ok":
        return None
    code = str(d.get("code") or "")
    if code in _CODES:
        return _CODES[code]
    if "paper" in code:
        return _CODES["device.printer.paper_out"]
    kind = str(d.get("kind") or "")
    zh, en = _KIND.get(kind, (kind or "设备", kind or "device"))
    return (f"{zh}离线", f"{en} offline") if health == "offline" else (f"{zh}故障", f"{en} fault")


def faults(devices: list[dict[str, Any]], *, online: bool) -> tuple[list[str], list[str]]:
    """Every fault of a terminal in words, zh and en; an offline terminal's own first (终端离线)."""
    found = [("终端离线", "terminal offline")] if not online else []
    for d in devices:
        f = device_fault(d) if isinstance(d, dict) else None
        if f is not None and f not in found:
            found.append(f)
    return [zh for zh, _ in found], [en for _, en in found]


def fault_order(online: bool, fault_count: int, kind: str, ident: str) -> tuple[int, str, str]:
    """Sort key: offline terminals, then ones with a faulty device, then the healthy; by kind and id within."""
    return (0 if not online else 1 if fault_count else 2, kind, ident)
