"""``hall admin seed-demo``: a realistic demo hall (open around the clock, no daily caps), idempotent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hall.forms import parse_form
from hall.server.catalogue.models import Category, ServiceItem
from hall.server.core.db import Database
from hall.server.windows.models import Window

DATA = Path(__file__).with_name("seed_data")


def demo_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "demo_hall.json").read_text(encoding="utf-8"))
    return data


def seed_demo(db: Database) -> dict[str, int]:
    """Insert or update the demo categories, service items and windows; returns counts."""
    data = demo_data()
    with db.write() as s:
        for c in data["categories"]:
            row = s.get(Category, c["code"]) or Category(code=c["code"])
            row.name_zh, row.name_en = c["name_zh"], c["name_en"]
            row.sla_minutes, row.sort = c["sla_minutes"], c["sort"]
            # The demo hall never closes and has no caps, so demos and checks work at any hour.
            row.daily_cap, row.opens, row.closes, row.at_close, row.active = None, "00:00", "24:00", "close", True
            s.add(row)
        s.flush()
        for i in data["items"]:
            item = s.get(ServiceItem, i["code"]) or ServiceItem(code=i["code"])
            for key, value in i.items():
                setattr(item, key, value)
            # An item's own application form, canonical (None: the standard form); a bad one fails the seed.
            item.form = parse_form(i["form"]).to_json() if i.get("form") is not None else None
            item.active = True
            s.add(item)
        for w in data["windows"]:
            window = s.get(Window, w["number"]) or Window(number=w["number"], status="closed")
            window.name, window.categories = w["name"], w["categories"]
            window.cannot_do_desk = bool(w.get("cannot_do_desk", False))
            s.add(window)
    return {"categories": len(data["categories"]), "items": len(data["items"]), "windows": len(data["windows"])}
