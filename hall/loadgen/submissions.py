"""The heavier kiosk session (ticket + submission with scanned materials) and the rating after service."""

from __future__ import annotations

import json
from typing import Any

import httpx

from hall.loadgen.actors import Run, send
from hall.loadgen.answers import answers

# Levels as citizens give them in halls that publish 好差评 figures: mostly very satisfied.
_LEVELS = (5, 4, 3, 2, 1)
_LEVEL_WEIGHTS = (70, 20, 6, 3, 1)
_LOW_REASONS = ("long_wait", "too_slow", "attitude", "not_told_at_once")


def jpeg_materials(item: dict[str, Any]) -> list[str]:
    """Requirement keys of an item that accept a JPEG scan."""
    out = []
    for m in item.get("materials") or []:
        formats = [str(f).lower() for f in m.get("formats") or []]
        if "jpg" in formats or "jpeg" in formats:
            out.append(str(m["key"]))
    return out


async def submit(run: Run, http: httpx.AsyncClient, *, category: str, id_number: str | None) -> None:
    """Take a number, then file a submission for one of the category's items with a few scans."""
    from hall.loadgen.citizens import fake_id_number

    body: dict[str, Any] = {"category": category}
    resp = await send(run, http, "POST", "/tickets", "POST /api/v1/tickets", idempotent=True, json=body)
    if resp is None:
        return
    run.rec.count("tickets_issued")
    items = run.items.get(category) or [i for group in run.items.values() for i in group]
    if not items or run.materials is None:
        return
    item = run.rng.choice(items)
    form = answers(item.get("form"), run.rng)
    if form is None:  # a form the generator cannot answer blindly: a citizen who only takes a number
        return
    wanted = jpeg_materials(item)[: run.profile.materials_per_submission]
    files = {f"f{n}": (f"scan{n}.jpg", run.materials.next_jpeg(), "image/jpeg") for n in range(len(wanted))}
    applicant = id_number or fake_id_number(run.rng)
    # as a kiosk whose citizen presented their social-security card (a typed number proves nothing)
    digits = "".join(run.rng.choice("0123456789") for _ in range(34))
    proof = {"method": "ss_card", "ss_card_id": applicant[:6] + digits[:26], "ss_card_number": "A" + digits[26:]}
    data = {"item_code": item["code"], "id_number": applicant, "proof": proof, "form": form,
            "materials": [{"requirement": key, "file": f"f{n}"} for n, key in enumerate(wanted)],
            "ticket_id": resp.json()["id"], "terminal_id": "loadgen"}
    upload = await send(run, http, "POST", "/submissions", "POST /api/v1/submissions", idempotent=True,
                        data={"data": json.dumps(data)}, files=files)
    if upload is not None:
        run.rec.count("submissions")
        run.rec.count("material_bytes", sum(len(f[1]) for f in files.values()))


async def rate(run: Run, http: httpx.AsyncClient, *, ticket_id: int, window: int) -> None:
    """The evaluation pad after service: most citizens rate, the two lowest levels with reasons."""
    if run.rng.random() > 0.8:
        return
    level = run.rng.choices(_LEVELS, weights=_LEVEL_WEIGHTS)[0]
    body: dict[str, Any] = {"level": level, "ticket_id": ticket_id, "window": window}
    if level <= 2:
        body["reasons"] = [run.rng.choice(_LOW_REASONS)]
    if await send(run, http, "POST", "/evaluations", "POST /api/v1/evaluations", idempotent=True, json=body):
        run.rec.count("ratings")
