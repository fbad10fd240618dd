"""Server options that are not part of the shared settings file (limits, timings, queue policy)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hall.server.auth.limits import Limits
from hall.server.domain.queue_policy import QueuePolicy


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class ServerOptions:
    data_dir: Path = Path("var/hall-data")
    hall_name_zh: str = "示范区政务服务中心"
    hall_name_en: str = "Demo District Government Service Center"
    # The hall's code in its city (settings hall.code); the code it joined with is what it publishes.
    hall_code: str = ""
    timezone: str = "Asia/Shanghai"
    demo_mode: bool = False
    # Uploads (413 beyond these).
    max_file_bytes: int = 10 * 1024 * 1024
    max_submission_bytes: int = 40 * 1024 * 1024
    max_files: int = 30
    # Events.
    snapshot_interval_s: float = field(default_factory=lambda: _env_float("HALL_SNAPSHOT_INTERVAL_S", 3.0))
    # The city link (docs/city.md): how often a joined hall refreshes the summary rows it publishes.
    city_publish_interval_s: float = field(default_factory=lambda: _env_float("HALL_CITY_PUBLISH_INTERVAL_S", 1.0))
    # A terminal whose heartbeat is older than this is shown offline.
    terminal_offline_after_s: float = 90.0
    # Tokens are looked up at most once a second per process, so a revocation applies within 1 s.
    token_cache_s: float = field(default_factory=lambda: _env_float("HALL_TOKEN_CACHE_S", 1.0))
    # Failed authentications per client address per minute before it gets 429.
    auth_failures_per_min: int = 20
    # The HTTP edge (hall.server.edge): a declared body above this is refused unread; an events socket
    # silent for this long is closed and counted as a failed authentication.
    max_body_bytes: int = 45 * 1024 * 1024
    socket_auth_timeout_s: float = 5.0
    # Write limits per token and terminal ([server.limits], hall.server.auth.limits).
    limits: Limits = field(default_factory=Limits)
    # Queue rules (defaults from the issue).
    max_recalls: int = 2
    reinstate_minutes: int = 30
    elderly_age: int = 70
    daily_quota_per_id: int = 3
    blacklist_misses: int = 2
    blacklist_days: int = 90
    checkin_early_min: int = 30
    checkin_late_min: int = 15
    # Bookings: a slot at most this many days ahead (a slot that is over: staff only).
    appointment_horizon_days: int = 30
    # The call order (mode, elderly age, ratio, aging, recall N, reinstate M, 办不成事 window): the
    # settings' [queue] table. The flat fields above/below predate it and are kept for callers.
    policy: QueuePolicy = field(default_factory=QueuePolicy)
    # "close" or "carry_over": tickets still waiting at the end of the hall day (a category's own
    # at_close wins when it differs from "close").
    closing_policy: str = "close"
    notify_ahead: int = 3
    # Offline tickets without the terminal's clock (X-Terminal-Clock): an issue time older than this, in
    # the future beyond the tolerance, or on another hall day is replaced by the time of receipt.
    offline_max_age_min: int = 120
    offline_future_tolerance_s: int = 120
    policy_mode: str = "priority_first"
    policy_ratio: int = 2
    aging_minutes: int = 30
    # Outside systems: ``{"sms": {"driver": "log", …options}, "elicense": {"driver": "file"}}`` — the
    # settings' [connectors.<kind>] tables (hall.server.connectors.registry); a kind left out gets its default.
    connectors: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # The provincial face verification service's signing key (hex or text); empty = face proofs refused.
    face_service_key: str = ""
    # How long a proof of identity lasts for reading (cases, e-licences) and for an application the
    # terminal's outbox may deliver later.
    proof_read_ttl_s: int = 30 * 60
    proof_submit_max_age_s: int = 24 * 3600
    connectors_allow_twins: bool = False
