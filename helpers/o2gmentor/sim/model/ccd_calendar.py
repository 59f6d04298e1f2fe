"""Pilot calendars and rules for CC Management (o2g-api-ccd.md §9).

Each pilot has a *normal* calendar (per weekday) and an *exception* calendar (per date ``yyyyMMdd``),
each day holding up to 10 transitions ``{time, ruleNumber, mode}``, numbered from 1 in the API.
Transitions are applied on the simulated clock (UTC): at a transition's time the pilot opens (mode
``normal``) or closes (``closed``, ``forward``: its calls go to its overflow destination); a date of the
exception calendar replaces that weekday's normal transitions. Between transitions, ``open``/``close``
change the pilot by hand until the next transition (inferred, as the OXE's rule switching is not public).
Rules (inferred): every pilot has rule 1 "Open" (active while open) and rule 2 "Closed".
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from o2gmentor.sim.model.ccd import ContactCenter

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MODES = ("normal", "closed", "forward")
MAX_TRANSITIONS = 10
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
DATE = re.compile(r"^\d{8}$")


class CalendarError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def parse_transition(body: dict[str, Any]) -> dict[str, Any]:
    """Validate ``{"time":"08:00","ruleNumber":1,"mode":"normal"}``."""
    time, rule, mode = body.get("time"), body.get("ruleNumber"), body.get("mode", "normal")
    if not isinstance(time, str) or not TIME.match(time):
        raise CalendarError(400, "'time' is HH:mm")
    if isinstance(rule, str) and rule.isdigit():
        rule = int(rule)
    if isinstance(rule, bool) or not isinstance(rule, int) or rule < 0:
        raise CalendarError(400, "'ruleNumber' is a rule number")
    if mode not in MODES:
        raise CalendarError(400, f"'mode' is one of {', '.join(MODES)}")
    return {"time": time, "ruleNumber": rule, "mode": mode}


@dataclass
class PilotCalendar:
    normal: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    exception: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def days(self, kind: str) -> dict[str, list[dict[str, Any]]]:
        return self.normal if kind == "normal" else self.exception

    def to_json(self, kind: str) -> dict[str, Any]:
        key = "day" if kind == "normal" else "date"
        order = sorted(self.days(kind), key=lambda d: WEEKDAYS.index(d) if kind == "normal" else d)
        return {"calendar": [{key: day, "list": [{"number": i, "transition": dict(t)}
                                                 for i, t in enumerate(self.days(kind)[day], start=1)]}
                             for day in order if self.days(kind)[day]]}


class Calendars:
    """Calendars of every pilot of one contact center."""

    def __init__(self, cc: ContactCenter) -> None:
        self.cc = cc
        self.calendars: dict[str, PilotCalendar] = {}
        self._seq = 0

    # ---------------------------------------------------------------- applying the calendars
    def transitions_on(self, pilot: str, day: datetime) -> list[dict[str, Any]]:
        """The transitions in force on a date: its exception entry, else its weekday's normal ones."""
        calendar = self.calendars.get(pilot)
        if calendar is None:
            return []
        exception = calendar.exception.get(day.strftime("%Y%m%d"))
        return exception if exception else calendar.normal.get(WEEKDAYS[day.weekday()], [])

    def next_transitions(self, now: float) -> tuple[float, list[tuple[str, str]]] | None:
        """The next instant (within a week) at which any pilot's calendar switches, and the switches."""
        today = datetime.fromtimestamp(now, tz=timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        for offset in range(8):
            day = today + timedelta(days=offset)
            found: dict[float, list[tuple[str, str]]] = {}
            for pilot in self.calendars:
                for transition in self.transitions_on(pilot, day):
                    hours, minutes = map(int, transition["time"].split(":"))
                    at = (day + timedelta(hours=hours, minutes=minutes)).timestamp()
                    if at > now:
                        found.setdefault(at, []).append((pilot, transition["mode"]))
            if found:
                first = min(found)
                return first, found[first]
        return None

    def reschedule(self) -> None:
        """Set the clock's timer for the next transition (after every change of a calendar)."""
        self._seq += 1
        seq, now = self._seq, self.cc.clock.now()
        upcoming = self.next_transitions(now)
        if upcoming is not None:
            at, switches = upcoming
            self.cc.clock.call_later(at - now, lambda: self._switch(seq, switches))

    def _switch(self, seq: int, switches: list[tuple[str, str]]) -> None:
        if seq != self._seq:
            return
        for pilot, mode in switches:
            self.cc.pilots[pilot].open = mode == "normal"
        self.reschedule()

    def of(self, pilot: str) -> PilotCalendar:
        if pilot not in self.cc.pilots:
            raise CalendarError(404, f"{pilot} is not a pilot")
        return self.calendars.setdefault(pilot, PilotCalendar())

    @staticmethod
    def check_day(kind: str, day: str) -> str:
        if kind == "normal" and day.lower() not in WEEKDAYS:
            raise CalendarError(400, f"the day is one of {', '.join(WEEKDAYS)}")
        if kind == "exception" and not DATE.match(day):
            raise CalendarError(400, "the date is yyyyMMdd")
        return day.lower()

    def add(self, pilot: str, kind: str, day: str, body: dict[str, Any]) -> None:
        transitions = self.of(pilot).days(kind).setdefault(self.check_day(kind, day), [])
        if len(transitions) >= MAX_TRANSITIONS:
            raise CalendarError(400, f"at most {MAX_TRANSITIONS} transitions a day")
        transitions.append(parse_transition(body))
        transitions.sort(key=lambda t: t["time"])
        self.reschedule()

    def _index(self, pilot: str, kind: str, day: str, number: str) -> tuple[list[dict[str, Any]], int]:
        transitions = self.of(pilot).days(kind).get(self.check_day(kind, day), [])
        if not number.isdigit() or not 1 <= int(number) <= len(transitions):
            raise CalendarError(404, f"no transition {number} on {day} (they are numbered from 1)")
        return transitions, int(number) - 1

    def change(self, pilot: str, kind: str, day: str, number: str, body: dict[str, Any]) -> None:
        transitions, i = self._index(pilot, kind, day, number)
        transitions[i] = parse_transition(body)
        transitions.sort(key=lambda t: t["time"])
        self.reschedule()

    def delete(self, pilot: str, kind: str, day: str, number: str) -> None:
        transitions, i = self._index(pilot, kind, day, number)
        del transitions[i]
        self.reschedule()


def rules_of(cc: ContactCenter, pilot: str) -> list[dict[str, Any]]:
    """The pilot's rules: 1 "Open" and 2 "Closed", the one in force active (inferred)."""
    is_open = cc.pilots[pilot].open
    return [{"ruleNumber": "1", "name": "Open", "active": is_open},
            {"ruleNumber": "2", "name": "Closed", "active": not is_open}]


def pilot_json(cc: ContactCenter, number: str, bare_rules: bool = False) -> dict[str, Any]:
    """The CC Management ``Pilot`` object; ``bare_rules``: the Node SDK's bare rule array (int numbers)."""
    pilot = cc.pilots[number]
    queue = cc.queues[pilot.queue]
    rules = rules_of(cc, number)
    return {
        "number": number, "name": pilot.name, "state": "Opened" if pilot.open else "Closed",
        "detailedState": "OPEN" if pilot.open else "GENERAL_FORWARDING",
        "waitingTime": cc.expected_wait(number), "saturation": len(queue.waiting) >= queue.capacity,
        "rules": [{**r, "ruleNumber": int(r["ruleNumber"])} for r in rules] if bare_rules else {"ruleList": rules},
        "possibleTransfer": pilot.open and len(queue.waiting) < queue.capacity, "supervisedTransfer": True,
    }


_CALENDARS: weakref.WeakKeyDictionary[ContactCenter, Calendars] = weakref.WeakKeyDictionary()


def calendars_of(cc: ContactCenter) -> Calendars:
    if cc not in _CALENDARS:
        _CALENDARS[cc] = Calendars(weakref.proxy(cc))
    return _CALENDARS[cc]
