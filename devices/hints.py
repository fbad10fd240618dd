"""What a technician checks next for each device status code (zh_CN and en), with the setting involved.

Used by ``devices diagnose`` (kiosk/technician/diagnose.py); the codes are in docs/field-guide.md §4.
``{key}`` is the setting that locates the device (``devices.id_card.port`` …), ``{value}`` its value.
"""

from __future__ import annotations

from typing import Any

# kind -> the setting that says where the device is
_WHERE = {"id_card": "port", "ss_card": "reader", "camera": "source", "code_scanner": "source",
          "doc_camera": "source", "printer": "connection", "voice": "driver"}

_HINTS: dict[str, tuple[str, str]] = {
    "device.port_missing": ("{key}（{value}）不存在：插好 USB 线，用 ls -l /dev/serial/by-id/ 找到端口并写入 {key}",
                            "{key} ({value}) does not exist: reseat the USB cable, find the port with "
                            "ls -l /dev/serial/by-id/ and put it in {key}"),
    "device.port_denied": ("kiosk 用户无权打开 {value}：usermod -aG dialout kiosk 后重新登录",
                           "the kiosk user may not open {value}: usermod -aG dialout kiosk, then log in again"),
    "device.port_busy": ("{value} 被其他程序占用：先 systemctl stop hall-kiosk，再用 fuser {value} 查看",
                         "{value} is held by another program: systemctl stop hall-kiosk, then fuser {value}"),
    "device.timeout": ("端口能打开但设备不应答：检查设备电源和数据线，波特率须与设备一致",
                       "the port opens but nothing answers: the device's power and cable; the baud rate must "
                       "match the device's"),
    "id_card.not_a_reader": ("{value} 上应答的不是身份证阅读器，或波特率不对：核对该端口接的是哪台设备及 "
                             "devices.id_card.baudrate",
                             "something that is not an ID card reader answers on {value}, or the baud rate is "
                             "wrong: check which device is on this port and devices.id_card.baudrate"),
    # the vendor-SDK driver (devices.id_card.driver = "sdk"): {library}, {sdk_port}, {family} from its options
    "id_card.sdk_missing": ("厂家 SDK 库 {library} 不存在：安装厂家的 Linux SDK，把 .so 的完整路径写入 "
                            "devices.id_card.options.library",
                            "the vendor SDK library {library} does not exist: install the vendor's Linux SDK and "
                            "put the .so's full path in devices.id_card.options.library"),
    "id_card.sdk_unloadable": ("SDK 库 {library} 无法加载：ldd {library} 查看缺少的依赖库；须为本机架构（64 位）的版本",
                               "the SDK library {library} cannot be loaded: ldd {library} shows a missing "
                               "dependency; it must be built for this machine (64-bit)"),
    "id_card.sdk_function": ("SDK 库 {library} 缺少 {family} 系列的函数：nm -D {library} | grep -i -E "
                             "'comm|auth|read|sdt_' 查看导出名称，在 devices.id_card.options.family 选对系列"
                             "（sdtapi / termb / cvr），或用 devices.id_card.options.functions.<角色> 映射改名的函数",
                             "the SDK library {library} lacks a function of the {family} family: nm -D {library} | "
                             "grep -i -E 'comm|auth|read|sdt_' lists its names; choose the family "
                             "(devices.id_card.options.family: sdtapi, termb or cvr) or map a renamed function in "
                             "devices.id_card.options.functions.<role>"),
    "id_card.sdk_port": ("SDK 打不开端口 {sdk_port}：USB 阅读器用 1001–1016（第一台为 1001），串口用 1–16；"
                         "lsusb 确认阅读器已连接，kiosk 用户须有 USB 设备权限（厂家 udev 规则或 plugdev 组）",
                         "the SDK cannot open port {sdk_port}: USB readers are 1001–1016 (the first is 1001), serial "
                         "ports 1–16; lsusb shows the reader is connected; the kiosk user needs access to the USB "
                         "device (the vendor's udev rule or the plugdev group)"),
    "device.offline": ("设备未连接：检查数据线和 {key}（{value}）", "not connected: the cable and {key} ({value})"),
    "ss_card.pcscd_unavailable": ("读卡服务 pcscd 未运行：systemctl restart pcscd",
                                  "pcscd is not running: systemctl restart pcscd"),
    "ss_card.twin_unavailable": ("社保卡模拟器需要 pcscd 和 vsmartcard-vpcd：apt-get install pcscd vsmartcard-vpcd",
                                 "the social-security twin needs pcscd and vsmartcard-vpcd installed"),
    "ss_card.no_reader": ("没有名称含 {key}（{value}）的读卡器：pcsc_scan 列出读卡器名称，检查 USB 线",
                          "no reader whose name contains {key} ({value}): pcsc_scan lists the reader names; "
                          "check the USB cable"),
    "ss_card.no_psam": ("PSAM 卡座为空：插入 PSAM 卡（3.0 社保卡只能读卡号）",
                        "the PSAM slot is empty: insert the PSAM (3.0 cards give the card number only)"),
    "device.printer.not_a_printer": ("{value} 上应答的不是 ESC/POS 打印机：核对 IP 地址和端口（或串口）",
                                     "what answers on {value} is not an ESC/POS printer: check the IP address and "
                                     "port (or the serial port)"),
    "device.printer.paper_out": ("打印纸用完：装纸", "out of paper: load a roll"),
    "device.printer.near_end": ("打印纸将尽：准备换纸", "paper running low: have a roll ready"),
    "device.printer.cover_open": ("打印机盖未关：合上纸仓盖", "the printer's cover is open: close it"),
    "device.not_settled": ("设备在等待时间内没有报告状态：用 --settle 20 再试一次，检查数据线",
                           "the device gave no status in time: run again with --settle 20; check the cable"),
    "device.voice.no_sound_device": ("没有声卡：检查音箱连接，或设置 devices.voice.play = false",
                                     "no sound device: check the speakers, or set devices.voice.play = false"),
}
_PREFIX_HINTS: dict[str, tuple[str, str]] = {
    "device.camera": ("摄像头不可用：检查 {key}（{value}），ls -l /dev/v4l/by-id/ 列出摄像头",
                      "the camera is unavailable: check {key} ({value}); ls -l /dev/v4l/by-id/ lists cameras"),
    "id_card.sam": ("身份证阅读器安全模块故障：断电重启阅读器，仍不行请联系厂家",
                    "the reader's SAM module fails: power-cycle the reader, then call the vendor"),
    "device.driver": ("驱动无法加载：python main.py devices list 列出可用驱动", "the driver cannot be loaded: "
                      "python main.py devices list shows the drivers available"),
}
_DEFAULT = ("见 docs/devices/{kind}.md 中的状态码 {code}", "see status code {code} in docs/devices/{kind}.md")
# Verdicts ``devices diagnose`` gives itself (zh, en): a device that could not be opened, or that gave no
# status within the settle time (``{s}`` seconds).
CANNOT_OPEN = ("设备无法打开", "cannot open: {detail}")
NOT_SETTLED = ("{s} 秒内设备未报告状态", "no status within {s} s")


def next_step(kind: str, code: str, conf: Any) -> dict[str, str]:
    """``{"zh", "en"}``: what to check next for ``code`` of device ``kind`` configured as ``conf``."""
    zh, en = _HINTS.get(code) or next((v for p, v in _PREFIX_HINTS.items() if code.startswith(p)), _DEFAULT)
    where = _WHERE.get(kind, "driver")
    options = getattr(conf, "driver_table", None) or {}
    fields = {"key": f"devices.{kind}.{where}", "value": str(getattr(conf, where, "")) or '""',
              "kind": kind, "code": code, "library": str(options.get("library", "")) or '""',
              "sdk_port": str(options.get("port", 1001)), "family": str(options.get("family", "sdtapi"))}
    return {"zh": zh.format(**fields), "en": en.format(**fields)}
