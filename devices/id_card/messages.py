"""Status texts of the ID-card reader for people: zh_CN first, en second."""

from __future__ import annotations

from typing import NamedTuple

from devices.status import Health


class StatusText(NamedTuple):
    health: Health
    code: str
    zh: str
    en: str


STATUS: dict[str, StatusText] = {
    "not_started": StatusText(Health.OFFLINE, "id_card.closed", "身份证阅读器未启动", "ID card reader not started"),
    "ok": StatusText(Health.OK, "ok", "正常", "OK"),
    "offline": StatusText(Health.OFFLINE, "device.offline", "身份证阅读器未连接，正在重连",
                          "ID card reader not connected; reconnecting"),
    "port_missing": StatusText(Health.OFFLINE, "device.port_missing", "身份证阅读器的串口不存在",
                               "The ID card reader's port does not exist"),
    "port_denied": StatusText(Health.OFFLINE, "device.port_denied", "无权打开身份证阅读器的串口",
                              "No permission to open the ID card reader's port"),
    "port_busy": StatusText(Health.OFFLINE, "device.port_busy", "身份证阅读器的串口被其他程序占用",
                            "The ID card reader's port is held by another program"),
    "not_a_reader": StatusText(Health.OFFLINE, "id_card.not_a_reader", "串口上的设备不是身份证阅读器（或波特率不对）",
                               "The device on the port is not an ID card reader (or the baud rate is wrong)"),
    "no_answer": StatusText(Health.OFFLINE, "device.timeout", "身份证阅读器无响应",
                            "ID card reader does not answer"),
    "sam_fault": StatusText(Health.DEGRADED, "id_card.sam.fault", "身份证阅读器安全模块故障",
                            "ID card reader SAM module fault"),
    "photo_decoder": StatusText(Health.DEGRADED, "id_card.photo_decoder", "身份证照片解码库不可用，仅读取文字信息",
                                "ID card photo decoder unavailable; reading text only"),
}
