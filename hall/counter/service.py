"""The counter's calls to the hall server, one small method per clerk action (runs off the GUI thread).

No double calls: every write carries an Idempotency-Key, and a write whose answer was lost (timeout,
dropped connection, server gone) keeps its key; the clerk's next press of the same action resends
under that key, so the server replays its first answer instead of calling another citizen.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import httpx

from hall.client import HallClient, HallError
from hall.client.errors import HallRejected, HallTimeout, HallUnreachable, from_response

log = logging.getLogger(__name__)
API = "/api/v1"


class CounterService:
    """``CounterService(server_url, window=5)``; ``login(token)`` before anything else. Raises HallError."""

    def __init__(self, server_url: str, *, window: int, connect_timeout: float = 1.0,
                 read_timeout: float = 4.0) -> None:
        self.server_url = server_url.rstrip("/")
        self.window = window
        self._timeouts = (connect_timeout, read_timeout)
        self._client: HallClient | None = None
        self._registered = False  # as a terminal (kind counter) for its window, since the last login
        self._token = ""
        self._lock = threading.Lock()
        self._pending: dict[str, str] = {}
        self._item_names: dict[str, dict[str, str]] = {}  # action -> key of a write whose answer never came
        self._form_labels: dict[str, dict[str, str]] = {}  # item code -> form field key -> Chinese label

    # -- session -------------------------------------------------------------------------------
    @property
    def client(self) -> HallClient:
        if self._client is None:
            raise HallError("not logged in")
        return self._client

    @property
    def token(self) -> str:
        return self._token

    def login(self, token: str, *, clerk: str = "", staff_no: str = "", pin: str = "") -> dict[str, Any]:
        """Open the window under the clerk's token; returns the window view (clerk = token's name). With a
        staff number the clerk signs in with the PIN instead (the window opens under the staff's name)."""
        client = HallClient(self.server_url, token.strip(), connect_timeout=self._timeouts[0],
                            read_timeout=self._timeouts[1])
        try:
            if staff_no:
                view = client.request("POST", f"/windows/{self.window}/sign-in",
                                      json={"staff_no": staff_no, "pin": pin})
            else:
                view = client.request("POST", f"/windows/{self.window}/open", json={"clerk": clerk})
        except HallError:
            client.close()
            raise
        self.close()
        self._client, self._token = client, token.strip()
        return dict(view)

    def sign_out(self) -> dict[str, Any]:
        """The clerk signs out: the window closes (a window opened without a staff account just closes)."""
        try:
            view = self.client.request("POST", f"/windows/{self.window}/sign-out")
        except HallError as exc:
            if getattr(exc, "server_code", None) != "staff.not_signed_in":
                raise
            view = self.client.request("POST", f"/windows/{self.window}/close")
        return dict(view)

    def beat(self) -> None:
        """Register this counter for its window (first time) and send a heartbeat: a counter that stops
        beating shows 离线 on the dashboard within 90 s. Raises HallError."""
        terminal = f"counter-{self.window}"
        if not self._registered:
            self.client.register_terminal(terminal, kind="counter", window=self.window, name=f"{self.window}号窗口")
            self._registered = True
        self.client.heartbeat(terminal)

    def close(self) -> None:
        self._registered = False
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- reads ---------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """The window, its current ticket and the categories with counts (after login and reconnects)."""
        c = self.client
        windows = c.request("GET", "/windows")
        mine = next((w for w in windows if w.get("number") == self.window), None)
        if mine is None:
            raise HallError(f"window {self.window} is not configured on the server", server_code="window.not_found")
        current = c.request("GET", f"/tickets/{mine['current_ticket_id']}") if mine.get("current_ticket_id") else None
        return {"window": mine, "current": current, "categories": c.request("GET", "/categories")}

    def submissions_for(self, ticket_id: int) -> list[dict[str, Any]]:
        """Kiosk submissions linked to a ticket, with the applicant's (decrypted) form for the clerk."""
        rows = self.client.request("GET", "/submissions", params={"ticket_id": ticket_id})
        return [self._with_names(dict(r)) for r in rows]

    def submission(self, code: str) -> dict[str, Any]:
        return self._with_names(dict(self.client.request("GET", f"/submissions/{code}/detail")))

    def _with_names(self, detail: dict[str, Any]) -> dict[str, Any]:
        """Adds ``requirement_names`` (material key → Chinese name) from the service item's guide."""
        code = str(detail.get("item_code") or "")
        if code and code not in self._item_names:
            item = self.client.request("GET", f"/items/{code}")
            self._item_names[code] = {str(m.get("key")): str(m.get("name_zh") or m.get("name") or m.get("key"))
                                      for m in item.get("materials") or [] if isinstance(m, dict)}
            self._form_labels[code] = {str(f.get("key")): str(f.get("label_zh") or f.get("key"))
                                       for f in item.get("form") or [] if isinstance(f, dict) and f.get("key")}
        detail["requirement_names"] = self._item_names.get(code, {})
        detail["form_labels"] = self._form_labels.get(code, {})
        return detail

    def appointment(self, appointment_id: int) -> dict[str, Any]:
        """The booking behind an appointment ticket (slot, item, status, masked ID). Raises HallError."""
        return dict(self.client.request("GET", f"/appointments/{appointment_id}"))

    def bookings_by_slot(self, categories: Sequence[str], day: date) -> dict[str, list[dict[str, Any]]]:
        """Each line's slots on ``day`` with their bookings (masked), ``GET /appointments/by-slot``. A line
        the server does not know (404/422: removed from the catalogue) is left out rather than failing the
        rest. Raises HallError (server away, timeout, token refused)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for code in categories:
            try:
                rows = self.client.request("GET", "/appointments/by-slot",
                                           params={"category": code, "day": day.isoformat()})
            except HallRejected as exc:
                if exc.status not in (404, 422):
                    raise
                continue
            out[code] = [dict(r) for r in rows]
        return out

    def material_bytes(self, sha256: str) -> bytes:
        """A captured material (JPEG/PNG/PDF) from ``GET /files/{sha256}``. Raises HallError."""
        try:
            resp = httpx.get(f"{self.server_url}{API}/files/{sha256}",
                             headers={"Authorization": f"Bearer {self._token}"},
                             timeout=httpx.Timeout(15.0, connect=self._timeouts[0]))
        except httpx.TimeoutException as exc:
            raise HallTimeout("material download timed out") from exc
        except httpx.HTTPError as exc:
            raise HallUnreachable(f"material download: {exc.__class__.__name__}") from exc
        if resp.status_code >= 400:
            try:
                body = resp.json()
            except ValueError:
                body = None
            raise from_response(resp.status_code, body)
        return resp.content

    # -- writes (keyed) --------------------------------------------------------------------------
    def _keyed(self, action: str, send: Callable[[str], Any], *, settles: str = "") -> Any:
        """``settles``: on success also forget pending keys starting with it (a later answer supersedes them,
        and replaying one of them would hand back a stale view)."""
        with self._lock:
            key = self._pending.get(action) or uuid.uuid4().hex
            self._pending[action] = key
        try:
            result = send(key)
        except (HallTimeout, HallUnreachable):
            raise  # the key stays: the resend must not become a second call
        except HallError:
            with self._lock:
                self._pending.pop(action, None)
            raise
        with self._lock:
            self._pending.pop(action, None)
            for stale in [a for a in self._pending if settles and a.startswith(settles)]:
                self._pending.pop(stale)
        return result

    def _window_action(self, action: str, route: str, body: dict[str, Any] | None = None) -> Any:
        return self._keyed(action, lambda key: self.client.request(
            "POST", f"/windows/{self.window}/{route}", json=body, idempotency_key=key))

    def call_next(self) -> dict[str, Any] | None:
        """The next citizen, or None when nobody waits (204)."""
        return self._window_action("call_next", "call-next")

    def call_number(self, number: str) -> dict[str, Any]:
        return self._window_action(f"call {number.upper()}", "call", {"number": number.strip().upper()})

    def recall(self) -> dict[str, Any]:
        return self._window_action("recall", "recall")

    def start(self) -> dict[str, Any]:
        return self._window_action("start", "start")

    def finish(self) -> dict[str, Any]:
        return self._window_action("finish", "finish")

    def no_show(self) -> dict[str, Any]:
        return self._window_action("no_show", "no-show")

    def no_shows(self) -> list[dict[str, Any]]:
        """This window's no-shows that may still be reinstated, latest first."""
        return [dict(r) for r in self.client.request("GET", f"/windows/{self.window}/no-shows")]

    def reinstate(self, ticket_id: int) -> dict[str, Any]:
        """Undo a no-show: the ticket goes back to the head of its line (within reinstate_minutes)."""
        return dict(self._keyed(f"reinstate {ticket_id}", lambda key: self.client.request(
            "POST", f"/tickets/{ticket_id}/reinstate", idempotency_key=key)))

    def pause(self, reason: str) -> dict[str, Any]:
        return dict(self.client.request("POST", f"/windows/{self.window}/pause", json={"reason": reason}))

    def resume(self) -> dict[str, Any]:
        return dict(self.client.request("POST", f"/windows/{self.window}/resume"))

    def transfer(self, ticket_id: int, *, category: str | None = None, window: int | None = None) -> dict[str, Any]:
        body = {"category": category} if category else {"window": window}
        return self._keyed(f"transfer {ticket_id}", lambda key: self.client.request(
            "POST", f"/tickets/{ticket_id}/transfer", json=body, idempotency_key=key))

    def alert(self, message: str = "") -> dict[str, Any]:
        """一键报警: the dashboard shows it at once with this window's number."""
        body = {"window": self.window, "message": message or f"{self.window} 号窗口紧急求助"}
        return self._keyed("alert", lambda key: self.client.request(
            "POST", "/alerts", json=body, idempotency_key=key))

    def review(self, code: str, verdicts: dict[int, str], *, status: str | None = None,
               notes: dict[int, str] | None = None) -> dict[str, Any]:
        """Save the clerk's verdict per material (``{material_id: "accepted" | "missing" | "pending"}``) and
        optionally move the submission on, in one server transaction; returns the clerk's detail view with
        the server's missing list. Without a note the server writes the 补正 note from the complete list."""
        notes = notes or {}
        body: dict[str, Any] = {"materials": [{"id": i, "verdict": v, **({"note": notes[i]} if i in notes else {})}
                                              for i, v in sorted(verdicts.items())]}
        if status:
            body["status"] = status
        action = f"review {code} " + ",".join(f"{i}:{v}" for i, v in sorted(verdicts.items())) + f" {status or ''}"
        if notes:
            action += " " + ",".join(f"{i}:{n}" for i, n in sorted(notes.items()))
        out = self._keyed(action, lambda key: self.client.request(
            "POST", f"/submissions/{code}/review", json=body, idempotency_key=key), settles=f"review {code} ")
        return self._with_names(dict(out))

    def advance_submission(self, code: str, status: str) -> dict[str, Any]:
        """Move a submission on (accept, 待补正 with the server-written missing list, …); its detail view."""
        return self.review(code, {}, status=status)
