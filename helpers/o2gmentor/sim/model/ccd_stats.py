"""Contact-center statistics (o2g-api-ccd.md §8) computed from the call records and state periods.

Every figure comes from ``ContactCenter.records`` (finished customer calls) and ``periods`` (each
operator's time in each state), so statistics always agree with what happened. Rules (inferred where
the reference is silent, kept simple and consistent):

- a call counts in the slot (or day) it **arrived** in, at the **last pilot** it reached (a call that
  overflows from one pilot to another is a call of the second one), once it is finished;
  live calls are not counted yet. So ``nbCallsOpen`` (offered) = ``nbCallsServedByAgent`` +
  ``nbAbandons`` + overflowed calls (``nbOverflowInQueue``, to a non-pilot destination) +
  ``nbCallsDissuaded`` (queue full, or no overflow destination);
- timestamps are rounded to the second first, so for served calls waiting (arrival → distribution)
  + ringing (distribution → answer) + conversation (answer → end) = the whole call, exactly;
- time-in-state figures (``assignedPerTime``, ``withdrawPerTime``…) are the overlap of the state
  periods with the slot; ``loggedOutPerTime`` is the rest, so logged out + not assigned + assigned =
  the slot's length;
- service level = calls answered within ``TS[1]`` (20 s) of arrival ÷ offered; efficiency = served ÷
  offered (numeric strings with one decimal; ``"100.0"`` when nothing was offered);
  thresholds ``TS1..TS4`` = 10, 20, 30, 60 s;
- a refused call is a ring timeout (the model's only BUSY → PAUSE transition);
- days and slots are UTC (the site's time; the requester's ``timezone`` is stored, not applied).

Attributes computed — pilots: nbCallsOpen, nbCallsServedByAgent, nbCallsServedInTime, nbCallsWOQueuing,
nbCallsAfterQueuing, nbCallsRedistrib, nbCallsDissuaded, nbOverflowInQueue, nbAbandons, nbAbandonsOnRinging,
nbCallsBeforeTS1..4, nbCallsAfterTS4, percentCallsBeforeTS1..4, percentCallsAfterTS4, nbAbandonsBeforeTS1..4,
nbAbandonsAfterTS4, percentAbandonsBeforeTS1..4, percentAbandonsAfterTS4, waitServedCallsTDur/ADur,
waitAbandonnedCallsTDur/ADur, ringingTDur/ADur, convTDur/ADur, wrapupTDur/ADur, callProcTDur/ADur
(conversation + wrap-up), longestWaitingDur, serviceLevel, efficiency, dnbTotReceivedCalls.
Agents: nbAcdServedCalls, nbAcdInServedCalls, nbPilots, nbRefusedCalls, ringAcdServedTDur/ADur,
convAcdTDur/ADur, acdInConvTDur/ADur, wrapupAcdTDur, busyTDur, loggedOutPerTime, notAssignedPerTime,
assignedPerTime, withdrawPerTime, withdrawPerTimeCause1..9, assignedNotWithdrawDur, withdrawDur; by pilot:
nbCallsServed, convTDur/ADur, wrapupTDur/ADur, maxConvDur, maxWrapupDur, callProcTDur/ADur.
Abandoned calls: waitingTime, pilotName, pilotNumber, callerNumber, abandonedOnRinging,
abandonedOn1stWaitingVG (abandoned while queued). Every other §8.3 attribute is accepted in filters and
left out of the rows (blocked/forwarded/mutual-aid calls, voice guides, transaction codes, non-ACD calls,
holds, transfers, outgoing ACD calls are not modelled).
"""

from __future__ import annotations

import csv
import io
import secrets
import weakref
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from xml.sax.saxutils import escape

from o2gmentor.sim.model.ccd import BUSY, OUT_OF_PG, PAUSE, WITHDRAW, AcdCall, ContactCenter, StatePeriod

TS = (10, 20, 30, 60)
SLOTS = {"aQuarterOfAnHour": 900, "halfAnHour": 1800, "anHour": 3600}
DEFAULT_SLOT = "anHour"
MAX_DAYS = 31
KINDS = ("agentFilter", "pilotFilter", "pilotAbandonedCallFilter")
ABANDONED_ATTRS = {"waitingTime", "pilotName", "pilotNumber", "callerNumber", "abandonedOnGreetingVG",
                   *(f"abandonedOn{n}WaitingVG" for n in ("1st", "2nd", "3rd", "4th", "5th", "6th")),
                   "abandonedOnRinging", "abandonedOnGeneralFwdVG", "abandonedOnBlockedVG",
                   "abandonedOnDirectCallWaiting"}
OBS_PERIODS = {"currentDay": None, "currentWeek": None, "currentMonth": None, "lastDays": (1, 31),
               "lastWeeks": (1, 4), "lastMonth": (1, 1), "fromDateToDate": None}
PERIODICITIES = {"once", "daily", "weekly", "monthly"}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class StatsError(Exception):
    """A refused statistics request: HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# ==================================================================== small helpers
def hms(seconds: float) -> str:
    """``HH:MM:SS`` (hours may exceed 24)."""
    s = int(round(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def pct(part: int, whole: int, empty: str = "0.0") -> str:
    return empty if whole == 0 else f"{100 * part / whole:.1f}"


def sec(ts: float | None) -> int:
    return int(round(ts)) if ts is not None else 0


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def total_avg(prefix: str, values: list[int], out: dict[str, Any]) -> None:
    """``{prefix}TDur`` and ``{prefix}ADur`` of a list of durations."""
    out[prefix + "TDur"] = hms(sum(values))
    out[prefix + "ADur"] = hms(sum(values) / len(values) if values else 0)


def parse_day(text: str | None, name: str) -> datetime:
    """``yyyy-MM-dd`` or ``yyyy-MM-dd HH:mm`` (also with ``T``) → that day at 00:00 UTC."""
    if not text:
        raise StatsError(400, f"'{name}' is required (yyyy-MM-dd or yyyy-MM-dd HH:mm)")
    raw = text.strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).replace(hour=0, minute=0, second=0, tzinfo=timezone.utc)
        except ValueError:
            continue
    raise StatsError(400, f"'{name}' must be yyyy-MM-dd or yyyy-MM-dd HH:mm, not {text!r}")


# ==================================================================== figures
def wait_of(c: AcdCall) -> int:
    """Seconds before the call met an agent (served) or its end (other outcomes)."""
    end = c.distributed_at if c.outcome == "served" else c.ended_at
    return sec(end) - sec(c.arrived)


def answer_delay(c: AcdCall) -> int:
    return sec(c.answered_at) - sec(c.arrived)


def threshold_counts(name: str, delays: list[int], out: dict[str, Any]) -> None:
    """``nb{name}BeforeTS1..4``, ``nb{name}AfterTS4`` and their percentages."""
    for i, limit in enumerate(TS, start=1):
        n = sum(1 for d in delays if d < limit)
        out[f"nb{name}BeforeTS{i}"] = n
        out[f"percent{name}BeforeTS{i}"] = pct(n, len(delays))
    after = sum(1 for d in delays if d >= TS[-1])
    out[f"nb{name}AfterTS4"] = after
    out[f"percent{name}AfterTS4"] = pct(after, len(delays))


def pilot_figures(calls: list[AcdCall]) -> dict[str, Any]:
    """A pilot's row values from its finished calls of one slot."""
    served = [c for c in calls if c.outcome == "served"]
    abandoned = [c for c in calls if c.outcome == "abandoned"]
    overflowed = [c for c in calls if c.outcome == "overflowed"]
    conv = [sec(c.ended_at) - sec(c.answered_at) for c in served]
    wrap = [sec(c.wrapup_end) - sec(c.ended_at) for c in served if c.wrapup_end is not None]
    in_time = sum(1 for c in served if answer_delay(c) <= TS[1])
    woq = sum(1 for c in served if c.queued_at is not None and (c.distributed_at or 0) - c.queued_at < 1)
    out: dict[str, Any] = {
        "nbCallsOpen": len(calls), "dnbTotReceivedCalls": len(calls), "nbCallsServedByAgent": len(served),
        "nbCallsServedInTime": in_time, "nbCallsWOQueuing": woq, "nbCallsAfterQueuing": len(served) - woq,
        "nbCallsRedistrib": sum(1 for c in calls if c.refusals), "nbAbandons": len(abandoned),
        "nbAbandonsOnRinging": sum(1 for c in abandoned if c.abandoned_in == "ringing"),
        "nbCallsDissuaded": sum(1 for c in calls if c.outcome == "dissuaded"),
        "nbOverflowInQueue": sum(1 for c in overflowed if c.queued_at is not None),
    }
    threshold_counts("Calls", [answer_delay(c) for c in served], out)
    threshold_counts("Abandons", [wait_of(c) for c in abandoned], out)
    total_avg("waitServedCalls", [wait_of(c) for c in served], out)
    total_avg("waitAbandonnedCalls", [wait_of(c) for c in abandoned], out)
    total_avg("ringing", [sec(c.answered_at) - sec(c.distributed_at) for c in served], out)
    total_avg("conv", conv, out)
    total_avg("wrapup", wrap, out)
    total_avg("callProc", [a + b for a, b in zip(conv, [sec(c.wrapup_end) - sec(c.ended_at) if c.wrapup_end
                                                         else 0 for c in served], strict=True)], out)
    out["longestWaitingDur"] = hms(max((wait_of(c) for c in served + abandoned), default=0))
    out["serviceLevel"] = pct(in_time, len(calls), "100.0")
    out["efficiency"] = pct(len(served), len(calls), "100.0")
    return out


def overlaps(periods: list[StatePeriod], start: int, end: int, now: float) -> dict[str, int]:
    """Seconds spent in each state (and withdraw reason ``W<n>``) between ``start`` and ``end``."""
    spent: dict[str, int] = {}
    for p in periods:
        seconds = max(0, min(sec(p.end if p.end is not None else now), end) - max(sec(p.start), start))
        if seconds:
            spent[p.state] = spent.get(p.state, 0) + seconds
            if p.state == WITHDRAW and p.reason:
                spent[f"W{p.reason}"] = spent.get(f"W{p.reason}", 0) + seconds
    return spent


def refused(periods: list[StatePeriod], start: int, end: int) -> int:
    """Ring timeouts: a BUSY period followed at once by PAUSE, the PAUSE starting in the slot."""
    return sum(1 for a, b in zip(periods, periods[1:], strict=False)
               if a.state == BUSY and b.state == PAUSE and a.end == b.start and start <= sec(b.start) < end)


def agent_figures(calls: list[AcdCall], periods: list[StatePeriod], start: int, end: int,
                  now: float) -> dict[str, Any]:
    """An agent's row values: its served calls (by arrival) and its time in each state."""
    served = [c for c in calls if c.outcome == "served"]
    conv = [sec(c.ended_at) - sec(c.answered_at) for c in served]
    spent = overlaps(periods, start, end, now)
    logged = sum(v for k, v in spent.items() if not k.startswith("W"))
    assigned = logged - spent.get(OUT_OF_PG, 0)
    withdrawn = spent.get(WITHDRAW, 0)
    out: dict[str, Any] = {
        "nbAcdServedCalls": len(served), "nbAcdInServedCalls": len(served),
        "nbPilots": len({c.pilot for c in served}), "nbRefusedCalls": refused(periods, start, end),
        "wrapupAcdTDur": hms(sum(sec(c.wrapup_end) - sec(c.ended_at) for c in served if c.wrapup_end)),
        "busyTDur": hms(spent.get(BUSY, 0)),
        "loggedOutPerTime": hms(max(0, min(end, sec(now)) - start - logged)),
        "notAssignedPerTime": hms(spent.get(OUT_OF_PG, 0)), "assignedPerTime": hms(assigned),
        "withdrawPerTime": hms(withdrawn), "withdrawDur": hms(withdrawn),
        "assignedNotWithdrawDur": hms(assigned - withdrawn),
    }
    for n in range(1, 10):
        out[f"withdrawPerTimeCause{n}"] = hms(spent.get(f"W{n}", 0))
    total_avg("ringAcdServed", [sec(c.answered_at) - sec(c.distributed_at) for c in served], out)
    total_avg("convAcd", conv, out)
    total_avg("acdInConv", conv, out)
    return out


def by_pilot_figures(calls: list[AcdCall]) -> dict[str, Any]:
    """One agent's figures for one pilot."""
    served = [c for c in calls if c.outcome == "served"]
    conv = [sec(c.ended_at) - sec(c.answered_at) for c in served]
    wrap = [sec(c.wrapup_end) - sec(c.ended_at) if c.wrapup_end else 0 for c in served]
    out: dict[str, Any] = {"nbCallsServed": len(served), "maxConvDur": hms(max(conv, default=0)),
                           "maxWrapupDur": hms(max(wrap, default=0))}
    total_avg("conv", conv, out)
    total_avg("wrapup", wrap, out)
    total_avg("callProc", [a + b for a, b in zip(conv, wrap, strict=True)], out)
    return out


def select(values: dict[str, Any], attributes: list[str]) -> dict[str, Any]:
    if "ALL" in attributes:
        return values
    return {k: v for k, v in values.items() if k in attributes}


# ==================================================================== requesters and contexts
@dataclass
class StatsContext:
    id: str
    supervisor_id: str
    label: str
    description: str
    kind: str  # agentFilter, pilotFilter or pilotAbandonedCallFilter
    numbers: list[str]
    attributes: list[str]
    pilot_attributes: list[str]
    filter_json: dict[str, Any]
    schedules: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"ctxId": self.id, "supervisorId": self.supervisor_id, "label": self.label,
                "description": self.description, "isScheduled": bool(self.schedules), "shortHeader": False,
                "filter": self.filter_json}


@dataclass
class Requester:
    identifier: str
    language: str
    timezone: str
    agents: list[str]
    contexts: dict[str, StatsContext] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"identifier": self.identifier, "language": self.language, "timezone": self.timezone}


@dataclass
class Export:
    """One asynchronous file request: its session, its timers' generation and its file."""

    requester: str
    session_id: str
    gen: int


def _strings(raw: Any, name: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(x, str | int) and not isinstance(x, bool) for x in raw):
        raise StatsError(400, f"'{name}' must be a list of strings")
    return [str(x) for x in raw]


class Statistics:
    """Requesters, contexts, data, asynchronous exports and scheduled reports of one contact center."""

    def __init__(self, cc: ContactCenter) -> None:
        self.cc = cc
        self.requesters: dict[str, Requester] = {}
        self.exports: dict[str, Export] = {}  # requester → running export
        self.files: dict[str, tuple[str, bytes]] = {}  # token → (entry name, zip bytes)
        self._seq = 0
        self._gen = 0

    # ---------------------------------------------------------------- requesters
    def set_requester(self, body: dict[str, Any]) -> Requester:
        sup = body.get("supervisor")
        if not isinstance(sup, dict) or not isinstance(sup.get("identifier"), str) or not sup["identifier"].strip():
            raise StatsError(400, "'supervisor.identifier' is required")
        language = str(sup.get("language") or "EN").upper()
        if language not in ("EN", "FR", "DE"):
            raise StatsError(400, "'supervisor.language' is EN, FR or DE")
        agents = body.get("agents") or []
        if not isinstance(agents, list) or not all(isinstance(a, dict) and a.get("number") for a in agents):
            raise StatsError(400, "'agents' is a list of {\"number\": …}")
        numbers = [str(a["number"]) for a in agents]
        self._check_agents(numbers)
        old = self.requesters.get(sup["identifier"])
        req = Requester(sup["identifier"], language, str(sup.get("timezone") or "UTC"), numbers,
                        old.contexts if old else {})
        self.requesters[req.identifier] = req
        return req

    def _check_agents(self, numbers: list[str]) -> None:
        known = {o.number for o in self.cc.operators.values()}
        unknown = sorted(set(numbers) - known)
        if unknown:
            raise StatsError(400, f"not contact-center operators: {', '.join(unknown)}")

    def requester(self, rid: str) -> Requester:
        req = self.requesters.get(rid)
        if req is None:
            raise StatsError(404, f"no statistics requester {rid!r}: POST {{stats}}/scope first")
        return req

    def delete_requester(self, rid: str) -> None:
        self.requester(rid)
        self.cancel(rid)
        del self.requesters[rid]

    # ---------------------------------------------------------------- contexts
    def parse_context(self, req: Requester, body: dict[str, Any], ctx_id: str) -> StatsContext:
        flt = body.get("filter")
        if not isinstance(flt, dict):
            raise StatsError(400, "'filter' must hold agentFilter, pilotFilter or pilotAbandonedCallFilter")
        present = [k for k in KINDS if isinstance(flt.get(k), dict)]
        if len(present) != 1:
            raise StatsError(400, "'filter' must hold exactly one of " + ", ".join(KINDS))
        kind = present[0]
        raw = flt[kind]
        numbers = _strings(raw.get("numbers"), f"{kind}.numbers")
        if kind == "agentFilter":
            attributes = _strings(raw.get("agentAttributes"), "agentFilter.agentAttributes")
            by_pilot = _strings(raw.get("pilotAttributes"), "agentFilter.pilotAttributes")
            unknown = sorted(set(numbers) - set(req.agents)) if req.agents else []
            self._check_agents(numbers)
            if unknown:
                raise StatsError(400, f"agents outside requester {req.identifier}'s scope: {', '.join(unknown)}")
        else:
            attributes, by_pilot = _strings(raw.get("attributes"), f"{kind}.attributes"), []
            bad = sorted(set(numbers) - set(self.cc.pilots))
            if bad:
                raise StatsError(400, f"not pilots: {', '.join(bad)}")
            if kind == "pilotFilter" and attributes and "ALL" not in attributes and set(attributes) <= ABANDONED_ATTRS:
                kind = "pilotAbandonedCallFilter"  # [N] and [J] send abandoned-call filters as pilotFilter
        if not attributes and not by_pilot:
            raise StatsError(400, f"{present[0]}: list the attributes wanted (or ALL)")
        return StatsContext(ctx_id, str(body.get("supervisorId") or req.identifier), str(body.get("label") or ""),
                            str(body.get("description") or ""), kind, numbers, attributes, by_pilot,
                            {present[0]: raw})

    def add_context(self, rid: str, body: dict[str, Any]) -> StatsContext:
        req = self.requester(rid)
        self._seq += 1
        ctx = self.parse_context(req, body, f"ctx{self._seq}")
        req.contexts[ctx.id] = ctx
        return ctx

    def update_context(self, rid: str, cid: str, body: dict[str, Any]) -> None:
        req = self.requester(rid)
        old = self.context(rid, cid)
        ctx = self.parse_context(req, body, cid)
        ctx.schedules = old.schedules
        req.contexts[cid] = ctx

    def context(self, rid: str, cid: str) -> StatsContext:
        ctx = self.requester(rid).contexts.get(cid)
        if ctx is None:
            raise StatsError(404, f"requester {rid!r} has no context {cid!r}")
        return ctx

    def delete_context(self, rid: str, cid: str | None) -> None:
        req = self.requester(rid)
        if cid is None:
            req.contexts.clear()
            return
        self.context(rid, cid)
        del req.contexts[cid]

    # ---------------------------------------------------------------- data
    def one_day(self, rid: str, cid: str, date: str | None, slot_type: str | None) -> dict[str, Any]:
        """Rows per slot of one day, from 00:00 to the last completed slot (today) or 24:00."""
        ctx = self.context(rid, cid)
        slot_type = slot_type or DEFAULT_SLOT
        if slot_type not in SLOTS:
            raise StatsError(400, f"'slotType' is one of {', '.join(SLOTS)}")
        day = parse_day(date, "date")
        start, now = int(day.timestamp()), self.cc.clock.now()
        if start > now:
            raise StatsError(400, f"{day.date()} is in the future")
        step = SLOTS[slot_type]
        last = min(start + 86400, start + (int(now) - start) // step * step)
        slots = [(t, t + step) for t in range(start, last, step)]
        period = {"periodType": "oneDay", "slotType": slot_type, "beginDate": utc(start).strftime("%Y-%m-%dT%H:%M"),
                  "endDate": utc(last).strftime("%Y-%m-%dT%H:%M")}
        return self._data(rid, ctx, slots, period, "%Y-%m-%dT%H:%M")

    def several_days(self, rid: str, cid: str, begin: str | None, end: str | None) -> dict[str, Any]:
        """One row per object and day, up to 31 days."""
        ctx = self.context(rid, cid)
        first, last = parse_day(begin, "begindate"), parse_day(end, "enddate")
        days = (last - first).days + 1
        if days < 1:
            raise StatsError(400, "'enddate' is before 'begindate'")
        if days > MAX_DAYS:
            raise StatsError(400, f"at most {MAX_DAYS} days at a time ({days} asked)")
        slots = [(int((first + timedelta(days=i)).timestamp()), int((first + timedelta(days=i + 1)).timestamp()))
                 for i in range(days)]
        period = {"periodType": "onSeveralDays", "beginDate": first.strftime("%Y-%m-%dT%H:%M"),
                  "endDate": (last + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")}
        return self._data(rid, ctx, slots, period, "%Y-%m-%d")

    def _data(self, rid: str, ctx: StatsContext, slots: list[tuple[int, int]], period: dict[str, Any],
              date_fmt: str) -> dict[str, Any]:
        records = [r for r in self.cc.records if r.outcome is not None]
        if ctx.kind == "pilotAbandonedCallFilter":
            lo, hi = (slots[0][0], slots[-1][1]) if slots else (0, 0)
            rows = [self._abandoned_row(ctx, r) for r in records if r.outcome == "abandoned"
                    and lo <= sec(r.arrived) < hi and (not ctx.numbers or r.pilot in ctx.numbers)]
            return {"supervisor": rid, "pilotAbandonedCalls": {"selectedPeriod": period, "rows": rows}}
        key = "agentsStats" if ctx.kind == "agentFilter" else "pilotsStats"
        builder = self._agent_rows if ctx.kind == "agentFilter" else self._pilot_rows
        stats = []
        for start, end in slots:
            in_slot = [r for r in records if start <= sec(r.arrived) < end]
            rows = [{**self._time_columns(start, date_fmt), **row} for row in builder(rid, ctx, in_slot, start, end)]
            stats.append({"timeSlot": utc(start).strftime("%Y-%m-%dT%H:%M"), "selectedPeriod": period, "rows": rows})
        return {"supervisor": rid, key: stats}

    @staticmethod
    def _time_columns(start: int, date_fmt: str) -> dict[str, str]:
        t = utc(start)
        cols = {"date": t.strftime(date_fmt), "year": f"{t.year}", "month": f"{t.month:02d}", "day": f"{t.day:02d}"}
        if "T" in date_fmt:
            cols.update(hour=f"{t.hour:02d}", minute=f"{t.minute:02d}")
        return cols

    def _pilot_rows(self, rid: str, ctx: StatsContext, calls: list[AcdCall], start: int,
                    end: int) -> list[dict[str, Any]]:
        rows = []
        for number in ctx.numbers or list(self.cc.pilots):
            pilot = self.cc.pilots[number]
            values = pilot_figures([c for c in calls if c.pilot == number])
            rows.append({"pilotName": pilot.name, "pilotNumber": number,
                         "queueName": self.cc.queues[pilot.queue].name, **select(values, ctx.attributes)})
        return rows

    def _agent_rows(self, rid: str, ctx: StatsContext, calls: list[AcdCall], start: int,
                    end: int) -> list[dict[str, Any]]:
        rows = []
        numbers = ctx.numbers or self.requesters[rid].agents or [o.number for o in self.cc.operators.values()]
        now = self.cc.clock.now()
        for number in numbers:
            op = next(o for o in self.cc.operators.values() if o.number == number)
            user = self.cc.pbx.site.users.get(op.login)
            mine = [c for c in calls if c.agent == op.login]
            periods = [p for p in self.cc.periods if p.login == op.login and p.start < end
                       and (p.end is None or p.end > start)]
            row: dict[str, Any] = {
                "login": op.login, "operator": f"{user.first_name} {user.last_name}" if user else op.login,
                "firstName": user.first_name if user else "", "lastName": user.last_name if user else "",
                "number": op.number, "group": op.preferred or "",
                **select(agent_figures(mine, periods, start, end, now), ctx.attributes)}
            if ctx.pilot_attributes:
                row["pilotAgentStatsRows"] = [
                    {"pilotNumber": p, "pilotName": self.cc.pilots[p].name,
                     **select(by_pilot_figures([c for c in mine if c.pilot == p]), ctx.pilot_attributes)}
                    for p in sorted({c.pilot for c in mine if c.outcome == "served"})]
            rows.append(row)
        return rows

    def _abandoned_row(self, ctx: StatsContext, r: AcdCall) -> dict[str, Any]:
        values = {"waitingTime": wait_of(r), "pilotName": self.cc.pilots[r.pilot].name, "pilotNumber": r.pilot,
                  "callerNumber": r.caller, "abandonedOnRinging": int(r.abandoned_in == "ringing"),
                  "abandonedOn1stWaitingVG": int(r.abandoned_in == "queue")}
        return {"date": utc(r.arrived).strftime("%Y-%m-%dT%H:%M"), "pilotNumber": r.pilot,
                **select(values, ctx.attributes)}

    # ---------------------------------------------------------------- asynchronous files
    def start_export(self, rid: str, session_id: str, data: dict[str, Any], file_format: str,
                     publish) -> None:
        """COLLECT, PROCESSED then FORMATED (with the file's path) one second apart on the clock."""
        if rid in self.exports:
            raise StatsError(409, f"requester {rid!r} already has a file request running: cancel it first")
        self._gen += 1
        export = Export(rid, session_id, self._gen)
        self.exports[rid] = export
        rows = flatten(data)
        total = max(1, len(rows))
        token = secrets.token_urlsafe(12)
        name = f"statistics.{file_format}"

        def step(event: dict[str, Any], last: bool = False) -> None:
            if self.exports.get(rid) is not export:
                return
            if last:
                self.files[token] = (name, make_zip(name, rows, file_format))
                del self.exports[rid]
            publish(session_id, {"eventName": "OnAcdStatsProgress", "supervisor": rid, **event})

        path = f"{FILES_PATH}/{token}/report.zip"
        self.cc.clock.call_later(1, lambda: step({"step": "COLLECT", "nbTotObjects": total,
                                                  "nbProcessedObjects": 0}))
        self.cc.clock.call_later(2, lambda: step({"step": "PROCESSED", "nbTotObjects": total,
                                                  "nbProcessedObjects": total}))
        self.cc.clock.call_later(3, lambda: step({"step": "FORMATED", "nbTotObjects": total,
                                                  "nbProcessedObjects": total, "resPath": f"{token}/report.zip",
                                                  "fullResPath": path,
                                                  "xlsfullResPath": path if file_format == "xls" else ""}, True))

    def cancel(self, rid: str, publish=None) -> bool:
        """Stop the requester's running file request (``CANCELLED``); False if none was running."""
        export = self.exports.pop(rid, None)
        if export is None:
            return False
        if publish is not None:
            publish(export.session_id, {"eventName": "OnAcdStatsProgress", "supervisor": rid, "step": "CANCELLED"})
        return True

    # ---------------------------------------------------------------- scheduled reports
    def add_schedule(self, rid: str, cid: str, body: dict[str, Any]) -> str:
        ctx = self.context(rid, cid)
        schedule = parse_schedule(body)
        if schedule["name"] in ctx.schedules:
            raise StatsError(409, f"context {cid} already has a report named {schedule['name']!r}")
        ctx.schedules[schedule["name"]] = {**schedule, "state": "Not_executed", "enable": True, "shortHeader": False}
        return schedule["name"]

    def schedule(self, rid: str, cid: str, sid: str) -> dict[str, Any]:
        found = self.context(rid, cid).schedules.get(sid)
        if found is None:
            raise StatsError(404, f"context {cid} has no scheduled report {sid!r}")
        return found

    def update_schedule(self, rid: str, cid: str, sid: str, body: dict[str, Any]) -> None:
        old = self.schedule(rid, cid, sid)
        new = parse_schedule({**body, "name": body.get("name") or sid})
        if new["name"] != sid:
            raise StatsError(400, "a scheduled report cannot be renamed (its name is its id)")
        old.update(new)

    def delete_schedule(self, rid: str, cid: str, sid: str) -> None:
        self.schedule(rid, cid, sid)
        del self.context(rid, cid).schedules[sid]


FILES_PATH = "/acdstats-files"


# ==================================================================== files
def flatten(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a StatisticsData object, one flat dict each (agent-by-pilot rows get a prefix)."""
    rows: list[dict[str, Any]] = []
    if "pilotAbandonedCalls" in data:
        return list(data["pilotAbandonedCalls"]["rows"])
    for slot in data.get("agentsStats") or data.get("pilotsStats") or []:
        for row in slot["rows"]:
            flat = {k: v for k, v in row.items() if k != "pilotAgentStatsRows"}
            for sub in row.get("pilotAgentStatsRows", []):
                flat.update({f"{sub['pilotNumber']}.{k}": v for k, v in sub.items() if k != "pilotNumber"})
            rows.append(flat)
    return rows


def make_zip(name: str, rows: list[dict[str, Any]], file_format: str) -> bytes:
    """A ZIP whose single entry is the CSV, or an Excel 2003 XML spreadsheet named ``.xls``."""
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    if file_format == "csv":
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=header, delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        content = text.getvalue().encode("utf-8")
    else:
        content = spreadsheet_xml(header, rows).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def spreadsheet_xml(header: list[str], rows: list[dict[str, Any]]) -> str:
    def cells(values: list[Any]) -> str:
        return "".join(f'<Cell><Data ss:Type="String">{escape(str(v))}</Data></Cell>' for v in values)

    body = "".join(f"<Row>{cells([row.get(h, '') for h in header])}</Row>" for row in rows)
    return ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Statistics"><Table>'
            f"<Row>{cells(header)}</Row>{body}</Table></Worksheet></Workbook>")


# ==================================================================== schedules
def local_date(text: Any, name: str) -> str:
    """An ISO date-time with or without zone ([N] sends ``Z``) → local form without zone ([J] parses it)."""
    if not isinstance(text, str):
        raise StatsError(400, f"'{name}' is an ISO date-time")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None).isoformat(timespec="seconds")
    except ValueError:
        raise StatsError(400, f"'{name}' is an ISO date-time, not {text!r}") from None


def parse_schedule(body: dict[str, Any]) -> dict[str, Any]:
    """Validate a ``ScheduleRequest`` (§8.6) and return it normalised."""
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise StatsError(400, "'name' is required (it is the report's id)")
    obs = body.get("obsPeriod")
    if not isinstance(obs, dict) or obs.get("periodType") not in OBS_PERIODS:
        raise StatsError(400, f"'obsPeriod.periodType' is one of {', '.join(OBS_PERIODS)}")
    obs = dict(obs)
    bounds = OBS_PERIODS[obs["periodType"]]
    if bounds is not None:
        n = obs.get("lastNb")
        if isinstance(n, bool) or not isinstance(n, int) or not bounds[0] <= n <= bounds[1]:
            raise StatsError(400, f"'obsPeriod.lastNb' is {bounds[0]} to {bounds[1]} for {obs['periodType']}")
    if obs["periodType"] == "fromDateToDate":
        obs["beginDate"] = local_date(obs.get("beginDate"), "obsPeriod.beginDate")
        obs["endDate"] = local_date(obs.get("endDate"), "obsPeriod.endDate")
    freq = body.get("frequency")
    if not isinstance(freq, dict) or freq.get("periodicity") not in PERIODICITIES:
        raise StatsError(400, f"'frequency.periodicity' is one of {', '.join(sorted(PERIODICITIES))}")
    freq = dict(freq)
    if freq["periodicity"] == "weekly":
        days = freq.get("daysInWeek")
        if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days):
            raise StatsError(400, "'frequency.daysInWeek' lists days: monday … sunday")
    if freq["periodicity"] == "monthly":
        day = freq.get("dayInMonth")
        if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 31:
            raise StatsError(400, "'frequency.dayInMonth' is 1 to 31")
    recipients = body.get("recipients")
    if not isinstance(recipients, list) or not recipients or not all(isinstance(r, str) and r for r in recipients):
        raise StatsError(400, "'recipients' is a non-empty list of mail addresses")
    if body.get("fileType") not in ("csv", "xls"):
        raise StatsError(400, "'fileType' is csv or xls")
    return {"name": name, "description": str(body.get("description") or ""), "obsPeriod": obs,
            "frequency": freq, "recipients": list(recipients), "fileType": body["fileType"]}


_STATS: weakref.WeakKeyDictionary[ContactCenter, Statistics] = weakref.WeakKeyDictionary()


def statistics_of(cc: ContactCenter) -> Statistics:
    """The statistics state of this contact center (a PBX reset brings a new, empty one)."""
    if cc not in _STATS:
        _STATS[cc] = Statistics(weakref.proxy(cc))
    return _STATS[cc]
