"""An SMPP 3.4 gateway twin (SMSC) over TCP: binds, submit_sm, deliver_sm receipts, enquire_link.

It checks system_id and password, answers every submit_sm with a message id, and — when the ESME asked
for a receipt — sends a deliver_sm delivery receipt back on a transceiver/receiver bind. It keeps what
it received, reassembles concatenated (UDH) messages, and can go down and come back on the same port,
refuse submits with a status, or withhold receipts, so tests can prove reconnects and retries.
Run it on its own for the demo: ``python -m hall.server.connectors.twins.smpp --port 2775``.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from hall.server.connectors.twins import smpp_pdu as p


@dataclass(frozen=True)
class Submitted:
    """One submit_sm as received (one part of a long message)."""

    message_id: str
    system_id: str
    sm: p.ShortMessage


class SmppTwin:
    """The gateway; ``start()`` listens on ``host:port`` (0 = any free port, see ``.port``)."""

    def __init__(self, *, system_id: str = "hall", password: str = "secret",  # noqa: S107 - a twin's default
                 host: str = "127.0.0.1",
                 port: int = 0, receipt_stat: str | None = "DELIVRD") -> None:
        self.system_id, self.password, self.host, self.port = system_id, password, host, port
        self.receipt_stat = receipt_stat
        self.submit_status = p.ESME_ROK  # a status other than 0 refuses every submit_sm with it
        self.submits: list[Submitted] = []
        self.binds: list[tuple[str, int]] = []  # (system_id, command) of each accepted bind
        self.refused_binds = 0
        self.enquire_links = 0
        self.receipts_acked: list[str] = []
        self.changed = threading.Condition()
        self._ids = itertools.count(1)
        self._listener: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()

    # -- life -------------------------------------------------------------------------------------
    def start(self) -> SmppTwin:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(16)
        self.port = sock.getsockname()[1]
        self._listener = sock
        threading.Thread(target=self._accept, args=(sock,), name="smpp-twin", daemon=True).start()
        return self

    def go_down(self) -> None:
        """An outage: stop listening and drop every session (clients see the connection closed)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            conns, self._conns = set(self._conns), set()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def come_up(self) -> None:
        self.start()

    stop = go_down

    def __enter__(self) -> SmppTwin:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.go_down()

    # -- what it received --------------------------------------------------------------------------
    def messages(self) -> list[tuple[str, str]]:
        """(destination, text) of each complete message, long ones reassembled from their parts."""
        out: list[tuple[str, str]] = []
        pending: dict[tuple[str, int], dict[int, str]] = {}
        with self._lock:
            submits = list(self.submits)
        for s in submits:
            concat, data = p.split_udh(s.sm.esm_class, s.sm.short_message)
            text = p.decode_text(s.sm.data_coding, data)
            if concat is None:
                out.append((s.sm.destination_addr, text))
                continue
            ref, total, part = concat
            parts = pending.setdefault((s.sm.destination_addr, ref), {})
            parts[part] = text
            if len(parts) == total:
                out.append((s.sm.destination_addr, "".join(parts[i] for i in sorted(parts))))
                del pending[(s.sm.destination_addr, ref)]
        return out

    # -- the protocol ------------------------------------------------------------------------------
    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._conns.add(conn)
            threading.Thread(target=self._session, args=(conn,), name="smpp-twin-session", daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        bound: tuple[str, int] | None = None
        seq = itertools.count(1)
        send_lock = threading.Lock()

        def send(pdu: p.Pdu) -> None:
            with send_lock:
                conn.sendall(pdu.encode())

        try:
            while (pdu := _read(conn)) is not None:
                bound = self._answer(pdu, bound, send, seq)
                if pdu.command_id == p.UNBIND:
                    break
        except (OSError, p.PduError):
            pass
        finally:
            with self._lock:
                self._conns.discard(conn)
            conn.close()

    def _answer(self, pdu: p.Pdu, bound: tuple[str, int] | None, send: object, seq: itertools.count[int]
                ) -> tuple[str, int] | None:
        assert callable(send)
        cid, resp = pdu.command_id, pdu.command_id | p.RESP
        if cid in p.BINDS:
            system_id, password = p.parse_bind(pdu.body)
            if system_id != self.system_id or password != self.password:
                self.refused_binds += 1
                status = p.ESME_RINVSYSID if system_id != self.system_id else p.ESME_RINVPASWD
                send(p.Pdu(resp, status, pdu.sequence, b""))
                return bound
            send(p.Pdu(resp, p.ESME_ROK, pdu.sequence, p.cstr("twin-smsc")))
            self._note(lambda: self.binds.append((system_id, cid)))
            return system_id, cid
        if cid == p.ENQUIRE_LINK:
            send(p.Pdu(resp, p.ESME_ROK, pdu.sequence))
            self._note(lambda: setattr(self, "enquire_links", self.enquire_links + 1))
        elif cid == p.UNBIND:
            send(p.Pdu(resp, p.ESME_ROK, pdu.sequence))
        elif cid == p.DELIVER_SM | p.RESP:
            self._note(lambda: self.receipts_acked.append(str(pdu.sequence)))
        elif cid == p.SUBMIT_SM:
            self._submit(pdu, bound, send, seq)
        elif not cid & p.RESP:
            send(p.Pdu(p.GENERIC_NACK, p.ESME_RINVCMDID, pdu.sequence))
        return bound

    def _submit(self, pdu: p.Pdu, bound: tuple[str, int] | None, send: object, seq: itertools.count[int]) -> None:
        assert callable(send)
        resp = p.SUBMIT_SM | p.RESP
        if bound is None or bound[1] == p.BIND_RECEIVER:
            send(p.Pdu(resp, p.ESME_RINVBNDSTS, pdu.sequence, b""))
            return
        if self.submit_status != p.ESME_ROK:
            send(p.Pdu(resp, self.submit_status, pdu.sequence, b""))
            return
        sm = p.parse_short_message(pdu.body)
        message_id = f"{next(self._ids):010d}"
        send(p.Pdu(resp, p.ESME_ROK, pdu.sequence, p.cstr(message_id)))
        self._note(lambda: self.submits.append(Submitted(message_id, bound[0], sm)))
        if sm.registered_delivery & 0x01 and self.receipt_stat and bound[1] == p.BIND_TRANSCEIVER:
            when = datetime.now(UTC).strftime("%y%m%d%H%M")
            receipt = p.ShortMessage(
                source_addr=sm.destination_addr, destination_addr=sm.source_addr, esm_class=0x04,
                short_message=p.receipt_text(message_id, self.receipt_stat, when),
                tlvs={p.TLV_RECEIPTED_MESSAGE_ID: p.cstr(message_id),
                      p.TLV_MESSAGE_STATE: bytes([p.MESSAGE_STATES.get(self.receipt_stat, 5)])})
            send(p.Pdu(p.DELIVER_SM, p.ESME_ROK, next(seq), receipt.encode()))

    def _note(self, change: object) -> None:
        assert callable(change)
        with self.changed:
            with self._lock:
                change()
            self.changed.notify_all()


def _read(conn: socket.socket) -> p.Pdu | None:
    head = _exact(conn, p.HEADER.size)
    if head is None:
        return None
    length, cid, status, sequence = p.HEADER.unpack(head)
    if not p.HEADER.size <= length <= p.MAX_PDU:
        raise p.PduError(f"command_length {length} out of range")
    body = _exact(conn, length - p.HEADER.size) if length > p.HEADER.size else b""
    if body is None:
        return None
    return p.Pdu(cid, status, sequence, body)


def _exact(conn: socket.socket, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = conn.recv(n - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SMPP 3.4 gateway twin (prints each message it receives)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2775)
    parser.add_argument("--system-id", default="hall")
    parser.add_argument("--password", default="secret")
    args = parser.parse_args(argv)
    twin = SmppTwin(system_id=args.system_id, password=args.password, host=args.host, port=args.port).start()
    print(f"SMPP twin listening on {args.host}:{twin.port} (system_id {args.system_id})", flush=True)
    seen = 0
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            with twin.changed:
                twin.changed.wait()
            messages = twin.messages()
            for dest, text in messages[seen:]:
                print(f"to ******{dest[-4:]}: {text}", flush=True)
            seen = len(messages)
    twin.go_down()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
