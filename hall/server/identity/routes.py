"""Service codes (亮码): issued for a citizen by the platform (an admin token here), resolved by terminals."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from hall.server.auth.deps import AdminRole, HallDep, TerminalRole
from hall.server.core.schemas import ERRORS
from hall.server.identity import service_codes as svc

router = APIRouter(tags=["identity"], responses=ERRORS)


class ServiceCodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id_number: str = Field(min_length=15, max_length=18, repr=False)
    name: str = Field(default="", max_length=64, repr=False)


class ServiceCodeScan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Whatever the scanner read: anything that is not one of our codes is refused as invalid (404).
    code: str = Field(min_length=1, max_length=4096, repr=False)


@router.post("/identity/service-codes", status_code=201)
def issue_code(body: ServiceCodeRequest, hall: HallDep, who: AdminRole) -> JSONResponse:
    """A one-time code valid for five minutes (``code`` goes into the citizen's QR; nothing personal in it)."""
    with hall.unit() as tx:
        out = svc.issue(hall, tx, who, id_number=body.id_number, name=body.name)
    return JSONResponse(out, status_code=201, headers={"Cache-Control": "no-store"})


@router.post("/identity/service-code")
def resolve_code(body: ServiceCodeScan, hall: HallDep, who: TerminalRole) -> JSONResponse:
    """The identity behind a scanned code (for prefilling, 一号申请); the code is used up by this."""
    with hall.unit() as tx:
        out: dict[str, Any] = svc.resolve(hall, tx, who, body.code)
    return JSONResponse(out, headers={"Cache-Control": "no-store"})
