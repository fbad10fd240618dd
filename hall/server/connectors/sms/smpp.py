"""SMS over SMPP 3.4 with smpplib: one transceiver session on its own thread.

The session binds as a transceiver, sends Chinese text as UCS-2 (data_coding 8), long texts split by
smpplib into concatenated parts (UDH), asks for a delivery receipt on every part, answers the
gateway's deliver_sm receipts and enquire_link, and sends its own enquire_link when idle. When the
link drops it reconnects with a capped backoff; while it is down :meth:`SmppTransport.deliver` fails
at once (``smpp.down``) and the durable queue retries later. Options are the ``[connectors.sms]`` keys.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.gsm
import smpplib.smpp

from hall.server.connectors.registry import ConnectorContext
from hall.server.connectors.sms.queue import GatewayError, QueuedSms

log = logging.getLogger(__name__)
_STAT = re.compile(rb"stat:([A-Z]+)")
_ID = re.compile(rb"id:(\S+)")
_STATES = {2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD", 7: "UNKNOWN", 8: "REJECTD"}
_LINK_ERRORS = (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError)


class SmppTransport:
    """A kept SMPP session to ``host:port``; :meth:`deliver` hands a message to the session's thread."""

    name = "smpp"

    def __init__(self, *, host: str, port: int, system_id: str, password: str, source_addr: str,
                 system_type: str = "", enquire_link_s: float = 30.0, timeout_s: float = 10.0,
                 reconnect_min_s: float = 0.5, reconnect_max_s: float = 30.0) -> None:
        self.host, self.port, self.system_id, self.password = host, int(port), system_id, password
        self.source_addr, self.system_type = source_addr, system_type
        self.enquire_link_s, self.timeout_s = float(enquire_link_s), float(timeout_s)
        self.reconnect_min_s, self.reconnect_max_s = float(reconnect_min_s), float(reconnect_max_s)
        self.bound = threading.Event()
        self.binds = 0
        self._requests: queue.Queue[tuple[str, str, Future[list[str]]]] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._on_receipt: Callable[[str, str], None] = lambda _id, _stat: None
        self._resps: dict[int, Any] = {}

    def start(self, on_receipt: Callable[[str, str], None]) -> None:
        self._on_receipt = on_receipt
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="smpp-session", daemon=True)
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.timeout_s + 1)
            self._thread = None

    def deliver(self, to: str, text: str) -> list[str]:
        if not self.bound.is_set():
            raise GatewayError("smpp.down")
        future: Future[list[str]] = Future()
        self._requests.put((to, text, future))
        try:
            return future.result(timeout=self.timeout_s * 4)
        except FutureTimeout:
            raise GatewayError("smpp.timeout") from None

    # -- the session thread -----------------------------------------------------------------------
    def _run(self) -> None:
        backoff = self.reconnect_min_s
        while not self._stop.is_set():
            client = smpplib.client.Client(self.host, self.port, timeout=self.timeout_s,
                                           allow_unknown_opt_params=True, logger_name="smpp.session")
            client.set_message_received_handler(self._on_deliver)
            client.set_message_sent_handler(self._on_resp)
            client.set_error_pdu_handler(self._on_resp)
            try:
                client.connect()
                client.bind_transceiver(system_id=self.system_id, password=self.password,
                                        system_type=self.system_type)
                self.binds += 1
                self.bound.set()
                backoff = self.reconnect_min_s
                log.info("smpp: bound to %s:%s as %s", self.host, self.port, self.system_id)
                self._serve(client)
            except (*_LINK_ERRORS, TimeoutError) as exc:
                log.warning("smpp: link to %s:%s down (%s); reconnecting in %.1f s", self.host, self.port,
                            exc.__class__.__name__, backoff)
            finally:
                self.bound.clear()
                self._fail_waiting("smpp.down")
                _hang_up(client)
            if self._stop.wait(backoff):
                break
            backoff = min(self.reconnect_max_s, backoff * 2)

    def _serve(self, client: smpplib.client.Client) -> None:
        last = time.monotonic()
        while not self._stop.is_set():
            try:
                to, text, future = self._requests.get(timeout=0.05)
            except queue.Empty:
                pass
            else:
                try:
                    future.set_result(self._submit(client, to, text))
                except GatewayError as exc:
                    future.set_exception(exc)
                except (TimeoutError, *_LINK_ERRORS):
                    future.set_exception(GatewayError("smpp.link_lost"))
                    raise
                last = time.monotonic()
            client.poll()  # receipts, enquire_link from the gateway; raises on a dropped link
            if time.monotonic() - last >= self.enquire_link_s:
                client.send_pdu(smpplib.smpp.make_pdu("enquire_link", client=client))
                last = time.monotonic()
        try:
            client.unbind()
        except (TimeoutError, *_LINK_ERRORS):
            pass

    def _submit(self, client: smpplib.client.Client, to: str, text: str) -> list[str]:
        parts, coding, esm_class = smpplib.gsm.make_parts(text, encoding=smpplib.consts.SMPP_ENCODING_ISO10646)
        ids: list[str] = []
        for part in parts:
            pdu = client.send_message(
                source_addr_ton=_ton(self.source_addr), source_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
                source_addr=self.source_addr, dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
                dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN, destination_addr=to, short_message=part,
                data_coding=coding, esm_class=esm_class, registered_delivery=True)
            while pdu.sequence not in self._resps:
                client.read_once(auto_send_enquire_link=False)  # TimeoutError: the link is dead
            resp = self._resps.pop(pdu.sequence)
            if resp.is_error():
                raise GatewayError(f"smpp.status_{int(resp.status):#04x}")
            ids.append(_text(resp.message_id))
        return ids

    def _on_resp(self, pdu: Any = None, **_: Any) -> None:
        if pdu is not None and pdu.command == "submit_sm_resp":
            self._resps[pdu.sequence] = pdu

    def _on_deliver(self, pdu: Any = None, **_: Any) -> int:
        """deliver_sm: a delivery receipt (esm_class bit 0x04) is recorded; anything else is acknowledged."""
        if pdu is not None and int(pdu.esm_class or 0) & 0x04:
            body = bytes(pdu.short_message or b"")
            found = _ID.search(body)
            message_id = _text(pdu.receipted_message_id) or (found.group(1).decode("ascii", "replace")
                                                            if found else "")
            stat = _STATES.get(int(pdu.message_state or 0)) or (
                m.group(1).decode("ascii") if (m := _STAT.search(body)) else "UNKNOWN")
            if message_id:
                try:
                    self._on_receipt(message_id, stat)
                except Exception as exc:  # noqa: BLE001 - a receipt must never break the session
                    log.warning("smpp: receipt not recorded (%s)", exc.__class__.__name__)
        return smpplib.consts.SMPP_ESME_ROK

    def _fail_waiting(self, code: str) -> None:
        while True:
            try:
                future = self._requests.get_nowait()[2]
            except queue.Empty:
                return
            future.set_exception(GatewayError(code))


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)


def _ton(addr: str) -> int:
    return smpplib.consts.SMPP_TON_ALNUM if not addr.isdigit() else smpplib.consts.SMPP_TON_INTL


def _hang_up(client: smpplib.client.Client) -> None:
    try:
        client.disconnect()
    except OSError:
        pass


def make(*, context: ConnectorContext, host: str, port: int, system_id: str, password: str, source_addr: str,
         **options: Any) -> QueuedSms:
    """``[connectors.sms] driver = "smpp"``: the durable queue in front of an SMPP session."""
    queue_keys = {k: options.pop(k) for k in list(options) if k in _QUEUE_KEYS}
    transport = SmppTransport(host=host, port=port, system_id=system_id, password=password,
                              source_addr=source_addr, **options)
    return QueuedSms(transport, **queue_keys)


_QUEUE_KEYS = ("retry_base_s", "retry_cap_s", "expire_after_s", "lease_s", "poll_s")
