"""The summary tables a hall publishes, defined once for both ends (the hall writes, the city receives).

The privacy boundary is this file: counts, durations, codes and timestamps only. No ticket numbers,
no names, ID numbers or their hashes, phones, addresses, form data, files or free text (comments,
notes, pause reasons) leave the hall. ``tests/integration/test_city_privacy.py`` checks it.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
)

metadata = MetaData()

PUBLICATION = "city_pub"

# One row: this hall's code and names, and the time its summary was last confirmed current (beat_at).
city_hall = Table(
    "city_hall", metadata,
    Column("code", String(32), primary_key=True),
    Column("name_zh", String(128), nullable=False, default=""),
    Column("name_en", String(256), nullable=False, default=""),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    Column("beat_at", DateTime(timezone=True), nullable=False),
)

# The queue now, per line (category).
city_queue = Table(
    "city_queue", metadata,
    Column("hall", String(32), primary_key=True),
    Column("category", String(2), primary_key=True),
    Column("category_name", String(64), nullable=False, default=""),
    Column("category_name_en", String(128), nullable=False, default=""),
    Column("waiting", Integer, nullable=False, default=0),
    Column("estimated_wait_s", Integer, nullable=True),  # None: no open window serves the line
    Column("open_windows", Integer, nullable=False, default=0),
    # The longest waiting ticket's issue time (the city computes the wait: a row does not change every second).
    Column("oldest_at", DateTime(timezone=True), nullable=True),
    Column("sla_minutes", Integer, nullable=True),
    Column("sla_breached", Boolean, nullable=False, default=False),
    Column("unserved", Integer, nullable=False, default=0),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

# Ticket figures per hall day and line: the history the city's reports are made of.
city_day = Table(
    "city_day", metadata,
    Column("hall", String(32), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("category", String(2), primary_key=True),
    Column("issued", Integer, nullable=False, default=0),
    Column("served", Integer, nullable=False, default=0),
    Column("no_show", Integer, nullable=False, default=0),
    Column("cancelled", Integer, nullable=False, default=0),
    Column("wait_total_s", Float, nullable=False, default=0.0),
    Column("wait_count", Integer, nullable=False, default=0),
    Column("handling_total_s", Float, nullable=False, default=0.0),
    Column("handling_count", Integer, nullable=False, default=0),
    Column("sla_breaches", Integer, nullable=False, default=0),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

# 好差评, 差评整改 and 办不成事 per hall day (counts and states only, never the comment or message).
city_care = Table(
    "city_care", metadata,
    Column("hall", String(32), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("ratings", Integer, nullable=False, default=0),
    Column("good", Integer, nullable=False, default=0),
    Column("bad", Integer, nullable=False, default=0),
    Column("bad_open", Integer, nullable=False, default=0),
    Column("bad_closed", Integer, nullable=False, default=0),
    Column("cannot_do", Integer, nullable=False, default=0),
    Column("cannot_do_open", Integer, nullable=False, default=0),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

# Terminals with their state: ok / degraded (a device fault) / offline (no heartbeat for 2 minutes).
city_terminal = Table(
    "city_terminal", metadata,
    Column("hall", String(32), primary_key=True),
    Column("terminal", String(32), primary_key=True),
    Column("kind", String(16), nullable=False, default=""),
    Column("state", String(16), nullable=False, default="ok"),
    Column("faults", String(256), nullable=False, default=""),  # device kinds and codes: "printer:paper_out"
    Column("last_seen", DateTime(timezone=True), nullable=True),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

TABLES = (city_hall, city_queue, city_day, city_care, city_terminal)
