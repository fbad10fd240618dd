"""Service codes (亮码): issued for a citizen by the platform (an admin token here), resolved by terminals."""

from __future__ import annotations

from fastapi import APIRouter, Response

from hall.server.audit import service as audit
from hall.server.auth.deps import AdminRole, HallDep, TerminalRole
from hall.server.core.schemas import ERRORS
from hall.server.identity import proofs
from hall.server.identity import service_codes as svc
from hall.server.identity.schemas import (
    IdentityOut,
    ProofOut,
    ProofRequest,
    ServiceCodeOut,
    ServiceCodeRequest,
    ServiceCodeScan,
)

router = APIRouter(tags=["identity"], responses=ERRORS)


@router.post("/identity/service-codes", status_code=201, response_model=ServiceCodeOut)
def issue_code(body: ServiceCodeRequest, hall: HallDep, who: AdminRole, response: Response) -> ServiceCodeOut:
    """A one-time code valid for five minutes (``code`` goes into the citizen's QR; nothing personal in it)."""
    with hall.unit() as tx:
        out = svc.issue(hall, tx, who, id_number=body.id_number, name=body.name)
    response.headers["Cache-Control"] = "no-store"
    return out


@router.post("/identity/service-code", response_model=IdentityOut)
def resolve_code(body: ServiceCodeScan, hall: HallDep, who: TerminalRole, response: Response) -> IdentityOut:
    """The identity behind a scanned code (for prefilling, 一号申请); the code is used up by this."""
    with hall.unit() as tx:
        out = svc.resolve(hall, tx, who, body.code)
    token = proofs.issue_token(hall, who, id_number=out.id_number, method="service_code")
    response.headers["Cache-Control"] = "no-store"
    return out.model_copy(update={"proof": token.token})


@router.post("/identity/proofs", response_model=ProofOut)
def exchange_proof(body: ProofRequest, hall: HallDep, who: TerminalRole, response: Response) -> ProofOut:
    """Evidence (a card read, a signed face decision) for one ID number → a token for this terminal.

    Refusals are 403 ``identity.*`` (docs/api.md); a typed number alone proves nothing."""
    method = proofs.verify(hall, who, body.proof, id_number=body.id_number)
    out = proofs.issue_token(hall, who, id_number=body.id_number, method=method)
    audit.record_now(hall, who, "identity.proof", f"method {method}")
    response.headers["Cache-Control"] = "no-store"
    return out
