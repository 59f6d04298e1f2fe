"""The telephony service: make, answer, hold, transfer, conference, release (o2g-api-core.md §9).

``device`` is a phone number of the user's own devices; when left out, the user's first device
is used. ``login`` acts for another user and is only for administrator sessions (``loginName``).
"""

from __future__ import annotations

from typing import Any


class Telephony:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    # ---------------------------------------------------------------- helpers
    def _params(self, login: str | None) -> dict[str, Any] | None:
        return {"loginName": login} if login else None

    def _device(self, device: str | None, login: str | None) -> str:
        return device or self.o2g.default_device(login)

    def _post(self, path: str, body: dict[str, Any] | None = None, login: str | None = None) -> Any:
        return self.o2g.request("POST", "telephony", path, json_body=body, params=self._params(login))

    def _make(self, path: str, body: dict[str, Any], login: str | None) -> str:
        _, headers = self.o2g.request("POST", "telephony", path, json_body=body, params=self._params(login),
                                      with_headers=True)
        location = headers.get("Location", "")
        return location.rstrip("/").rsplit("/", 1)[-1] if "/calls/" in location else ""

    # ---------------------------------------------------------------- basic calls (no licence needed)
    def basic_call(self, callee: str, device: str | None = None, auto_answer: bool = True,
                   login: str | None = None) -> str:
        """``POST telephony/basicCall``; returns the new callRef (from the Location header)."""
        body = {"deviceId": self._device(device, login), "callee": callee, "autoAnswer": auto_answer}
        return self._make("/basicCall", body, login)

    def basic_answer(self, device: str | None = None, login: str | None = None) -> None:
        self._post("/basicCall/answer", {"deviceId": self._device(device, login)}, login)

    def basic_drop_me(self, login: str | None = None) -> None:
        self._post("/basicCall/dropme", None, login)

    # ---------------------------------------------------------------- calls
    def make_call(self, callee: str, device: str | None = None, auto_answer: bool = True,
                  login: str | None = None, **extra: Any) -> str:
        """``POST telephony/calls``; returns the new callRef.

        With an active call, the OXE puts it on hold first: this is a consultation call.
        """
        body = {"deviceId": self._device(device, login), "callee": callee, "autoAnswer": auto_answer, **extra}
        return self._make("/calls", body, login)

    def calls(self, login: str | None = None) -> list[dict[str, Any]]:
        """The user's calls, each with ``callRef``, ``callData``, ``legs`` and ``participants``."""
        return self.o2g.request("GET", "telephony", "/calls", params=self._params(login), expect_json=True)["calls"]

    def call(self, call_ref: str, login: str | None = None) -> dict[str, Any]:
        return self.o2g.request("GET", "telephony", f"/calls/{call_ref}", params=self._params(login),
                                expect_json=True)

    def answer(self, call_ref: str, device: str | None = None, login: str | None = None) -> None:
        self._post(f"/calls/{call_ref}/answer", {"deviceId": self._device(device, login)}, login)

    def release(self, call_ref: str, login: str | None = None) -> None:
        """``DELETE telephony/calls/{callRef}``: hang up the call for every party."""
        self.o2g.request("DELETE", "telephony", f"/calls/{call_ref}", params=self._params(login))

    def drop_me(self, call_ref: str, login: str | None = None) -> None:
        """Leave the call; a conference goes on without this user."""
        self._post(f"/calls/{call_ref}/dropme", None, login)

    def hold(self, call_ref: str, device: str | None = None, login: str | None = None) -> None:
        self._post(f"/calls/{call_ref}/hold", {"deviceId": self._device(device, login)}, login)

    def retrieve(self, call_ref: str, device: str | None = None, login: str | None = None) -> None:
        self._post(f"/calls/{call_ref}/retrieve", {"deviceId": self._device(device, login)}, login)

    def alternate(self, held_call_ref: str, device: str | None = None, login: str | None = None) -> None:
        """Put the active call on hold and take back ``held_call_ref``."""
        self._post(f"/calls/{held_call_ref}/alternate", {"deviceId": self._device(device, login)}, login)

    def reconnect(self, held_call_ref: str, enquiry_call_ref: str, device: str | None = None,
                  login: str | None = None) -> None:
        """Give up a consultation call and go back to the held call."""
        self._post(f"/calls/{held_call_ref}/reconnect",
                   {"deviceId": self._device(device, login), "enquiryCallRef": enquiry_call_ref}, login)

    def transfer(self, active_call_ref: str, held_call_ref: str, login: str | None = None) -> None:
        """Connect the held party with the active one; this user leaves both calls."""
        self._post(f"/calls/{active_call_ref}/transfer", {"heldCallRef": held_call_ref}, login)

    def merge(self, active_call_ref: str, held_call_ref: str, login: str | None = None) -> None:
        """Make a three-party conference of the active and the held call."""
        self._post(f"/calls/{active_call_ref}/merge", {"heldCallRef": held_call_ref}, login)

    def blind_transfer(self, call_ref: str, transfer_to: str, login: str | None = None) -> None:
        self._post(f"/calls/{call_ref}/blindtransfer", {"transferTo": transfer_to, "anonymous": False}, login)

    def redirect(self, call_ref: str, redirect_to: str, login: str | None = None) -> None:
        """Deflect a ringing incoming call (``"VOICEMAIL"`` for the voice mail)."""
        self._post(f"/calls/{call_ref}/redirect", {"redirectTo": redirect_to, "anonymous": False}, login)

    def send_dtmf(self, call_ref: str, digits: str, device: str | None = None, login: str | None = None) -> None:
        self._post(f"/calls/{call_ref}/sendDtmf", {"deviceId": self._device(device, login), "number": digits},
                   login)

    def participants(self, call_ref: str, login: str | None = None) -> list[dict[str, Any]]:
        return self.o2g.request("GET", "telephony", f"/calls/{call_ref}/participants", params=self._params(login),
                                expect_json=True)["participants"]

    def legs(self, call_ref: str, login: str | None = None) -> list[dict[str, Any]]:
        return self.o2g.request("GET", "telephony", f"/calls/{call_ref}/deviceLegs", params=self._params(login),
                                expect_json=True)["legs"]

    def drop_participant(self, call_ref: str, participant_id: str, login: str | None = None) -> None:
        self.o2g.request("DELETE", "telephony", f"/calls/{call_ref}/participants/{participant_id}",
                         params=self._params(login))

    # ---------------------------------------------------------------- callbacks
    def request_callback(self, call_ref: str, login: str | None = None) -> None:
        """On a busy or unanswered call: ask the called user to call back (this side then hangs up)."""
        self._post(f"/calls/{call_ref}/callback", None, login)

    def callback_requests(self, login: str | None = None) -> list[dict[str, Any]]:
        """The callback requests left for this user: ``{callbackId, partyInfo}``."""
        return self.o2g.request("GET", "telephony", "/incomingCallbacks", params=self._params(login),
                                expect_json=True)["callbacks"]

    def delete_callback_requests(self, callback_id: str | None = None, login: str | None = None) -> None:
        path = "/incomingCallbacks" + (f"/{callback_id}" if callback_id else "")
        self.o2g.request("DELETE", "telephony", path, params=self._params(login))

    def leave_callback_request(self, callee: str, login: str | None = None) -> None:
        """Without calling: ask ``callee`` to call this user back."""
        self._post("/outgoingCallbacks", {"callee": callee}, login)

    # ---------------------------------------------------------------- state
    def state(self, login: str | None = None) -> dict[str, Any]:
        """Calls, device capabilities, ``userState`` (FREE/BUSY) and ``deviceStates``."""
        return self.o2g.request("GET", "telephony", "/state", params=self._params(login), expect_json=True)

    def request_snapshot(self, login: str | None = None) -> None:
        """Ask for ``OnTelephonyState`` events on the event channel."""
        self._post("/state/snapshot", None, login)

    def devices(self, login: str | None = None) -> list[dict[str, Any]]:
        return self.o2g.request("GET", "telephony", "/devices", params=self._params(login),
                                expect_json=True)["deviceStates"]
