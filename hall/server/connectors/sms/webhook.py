"""SMS through a gateway that speaks HTTP: ``POST {url}`` with JSON ``{"to", "text", "sign"}`` and a
bearer token; a 2xx answer with ``{"message_id": …}`` (or ``{"message_ids": […]}``) means taken.
Anything else (timeout, refused connection, non-2xx, the breaker open) is a GatewayError, and the
durable queue retries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hall.server.connectors.http import HttpCaller, HttpUnavailable
from hall.server.connectors.sms.queue import GatewayError, QueuedSms

if TYPE_CHECKING:
    from hall.server.connectors.registry import ConnectorContext

_QUEUE_KEYS = ("retry_base_s", "retry_cap_s", "expire_after_s", "lease_s", "poll_s")


class WebhookTransport:
    name = "http"

    def __init__(self, *, url: str, token: str = "", sign: str = "", timeout_s: float = 5.0,
                 failures_to_open: int = 5, open_s: float = 30.0) -> None:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        self.path = parts.path or "/"
        self.sign = sign
        self.caller = HttpCaller(base_url=base, token=token, timeout_s=timeout_s, failures_to_open=failures_to_open,
                                 open_s=open_s, name="sms")

    def start(self, on_receipt: Callable[[str, str], None]) -> None:
        """Receipts, if the gateway sends them, arrive by its own callback (not supported yet)."""

    def deliver(self, to: str, text: str) -> list[str]:
        try:
            answer = self.caller.call("POST", self.path, json={"to": to, "text": text, "sign": self.sign},
                                      accept=(200, 201, 202))
        except HttpUnavailable as exc:
            raise GatewayError(f"http.{exc.reason}") from None
        ids = answer.get("message_ids") if isinstance(answer, dict) else None
        if isinstance(ids, list) and ids:
            return [str(i)[:80] for i in ids]
        one = answer.get("message_id") if isinstance(answer, dict) else None
        return [str(one)[:80]] if one else []

    def close(self) -> None:
        self.caller.close()


def make(*, context: ConnectorContext, url: str, **options: Any) -> QueuedSms:
    """``[connectors.sms] driver = "http"``: the durable queue in front of the webhook."""
    queue_keys = {k: options.pop(k) for k in list(options) if k in _QUEUE_KEYS}
    return QueuedSms(WebhookTransport(url=url, **options), **queue_keys)
