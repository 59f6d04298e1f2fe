"""The contact center (CCD): pilots, queues, processing groups, operators, and how calls are distributed.

Facts from o2g-api-ccd.md (§2–§6, §11); what the sources leave open is marked *inferred* here:
a call to a pilot is queued, then distributed to the longest-idle READY agent of the pilot's
processing group (with the pilot's skill, if it asks for one); the agent's set rings (BUSY), the
agent answers (still BUSY), the call ends (WRAPUP for the group's wrap-up time, then READY, or
WITHDRAW if a withdraw was asked during the call). A caller who waits too long overflows to the
pilot's overflow destination; one who gives up is an abandoned call. An agent who lets the set ring
``agent_ring_seconds`` goes to PAUSE and the call goes back to the head of the queue (inferred).

The agent's calls are ordinary telephony calls on the pro-ACD set; this module only decides who
gets which call and keeps the operators' states, and the records statistics are computed from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from o2gmentor.sim.model.calls import ACTIVE, RINGING_IN

READY, BUSY, WRAPUP, PAUSE, WITHDRAW, OUT_OF_PG = "READY", "BUSY", "WRAPUP", "PAUSE", "WITHDRAW", "OUT_OF_PG"
INTRUSION_CAUSES = {"NORMAL": "SUPERVISOR_INTRUSION", "RESTRICTED": "SUPERVISOR_RESTRICT_INTRUSION",
                    "DISCRETE": "SUPERVISOR_LISTENING"}


class CcdError(Exception):
    """A refused contact-center request: HTTP status and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Group:
    number: str
    name: str
    wrapup_seconds: float
    reasons: list[str]


@dataclass
class Queue:
    number: str
    name: str
    capacity: int
    waiting: list[str] = field(default_factory=list)  # call refs, first in first out


@dataclass
class Pilot:
    number: str
    name: str
    queue: str
    group: str
    overflow_after: float | None = None
    overflow_to: str | None = None
    skill: int | None = None
    open: bool = True


@dataclass
class Operator:
    """A CCD agent or supervisor: its configuration and its current state."""

    login: str
    number: str
    kind: str  # AGENT or SUPERVISOR
    proacd: str
    groups: list[str]
    preferred: str | None
    skills: dict[int, dict[str, Any]]
    self_assign: bool = False
    headset: bool = False
    help: bool = True
    multiline: bool = False
    main: str = "LOG_OFF"
    sub: str | None = None
    pg: str | None = None
    withdraw_reason: int | None = None
    pending_withdraw: int | None = None
    idle_since: float = 0.0
    since: float = 0.0
    logon_date: float | None = None
    autopilot: bool = False  # a simulated person answers this agent's calls
    helped_by: str | None = None  # supervisor number of a pending help request
    timer_seq: int = 0


@dataclass
class AcdCall:
    """One customer call to a pilot, from arrival to the end of the agent's wrap-up."""

    ref: str
    pilot: str
    queue: str
    group: str
    caller: str
    arrived: float
    queued_at: float | None = None
    distributed_at: float | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    wrapup_end: float | None = None
    agent: str | None = None
    outcome: str | None = None  # served, abandoned, overflowed, dissuaded
    abandoned_in: str | None = None  # queue or ringing
    refusals: int = 0
    overflow_to: str | None = None
    seq: int = 0


@dataclass
class StatePeriod:
    """An operator's time in one state, for statistics."""

    login: str
    state: str
    pg: str | None
    start: float
    end: float | None = None
    reason: int | None = None


class ContactCenter:
    """The CCD of the simulated OXE, wired to the call engine of the same PBX."""

    def __init__(self, pbx, seed: int = 11) -> None:
        self.pbx = pbx
        self.calls = pbx.calls
        self.clock = pbx.clock
        self.bus = pbx.bus
        cfg = pbx.scenario.get("ccd", {})
        self.random = random.Random(seed)
        self.agent_ring_seconds = float(cfg.get("agent_ring_seconds", 20))
        self.groups = {g["number"]: Group(g["number"], g["name"], float(g.get("wrapup_seconds", 0)),
                                          list(g.get("withdraw_reasons", []))) for g in cfg.get("groups", [])}
        self.queues = {q["number"]: Queue(q["number"], q["name"], int(q.get("capacity", 50)))
                       for q in cfg.get("queues", [])}
        self.pilots = {p["number"]: Pilot(p["number"], p["name"], p["queue"], p["group"], p.get("overflow_after"),
                                          p.get("overflow_to"), p.get("skill")) for p in cfg.get("pilots", [])}
        self.skill_names = {s["number"]: s for s in cfg.get("skills", [])}
        self.traffic_profiles: dict[str, dict[str, float]] = cfg.get("traffic", {})
        self.operators: dict[str, Operator] = {}
        now = self.clock.now()
        for raw in cfg.get("operators", []):
            login = raw.get("login", f"oxe{raw['number']}")
            skills = {int(n): {"level": int(level), "active": True} for n, level in raw.get("skills", [])}
            groups = list(raw.get("groups", []))
            self.operators[login] = Operator(
                login, raw["number"], raw.get("type", "AGENT"), raw["proacd"], groups,
                raw.get("preferred", groups[0] if groups else None), skills, bool(raw.get("self_assign", False)),
                bool(raw.get("headset", False)), bool(raw.get("help", True)), bool(raw.get("multiline", False)),
                idle_since=now, since=now)
        self.acd_calls: dict[str, AcdCall] = {}
        self.records: list[AcdCall] = []
        self.periods: list[StatePeriod] = []
        self.monitored: set[str] = set()
        self.listening: dict[str, str] = {}  # supervisor login → agent number (permanent listening)
        self.intrusions: dict[str, tuple[str, str, str]] = {}  # supervisor login → (call ref, agent number, mode)
        self._syncing = False
        self._again = False
        self._traffic_seq = 0
        self.traffic_running = False
        for pilot in self.pilots.values():
            self.calls.service_names[pilot.number] = pilot.name
        self.calls.acd = self
        self.calls.observers.append(self.sync)

    # ================================================================ look-ups
    def is_pilot(self, number: str) -> bool:
        return number in self.pilots

    def takes_calls(self, number: str) -> bool:
        """A pilot or an RSI routing point: calls to it are the contact center's."""
        from o2gmentor.sim.model.ccd_rsi import rsi_of

        return number in self.pilots or number in rsi_of(self).points

    def operator(self, login: str) -> Operator:
        op = self.operators.get(login)
        if op is None:
            raise CcdError(403, f"{login} is not a contact-center operator (agent or supervisor)")
        return op

    def operator_by_number(self, number: str) -> Operator | None:
        return next((o for o in self.operators.values() if number in (o.number, o.proacd)), None)

    def state_json(self, op: Operator) -> dict[str, Any]:
        """The ``OperatorState`` object (both ``withdraw`` and ``withdrawn``, for Node and Java)."""
        if op.main == "LOG_OFF":
            return {"mainState": "LOG_OFF", "withdraw": False, "withdrawn": False}
        state: dict[str, Any] = {"mainState": "LOG_ON", "subState": op.sub, "proAcdDeviceNumber": op.proacd}
        if op.pg:
            state["pgNumber"] = op.pg
        withdrawn = op.sub == WITHDRAW
        state["withdraw"] = state["withdrawn"] = withdrawn
        if withdrawn and op.withdraw_reason is not None:
            state["withdrawReason"] = op.withdraw_reason
        return state

    def config_json(self, op: Operator) -> dict[str, Any]:
        """The ``OperatorConfiguration`` object (``proacd``; skills nested one level, as in every SDK)."""
        skills = []
        for number, skill in sorted(op.skills.items()):
            info = self.skill_names.get(number, {})
            skills.append({"number": number, "level": skill["level"], "active": skill["active"],
                           "name": info.get("name", f"Skill {number}"), "abvName": info.get("abvName", str(number))})
        return {"type": op.kind, "proacd": op.proacd,
                "processingGroups": {"preferred": op.preferred, "groups": list(op.groups)},
                "skills": {"skills": skills}, "selfAssign": op.self_assign, "headset": op.headset,
                "help": op.help, "multiline": op.multiline}

    # ================================================================ states
    def _set(self, op: Operator, main: str, sub: str | None, *, pg: str | None = None, keep_pg: bool = True,
             reason: int | None = None) -> None:
        """Change an operator's state, log the period, and publish ``OnAgentStateChanged``."""
        now = self.clock.now()
        before = self.state_json(op)
        if op.main == "LOG_ON":
            self._close_period(op, now)
        op.main, op.sub = main, sub
        op.pg = pg if pg is not None else (op.pg if keep_pg and main == "LOG_ON" else None)
        op.withdraw_reason = reason if sub == WITHDRAW else None
        op.since = now
        op.timer_seq += 1
        if sub == READY:
            op.idle_since = now
        if main == "LOG_ON":
            self.periods.append(StatePeriod(op.login, sub or "", op.pg, now, reason=op.withdraw_reason))
        if self.state_json(op) != before:
            self.publish_state(op)

    def _close_period(self, op: Operator, now: float) -> None:
        """End the operator's open period: the newest of its periods, near the end of the list (a call for an
        operator without one would scan the whole history: ``_set`` is the only caller, once per change)."""
        for period in reversed(self.periods):
            if period.login == op.login and period.end is None:
                period.end = now
                return

    def publish_state(self, op: Operator) -> None:
        self.bus.publish("agent", op.login, {"eventName": "OnAgentStateChanged", "loginName": op.login,
                                             "state": self.state_json(op)})

    def _require_on(self, op: Operator, *subs: str, action: str) -> None:
        if op.main != "LOG_ON":
            raise CcdError(409, f"cannot {action}: {op.login} is logged off")
        if subs and op.sub not in subs:
            raise CcdError(409, f"cannot {action}: {op.login} is {op.sub}")

    # ================================================================ agent operations (the acdagent service)
    def logon(self, op: Operator, proacd: str, pg: str | None, headset: bool = False, autopilot: bool = False) -> None:
        if proacd != op.proacd:
            raise CcdError(400, f"{proacd} is not {op.login}'s pro-ACD set ({op.proacd})")
        if pg is not None and pg not in self.groups:
            raise CcdError(400, f"{pg} is not a processing group")
        if pg is not None and pg not in op.groups:
            raise CcdError(403, f"{op.login} is not a member of processing group {pg}")
        if op.main == "LOG_ON":
            raise CcdError(409, f"{op.login} is already logged on")
        if pg is None and op.kind == "AGENT":
            pg = op.preferred  # an agent always works in a group (inferred)
        elif pg is not None and op.kind == "AGENT" and not op.self_assign:
            pg = op.preferred or pg  # non self-assigned agents go to their preferred group (inferred)
        op.headset = headset or op.headset
        op.autopilot = autopilot
        op.logon_date = self.clock.now()
        self._set(op, "LOG_ON", READY if pg else OUT_OF_PG, pg=pg)
        self.dispatch()

    def logoff(self, op: Operator) -> None:
        if op.main == "LOG_OFF":
            return
        if op.sub == BUSY:
            raise CcdError(409, f"{op.login} is handling a call: release it first")
        op.autopilot = False
        op.pending_withdraw = None
        self.listening.pop(op.login, None)
        self._drop_intrusions(login=op.login)
        self._set(op, "LOG_OFF", None, keep_pg=False)

    def enter_group(self, op: Operator, pg: str) -> None:
        if op.kind != "SUPERVISOR":
            raise CcdError(403, "only a supervisor enters and leaves agent groups")
        self._require_on(op, OUT_OF_PG, action="enter a group")
        if pg not in op.groups:
            raise CcdError(403, f"{op.login} is not a member of processing group {pg}")
        self._set(op, "LOG_ON", READY, pg=pg)
        self.dispatch()

    def exit_group(self, op: Operator, pg: str | None) -> None:
        if op.kind != "SUPERVISOR":
            raise CcdError(403, "only a supervisor enters and leaves agent groups")
        self._require_on(op, READY, PAUSE, WITHDRAW, WRAPUP, action="exit the group")
        if pg is not None and pg != op.pg:
            raise CcdError(400, f"{op.login} is not in processing group {pg}")
        self._set(op, "LOG_ON", OUT_OF_PG, keep_pg=False)

    def ready(self, op: Operator) -> None:
        self._require_on(op, READY, WITHDRAW, PAUSE, WRAPUP, action="be ready")
        if op.sub != READY:
            op.pending_withdraw = None
            self._set(op, "LOG_ON", READY)
        self.dispatch()

    def pause(self, op: Operator) -> None:
        self._require_on(op, READY, WRAPUP, PAUSE, action="pause")
        self._set(op, "LOG_ON", PAUSE)

    def wrapup(self, op: Operator) -> None:
        self._require_on(op, READY, WRAPUP, action="start a wrap-up")
        self._set(op, "LOG_ON", WRAPUP)
        self._schedule_wrapup_end(op)

    def withdraw_reasons(self, pg: str) -> list[dict[str, Any]]:
        group = self.groups.get(pg)
        if group is None:
            raise CcdError(404, f"no processing group {pg}")
        return [{"index": i, "label": label} for i, label in enumerate(group.reasons, start=1)]

    def withdraw(self, op: Operator, reason: int) -> None:
        self._require_on(op, READY, WRAPUP, PAUSE, BUSY, WITHDRAW, action="withdraw")
        group = self.groups.get(op.pg or "")
        if group is None:
            raise CcdError(409, f"{op.login} is not in a processing group")
        if not 1 <= reason <= len(group.reasons):
            raise CcdError(400, f"withdraw reason {reason} does not exist in group {group.number} "
                                f"(1 to {len(group.reasons)})")
        if op.sub == BUSY:
            op.pending_withdraw = reason  # applied at the end of the call (inferred)
            return
        self._set(op, "LOG_ON", WITHDRAW, reason=reason)

    def set_skills(self, op: Operator, numbers: list[int], active: bool) -> None:
        changed = False
        for number in numbers:
            if number in op.skills and op.skills[number]["active"] != active:
                op.skills[number]["active"] = active
                changed = True
        if changed:
            self.bus.publish("agent", op.login, {"eventName": "OnAgentSkillChanged", "loginName": op.login,
                                                 "skills": self.config_json(op)["skills"]})
            self.dispatch()

    def request_snapshot(self, logins: list[str]) -> None:
        for login in logins:
            self.publish_state(self.operators[login])

    # ---------------------------------------------------------------- supervisor features
    def _supervisor_for(self, op: Operator) -> Operator:
        for sup in self.operators.values():
            if sup.kind == "SUPERVISOR" and sup.main == "LOG_ON" and (op.pg in sup.groups):
                return sup
        raise CcdError(409, "no supervisor of this agent's group is logged on")

    def _help_event(self, name: str, recipient: Operator, other_number: str) -> None:
        self.bus.publish("agent", recipient.login, {"eventName": name, "loginName": recipient.login,
                                                    "agentNumber": other_number})

    def request_help(self, op: Operator) -> None:
        self._require_on(op, action="ask for help")
        if not op.help:
            raise CcdError(403, f"{op.login} may not ask for supervisor help")
        sup = self._supervisor_for(op)
        op.helped_by = sup.number
        self._help_event("OnSupervisorHelpRequested", op, sup.number)
        self._help_event("OnSupervisorHelpRequested", sup, op.number)

    def cancel_help(self, op: Operator, other: str | None) -> None:
        """The agent cancels (other = supervisor) or the supervisor rejects (other = agent) a help request."""
        if op.kind == "SUPERVISOR":
            agents = [a for a in self.operators.values() if a.helped_by == op.number
                      and (other is None or other in (a.number, a.proacd))]
            pairs = [(a, op) for a in agents]
        else:
            sup = self.operator_by_number(op.helped_by or "")
            pairs = [(op, sup)] if sup is not None and other in (None, sup.number, sup.proacd) else []
        if not pairs:
            raise CcdError(404, "no pending help request")
        for agent, sup in pairs:
            agent.helped_by = None
            self._help_event("OnSupervisorHelpCancelled", agent, sup.number)
            self._help_event("OnSupervisorHelpCancelled", sup, agent.number)

    def permanent_listening(self, sup: Operator, agent_number: str) -> None:
        if sup.kind != "SUPERVISOR":
            raise CcdError(403, "only a supervisor listens to agents")
        self._require_on(sup, action="listen")
        agent = self.operator_by_number(agent_number)
        if agent is None or agent.kind != "AGENT":
            raise CcdError(404, f"{agent_number} is not an agent")
        self.listening[sup.login] = agent.number
        self._help_event("OnSupervisorHelpRequested", agent, sup.number)
        self._help_event("OnSupervisorHelpRequested", sup, agent.number)

    def cancel_listening(self, sup: Operator) -> None:
        agent_number = self.listening.pop(sup.login, None)
        if agent_number is None:
            raise CcdError(404, "no permanent listening in progress")
        agent = self.operator_by_number(agent_number)
        self._help_event("OnSupervisorHelpCancelled", agent, sup.number)
        self._help_event("OnSupervisorHelpCancelled", sup, agent.number)

    def intrude(self, sup: Operator, agent_number: str, mode: str) -> None:
        """The supervisor's pro-ACD set joins the agent's customer call (NORMAL, RESTRICTED or DISCRETE)."""
        if sup.kind != "SUPERVISOR":
            raise CcdError(403, "only a supervisor intrudes")
        if mode not in INTRUSION_CAUSES:
            raise CcdError(400, f"mode is one of {', '.join(INTRUSION_CAUSES)}")
        self._require_on(sup, action="intrude")
        self._drop_intrusions()  # stale ones: their call ended
        if sup.login in self.intrusions:
            raise CcdError(409, "an intrusion is already in progress: change its mode or stop it")
        agent = self.operator_by_number(agent_number)
        ref = next((r for r, c in self.acd_calls.items() if agent and c.agent == agent.login and c.answered_at
                    and c.ended_at is None), None)
        if agent is None or ref is None:
            raise CcdError(409, f"{agent_number} is not in a customer call")
        self.calls.join(ref, sup.proacd, INTRUSION_CAUSES[mode])
        self.intrusions[sup.login] = (ref, agent.number, mode)

    def change_intrusion(self, sup: Operator, mode: str) -> None:
        if sup.login not in self.intrusions:
            raise CcdError(404, "no intrusion in progress")
        ref, agent_number, _ = self.intrusions[sup.login]
        if mode == "STOP":
            self.stop_intrusion(sup)
            return
        if mode not in INTRUSION_CAUSES:
            raise CcdError(400, f"mode is one of {', '.join(INTRUSION_CAUSES)} or STOP")
        if ref not in self.calls.calls:
            del self.intrusions[sup.login]
            raise CcdError(404, "the call intruded into has ended")
        self.calls.touch(ref, INTRUSION_CAUSES[mode])
        self.intrusions[sup.login] = (ref, agent_number, mode)

    def _drop_intrusions(self, ref: str | None = None, login: str | None = None) -> None:
        """Forget intrusions into a call that ended (or a supervisor's, at logoff)."""
        for sup_login, (call_ref, _, _) in list(self.intrusions.items()):
            if call_ref == ref or sup_login == login or call_ref not in self.calls.calls:
                del self.intrusions[sup_login]

    def stop_intrusion(self, sup: Operator) -> None:
        ref, _, _ = self.intrusions.pop(sup.login)
        if ref in self.calls.calls and self.calls.calls[ref].party(sup.proacd):
            self.calls.drop_me(ref, sup.proacd)

    # ================================================================ calls to pilots
    def arrive(self, ref: str, pilot_number: str, caller: str) -> None:
        """A call reached a pilot (its pilot party rings): queue it, distribute it, or send it away."""
        if pilot_number not in self.pilots:  # an RSI routing point: the routing application decides
            from o2gmentor.sim.model.ccd_rsi import rsi_of

            rsi_of(self).arrive(ref, pilot_number, caller)
            return
        pilot = self.pilots[pilot_number]
        now = self.clock.now()
        acd = self.acd_calls.get(ref)
        if acd is None:
            acd = AcdCall(ref, pilot.number, pilot.queue, pilot.group, caller, now)
            self.acd_calls[ref] = acd
        else:  # overflowed here from another pilot
            acd.pilot, acd.queue, acd.group = pilot.number, pilot.queue, pilot.group
        self._pilot_event("OnPilotCallCreated", pilot.number, callRef=ref, caller=caller,
                          cause="ACD_ENTER_DISTRIBUTION",
                          callData={"initialCalled": pilot.number, "anonymous": False, "networkRerouted": False})
        if not pilot.open:
            self._leave_pilot(acd, "closed")
            return
        queue = self.queues[pilot.queue]
        if len(queue.waiting) >= queue.capacity:
            del self.acd_calls[ref]
            self._finish(acd, "dissuaded")
            self._pilot_event("OnPilotCallRemoved", pilot.number, callRef=ref, cause="RESOURCES_NOT_AVAILABLE",
                              releasingDevice=pilot.queue, newDestination="")
            self.calls.pilot_gives_up(ref, pilot.number, "RESOURCES_NOT_AVAILABLE")
            return
        queue.waiting.append(ref)
        acd.queued_at = now
        self._arm_overflow(acd, float(pilot.overflow_after or 0))
        self.dispatch()
        if ref in queue.waiting:
            self._pilot_event("OnPilotCallQueued", pilot.number, callRef=ref, caller=caller, queue=pilot.queue,
                              cause="ACD_ENTER_DISTRIBUTION", numberOfQueued=len(queue.waiting))

    def _arm_overflow(self, acd: AcdCall, after: float) -> None:
        """(Re)start the wait after which a queued call overflows; a new seq cancels earlier timers."""
        acd.seq += 1
        if self.pilots[acd.pilot].overflow_after:
            seq, ref = acd.seq, acd.ref
            self.clock.call_later(max(0.0, after), lambda: self._overflow(ref, seq))

    def _pilot_event(self, name: str, pilot: str, **fields: Any) -> None:
        if pilot in self.monitored:
            self.bus.publish("pilot", pilot, {"eventName": name, "pilot": pilot, **fields})

    def _eligible(self, pilot: Pilot) -> list[Operator]:
        agents = []
        for op in self.operators.values():
            if op.main != "LOG_ON" or op.sub != READY or op.pg != pilot.group:
                continue
            if self.calls.is_busy(op.proacd):
                continue
            if pilot.skill is not None and not op.skills.get(pilot.skill, {}).get("active"):
                continue
            agents.append(op)
        return sorted(agents, key=lambda o: (o.idle_since, o.login))

    def dispatch(self) -> bool:
        """Give waiting calls to free agents, oldest call first; True if anything was distributed."""
        given = False
        for queue in self.queues.values():
            while queue.waiting:
                ref = queue.waiting[0]
                acd = self.acd_calls[ref]
                agents = self._eligible(self.pilots[acd.pilot])
                if not agents:
                    break
                queue.waiting.pop(0)
                self._distribute(acd, agents[0])
                given = True
        return given

    def _distribute(self, acd: AcdCall, op: Operator) -> None:
        now = self.clock.now()
        acd.distributed_at = now
        acd.agent = op.login
        acd.seq += 1
        queue_wait = int(now - (acd.queued_at or now))
        self._pilot_event("OnPilotCallRemoved", acd.pilot, callRef=acd.ref, cause="DISTRIBUTED",
                          releasingDevice=acd.queue, newDestination=op.proacd)
        data = {"pilotNumber": acd.pilot,
                "callInfo": {"queueWaitingTime": queue_wait, "globalWaitingTime": int(now - acd.arrived),
                             "agentGroup": acd.group, "local": True},
                "queueData": {"waitingTime": queue_wait, "saturated": False}}
        self._set(op, "LOG_ON", BUSY)
        self.calls.distribute(acd.ref, acd.pilot, op.proacd, data)
        seq = acd.seq
        self.clock.call_later(self.agent_ring_seconds, lambda: self._ring_timeout(acd.ref, seq))
        if op.autopilot:
            delay = 2 + self.random.random() * 4
            self.clock.call_later(delay, lambda: self._autopilot_answer(acd.ref, op.login, seq))

    def _ring_timeout(self, ref: str, seq: int) -> None:
        acd = self.acd_calls.get(ref)
        if acd is None or acd.seq != seq or acd.answered_at is not None or acd.agent is None:
            return
        op = self.operators[acd.agent]
        call = self.calls.calls.get(ref)
        if call is None or call.party(op.proacd) is None or call.party(op.proacd).state != RINGING_IN:
            return
        self.refuse(ref, op.proacd)

    def refuse(self, ref: str, proacd: str) -> bool:
        """An agent lets its set ring out or declines: the agent pauses and the call goes back to the head
        of the queue (a refused call, inferred). False if ``ref`` is not a call offered to that set."""
        acd = self.acd_calls.get(ref)
        op = self.operator_by_number(proacd)
        if acd is None or op is None or acd.agent != op.login or acd.answered_at is not None:
            return False
        pilot = self.pilots[acd.pilot]
        acd.refusals += 1
        acd.agent = None
        self.calls.requeue(ref, op.proacd, acd.pilot)
        self._set(op, "LOG_ON", PAUSE)
        queue = self.queues[acd.queue]
        queue.waiting.insert(0, ref)
        waited = self.clock.now() - (acd.queued_at or acd.arrived)
        self._arm_overflow(acd, float(pilot.overflow_after or 0) - waited)
        self._pilot_event("OnPilotCallQueued", pilot.number, callRef=ref, caller=acd.caller, queue=pilot.queue,
                          cause="NOT_ANSWERED", numberOfQueued=len(queue.waiting))
        self.dispatch()
        return True

    def _overflow(self, ref: str, seq: int) -> None:
        acd = self.acd_calls.get(ref)
        if acd is None or acd.seq != seq or ref not in self.queues[acd.queue].waiting:
            return
        self.queues[acd.queue].waiting.remove(ref)
        self._leave_pilot(acd, "overflow")

    def _leave_pilot(self, acd: AcdCall, why: str) -> None:
        """A pilot closed or a queue wait too long: the call goes to the pilot's overflow destination."""
        pilot = self.pilots[acd.pilot]
        target = pilot.overflow_to
        if target == "VOICEMAIL":
            target = self.pbx.site.voicemail_number
        cause = "OVERFLOWN" if why == "overflow" else "FORWARDED"
        if not target or target == pilot.number:
            del self.acd_calls[acd.ref]
            self._finish(acd, "dissuaded")
            self._pilot_event("OnPilotCallRemoved", pilot.number, callRef=acd.ref, cause="NO_AVAILABLE_AGENT",
                              releasingDevice=pilot.number, newDestination="")
            self.calls.pilot_gives_up(acd.ref, pilot.number, "NO_AVAILABLE_AGENT")
            return
        self._pilot_event("OnPilotCallRemoved", pilot.number, callRef=acd.ref, cause=cause,
                          releasingDevice=pilot.queue, newDestination=target)
        if self.is_pilot(target):
            acd.pilot = target  # it arrives there next (arrive() sees the same AcdCall)
        else:
            del self.acd_calls[acd.ref]
            acd.overflow_to = target
            self._finish(acd, "overflowed")
        self.calls.pilot_redirect(acd.ref, pilot.number, target, cause)

    # ---------------------------------------------------------------- following the calls
    def sync(self) -> None:
        """After every telephony change: notice answers, hang-ups and agents leaving their calls."""
        if self._syncing:
            self._again = True
            return
        self._syncing = True
        try:
            self._again = True
            while self._again:
                self._again = False
                for ref in list(self.acd_calls):
                    self._follow(ref)
                if any(q.waiting for q in self.queues.values()):
                    self.dispatch()  # a pro-ACD set may have become free (a private call ended)
        finally:
            self._syncing = False

    def _follow(self, ref: str) -> None:
        acd = self.acd_calls.get(ref)
        if acd is None:
            return
        call = self.calls.calls.get(ref)
        now = self.clock.now()
        if acd.agent is not None:
            op = self.operators[acd.agent]
            party = call.party(op.proacd) if call is not None else None
            if party is not None:
                if party.state == ACTIVE and acd.answered_at is None:
                    acd.answered_at = now
                    if op.autopilot:
                        talk = self.random.expovariate(1 / self._profile(acd.pilot)["talk_seconds"])
                        self.clock.call_later(max(5.0, talk), lambda: self._autopilot_hangup(ref, op.login))
                return
            # the agent is out of this call: it ended, or the agent passed the customer on
            del self.acd_calls[ref]
            if acd.answered_at is not None:
                self._finish(acd, "served")
                self._after_call(op, acd)
                self._drop_intrusions(ref)
                return
            else:
                self._finish(acd, "abandoned", "ringing")
                self._end_of_work(op)
            self._drop_intrusions(ref)
            return
        if call is None or call.party(acd.pilot) is None:  # the caller gave up while queued
            del self.acd_calls[ref]
            if ref in self.queues[acd.queue].waiting:
                self.queues[acd.queue].waiting.remove(ref)
            self._finish(acd, "abandoned", "queue")
            self._pilot_event("OnPilotCallRemoved", acd.pilot, callRef=ref, cause="ABANDONED",
                              releasingDevice=acd.queue, newDestination="")

    def _finish(self, acd: AcdCall, outcome: str, where: str | None = None) -> None:
        """Close the call's record (its wrap-up end is filled in later for a served call)."""
        acd.outcome = outcome
        acd.abandoned_in = where
        acd.ended_at = acd.ended_at or self.clock.now()
        self.records.append(acd)

    def _after_call(self, op: Operator, acd: AcdCall) -> None:
        """The agent's part of a customer call is over: wrap-up, then ready (or withdrawn)."""
        group = self.groups.get(op.pg or "")
        if group is not None and group.wrapup_seconds > 0:
            self._set(op, "LOG_ON", WRAPUP)
            self._schedule_wrapup_end(op, acd)
        else:
            acd.wrapup_end = self.clock.now()
            self._end_of_work(op)

    def _schedule_wrapup_end(self, op: Operator, acd: AcdCall | None = None) -> None:
        group = self.groups.get(op.pg or "")
        seconds = group.wrapup_seconds if group is not None else 0
        seq = op.timer_seq

        def done() -> None:
            if op.timer_seq == seq and op.sub == WRAPUP:
                if acd is not None:
                    acd.wrapup_end = self.clock.now()
                self._end_of_work(op)

        self.clock.call_later(seconds, done)

    def _end_of_work(self, op: Operator) -> None:
        if op.pending_withdraw is not None:
            reason, op.pending_withdraw = op.pending_withdraw, None
            self._set(op, "LOG_ON", WITHDRAW, reason=reason)
        else:
            self._set(op, "LOG_ON", READY)
            self.dispatch()

    # ================================================================ simulated people and traffic
    def _profile(self, pilot: str) -> dict[str, float]:
        base = {"calls_per_hour": 30.0, "talk_seconds": 180.0, "patience_seconds": 120.0}
        return {**base, **self.traffic_profiles.get(pilot, {})}

    def _autopilot_answer(self, ref: str, login: str, seq: int) -> None:
        acd = self.acd_calls.get(ref)
        op = self.operators[login]
        if acd is None or acd.seq != seq or acd.agent != login or not op.autopilot:
            return
        call = self.calls.calls.get(ref)
        if call is not None and call.party(op.proacd) and call.party(op.proacd).state == RINGING_IN:
            self.calls.answer(ref, op.proacd)

    def _autopilot_hangup(self, ref: str, login: str) -> None:
        op = self.operators[login]
        call = self.calls.calls.get(ref)
        if call is not None and call.party(op.proacd) and op.autopilot:
            self.calls.drop_me(ref, op.proacd)

    def customer_call(self, pilot: str, caller: str | None = None, patience: float | None = None) -> str:
        """An outside customer calls a pilot; with ``patience`` they hang up if nobody answered by then."""
        if not self.is_pilot(pilot):
            raise CcdError(404, f"{pilot} is not a pilot")
        caller = caller or self.customer_number()
        ref = self.calls.outside_call(caller, pilot)
        if patience is not None:
            def give_up() -> None:
                acd = self.acd_calls.get(ref)
                call = self.calls.calls.get(ref)
                if acd is not None and acd.answered_at is None and call is not None and call.party(caller):
                    self.calls.drop_me(ref, caller)

            self.clock.call_later(patience, give_up)
        return ref

    def expected_wait(self, pilot_number: str) -> int:
        """A rough expected waiting time in seconds: calls ahead × mean talk time ÷ agents in service."""
        pilot = self.pilots[pilot_number]
        ahead = len(self.queues[pilot.queue].waiting)
        serving = sum(1 for o in self.operators.values() if o.main == "LOG_ON" and o.pg == pilot.group
                      and o.sub in (READY, BUSY, WRAPUP))
        if ahead == 0 and any(o.sub == READY and o.pg == pilot.group for o in self.operators.values()):
            return 0
        return int((ahead + 1) * self._profile(pilot_number)["talk_seconds"] / max(1, serving))

    def customer_number(self) -> str:
        return "06" + "".join(str(self.random.randrange(10)) for _ in range(8))

    def staff(self, on: bool, logins: list[str] | None = None) -> list[str]:
        """Simulated agents log on (ready, answering their calls by themselves) or off."""
        changed = []
        for op in self.operators.values():
            if op.kind != "AGENT" or (logins is not None and op.login not in logins):
                continue
            if on and op.main == "LOG_OFF":
                self.logon(op, op.proacd, op.preferred, autopilot=True)
                changed.append(op.login)
            elif not on and op.autopilot and op.main == "LOG_ON" and op.sub != BUSY:
                self.logoff(op)
                changed.append(op.login)
        return changed

    def start_traffic(self, pilots: list[str] | None = None, rate_factor: float = 1.0) -> list[str]:
        """Customers call the pilots at their profiles' rates (Poisson arrivals on the simulated clock)."""
        chosen = pilots or list(self.pilots)
        unknown = [p for p in chosen if not self.is_pilot(p)]
        if unknown:
            raise CcdError(404, f"not pilots: {', '.join(unknown)}")
        self._traffic_seq += 1
        self.traffic_running = True
        for pilot in chosen:
            self._next_arrival(pilot, self._traffic_seq, rate_factor)
        return chosen

    def stop_traffic(self) -> None:
        self._traffic_seq += 1
        self.traffic_running = False

    def _next_arrival(self, pilot: str, seq: int, factor: float) -> None:
        profile = self._profile(pilot)
        gap = self.random.expovariate(profile["calls_per_hour"] * factor / 3600.0)

        def arrive() -> None:
            if self._traffic_seq != seq:
                return
            patience = self.random.expovariate(1 / profile["patience_seconds"])
            self.customer_call(pilot, patience=max(5.0, patience))
            self._next_arrival(pilot, seq, factor)

        self.clock.call_later(gap, arrive)
