"""Calls: parties and their states, the operations O2G offers, and the events each user sees.

Every operation changes the calls, then ``_commit()`` compares what each user saw before and
after and publishes ``OnCallCreated`` / ``OnCallModified`` / ``OnCallRemoved`` and
``OnUserStateModified`` accordingly. The events are therefore always consistent with what a
REST read returns at the same moment, whichever operation caused them.

A commit costs what the changed calls cost, not what the site costs: a user's view is made only of the
calls its devices are in, so only the parties of a call that appeared, ended or changed (its parties and
their states, whom it was meant for or redirected by, its contact-center data) are looked at again.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from o2gmentor.sim.model.bus import EventBus
from o2gmentor.sim.model.history import ParticipationTracker
from o2gmentor.sim.model.routing import MAX_REDIRECTS, Decision, RoutingState, decide
from o2gmentor.sim.model.site import Site

# MediaState values (o2g-api-core.md §9.3)
RINGING_IN = "RINGING_INCOMING"
RINGING_OUT = "RINGING_OUTGOING"
ACTIVE = "ACTIVE"
HELD = "HELD"
RELEASING = "RELEASING"
DIALING = "DIALING"

LEG_CAPABILITIES = {
    RINGING_IN: ("answer",),
    RINGING_OUT: ("drop",),
    DIALING: ("drop",),
    ACTIVE: ("drop", "hold", "sendDtmf"),
    HELD: ("drop", "retrieve"),
    RELEASING: ("drop",),
}


class TelephonyError(Exception):
    """A refused telephony request, with the O2G error type and cause (o2g-api-core.md §21.2)."""

    def __init__(self, status: int, error_type: str, cause: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.cause = cause
        self.message = message


@dataclass
class Party:
    """One end of a call: a local device (with its user's login) or an outside number."""

    number: str
    login: str | None
    state: str


@dataclass
class Call:
    ref: str
    parties: list[Party]
    created: float
    initial_called: str | None = None
    last_redirecting: str | None = None
    pending_callee: str | None = None  # makeCall without autoAnswer: the caller's own set rings first
    mailbox_owner: str | None = None  # whose voice mailbox answered this call (a message is being left)
    voicemail_since: float | None = None
    voicemail_caller: str | None = None  # who is leaving the message
    offer_seq: int = 0  # bumps at each new offer, so a stale no-answer timer does nothing
    answered: bool = False
    uuid: str = ""
    acd: dict[str, Any] | None = None  # acdCallData, once a pilot distributed the call
    tags: list[dict[str, Any]] = field(default_factory=list)

    def party(self, number: str) -> Party | None:
        return next((p for p in self.parties if p.number == number), None)

    def others(self, number: str) -> list[Party]:
        return [p for p in self.parties if p.number != number]


class CallEngine:
    """All calls of the PBX, with the operations of O2G's telephony service."""

    def __init__(self, site: Site, bus: EventBus, clock, seed: int = 7,
                 routing_of: Callable[[str], RoutingState] | None = None,
                 on_voice_message: Callable[[str, str, float, float], None] | None = None) -> None:
        self.site = site
        self.bus = bus
        self.clock = clock
        self.calls: dict[str, Call] = {}
        self.routing_of = routing_of or (lambda login: RoutingState())
        self.on_voice_message = on_voice_message  # (mailbox owner, caller number, duration, date)
        self.ring_timeout = float(site.scenario.get("dialplan", {}).get("no_answer_seconds", 20))
        self.acd = None  # the contact center, which takes the calls made to its pilots
        self.service_names: dict[str, str] = {}  # pilot numbers and the like → their names
        self.observers: list[Callable[[], None]] = []  # told after every change (the contact center follows calls)
        self.voicemail_max = float(site.scenario.get("dialplan", {}).get("voicemail_max_seconds", 120))
        self._random = random.Random(seed)
        self.history = ParticipationTracker()
        self._views = self._all_views()
        self._signatures: dict[str, tuple] = {}  # callRef → what its users' views are made of, at the last commit

    # ------------------------------------------------------------------ look-ups
    def _new_ref(self) -> str:
        while True:
            ref = f"{self._random.getrandbits(64):016x}"
            if ref not in self.calls:
                return ref

    def _new_call(self, first: Party, callee: str) -> Call:
        """A call with its first party, a fresh callRef and UUID (seeded: the same on every run)."""
        call = Call(self._new_ref(), [first], self.clock.now(), initial_called=callee,
                    uuid=str(uuid.UUID(int=self._random.getrandbits(128), version=4)))
        self.calls[call.ref] = call
        return call

    def call(self, ref: str) -> Call:
        call = self.calls.get(ref)
        if call is None:
            raise TelephonyError(404, "CALL_REFERENCE_NOT_FOUND", "INVALID_CALL_ID", f"call {ref} not found")
        return call

    def calls_of(self, number: str) -> list[Call]:
        """The calls a device takes part in, oldest first."""
        return [c for c in self.calls.values() if c.party(number)]

    def leg_state(self, number: str) -> dict[str, str]:
        """callRef → this device's state in that call."""
        return {c.ref: c.party(number).state for c in self.calls_of(number)}

    def is_busy(self, number: str) -> bool:
        """A single-line set is busy while it is in any call it has not put on hold."""
        return any(state != HELD for state in self.leg_state(number).values())

    def user_state(self, login: str) -> str:
        user = self.site.users[login]
        for device in user.devices:
            if any(s != RINGING_IN for s in self.leg_state(device.id).values()):
                return "BUSY"
        return "FREE"

    def identity(self, number: str) -> dict[str, Any]:
        user = self.site.user_by_number(number)
        if user:
            return user.identity()
        if number == self.site.voicemail_number:
            return {"id": {"phoneNumber": number}, "displayName": "Voice mail", "type": {"main": "SERVICE"}}
        if number in self.service_names:
            return {"id": {"phoneNumber": number}, "displayName": self.service_names[number],
                    "type": {"main": "SERVICE"}}
        return self.site.external(number).identity()

    def _login_of(self, number: str) -> str | None:
        user = self.site.user_by_number(number)
        return user.login if user else None

    def _party_for(self, number: str, state: str) -> Party:
        return Party(number, self._login_of(number), state)

    def _check_reachable(self, callee: str) -> str:
        """'local', 'outside' or 'voicemail' for a dialled number, else an INVALID_NUMBER error."""
        if self.site.device(callee):
            return "local"
        if callee == self.site.voicemail_number:
            return "voicemail"
        if self.acd is not None and self.acd.takes_calls(callee):
            return "pilot"
        if self.site.is_outside(callee):
            return "outside"
        raise TelephonyError(400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION", f"{callee} is not a valid number")

    def user_added(self, login: str) -> None:
        self._views[login] = ({}, "FREE")

    def user_removed(self, login: str) -> None:
        self._views.pop(login, None)

    # ------------------------------------------------------------------ views (what a user sees)
    def call_view(self, call: Call, login: str) -> dict[str, Any]:
        """The O2G ``Call`` object of ``call`` as ``login`` sees it."""
        user = self.site.users[login]
        mine = {d.id for d in user.devices}
        legs = [p for p in call.parties if p.number in mine]
        others = [p for p in call.parties if p.number not in mine]
        state = legs[0].state if legs else "UNKNOWN"
        data: dict[str, Any] = {
            "state": state,
            "deviceCall": False,
            "anonymous": False,
            "callUUID": call.uuid,
            "tags": call.tags,
            "capabilities": self._call_capabilities(call, login, state),
        }
        if call.initial_called:
            data["initialCalled"] = {"id": {"phoneNumber": call.initial_called}}
        if call.last_redirecting:
            data["lastRedirecting"] = self.identity(call.last_redirecting)
        if call.acd:
            data["acdCallData"] = call.acd
        return {
            "callRef": call.ref,
            "callData": data,
            "legs": [self._leg_json(call, p) for p in legs],
            "participants": [
                {
                    "participantId": p.number,
                    "identity": self.identity(p.number),
                    "anonymous": False,
                    "undroppable": False,
                    "state": p.state,
                }
                for p in others
            ],
        }

    def _leg_json(self, call: Call, party: Party) -> dict[str, Any]:
        caps = list(LEG_CAPABILITIES.get(party.state, ()))
        if party.state == HELD and any(
            c is not call and c.party(party.number).state == ACTIVE for c in self.calls_of(party.number)
        ):
            caps.append("reconnect")
        ringing_remote = party.state == RINGING_OUT or (
            party.state == ACTIVE and any(p.state == RINGING_IN for p in call.others(party.number))
        )
        return {
            "deviceId": party.number,
            "state": party.state,
            "ringingRemote": ringing_remote,
            "capabilities": {name: True for name in caps},
        }

    def _call_capabilities(self, call: Call, login: str, state: str) -> dict[str, bool]:
        user = self.site.users[login]
        other_calls = [c for d in user.devices for c in self.calls_of(d.id) if c is not call]
        other_states = {c.party(d.id).state for d in user.devices for c in other_calls if c.party(d.id)}
        caps: list[str] = ["terminate"]
        if state == RINGING_IN:
            caps += ["redirect", "pickedUp"]
            if self.site.voicemail_number:
                caps.append("redirectToVoiceMail")
        elif state == ACTIVE:
            caps += ["dropMe", "blindTransfer", "addParticipant"]
            if HELD in other_states:
                caps += ["transfer", "merge"]
        elif state == HELD:
            caps += ["dropMe"]
            if ACTIVE in other_states:
                caps += ["transfer", "merge"]
        elif state in (RINGING_OUT, RELEASING):
            caps += ["dropMe", "callBack"]
        return {name: True for name in caps}

    def device_capabilities(self, login: str) -> list[dict[str, Any]]:
        return [
            {"deviceId": d.id, "makeCall": True, "makeBusinessCall": False, "makePrivateCall": False,
             "unParkCall": False}
            for d in self.site.users[login].devices
        ]

    def views_of(self, login: str) -> dict[str, dict[str, Any]]:
        """callRef → Call object, for every call of one user."""
        user = self.site.users[login]
        calls = {c.ref: c for d in user.devices for c in self.calls_of(d.id)}
        return {ref: self.call_view(c, login) for ref, c in calls.items()}

    def _all_views(self) -> dict[str, tuple[dict[str, dict[str, Any]], str]]:
        return {login: (self.views_of(login), self.user_state(login)) for login in self.site.users}

    @staticmethod
    def _signature(call: Call) -> tuple:
        """Everything of a call that its users' views are made of (the rest — names, the user's other calls —
        is either the site's data or another call's signature)."""
        return (tuple((p.number, p.state) for p in call.parties), call.initial_called, call.last_redirecting,
                call.acd, call.uuid, len(call.tags))

    def _touched_logins(self) -> set[str]:
        """The users whose views may have changed since the last commit: the parties, before and after, of
        every call that appeared, ended or changed. Everybody else's views are the same as at the last commit."""
        signatures = {ref: self._signature(call) for ref, call in self.calls.items()}
        previous = self._signatures
        numbers: set[str] = set()
        for ref, signature in signatures.items():
            old = previous.get(ref)
            if old != signature:
                numbers.update(number for number, _ in signature[0])
                if old is not None:
                    numbers.update(number for number, _ in old[0])
        for ref, old in previous.items():
            if ref not in signatures:
                numbers.update(number for number, _ in old[0])
        self._signatures = signatures
        logins = {self._login_of(number) for number in numbers}
        logins.discard(None)
        return logins  # type: ignore[return-value]

    # ------------------------------------------------------------------ events
    def _commit(self, cause: str | None = None,
                new_destination: dict[tuple[str, str], str] | None = None) -> None:
        """Publish what changed for each user since the last commit (users in site order, as before)."""
        touched = self._touched_logins()
        after = {login: (self.views_of(login), self.user_state(login))
                 for login in self.site.users if login in touched}
        for login, (views, ustate) in after.items():
            old_views, old_state = self._views.get(login, ({}, "FREE"))
            for ref in old_views:  # removals first: a call replaced by another ends before the new one shows
                if ref not in views:
                    event = {"eventName": "OnCallRemoved", "loginName": login, "callRef": ref,
                             "deviceCapabilities": []}
                    if cause:
                        event["cause"] = cause
                    if new_destination and (login, ref) in new_destination:
                        event["newDestination"] = new_destination[(login, ref)]
                    self.bus.publish("telephony", login, event)
            for ref, view in views.items():
                if ref not in old_views:
                    self._publish_created(login, view, cause)
                elif view != old_views[ref]:
                    self._publish_modified(login, old_views[ref], view, cause)
            if ustate != old_state:
                self.bus.publish("telephony", login,
                                 {"eventName": "OnUserStateModified", "loginName": login, "state": ustate})
        before = {login: self._views.get(login, ({}, "FREE")) for login in after}
        self._views.update(after)
        for observer in list(self.observers):
            observer()
        now = self.clock.now()
        for login, (views, _) in after.items():  # after the telephony events: ended calls go to the comlog
            old_views = before[login][0]
            for ref in sorted(set(old_views) | set(views)):
                self.history.observe(login, ref, old_views.get(ref), views.get(ref), cause, now)

    def _publish_created(self, login: str, view: dict[str, Any], cause: str | None) -> None:
        event = {"eventName": "OnCallCreated", "loginName": login, **view,
                 "deviceCapabilities": self.device_capabilities(login)}
        if cause:
            event["cause"] = cause
        self.bus.publish("telephony", login, event)

    def _publish_modified(self, login: str, old: dict[str, Any], new: dict[str, Any], cause: str | None) -> None:
        old_legs = {leg["deviceId"]: leg for leg in old["legs"]}
        new_legs = {leg["deviceId"]: leg for leg in new["legs"]}
        old_parts = {p["participantId"]: p for p in old["participants"]}
        new_parts = {p["participantId"]: p for p in new["participants"]}
        event = {
            "eventName": "OnCallModified",
            "loginName": login,
            "callRef": new["callRef"],
            "callData": new["callData"],
            "modifiedLegs": [leg for d, leg in new_legs.items() if d in old_legs and leg != old_legs[d]],
            "addedLegs": [leg for d, leg in new_legs.items() if d not in old_legs],
            "removedLegs": [leg for d, leg in old_legs.items() if d not in new_legs],
            "modifiedParticipants": [p for i, p in new_parts.items() if i in old_parts and p != old_parts[i]],
            "addedParticipants": [p for i, p in new_parts.items() if i not in old_parts],
            "removedParticipantIds": [i for i in old_parts if i not in new_parts],
            "deviceCapabilities": [],
        }
        if cause:
            event["cause"] = cause
        self.bus.publish("telephony", login, event)

    # ------------------------------------------------------------------ helpers for operations
    def _my_party(self, call: Call, device: str) -> Party:
        party = call.party(device)
        if party is None:
            raise TelephonyError(403, "UNAUTHORIZED", "INVALID_DEVICE",
                                 f"device {device} is not in call {call.ref}")
        return party

    @staticmethod
    def _require(party: Party, *states: str, action: str) -> None:
        if party.state not in states:
            raise TelephonyError(409, "INCOMPATIBLE_WITH_STATE", "INVALID_CONNECTION_STATE",
                                 f"cannot {action}: device {party.number} is {party.state}")

    def _offer(self, call: Call, callee: str, cause: str | None = None, *, depth: int = 0,
               new_destination: dict[tuple[str, str], str] | None = None, mailbox_owner: str | None = None) -> None:
        """Offer the call to ``callee`` as the OXE would: forward, do-not-disturb, busy, overflow, or ring.

        The parties already in the call hear it ring (RINGING_OUTGOING), or busy (RELEASING).
        """
        kind = self._check_reachable(callee)
        waiting = list(call.parties)
        call.offer_seq += 1
        later = None
        if kind == "local" and self.site.device(callee).state != "IN_SERVICE":
            for p in waiting:
                p.state = RELEASING
            self._commit("DESTINATION_NOT_OBTAINABLE", new_destination)
            return
        if kind == "local":
            owner = self.site.user_by_number(callee)
            decision = decide(self.routing_of(owner.login), self.is_busy(callee), self.site.voicemail_number)
            if decision.action == "redirect" and depth >= MAX_REDIRECTS:
                decision = Decision("ring")  # a chain of forwards ends on the last set (no loop)
            if decision.action == "redirect":
                call.last_redirecting = callee
                to_mailbox = decision.destination == self.site.voicemail_number
                return self._offer(call, decision.destination, decision.cause, depth=depth + 1,
                                   new_destination=new_destination, mailbox_owner=owner.login if to_mailbox else None)
            if decision.action in ("reject", "redirect") or (decision.action == "ring" and self.is_busy(callee)):
                for p in waiting:
                    p.state = RELEASING
                self._commit(decision.cause if decision.action == "reject" else "BUSY", new_destination)
                return
            later = decision.later
        party = self._party_for(callee, RINGING_IN)
        call.parties.append(party)
        for p in waiting:
            p.state = RINGING_OUT
        if kind == "pilot":  # the contact center takes it from here
            self._commit(cause, new_destination)
            if call.ref in self.calls and call.party(callee):
                self.acd.arrive(call.ref, callee, waiting[0].number if waiting else "")
            return
        if kind == "voicemail":
            party.state = ACTIVE
            for p in waiting:
                p.state = ACTIVE
            call.answered = True
            call.mailbox_owner = mailbox_owner
            call.voicemail_since = self.clock.now()
            call.voicemail_caller = waiting[0].number if waiting else None
            ref, seq = call.ref, call.offer_seq
            self.clock.call_later(self.voicemail_max, lambda: self._voicemail_full(ref, seq))
        self._commit(cause, new_destination)
        if later is not None:
            ref, seq = call.ref, call.offer_seq
            self.clock.call_later(self.ring_timeout, lambda: self._no_answer(ref, seq, callee, later))

    def _no_answer(self, ref: str, seq: int, callee: str, later: tuple[str, str]) -> None:
        """The ring timeout passed: a forward or overflow on no answer takes the call elsewhere."""
        call = self.calls.get(ref)
        party = call.party(callee) if call else None
        if call is None or call.offer_seq != seq or party is None or party.state != RINGING_IN:
            return
        destination, cause = later
        call.parties.remove(party)
        call.last_redirecting = callee
        owner = self.site.user_by_number(callee)
        to_mailbox = destination == self.site.voicemail_number
        self._offer(call, destination, cause, depth=1, new_destination={(party.login or "", ref): destination},
                    mailbox_owner=owner.login if owner and to_mailbox else None)

    def _voicemail_full(self, ref: str, seq: int) -> None:
        """The voice mail hangs up when the longest message has been recorded."""
        call = self.calls.get(ref)
        if call is not None and call.offer_seq == seq and call.voicemail_since is not None:
            self._clear(call, "CLEARED")

    def _deposit_voice_message(self, call: Call) -> None:
        """A call that reached someone's mailbox leaves a message when it ends."""
        if call.mailbox_owner is None or call.voicemail_since is None or self.on_voice_message is None:
            return
        duration = self.clock.now() - call.voicemail_since
        caller, owner, call.mailbox_owner = call.voicemail_caller, call.mailbox_owner, None
        if caller is not None and duration >= 1:
            self.on_voice_message(owner, caller, duration, call.voicemail_since)

    def _clear(self, call: Call, cause: str) -> None:
        """End a call for everyone still in it: each remaining party releases, then it is removed."""
        self._deposit_voice_message(call)
        call.parties = [p for p in call.parties if p.state != RINGING_IN]  # a set still ringing just stops
        for p in call.parties:
            p.state = RELEASING
        self._commit(cause)
        self.calls.pop(call.ref, None)
        self._commit(cause)

    def _leave(self, call: Call, device: str, cause: str) -> None:
        """``device`` leaves; a call left with one party ends, a conference goes on."""
        call.parties = [p for p in call.parties if p.number != device]
        if len(call.parties) >= 2 and call.answered:
            self._commit(cause)
        else:
            self._clear(call, cause)

    # ------------------------------------------------------------------ operations
    def make_call(self, device: str, callee: str, auto_answer: bool = True, consultation: bool = True) -> str:
        """Place a call from ``device``; an active call is put on hold first (a consultation call)."""
        if not self.site.device(device):
            raise TelephonyError(400, "BAD_PARAMETER_VALUE", "INVALID_CALLING", f"{device} is not a device")
        if self.site.device(device).state != "IN_SERVICE":
            raise TelephonyError(409, "INCOMPATIBLE_WITH_STATE", "DEVICE_OUT_OF_SERVICE", f"{device} is out of service")
        if not callee:
            raise TelephonyError(400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION", "callee is missing")
        if callee == device:
            raise TelephonyError(400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION", "a device cannot call itself")
        self._check_reachable(callee)
        states = self.leg_state(device)
        if any(s in (RINGING_OUT, DIALING, RELEASING) for s in states.values()):
            raise TelephonyError(409, "INCOMPATIBLE_WITH_STATE", "INVALID_DEVICE_STATE",
                                 f"device {device} is already placing a call")
        active = [ref for ref, s in states.items() if s == ACTIVE]
        if active and not consultation:
            raise TelephonyError(409, "INCOMPATIBLE_WITH_STATE", "INVALID_DEVICE_STATE",
                                 f"device {device} is in a call")
        for ref in active:  # consultation: hold the current call
            self.calls[ref].party(device).state = HELD
        if active:
            self._commit(None)
        call = self._new_call(self._party_for(device, DIALING), callee)
        try:
            if auto_answer:
                self._offer(call, callee)
            else:
                call.parties[0].state = RINGING_IN
                call.pending_callee = callee
                self._commit(None)
        except TelephonyError:  # e.g. a forward to a number that no longer exists: undo everything
            self.calls.pop(call.ref, None)
            for ref in active:
                if ref in self.calls and self.calls[ref].party(device):
                    self.calls[ref].party(device).state = ACTIVE
            self._commit(None)
            raise
        return call.ref

    def outside_call(self, caller: str, callee: str) -> str:
        """An outside party (or any number, for the simulator) calls ``callee``."""
        if self.site.device(caller):
            return self.make_call(caller, callee)
        if not self.site.device(callee) and not (self.acd is not None and self.acd.takes_calls(callee)):
            raise TelephonyError(400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION",
                                 f"{callee} is neither a device nor a pilot")
        call = self._new_call(Party(caller, None, DIALING), callee)
        self._offer(call, callee)
        return call.ref

    def answer(self, ref: str, device: str) -> None:
        call = self.call(ref)
        party = self._my_party(call, device)
        self._require(party, RINGING_IN, action="answer")
        if call.pending_callee:  # the caller picked up its own ringing set: now dial out
            callee, call.pending_callee = call.pending_callee, None
            party.state = DIALING
            self._offer(call, callee)
            return
        for other in self.calls_of(device):  # answering puts a current conversation on hold
            mine = other.party(device)
            if other is not call and mine.state == ACTIVE:
                mine.state = HELD
        party.state = ACTIVE
        for other in call.others(device):
            if other.state == RINGING_OUT:
                other.state = ACTIVE
        call.answered = True
        self._commit(None)

    def answer_device(self, device: str) -> str:
        """Answer whatever rings on ``device`` (``basicCall/answer``, or a person picking up)."""
        for call in self.calls_of(device):
            if call.party(device).state == RINGING_IN:
                self.answer(call.ref, device)
                return call.ref
        raise TelephonyError(409, "INCOMPATIBLE_WITH_STATE", "INVALID_DEVICE_STATE",
                             f"nothing rings on {device}")

    def release(self, ref: str, device: str | None = None) -> None:
        """Hang up the whole call (``DELETE /calls/{callRef}``): every party is released."""
        call = self.call(ref)
        if device is not None:
            self._my_party(call, device)
            call.parties = [p for p in call.parties if p.number != device]
        self._clear(call, "CLEARED")

    def drop_me(self, ref: str, device: str) -> None:
        """``device`` leaves the call; a conference goes on without it."""
        call = self.call(ref)
        party = self._my_party(call, device)
        cause = "BUSY" if party.state == RINGING_IN else "CLEARED"
        if party.state == RINGING_IN and call.acd is not None and self.acd is not None and self.acd.refuse(ref, device):
            return  # an agent declining a customer call: it goes back to the queue
        if party.state == RINGING_IN:  # declining: the call stays with the caller, who hears busy
            call.parties.remove(party)
            for other in call.parties:
                other.state = RELEASING
            self._commit(cause)
            return
        self._leave(call, device, cause)

    def hang_up_device(self, device: str) -> list[str]:
        """A person hangs up ``device``: it leaves its current call (a ringing set declines)."""
        calls = self.calls_of(device)
        if not calls:
            raise TelephonyError(409, "INCOMPATIBLE_WITH_STATE", "INVALID_DEVICE_STATE", f"{device} is idle")
        order = sorted(calls, key=lambda c: c.party(device).state == HELD)
        target = order[0]
        self.drop_me(target.ref, device)
        return [target.ref]

    def hold(self, ref: str, device: str) -> None:
        call = self.call(ref)
        party = self._my_party(call, device)
        self._require(party, ACTIVE, action="hold")
        party.state = HELD
        self._commit(None)

    def retrieve(self, ref: str, device: str) -> None:
        call = self.call(ref)
        party = self._my_party(call, device)
        self._require(party, HELD, action="retrieve")
        for other in self.calls_of(device):
            if other is not call and other.party(device).state == ACTIVE:
                other.party(device).state = HELD
        party.state = ACTIVE
        self._commit(None)

    def alternate(self, ref: str, device: str) -> None:
        """Hold the active call and retrieve ``ref`` (which is on hold)."""
        self.retrieve(ref, device)

    def reconnect(self, held_ref: str, device: str, enquiry_ref: str) -> None:
        """Give up the consultation ``enquiry_ref`` and go back to the held call."""
        held = self.call(held_ref)
        self._require(self._my_party(held, device), HELD, action="reconnect")
        enquiry = self.call(enquiry_ref)
        self._my_party(enquiry, device)
        self._leave(enquiry, device, "CLEARED")
        self.retrieve(held_ref, device)

    def _active_and_held(self, active_ref: str, held_ref: str, device: str) -> tuple[Call, Call]:
        active, held = self.call(active_ref), self.call(held_ref)
        if active is held:
            raise TelephonyError(400, "BAD_PARAMETER_VALUE", "INVALID_CALL_ID", "the two calls are the same")
        self._require(self._my_party(held, device), HELD, action="use the held call")
        self._require(self._my_party(active, device), ACTIVE, RINGING_OUT, action="use the active call")
        return active, held

    def transfer(self, active_ref: str, held_ref: str, device: str) -> str:
        """Connect the parties of the held call with those of the active one; ``device`` drops out."""
        active, held = self._active_and_held(active_ref, held_ref, device)
        ringing = any(p.state == RINGING_IN for p in active.others(device))
        moved = active.others(device)
        held.parties = [p for p in held.parties if p.number != device]
        for p in held.parties:
            p.state = RINGING_OUT if ringing else ACTIVE
        held.parties.extend(moved)
        held.answered = not ringing
        del self.calls[active.ref]
        self._commit("TRANSFERRED")
        return held.ref

    def merge(self, active_ref: str, held_ref: str, device: str) -> str:
        """Make a three-party conference of the active and the held call."""
        active, held = self._active_and_held(active_ref, held_ref, device)
        if any(p.state == RINGING_IN for p in active.others(device)):
            raise TelephonyError(409, "INCOMPATIBLE_WITH_STATE", "INVALID_CONNECTION_STATE",
                                 "the consulted party has not answered yet")
        held.parties.extend(active.others(device))
        for p in held.parties:
            p.state = ACTIVE
        held.answered = True
        del self.calls[active.ref]
        self._commit("CONFERENCED")
        return held.ref

    def blind_transfer(self, ref: str, device: str, target: str) -> None:
        """Send the call to ``target`` without consulting; ``device`` drops out at once."""
        call = self.call(ref)
        self._require(self._my_party(call, device), ACTIVE, HELD, action="transfer")
        self._check_reachable(target)
        if target == device or call.party(target):
            raise TelephonyError(400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION", f"cannot transfer to {target}")
        call.parties = [p for p in call.parties if p.number != device]
        call.answered = False
        call.voicemail_since = None
        self._offer(call, target, "TRANSFERRED")

    def redirect(self, ref: str, device: str, target: str) -> None:
        """Deflect a call ringing on ``device`` to ``target`` (``VOICEMAIL``: the user's own mailbox)."""
        call = self.call(ref)
        party = self._my_party(call, device)
        self._require(party, RINGING_IN, action="redirect")
        to_mailbox = target.upper() == "VOICEMAIL" or target == self.site.voicemail_number
        if to_mailbox:
            if not self.site.voicemail_number:
                raise TelephonyError(400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION", "no voice mail here")
            target = self.site.voicemail_number
        self._check_reachable(target)
        if target == device or call.party(target):
            raise TelephonyError(400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION", f"cannot redirect to {target}")
        if self.site.device(target) and self.is_busy(target):
            raise TelephonyError(409, "INCOMPATIBLE_WITH_STATE", "RESOURCE_BUSY", f"{target} is busy")
        call.parties.remove(party)
        call.last_redirecting = device
        self._offer(call, target, "REDIRECTED", new_destination={(party.login or "", ref): target},
                    mailbox_owner=party.login if to_mailbox else None)

    # ------------------------------------------------------------------ the contact center's moves
    def _replace(self, call: Call, old: str, new: Party | None) -> None:
        call.parties = [p for p in call.parties if p.number != old]
        if new is not None:
            call.parties.append(new)

    def distribute(self, ref: str, pilot: str, proacd: str, acd_data: dict[str, Any]) -> None:
        """The pilot hands its waiting call to an agent's pro-ACD set, which rings."""
        call = self.call(ref)
        self._replace(call, pilot, self._party_for(proacd, RINGING_IN))
        call.acd = acd_data
        self._commit("DISTRIBUTED")

    def requeue(self, ref: str, proacd: str, pilot: str) -> None:
        """The agent did not answer: the call goes back to the pilot."""
        call = self.call(ref)
        self._replace(call, proacd, Party(pilot, None, RINGING_IN))
        self._commit("NOT_ANSWERED")

    def pilot_redirect(self, ref: str, pilot: str, target: str, cause: str) -> None:
        """The pilot sends its call elsewhere (overflow, closed pilot)."""
        call = self.call(ref)
        self._replace(call, pilot, None)
        call.last_redirecting = pilot
        self._offer(call, target, cause)

    def pilot_gives_up(self, ref: str, pilot: str, cause: str) -> None:
        """No way to serve the call (queue full, no overflow): the caller hears busy."""
        call = self.call(ref)
        self._replace(call, pilot, None)
        for p in call.parties:
            p.state = RELEASING
        self._commit(cause)

    def join(self, ref: str, device: str, cause: str) -> None:
        """A set joins an established call (a supervisor's intrusion)."""
        call = self.call(ref)
        if call.party(device):
            raise TelephonyError(409, "INCOMPATIBLE_WITH_STATE", "INVALID_CONNECTION_STATE",
                                 f"{device} is in the call already")
        call.parties.append(self._party_for(device, ACTIVE))
        self._commit(cause)

    def touch(self, ref: str, cause: str) -> None:
        """Publish what changed in a call (nothing, when nothing visible changed)."""
        self.call(ref)
        self._commit(cause)

    def drop_participant(self, ref: str, device: str, participant: str) -> None:
        """Remove another party from a call ``device`` takes part in."""
        call = self.call(ref)
        self._my_party(call, device)
        if participant == device or not call.party(participant):
            raise TelephonyError(404, "LEG_NOT_FOUND", "INVALID_DATA", f"no participant {participant} in {ref}")
        self._leave(call, participant, "PARTICIPANT_LEFT")

    def set_device_state(self, device: str, state: str) -> None:
        """Put a set in or out of service (a person unplugs it, a fault)."""
        dev = self.site.device(device)
        if dev is None:
            raise TelephonyError(404, "BAD_PARAMETER_VALUE", "INVALID_DEVICE", f"{device} is not a device")
        dev.state = state
        self.bus.publish("telephony", dev.owner, {
            "eventName": "OnDeviceStateModified", "loginName": dev.owner,
            "deviceStates": [{"deviceId": dev.id, "state": state}]})

    def telephony_state(self, login: str) -> dict[str, Any]:
        """The O2G ``TelephonicState`` of a user (REST form: ``deviceStates`` wrapped in an object)."""
        user = self.site.users[login]
        return {
            "calls": list(self.views_of(login).values()),
            "deviceCapabilities": self.device_capabilities(login),
            "userState": self.user_state(login),
            "deviceStates": {"deviceStates": [{"deviceId": d.id, "state": d.state} for d in user.devices]},
        }

    def publish_snapshot(self, login: str) -> None:
        """Answer ``POST telephony/state/snapshot``: one ``OnTelephonyState`` (without deviceStates)."""
        state = self.telephony_state(login)
        state.pop("deviceStates")
        self.bus.publish("telephony", login, {"eventName": "OnTelephonyState", "loginName": login, "state": state})
