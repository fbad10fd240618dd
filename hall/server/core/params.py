"""Path and header parameters the routes share (FastAPI's side of the schemas)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path

from hall.server.core.schemas import MAX_ID

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
WindowNo = Annotated[int, Path(ge=1, le=9999)]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]
# Not part of the body: a resend carries a new clock reading under the same Idempotency-Key.
TerminalClock = Annotated[str | None, Header(alias="X-Terminal-Clock", max_length=64)]
