"""Typed client of the hall server's API, used by the kiosk, counter, display and offline cache."""

from hall.client.errors import (
    HallAuthError,
    HallConflict,
    HallError,
    HallRejected,
    HallServerError,
    HallTimeout,
    HallUnreachable,
)
from hall.client.http import HallClient

__all__ = ["HallAuthError", "HallClient", "HallConflict", "HallError", "HallRejected", "HallServerError",
           "HallTimeout", "HallUnreachable"]
