"""RSI — the Routing Service Interface (o2g-api-ccd.md §10): routing points an application steers.

Seeded points: 3900 "IVR" and 3901 "IVR backup" on node 1. An administrator session enables a point
(normal or backup) and receives its events (package ``rsi``, that session only). When a call reaches an
enabled point, ``arrive`` opens a route session and sends ``OnRouteRequest``; the application then plays
tones or voice guides, collects digits, and ends with ``routeSelect`` (the call goes to the chosen
number) or ``routeEnd`` (the call is released).

Hook needed (not in this module): the call engine hands calls to ``calls.acd`` only for numbers for which
``acd.is_pilot`` is true, and then calls ``acd.arrive(ref, number, caller)``. ``ContactCenter`` must
delegate RSI numbers to ``rsi_of(cc).arrive`` — see ``ContactCenter`` hook in the report. Until then the
API and its state work, and route sessions come only from ``arrive`` called directly (tests do so).

Inferred: a call reaching a point that no session enabled is released (busy); a digit collection
without digits ends after its ``timeout`` with cause ``TIMEOUT``; a played tone or guide with a
``duration`` stops by itself (``OnToneGeneratedStop``).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from o2gmentor.sim.model.ccd import ContactCenter

SEED_POINTS = (("3900", "IVR"), ("3901", "IVR backup"))
TONES = ("BUSY", "RINGBACK", "SILENCE", "MUSIC", "ANNOUNCEMENT")


class RsiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class RouteSession:
    route_crid: str
    caller: str
    called: str
    routed_call_ref: str

    def to_json(self) -> dict[str, str]:
        return {"routeCrid": self.route_crid, "caller": self.caller, "called": self.called,
                "routedCallRef": self.routed_call_ref}


@dataclass
class RsiPoint:
    number: str
    name: str
    node: int = 1
    session_id: str | None = None  # who enabled it
    backup: bool = False
    sessions: dict[str, RouteSession] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "name": self.name, "node": self.node, "registered": self.session_id is not None}


class Rsi:
    """The RSI points of one contact center and their route sessions."""

    def __init__(self, cc: ContactCenter) -> None:
        self.cc = cc
        self.points = {n: RsiPoint(n, name) for n, name in SEED_POINTS}
        self._seq = 0
        self.collections: set[str] = set()
        for number, name in SEED_POINTS:
            cc.calls.service_names.setdefault(number, name)

    def point(self, number: str) -> RsiPoint:
        point = self.points.get(number)
        if point is None:
            raise RsiError(404, f"{number} is not an RSI point ({', '.join(self.points)})")
        return point

    def _next(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq}"

    def _publish(self, point: RsiPoint, event: dict[str, Any]) -> None:
        if point.session_id is not None:
            self.cc.bus.publish("rsi", f"session:{point.session_id}", {**event, "rsiPoint": point.number})

    # ---------------------------------------------------------------- registration
    def enable(self, number: str, session_id: str, backup: bool) -> None:
        point = self.point(number)
        if point.session_id not in (None, session_id):
            raise RsiError(409, f"RSI point {number} is already enabled by another session")
        point.session_id, point.backup = session_id, backup

    def disable(self, number: str, session_id: str | None = None) -> None:
        point = self.point(number)
        if session_id is None or point.session_id == session_id:
            point.session_id, point.backup = None, False

    def session_closed(self, session_id: str) -> None:
        for point in self.points.values():
            self.disable(point.number, session_id)

    # ---------------------------------------------------------------- route sessions
    def arrive(self, ref: str, number: str, caller: str) -> None:
        """A call reached an RSI point: a route request to the session that enabled it."""
        point = self.point(number)
        if point.session_id is None:
            self.cc.calls.pilot_gives_up(ref, number, "DESTINATION_NOT_OBTAINABLE")
            return
        session = RouteSession(self._next("rc"), caller, number, ref)
        point.sessions[session.route_crid] = session
        external = self.cc.calls.site.is_outside(caller)
        self._publish(point, {"eventName": "OnRouteRequest", "request": {
            "routeCrid": session.route_crid, "caller": caller, "callingName": "", "called": number,
            "callerType": "EXTERNAL" if external else "INTERNAL", "routedCallRef": ref, "nbOverflows": 0,
            "reason": "INITIAL"}})

    def route_session(self, number: str, crid: str) -> RouteSession:
        found = self.point(number).sessions.get(crid)
        if found is None:
            raise RsiError(404, f"no route session {crid} on RSI point {number}")
        return found

    def session_of_call(self, number: str, call_ref: str) -> RouteSession:
        found = next((s for s in self.point(number).sessions.values() if s.routed_call_ref == call_ref), None)
        if found is None:
            raise RsiError(404, f"call {call_ref} is not routed by RSI point {number}")
        return found

    def _close(self, point: RsiPoint, session: RouteSession, reason: str) -> None:
        point.sessions.pop(session.route_crid, None)
        self._publish(point, {"eventName": "OnRouteEnd", "routeCrid": session.route_crid,
                              "routedCallRef": session.routed_call_ref, "reason": reason})

    def route_select(self, number: str, crid: str, route: str) -> None:
        """Send the call on to ``route`` (a set, a pilot, an outside number)."""
        point, session = self.point(number), self.route_session(number, crid)
        self._close(point, session, "ROUTED")
        if session.routed_call_ref in self.cc.calls.calls:
            self.cc.calls.pilot_redirect(session.routed_call_ref, number, route, "REDIRECTED")

    def route_end(self, number: str, crid: str) -> None:
        """The application gives up routing: the call is released."""
        point, session = self.point(number), self.route_session(number, crid)
        self._close(point, session, "END")
        if session.routed_call_ref in self.cc.calls.calls:
            self.cc.calls.pilot_gives_up(session.routed_call_ref, number, "CLEARED")

    # ---------------------------------------------------------------- media
    def play(self, number: str, call_ref: str, tone: str, duration: float | None) -> None:
        point = self.point(number)
        self.session_of_call(number, call_ref)
        self._publish(point, {"eventName": "OnToneGeneratedStart", "callRef": call_ref, "tonesTypes": tone})
        if duration:
            self.cc.clock.call_later(duration, lambda: self.stop_tone(number, call_ref, quiet=True))

    def stop_tone(self, number: str, call_ref: str, quiet: bool = False) -> None:
        point = self.point(number)
        if not quiet:
            self.session_of_call(number, call_ref)
        self._publish(point, {"eventName": "OnToneGeneratedStop", "callRef": call_ref})

    def collect(self, number: str, call_ref: str, timeout: float) -> str:
        """Start collecting digits; returns the collection id (``Location`` header)."""
        point = self.point(number)
        self.session_of_call(number, call_ref)
        coll = self._next("coll")
        self.collections.add(coll)
        self.cc.clock.call_later(max(1.0, timeout), lambda: self._collected(point, call_ref, coll, "", "TIMEOUT"))
        return coll

    def _collected(self, point: RsiPoint, call_ref: str, coll: str, digits: str, cause: str) -> None:
        if coll not in self.collections:
            return
        self.collections.discard(coll)
        self._publish(point, {"eventName": "OnDigitCollected", "callRef": call_ref,
                              "dataCollected": {"collCrid": coll, "digits": digits, "cause": cause}})

    def cancel_collect(self, number: str, coll: str) -> None:
        self.point(number)
        if coll not in self.collections:
            raise RsiError(404, f"no digit collection {coll} running")
        self.collections.discard(coll)


_RSI: weakref.WeakKeyDictionary[ContactCenter, Rsi] = weakref.WeakKeyDictionary()


def rsi_of(cc: ContactCenter) -> Rsi:
    if cc not in _RSI:
        _RSI[cc] = Rsi(weakref.proxy(cc))
    return _RSI[cc]
