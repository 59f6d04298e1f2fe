"""Charging tickets and charging files, computed from finished calls (o2g-api-core.md §18).

The OXE writes a charging ticket when a call ends. The simulator derives them from
``pbx.calls.history.ended`` (one Participation per user per finished call):

* a user's call to an outside number (role CALLER, outside ``initial_called``) → ``PublicNetworkCall``;
* an outside caller's call to a user (role CALLEE, outside first peer) → ``PublicNetworkIncomingCall``;
* a call between users (or to the voice mail) → ``LocalNetworkCall``, one ticket, the caller's.
  (Node's CallType enum misspells this value — ``"Local etworkCall"`` — so Node reads it as Unspecified;
  the simulator still sends the real value.)

Every ticket is about one user: ``caller`` is that user's set, ``name`` its name, ``called`` the other
party (the outside number, whatever the direction; the call type tells the direction).

Tariff (a simulator choice, deterministic): only answered outgoing public calls cost anything; one
charging unit per started minute of conversation for a fixed-line number, two for a mobile number
(``06``/``07`` after the outside prefix), five for an international number (``00``); a unit costs
``UNIT_PRICE`` (0.10). A ticket is *valuable* when it cost something or the call was answered; the
others (missed or refused calls) are only returned with ``all=true``.

Charging files: one per node and per hour in which tickets were written (at call end), named
``tax{node}_{yyyyMMdd}_{HH}`` and dated at the start of that hour (UTC); the current hour's file is
listed as soon as it holds a ticket.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from o2gmentor.sim.model.history import Participation
from o2gmentor.sim.model.site import Site

UNIT_PRICE = 0.10
PUBLIC_OUT = "PublicNetworkCall"
PUBLIC_IN = "PublicNetworkIncomingCall"
LOCAL = "LocalNetworkCall"


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def units_for(site: Site, number: str, talk_seconds: float) -> int:
    """Charging units of an answered outgoing call to ``number`` lasting ``talk_seconds``."""
    if talk_seconds <= 0:
        return 0
    minutes = math.ceil(talk_seconds / 60)
    digits = number[len(site.outside_prefix):]
    if digits.startswith("0"):
        return 5 * minutes
    if digits[:1] in ("6", "7"):
        return 2 * minutes
    return minutes


@dataclass(frozen=True)
class Ticket:
    """One charging ticket, with the file it was written to."""

    node: str
    file: str
    written: float
    caller: str
    name: str
    called: str
    initial_dialled: str
    start: float
    duration: int
    effective: int
    call_type: str
    answered: bool
    units: int
    cost: float
    internal_facilities: tuple[str, ...]
    external_facilities: tuple[str, ...]

    @property
    def valuable(self) -> bool:
        return self.cost > 0 or self.answered

    def to_json(self) -> dict[str, Any]:
        """The O2G ``Charging`` object."""
        return {
            "caller": self.caller, "name": self.name, "called": self.called,
            "initialDialledNumber": self.initial_dialled, "callNumber": 1,
            "chargingUnits": self.units, "cost": self.cost,
            "startDate": utc(self.start).strftime("%Y%m%d %H:%M:%S"),
            "duration": self.duration, "effectiveCallDuration": self.effective, "callType": self.call_type,
            "actingExtensionNumberNode": int(self.node) if self.node.isdigit() else -1,
            "internalFacilities": {"facilities": list(self.internal_facilities)},
            "externalFacilities": {"facilities": list(self.external_facilities)},
        }


def file_name(node: str, ts: float) -> str:
    return f"tax{node}_{utc(ts):%Y%m%d_%H}"


def ticket_of(site: Site, part: Participation) -> Ticket | None:
    """The ticket a finished participation leaves, or None (the callee's side of an internal call)."""
    user = site.users.get(part.login)
    if user is None or part.end is None:
        return None
    peer = (part.first_peers or part.last_peers or [""])[0]
    if part.role == "CALLER":
        called = part.initial_called or peer
        call_type = PUBLIC_OUT if site.is_outside(called) else LOCAL
    elif site.is_outside(peer):
        called, call_type = peer, PUBLIC_IN
    else:
        return None
    talk = part.talk_seconds
    units = units_for(site, called, talk) if call_type == PUBLIC_OUT else 0
    outside = call_type != LOCAL
    internal = ("VoiceMail",) if called == site.voicemail_number else ("BasicCall",)
    return Ticket(
        node=user.node_id, file=file_name(user.node_id, part.end), written=part.end,
        caller=part.device or user.number, name=user.name, called=called,
        initial_dialled=part.initial_called or called, start=part.begin,
        duration=round(part.end - part.begin), effective=round(talk), call_type=call_type, answered=part.answered,
        units=units, cost=round(units * UNIT_PRICE, 2),
        internal_facilities=internal, external_facilities=("BasicCall",) if outside else (),
    )


def tickets(site: Site, ended: Iterable[Participation], node: str) -> list[Ticket]:
    """Every ticket of ``node``, in the order the calls ended."""
    found = (ticket_of(site, part) for part in ended)
    return [t for t in found if t is not None and t.node == node]


def files(all_tickets: list[Ticket], first: date | None = None, last: date | None = None) -> list[dict[str, Any]]:
    """The charging files holding tickets, oldest first, optionally between two days (inclusive)."""
    hours: dict[str, float] = {}
    for ticket in all_tickets:
        start = utc(ticket.written).replace(minute=0, second=0, microsecond=0)
        if (first and start.date() < first) or (last and start.date() > last):
            continue
        hours.setdefault(ticket.file, start.timestamp())
    return [{"name": name, "date": f"{utc(ts):%d/%m/%y}", "time": f"{utc(ts):%H:%M:%S}"}
            for name, ts in sorted(hours.items(), key=lambda item: (item[1], item[0]))]


def top_callers(selected: list[Ticket], top: int) -> list[Ticket]:
    """The tickets of the ``top`` callers who cost the most (ties: the lower number first)."""
    totals: dict[str, float] = {}
    for ticket in selected:
        totals[ticket.caller] = totals.get(ticket.caller, 0.0) + ticket.cost
    best = sorted(totals, key=lambda caller: (-totals[caller], caller))[:top]
    return [t for t in selected if t.caller in best]


def report(all_tickets: list[Ticket], names: set[str], *, top: int | None = None, everything: bool = False,
           first: date | None = None, last: date | None = None) -> dict[str, Any]:
    """The ``GET /analytics/charging`` answer for the tickets in the files ``names``."""
    chosen = [t for t in all_tickets if t.file in names]
    shown = chosen if everything else [t for t in chosen if t.valuable]
    if top:
        shown = top_callers(shown, top)
    days = sorted(utc(t.written).date() for t in chosen)
    first = first or (days[0] if days else None)
    last = last or (days[-1] if days else None)
    return {
        "chargings": [t.to_json() for t in shown],
        "fromDate": f"{first:%Y%m%d}" if first else "",
        "toDate": f"{last:%Y%m%d}" if last else "",
        "nbChargingFiles": len({t.file for t in chosen}),
        "totalTicketNb": len(chosen),
        "valuableTicketNb": sum(1 for t in chosen if t.valuable),
    }
