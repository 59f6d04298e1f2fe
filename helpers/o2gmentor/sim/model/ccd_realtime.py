"""Real-time indicators (RTI) of the contact center: o2g-api-ccd.md §7.

An administrator session defines one *context* (objects, attributes, observation period and
notification frequency), then starts it with a snapshot: every monitored object gets one event
with all its selected values, then every ``notifFrequency`` seconds of the virtual clock one event
per object whose selected values changed, carrying only those values (plus ``name``/``number``).

Choices where the reference is silent (inferred):
- counters (served, refused, withdrawals, traffic, service level…) cover the sliding observation
  period ``[now - obsPeriod minutes, now]``; gauges (waiting calls, agents in a state) are instant;
- service level = calls answered within ``SERVICE_LEVEL_SECONDS`` of arrival ÷ calls finished,
  efficiency = calls served ÷ calls finished, both integer percentages; 100 when no call finished;
- a refused ACD call is a ring timeout (the model's only BUSY → PAUSE transition);
- private calls, transfers, outgoing and intercepted ACD calls, mutual aid, remote PGs and general
  forwarding are not modelled: those counters stay 0; ``ComDate``/``ComDuration``/``CurrentRuleName``
  are accepted in filters but produce no field (no event field exists for them in §7.4);
- there are no "other" processing groups (mutual aid, forward…): ``pgOthers`` is empty;
- dates are ISO local date-times of the simulated site (UTC).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from o2gmentor.sim.model.calls import RINGING_IN, RINGING_OUT
from o2gmentor.sim.model.ccd import BUSY, OUT_OF_PG, PAUSE, READY, WITHDRAW, WRAPUP, AcdCall, ContactCenter, Operator

SERVICE_LEVEL_SECONDS = 20
KINDS = ("agent", "pilot", "queue", "pgAgent", "pgOther")
LISTS = {"agent": "agents", "pilot": "pilots", "queue": "queues", "pgAgent": "pgAgents", "pgOther": "pgOthers"}
EVENTS = {"agent": "OnAgentRtiChanged", "pilot": "OnPilotRtiChanged", "queue": "OnQueueRtiChanged",
          "pgAgent": "OnPGAgentRtiChanged", "pgOther": "OnPGOtherRtiChanged"}
# the context keys of each object type: [N] pgAgentFilter/pgOtherFilter, [J] teamFilter/otherPgFilter (§12)
FILTER_KEYS = {"agent": ("agentFilter",), "pilot": ("pilotFilter",), "queue": ("queueFilter",),
               "pgAgent": ("pgAgentFilter", "teamFilter"), "pgOther": ("pgOtherFilter", "otherPgFilter")}
IDENTITY = ("name", "number", "firstName")


def _attrs(names: str, special: dict[str, tuple[str, ...]] | None = None) -> dict[str, tuple[str, ...]]:
    """Filter attribute → event fields (by default the attribute with a lower-case first letter)."""
    table = {n: (n[0].lower() + n[1:],) for n in names.split()}
    table.update(special or {})
    return table


ATTRIBUTES: dict[str, dict[str, tuple[str, ...]]] = {
    "agent": _attrs(
        "AssociatedSet CurrentPG LogonDate PrivateCallsTotalDuration NbOfServedACDCalls NbOfRefusedACDCalls "
        "NbOfOutgoingACDCalls NbOfInterceptedACDCalls NbOfWithdrawals WithdrawalsTotalDuration WithdrawReason "
        "PilotName QueueName",
        {"CurrentPG": ("currentPG",), "PhoneState": ("phoneState", "phoneStateDate"),
         "ServiceState": ("serviceState", "serviceStateDate"), "NBOfPrivateCalls": ("nbOfPrivateCalls",),
         "NbOfTransferredACDCalls": ("nbOfTransferedACDCalls",), "ComDate": (), "ComDuration": ()}),
    "pilot": _attrs(
        "State ServiceLevel NbOfWaitingCalls NbOfMutualAidCalls NbOfCallsInConversation NbOfCallsInRemotePG "
        "AverageWaitingTime NbOfRunningCalls NbOfRingingACDCalls NbOfDissuadedCalls NbOfCallsInGeneralForwarding "
        "Efficiency IncomingTraffic", {"CurrentRuleName": ()}),
    "queue": _attrs(
        "State NbOfAgentsInDistribution IncomingTraffic OutgoingTraffic NbOfWaitingCalls CurrentWaitingTime "
        "ExpectedWaitingTime FillingRate LongestWaitingTimeInList"),
    "pgAgent": _attrs(
        "State NbOfWithdrawnAgents NbOfAgentsInPrivateCall NbOfAgentsInACDCall NbOfAgentsInACDRinging "
        "NbOfAgentsInACDConv NbOfAgentsInWrapupAndTransaction NbOfAgentsInPause NbOfBusyAgents NbOfLoggedOnAgents "
        "NbOfFreeAgents NbOfIdleAgents NbOfLoggedOnAndNotWithdrawnAgents ConsolidatedQueuesNbOfWaitingCalls "
        "ConsolidatedQueuesEWT IncomingTraffic",
        {"ConsolidatedQueuesWaitingTime": ("consolidatedQueuesWaitingTime", "queuesLongestWaitingTime"),
         "ConsolidatedQueuesEWT": ("consolidatedQueuesEWT",),
         "ServiceLevel": ("consolidatedPilotsServiceLevel", "pilotsWorstServiceLevel", "pilotsBestServiceLevel"),
         "Efficiency": ("consolidatedPilotsEfficiency", "pilotsWorstEfficiency", "pilotsBestEfficiency")}),
    "pgOther": _attrs("State NbOfACDCalls IncomingTraffic"),
}


class RtiError(Exception):
    """A refused RTI request: HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def iso_local(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def percent(part: int, whole: int) -> int:
    return 100 if whole == 0 else round(100 * part / whole)


@dataclass
class SubFilter:
    numbers: list[str]
    attributes: list[str]
    key: str  # the JSON key the client used

    def fields(self, kind: str) -> set[str] | None:
        """The event fields selected (None = all of them)."""
        if "ALL" in self.attributes:
            return None
        return {f for a in self.attributes for f in ATTRIBUTES[kind][a]} | {"type"}


@dataclass
class RtiContext:
    obs_period: int
    notif_frequency: int
    filters: dict[str, SubFilter]
    active: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"active": self.active, "obsPeriod": self.obs_period, "notifFrequency": self.notif_frequency,
                "filter": {f.key: {"numbers": list(f.numbers), "attributes": list(f.attributes)}
                           for f in self.filters.values()}}


def _int_field(body: dict[str, Any], name: str, low: int, high: int | None) -> int:
    value = body.get(name)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bounds = f"{low} to {high}" if high is not None else f"at least {low}"
        raise RtiError(400, f"'{name}' must be a whole number, {bounds}")
    return value


# ==================================================================== one sample of the live figures
class Sample:
    """The figures of every object at one instant, over one observation period."""

    def __init__(self, cc: ContactCenter, now: float, obs_seconds: float) -> None:
        self.cc, self.now, self.start = cc, now, now - obs_seconds
        self.live: list[AcdCall] = list(cc.acd_calls.values())
        self.finished = [r for r in cc.records if self.inside(r.ended_at)]
        self.calls = self.finished + self.live
        self.periods: dict[str, list] = {}
        for p in cc.periods:
            if p.end is None or p.end >= self.start:
                self.periods.setdefault(p.login, []).append(p)

    def inside(self, ts: float | None) -> bool:
        return ts is not None and self.start <= ts <= self.now

    def overlap(self, start: float, end: float | None) -> float:
        return max(0.0, min(end if end is not None else self.now, self.now) - max(start, self.start))

    # ---------------------------------------------------------------- agents
    def live_call_of(self, op: Operator) -> AcdCall | None:
        return next((a for a in self.live if a.agent == op.login), None)

    def phone_state(self, op: Operator) -> str:
        """RTI phoneState from the operator and its set (§7.5 mapping)."""
        if op.main != "LOG_ON":
            return "LoggedOut"
        acd = self.live_call_of(op)
        if op.sub == BUSY and acd is not None:
            return "AcdRinging" if acd.answered_at is None else "AcdConversation"
        private = self.private_state(op)
        if private:
            return private
        others = {WRAPUP: "WrapUp", PAUSE: "Pause", "TRANSACTION_CODE_INPUT": "TransactionOnDial"}
        return others.get(op.sub or "", "Idle")

    def private_state(self, op: Operator) -> str | None:
        """The phone state of a non-ACD call on the operator's pro-ACD set, if any."""
        calls = self.cc.calls
        for call in calls.calls_of(op.proacd):
            if any(a.ref == call.ref for a in self.live):
                continue
            party = call.party(op.proacd)
            if party.state == RINGING_IN:
                return "PrivateRinging"
            if party.state == RINGING_OUT:
                return "Dialing"
            outside = any(calls.site.is_outside(p.number) for p in call.others(op.proacd))
            return "PrivateExternalConversation" if outside else "PrivateLocalConversation"
        return None

    @staticmethod
    def service_state(op: Operator) -> str:
        if op.main != "LOG_ON":
            return "LoggedOut"
        if op.sub == OUT_OF_PG:
            return "LoggedIn"
        return "Withdrawn" if op.sub == WITHDRAW else "Assigned"

    def service_state_date(self, op: Operator, service: str) -> float | None:
        """When the current service state began: the start of the run of periods with that state."""
        periods = [p for p in self.cc.periods if p.login == op.login]
        if service == "LoggedOut":
            return periods[-1].end if periods else None
        since = op.since
        for p in reversed(periods):
            if self.service_state_of(p.state) != service or (p.end is not None and p.end < since):
                break
            since = p.start
        return since

    @staticmethod
    def service_state_of(sub: str) -> str:
        return {OUT_OF_PG: "LoggedIn", WITHDRAW: "Withdrawn"}.get(sub, "Assigned")

    def refusals(self, login: str) -> int:
        """Ring timeouts in the window: a BUSY period followed at once by PAUSE."""
        periods = self.periods.get(login, [])
        return sum(1 for a, b in zip(periods, periods[1:], strict=False)
                   if a.state == BUSY and b.state == PAUSE and b.start == a.end and self.inside(b.start))

    def agent(self, op: Operator) -> dict[str, Any]:
        user = self.cc.pbx.site.users.get(op.login)
        acd = self.live_call_of(op)
        pilot = self.cc.pilots.get(acd.pilot) if acd else None
        queue = self.cc.queues.get(acd.queue) if acd else None
        phone = self.phone_state(op)
        service = self.service_state(op)
        withdrawals = [p for p in self.periods.get(op.login, []) if p.state == WITHDRAW]
        served = [c for c in self.calls if c.agent == op.login and self.inside(c.answered_at)]
        values = {
            "name": user.last_name if user else op.login, "firstName": user.first_name if user else "",
            "number": op.number, "type": "Normal",
            "logonDate": iso_local(op.logon_date if op.main == "LOG_ON" else None),
            "serviceState": service, "serviceStateDate": iso_local(self.service_state_date(op, service)),
            "phoneState": phone,
            "phoneStateDate": iso_local(acd.answered_at if phone == "AcdConversation" and acd else op.since),
            "pilotName": pilot.name if pilot else "", "queueName": queue.name if queue else "",
            "nbOfWithdrawals": sum(1 for p in withdrawals if self.inside(p.start)),
            "withdrawalsTotalDuration": int(sum(self.overlap(p.start, p.end) for p in withdrawals)),
            "nbOfPrivateCalls": 0, "privateCallsTotalDuration": 0, "nbOfServedACDCalls": len(served),
            "nbOfOutgoingACDCalls": 0, "nbOfRefusedACDCalls": self.refusals(op.login), "nbOfInterceptedACDCalls": 0,
            "nbOfTransferedACDCalls": 0, "currentPG": op.pg or "",
            "associatedSet": op.proacd if op.main == "LOG_ON" else "", "withdrawReason": op.withdraw_reason or 0,
        }
        return {k: v for k, v in values.items() if v is not None}

    # ---------------------------------------------------------------- pilots and queues
    def pilot_figures(self, numbers: set[str]) -> tuple[int, int, int]:
        """(finished calls, served, served in time) of these pilots in the window."""
        done = [r for r in self.finished if r.pilot in numbers]
        served = [r for r in done if r.outcome == "served"]
        in_time = [r for r in served if (r.answered_at or 0) - r.arrived <= SERVICE_LEVEL_SECONDS]
        return len(done), len(served), len(in_time)

    def pilot(self, number: str) -> dict[str, Any]:
        pilot = self.cc.pilots[number]
        live = [a for a in self.live if a.pilot == number]
        waiting = set(self.cc.queues[pilot.queue].waiting)
        done, served, in_time = self.pilot_figures({number})
        waits = [c.distributed_at - c.arrived for c in self.calls
                 if c.pilot == number and self.inside(c.distributed_at)]
        return {
            "name": pilot.name, "number": number, "state": "Opened" if pilot.open else "Closed",
            "nbOfRunningCalls": len(live), "serviceLevel": percent(in_time, done), "efficiency": percent(served, done),
            "nbOfWaitingCalls": sum(1 for a in live if a.ref in waiting),
            "nbOfRingingACDCalls": sum(1 for a in live if a.agent and a.answered_at is None),
            "nbOfMutualAidCalls": 0,
            "nbOfDissuadedCalls": sum(1 for r in self.finished if r.pilot == number and r.outcome == "dissuaded"),
            "nbOfCallsInConversation": sum(1 for a in live if a.answered_at is not None),
            "nbOfCallsInGeneralForwarding": 0, "nbOfCallsInRemotePG": 0,
            "incomingTraffic": sum(1 for c in self.calls if c.pilot == number and self.inside(c.arrived)),
            "averageWaitingTime": round(sum(waits) / len(waits)) if waits else 0,
        }

    def waiting_calls(self, queue: str) -> list[AcdCall]:
        return [self.cc.acd_calls[r] for r in self.cc.queues[queue].waiting if r in self.cc.acd_calls]

    def current_wait(self, queue: str) -> int:
        return max((int(self.now - (a.queued_at or a.arrived)) for a in self.waiting_calls(queue)), default=0)

    def longest_wait(self, queue: str) -> int:
        waits = [(c.distributed_at or c.ended_at or self.now) - c.queued_at for c in self.calls
                 if c.queue == queue and c.queued_at is not None and self.inside(c.distributed_at or c.ended_at)]
        return max([int(w) for w in waits] + [self.current_wait(queue)])

    def expected_wait(self, queue: str) -> int:
        return max((self.cc.expected_wait(p.number) for p in self.cc.pilots.values() if p.queue == queue), default=0)

    def queue(self, number: str) -> dict[str, Any]:
        queue = self.cc.queues[number]
        pilots = [p for p in self.cc.pilots.values() if p.queue == number]
        groups = {p.group for p in pilots}
        waiting = self.waiting_calls(number)
        return {
            "name": queue.name, "number": number, "type": "Normal",
            "state": "Opened" if any(p.open for p in pilots) else "Closed",
            "nbOfAgentsInDistribution": sum(1 for o in self.cc.operators.values() if o.main == "LOG_ON"
                                            and o.pg in groups and o.sub in (READY, BUSY, WRAPUP)),
            "incomingTraffic": sum(1 for c in self.calls if c.queue == number and self.inside(c.queued_at)),
            "outgoingTraffic": sum(1 for c in self.calls if c.queue == number and self.inside(c.distributed_at)),
            "nbOfWaitingCalls": len(waiting), "currentWaitingTime": self.current_wait(number),
            "fillingRate": int(100 * len(waiting) / queue.capacity) if queue.capacity else 0,
            "expectedWaitingTime": self.expected_wait(number), "longestWaitingTimeInList": self.longest_wait(number),
        }

    # ---------------------------------------------------------------- processing groups
    def pg_agent(self, number: str) -> dict[str, Any]:
        group = self.cc.groups[number]
        ops = [o for o in self.cc.operators.values() if o.main == "LOG_ON" and o.pg == number]
        phones = [self.phone_state(o) for o in ops]
        pilots = [p for p in self.cc.pilots.values() if p.group == number]
        queues = sorted({p.queue for p in pilots})
        figures = [self.pilot_figures({p.number}) for p in pilots]
        levels = [percent(t, d) for d, _, t in figures] or [100]
        efficiencies = [percent(s, d) for d, s, _ in figures] or [100]
        done, served, in_time = self.pilot_figures({p.number for p in pilots})
        ringing, conv = phones.count("AcdRinging"), phones.count("AcdConversation")
        private = sum(1 for p in phones if p.startswith("Private") or p == "Dialing")
        return {
            "name": group.name, "number": number, "type": "Agent", "state": "Opened",
            "nbOfWithdrawnAgents": sum(1 for o in ops if o.sub == WITHDRAW),
            "nbOfAgentsInPrivateCall": private, "nbOfAgentsInACDCall": ringing + conv,
            "nbOfAgentsInACDRinging": ringing, "nbOfAgentsInACDConv": conv,
            "nbOfAgentsInWrapupAndTransaction": sum(1 for o in ops if o.sub in (WRAPUP, "TRANSACTION_CODE_INPUT")),
            "nbOfAgentsInPause": sum(1 for o in ops if o.sub == PAUSE),
            "nbOfBusyAgents": ringing + conv + private, "nbOfLoggedOnAgents": len(ops),
            "nbOfFreeAgents": sum(1 for o, p in zip(ops, phones, strict=True) if o.sub == READY and p == "Idle"),
            "nbOfIdleAgents": phones.count("Idle"),
            "nbOfLoggedOnAndNotWithdrawnAgents": sum(1 for o in ops if o.sub != WITHDRAW),
            "incomingTraffic": sum(1 for c in self.calls if c.group == number and self.inside(c.arrived)),
            "consolidatedPilotsServiceLevel": percent(in_time, done),
            "consolidatedPilotsEfficiency": percent(served, done),
            "consolidatedQueuesWaitingTime": max((self.current_wait(q) for q in queues), default=0),
            "consolidatedQueuesNbOfWaitingCalls": sum(len(self.waiting_calls(q)) for q in queues),
            "consolidatedQueuesEWT": max((self.expected_wait(q) for q in queues), default=0),
            "pilotsWorstServiceLevel": min(levels), "pilotsBestServiceLevel": max(levels),
            "pilotsWorstEfficiency": min(efficiencies), "pilotsBestEfficiency": max(efficiencies),
            "queuesLongestWaitingTime": max((self.longest_wait(q) for q in queues), default=0),
        }

    def values(self, kind: str, number: str) -> dict[str, Any]:
        if kind == "agent":
            op = next(o for o in self.cc.operators.values() if o.number == number)
            return self.agent(op)
        return {"pilot": self.pilot, "queue": self.queue, "pgAgent": self.pg_agent}[kind](number)


# ==================================================================== the service's state
@dataclass
class Realtime:
    """RTI contexts (one per administrator session) and their notification timers."""

    cc: ContactCenter
    contexts: dict[str, RtiContext] = field(default_factory=dict)
    last: dict[str, dict[tuple[str, str], dict[str, Any]]] = field(default_factory=dict)
    generation: dict[str, int] = field(default_factory=dict)

    # ---------------------------------------------------------------- objects
    def numbers(self, kind: str) -> list[str]:
        cc = self.cc
        return {"agent": lambda: [o.number for o in cc.operators.values()], "pilot": lambda: list(cc.pilots),
                "queue": lambda: list(cc.queues), "pgAgent": lambda: list(cc.groups), "pgOther": list}[kind]()

    def ids(self, kind: str) -> list[dict[str, str]]:
        """``[{number, name, firstName?}]`` of one object type (``GET {rti}/agents`` …)."""
        cc = self.cc
        if kind == "agent":
            rows = []
            for op in cc.operators.values():
                user = cc.pbx.site.users.get(op.login)
                rows.append({"number": op.number, "name": user.last_name if user else op.login,
                             "firstName": user.first_name if user else ""})
            return rows
        source = {"pilot": cc.pilots, "queue": cc.queues, "pgAgent": cc.groups}.get(kind, {})
        return [{"number": n, "name": o.name} for n, o in source.items()]

    def objects(self) -> dict[str, list[dict[str, str]]]:
        return {LISTS[k]: self.ids(k) for k in KINDS}

    # ---------------------------------------------------------------- contexts
    def parse(self, body: dict[str, Any]) -> RtiContext:
        """Validate a posted RtiContext (obsPeriod 15–60 minutes, notifFrequency ≥ 5 seconds)."""
        obs = _int_field(body, "obsPeriod", 15, 60)
        freq = _int_field(body, "notifFrequency", 5, None)
        flt = body.get("filter")
        if not isinstance(flt, dict):
            raise RtiError(400, "'filter' must be an object with agentFilter, pilotFilter, queueFilter…")
        known = {k for keys in FILTER_KEYS.values() for k in keys}
        unknown = sorted(set(flt) - known)
        if unknown:
            raise RtiError(400, f"unknown filter key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        filters = {}
        for kind, keys in FILTER_KEYS.items():
            key = next((k for k in keys if flt.get(k) is not None), None)
            if key is not None:
                filters[kind] = self._sub_filter(kind, key, flt[key])
        return RtiContext(obs, freq, filters)

    def _sub_filter(self, kind: str, key: str, raw: Any) -> SubFilter:
        if not isinstance(raw, dict):
            raise RtiError(400, f"'{key}' must be an object with numbers and attributes")
        numbers, attributes = raw.get("numbers") or [], raw.get("attributes") or []
        if not isinstance(numbers, list) or not isinstance(attributes, list):
            raise RtiError(400, f"'{key}.numbers' and '{key}.attributes' must be lists")
        numbers = [str(n) for n in numbers]
        bad = sorted(set(numbers) - set(self.numbers(kind)))
        if bad:
            raise RtiError(400, f"{key}: unknown number(s) {', '.join(bad)}")
        wrong = sorted({str(a) for a in attributes} - set(ATTRIBUTES[kind]) - {"ALL"})
        if wrong or not attributes:
            raise RtiError(400, f"{key}: attributes must be among ALL, {', '.join(ATTRIBUTES[kind])}"
                                + (f" (unknown: {', '.join(wrong)})" if wrong else ""))
        return SubFilter(numbers, [str(a) for a in attributes], key)

    def set_context(self, session_id: str, body: dict[str, Any]) -> RtiContext:
        """Create or replace the session's context; notifications stop until the next snapshot."""
        ctx = self.parse(body)
        self.stop(session_id)
        self.contexts[session_id] = ctx
        return ctx

    def context(self, session_id: str) -> RtiContext:
        ctx = self.contexts.get(session_id)
        if ctx is None:
            raise RtiError(404, "this session has no RTI context: POST one to {rti}/ctx first")
        return ctx

    def delete_context(self, session_id: str) -> None:
        self.stop(session_id)
        self.contexts.pop(session_id, None)

    def stop(self, session_id: str) -> None:
        self.generation[session_id] = self.generation.get(session_id, 0) + 1
        self.last.pop(session_id, None)
        if session_id in self.contexts:
            self.contexts[session_id].active = False

    # ---------------------------------------------------------------- notifications
    def start(self, session_id: str) -> None:
        """Send every monitored object's selected values, then changes every ``notifFrequency`` s."""
        ctx = self.context(session_id)
        self.stop(session_id)
        ctx.active = True
        self.last[session_id] = {}
        self._notify(session_id, ctx)
        self._arm(session_id, ctx, self.generation[session_id])

    def _arm(self, session_id: str, ctx: RtiContext, gen: int) -> None:
        def tick() -> None:
            if self.generation.get(session_id) == gen and self.contexts.get(session_id) is ctx:
                self._notify(session_id, ctx)
                self._arm(session_id, ctx, gen)

        self.cc.clock.call_later(ctx.notif_frequency, tick)

    def _notify(self, session_id: str, ctx: RtiContext) -> None:
        sample = Sample(self.cc, self.cc.clock.now(), ctx.obs_period * 60)
        last = self.last.setdefault(session_id, {})
        for kind, flt in ctx.filters.items():
            if kind == "pgOther":
                continue  # no other processing groups in the model
            wanted = flt.fields(kind)
            for number in flt.numbers or self.numbers(kind):
                values = sample.values(kind, number)
                event = change_event(kind, values, wanted, last.get((kind, number)))
                last[(kind, number)] = values
                if event is not None:
                    self.cc.bus.publish("rti", f"session:{session_id}", event)


def change_event(kind: str, values: dict[str, Any], wanted: set[str] | None,
                 previous: dict[str, Any] | None) -> dict[str, Any] | None:
    """The event for one object: selected values (only the changed ones after the first), or None."""
    chosen = {k: v for k, v in values.items() if k not in IDENTITY and (wanted is None or k in wanted)}
    if previous is not None:
        chosen = {k: v for k, v in chosen.items() if previous.get(k) != v}
        if not chosen:
            return None
    identity = {k: values[k] for k in IDENTITY if k in values}
    return {"eventName": EVENTS[kind], **identity, **chosen}


_REALTIME: weakref.WeakKeyDictionary[ContactCenter, Realtime] = weakref.WeakKeyDictionary()


def realtime_of(cc: ContactCenter) -> Realtime:
    """The RTI state of this contact center (a PBX reset brings a new, empty one)."""
    if cc not in _REALTIME:
        _REALTIME[cc] = Realtime(weakref.proxy(cc))  # a proxy: the value must not keep its key alive
    return _REALTIME[cc]
