"""Pieces every domain's schemas share: row ids, the error body, a strict input base, times as ISO text.

Schemas import pydantic and the domain only (no FastAPI, SQLAlchemy or Qt): ``hall.client`` builds its
answers from the same classes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

MAX_ID = 2_147_483_647
# Row ids: bounded so a huge number is a 422, not an integer overflow inside the database driver.
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
# Times go out as ``datetime.isoformat()`` (``…+00:00``), the form the API has always given.
IsoTime = Annotated[datetime, PlainSerializer(lambda at: at.isoformat(), return_type=str, when_used="json")]


class In(BaseModel):
    """Request bodies: unknown fields are refused (a typo is a 422, not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """Answers: unknown fields are ignored so an older client survives a newer server."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class ErrorBody(Out):
    code: str
    message: str
    message_zh: str | None = None
    message_en: str | None = None


class ErrorOut(Out):
    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422, 429)}
