"""The settings tree. Every table forbids unknown keys so typos are caught at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from devices.camera.settings import CameraSettings
from devices.code_scanner.settings import CodeScannerSettings
from devices.doc_camera.settings import DocCameraSettings
from devices.face_verifier.settings import FaceVerifierSettings
from devices.id_card.settings import IdCardSettings
from devices.printer.settings import PrinterSettings
from devices.ss_card.settings import SsCardSettings
from devices.voice.settings import VoiceSettings


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HallSettings(_Table):
    name_zh: str = "示范区政务服务中心"
    name_en: str = "Demo District Government Service Center"
    # Where terminals reach the hall server.
    server_url: str = "http://127.0.0.1:8700"
    # Where a citizen's phone reaches the hall's public pages (the ticket QR, on screen and on paper),
    # e.g. "https://hall.example.gov.cn"; empty = server_url (only right when phones can reach it).
    public_base_url: str = ""
    timezone: str = "Asia/Shanghai"
    # The hall's code in its city (e.g. "420502-01"; docs/city.md): the default of `hall admin join-city`.
    code: str = ""

    @field_validator("code")
    @classmethod
    def _hall_code(cls, value: str) -> str:
        import re

        value = value.strip().upper()
        if value and not re.fullmatch(r"[0-9A-Z][0-9A-Z-]{0,31}", value):
            raise ValueError("expected 1-32 letters, digits or hyphens, e.g. 420502-01")
        return value

    @field_validator("server_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("public_base_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL that phones can reach, or empty")
        return value.rstrip("/")

    @property
    def public_url(self) -> str:
        """The address in every QR a citizen takes home."""
        return self.public_base_url or self.server_url


class ServerHttpSettings(_Table):
    """The HTTP edge against slow and greedy clients (docs/security.md §8, hall.server.edge)."""

    # A connection must complete its request headers within this (else 408 and closed).
    header_timeout_s: float = Field(default=10.0, gt=0, le=120)
    # The events socket must authenticate within this; a silent socket counts as a failed authentication.
    socket_auth_timeout_s: float = Field(default=5.0, gt=0, le=60)
    # Concurrent connections per client address (the trusted proxy's address excepted: cap at nginx).
    connections_per_address: int = Field(default=256, ge=4, le=100_000)
    # A declared body above this is refused before a byte of it is read (nginx: client_max_body_size).
    max_body_mb: int = Field(default=45, ge=1, le=1024)
    # The open-file limit the server raises itself to at start-up (capped by the hard limit).
    open_files: int = Field(default=65536, ge=1024, le=1_048_576)
class LimitSettings(_Table):
    """``[server.limits]``: write limits per token and per terminal (docs/security.md). The defaults are
    far above a real kiosk (a few tickets a minute); ``enabled = false`` only for benchmark rooms."""

    enabled: bool = True
    # A kiosk writes a few tickets and 4 heartbeats a minute; a deprecated shared terminal/clerk token
    # gets 10 times the token figure.
    token_writes_per_min: int = Field(default=300, ge=1, le=100_000)
    terminal_writes_per_min: int = Field(default=120, ge=1, le=100_000)
    # Hall-day ceilings per token, below what the hall has (9,999 a category, 9,999 registration codes).
    token_tickets_per_category_day: int = Field(default=2000, ge=1, le=9999)
    token_submissions_per_day: int = Field(default=2000, ge=1, le=9999)


class ServerSettings(_Table):
    host: str = "127.0.0.1"
    port: int = Field(default=8700, ge=1, le=65535)
    db: str = "sqlite:///var/hall.db"
    data_dir: Path = Path("var/hall-data")
    # Demo mode accepts the built-in default secrets; production refuses them.
    demo_mode: bool = False
    # Behind nginx: trust X-Forwarded-Proto/-For from these addresses only (comma-separated, "*" = any),
    # so the server knows a request came over HTTPS (Secure cookies). docs/deploy.md, docs/security.md.
    proxy_headers: bool = True
    forwarded_allow_ips: str = Field(default="127.0.0.1", pattern=r"^[0-9A-Fa-f.:/*, ]{1,512}$")
    http: ServerHttpSettings = ServerHttpSettings()
    limits: LimitSettings = LimitSettings()
    # Shared key of the provincial face verification service (人证比对): its signed decisions prove
    # identity here. Empty = face matches are not accepted as proof (docs/kiosk.md, identity rules).
    face_service_key: str = Field(default="", max_length=256, repr=False)
    # A terminal (kiosk, counter, display, evaluation pad) whose heartbeat is older than this is shown
    # offline; a window whose counter stopped beating shows 离线 (terminals beat every 30 s).
    terminal_offline_after_s: float = Field(default=90.0, ge=5, le=900)


class QueueSettings(_Table):
    """Call order and hall-day rules of the hall server (see docs/queue-policy.md)."""

    mode: Literal["priority_first", "ratio"] = "priority_first"
    elderly_age: int = Field(default=70, ge=50, le=100)
    priority_reasons: list[Literal["elderly", "disabled", "pregnant", "veteran", "vip"]] = [
        "elderly", "disabled", "pregnant", "veteran", "vip"]
    # Mode "ratio": one normal ticket after this many priority calls at a window.
    ratio_priority: int = Field(default=2, ge=1, le=20)
    # A normal ticket waiting longer than this joins the priority group; 0 turns aging off.
    aging_minutes: int = Field(default=30, ge=0, le=600)
    appointment_lead_minutes: int = Field(default=5, ge=0, le=120)
    max_recalls: int = Field(default=2, ge=0, le=10)
    reinstate_minutes: int = Field(default=30, ge=0, le=600)
    # The designated 办不成事 window (besides windows marked cannot_do_desk); empty = none.
    fallback_window: str = Field(default="", pattern=r"^[0-9]{0,4}$")
    daily_quota_per_id: int = Field(default=3, ge=1, le=100)
    # Tickets still waiting at the end of the hall day, for categories that do not say otherwise.
    closing_policy: Literal["close", "carry_over"] = "close"
    # "N ahead of you" notice for citizens following a ticket by SMS/WeChat.
    notify_ahead: int = Field(default=3, ge=1, le=50)
    # Citizens' booking (docs/booking.md): slot length and people per slot and line, days ahead.
    slot_minutes: int = Field(default=30, ge=5, le=240)
    slot_capacity: int = Field(default=4, ge=1, le=500)
    booking_days_ahead: int = Field(default=7, ge=1, le=60)


class TerminalSettings(_Table):
    id: str = Field(default="K1", pattern=r"^[A-Za-z0-9_-]{1,16}$")
    # Offline tickets are numbered "<prefix>-A005" so they never collide with the server's.
    offline_prefix: str = Field(default="K1", pattern=r"^[A-Z0-9]{1,4}$")
    token: str = ""
    token_file: Path | None = None


class KioskSettings(_Table):
    fullscreen: bool = True
    language: Literal["zh_CN", "en", "bo", "ug"] = "zh_CN"
    elderly_mode: bool = False
    # 无障碍 (issue 14.8): driven by a USB numeric keypad and the screen's edges, every focused element
    # spoken through the voice device; in portrait, every control in the lower 60 % (wheelchair layout).
    accessible_mode: bool = False
    orientation: Literal["landscape", "portrait"] = "landscape"
    idle_timeout_s: int = Field(default=60, ge=10, le=3600)
    idle_countdown_s: int = Field(default=10, ge=3, le=60)
    technician_pin: str = Field(default="", pattern=r"^(\d{4,12})?$")
    # Queue category of the "couldn't get it done" window (办不成事); empty = record and alert only.
    fallback_category: str = Field(default="G", pattern=r"^[A-Z]?$")


class CounterSettings(_Table):
    # The clerk's bearer token (role clerk); empty = asked for at the login screen.
    token: str = ""
    token_file: Path | None = None
    # Shown on the evaluation pad and the dashboard; empty = the token's name.
    clerk_name: str = Field(default="", max_length=64)
    # Seconds the evaluation pad waits for a rating before returning to idle.
    rating_timeout_s: int = Field(default=60, ge=10, le=600)
    # 一次性告知书: "printer" prints on [devices.printer] (a PDF when it cannot), "pdf" always writes a PDF.
    notice_output: Literal["printer", "pdf"] = "printer"
    # Where the PDFs go; empty = hall-notices in the system's temporary folder.
    notice_dir: Path | None = None


class DisplaySettings(_Table):
    # Scrolling notice at the bottom of the calling display.
    notice: str = "请留意叫号，过号请到服务台重新取号。办事请携带有效身份证件。"
    # Also show each call in English under the Chinese line (spoken English: devices.voice.english).
    english: bool = True
    orientation: Literal["landscape", "portrait"] = "landscape"
    # Latest calls shown large, and how many earlier calls the history keeps.
    latest: int = Field(default=4, ge=1, le=8)
    history: int = Field(default=10, ge=0, le=30)
    # How long the newest call blinks.
    blink_s: float = Field(default=6.0, ge=0, le=60)
    # A name, when given at all, is shown masked (张*); off by default.
    show_names: bool = False
    # 信息发布: a folder of images and videos shown (muted, in name order) in place of the recent calls;
    # empty = no media area.
    media_dir: Path | None = None
    # How long each image stays; a video plays to its end.
    media_image_s: float = Field(default=10.0, ge=2, le=600)


class DevicesSettings(_Table):
    # Outside demo mode twin drivers are refused (config/loader.py) unless a test bench sets this.
    allow_twins: bool = False
    id_card: IdCardSettings = IdCardSettings()
    ss_card: SsCardSettings = SsCardSettings()
    camera: CameraSettings = CameraSettings()
    code_scanner: CodeScannerSettings = CodeScannerSettings()
    doc_camera: DocCameraSettings = DocCameraSettings()
    printer: PrinterSettings = PrinterSettings()
    voice: VoiceSettings = VoiceSettings()
    face_verifier: FaceVerifierSettings = FaceVerifierSettings()


class CacheSettings(_Table):
    db_path: Path = Path("var/outbox.db")
    attachments_dir: Path = Path("var/outbox-files")
    # The AES key: from this environment variable if set, else this file (created 0600).
    key_env: str = "HALL_OUTBOX_KEY"
    key_file: Path = Path("var/outbox.key")
    max_mb: int = Field(default=2048, ge=16)
    purge_grace_s: int = Field(default=600, ge=0)
    # Submissions are refused (tickets still work) when the disk has less free space than this.
    min_free_mb: int = Field(default=64, ge=0)
    # Disk space held in reserve (outbox.db.reserve) and given back when the disk fills up, so the
    # backlog can still be delivered (docs/offline.md, A full disk). 0 turns it off.
    reserve_kb: int = Field(default=1024, ge=0, le=1024 * 1024)
    tombstone_days: int = Field(default=30, ge=1)
    # Sync: health probe cadence while offline (a returning server is seen within 2 s), capped
    # exponential backoff with jitter, parallel sends while draining, per-request timeout.
    probe_interval_s: float = Field(default=0.5, gt=0, le=1.5)
    retry_base_s: float = Field(default=1.0, gt=0)
    retry_cap_s: float = Field(default=60.0, gt=0)
    parallel_sends: int = Field(default=4, ge=1, le=16)
    send_timeout_s: float = Field(default=15.0, gt=0)
    # The longest a citizen waits for the server before getting an offline ticket.
    ticket_budget_s: float = Field(default=0.9, gt=0, le=1.0)


class LoggingSettings(_Table):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    file: Path | None = None
    json_lines: bool = False
    # A message repeating (same place, wording and arguments) is written once per this many seconds,
    # with the count held back; 0 = every line.
    repeat_window_s: float = Field(default=60.0, ge=0, le=86400)


class ConnectorSettings(_Table):
    """One outside system: ``driver`` picks the connector (hall.server.connectors.registry); the table's
    other keys are the connector's own options, which it checks when the server starts."""

    model_config = ConfigDict(extra="allow", frozen=True)
    driver: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")

    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class ConnectorsSettings(_Table):
    sms: ConnectorSettings = ConnectorSettings(driver="log")
    wechat: ConnectorSettings = ConnectorSettings(driver="log")
    elicense: ConnectorSettings = ConnectorSettings(driver="file")
    platform: ConnectorSettings = ConnectorSettings(driver="log")
    # Outside demo mode the stand-ins (log, file, twin) are refused unless a test bench says so.
    allow_twins: bool = False

    def tables(self) -> dict[str, ConnectorSettings]:
        """Each kind's table by kind (sms, wechat, elicense, platform)."""
        return {k: v for k, v in self if isinstance(v, ConnectorSettings)}


class Settings(_Table):
    hall: HallSettings = HallSettings()
    server: ServerSettings = ServerSettings()
    queue: QueueSettings = QueueSettings()
    terminal: TerminalSettings = TerminalSettings()
    kiosk: KioskSettings = KioskSettings()
    counter: CounterSettings = CounterSettings()
    display: DisplaySettings = DisplaySettings()
    devices: DevicesSettings = DevicesSettings()
    cache: CacheSettings = CacheSettings()
    logging: LoggingSettings = LoggingSettings()
    connectors: ConnectorsSettings = ConnectorsSettings()
