"""The routing service: remote extension, do-not-disturb, forward and overflow (o2g-api-core.md §11).

``login`` acts for another user (administrator sessions only).
"""

from __future__ import annotations

from typing import Any

FORWARD_TYPES = ("IMMEDIATE", "BUSY", "NO_ANSWER", "BUSY_NO_ANSWER")


class Routing:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def _params(self, login: str | None) -> dict[str, Any]:
        return {"loginName": login} if login else {}

    def _get(self, path: str, login: str | None) -> Any:
        return self.o2g.request("GET", "routing", path, params=self._params(login))

    def _send(self, method: str, path: str, body: dict[str, Any] | None, login: str | None) -> None:
        self.o2g.request(method, "routing", path, json_body=body, params=self._params(login))

    # ---------------------------------------------------------------- reading
    def capabilities(self, login: str | None = None) -> dict[str, bool]:
        return self._get("", login)

    def state(self, login: str | None = None) -> dict[str, Any]:
        """``presentationRoutes``, ``forwardRoutes``, ``overflowRoutes`` and ``dndState``."""
        return self._get("/state", login)

    def dnd(self, login: str | None = None) -> bool:
        return bool(self._get("/dnd", login).get("activate"))

    def forward(self, login: str | None = None) -> dict[str, Any] | None:
        """The forward route, or None (O2G answers an empty body when there is none)."""
        return self._get("/forwardroute", login) or None

    def overflow(self, login: str | None = None) -> dict[str, Any] | None:
        return self._get("/overflowroute", login) or None

    def request_snapshot(self, login: str | None = None) -> None:
        """Ask for an ``OnRoutingStateChanged`` event with the current state."""
        self._send("POST", "/state/snapshot", None, login)

    # ---------------------------------------------------------------- changing
    def set_dnd(self, active: bool, login: str | None = None) -> None:
        self._send("POST" if active else "DELETE", "/dnd", None, login)

    def forward_to(self, number: str | None = None, *, voicemail: bool = False, when: str = "IMMEDIATE",
                   login: str | None = None) -> None:
        """Forward calls to ``number`` (or to the voice mail); ``when`` is one of ``FORWARD_TYPES``.

        An immediate forward is sent without ``forwardType``, as the SDKs send it.
        """
        if when not in FORWARD_TYPES:
            raise ValueError(f"when is one of {', '.join(FORWARD_TYPES)}")
        if voicemail == (number is not None):
            raise ValueError("give a number, or voicemail=True")
        destination = {"type": "VOICEMAIL"} if voicemail else {"type": "NUMBER", "number": number}
        route: dict[str, Any] = {"destinations": [destination]}
        if when != "IMMEDIATE":
            route["forwardType"] = when
        self._send("POST", "/forwardroute", {"forwardRoute": route}, login)

    def cancel_forward(self, login: str | None = None) -> None:
        self._send("DELETE", "/forwardroute", None, login)

    def overflow_to_voicemail(self, when: str = "BUSY_NO_ANSWER", login: str | None = None) -> None:
        """Send busy and/or unanswered calls to the voice mail."""
        body = {"overflowRoutes": [{"overflowType": when, "destinations": [{"type": "VOICEMAIL"}]}]}
        self._send("POST", "/overflowroute", body, login)

    def cancel_overflow(self, login: str | None = None) -> None:
        self._send("DELETE", "/overflowroute", None, login)

    def set_remote_extension(self, active: bool, login: str | None = None) -> None:
        """Present calls on the user's mobile too (remote extension), or stop."""
        body = {"presentationRoutes": [{"destinations": [{"type": "MOBILE", "selected": active}]}]}
        self._send("POST", "", body, login)
