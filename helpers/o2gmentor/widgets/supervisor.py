"""SupervisorBoard — the contact center at a glance: pilots and queues (waiting calls, longest wait) and agents.

Built for an administrator session (pilot monitoring and realtime are administrator services,
o2g-api-ccd.md §6–7): it starts monitoring the pilots (``OnPilotCall…`` events tell at once when a call
waits or is distributed) and sets a realtime (RTI) context whose periodic ``On…RtiChanged`` events carry
the queue and agent figures. ``stop()`` ends both.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import ipywidgets as w

from o2gmentor.widgets.panel import BAD, FONT, GOOD, IDLE, INFO, WARN, Event, Panel, State, esc, pill

# RTI phone states (o2g-api-ccd.md §7.5) in words and colours
PHONE_STATES = {
    "Idle": ("Ready", GOOD), "AcdRinging": ("Ringing", WARN), "AcdConversation": ("Customer call", INFO),
    "AcdConsultation": ("Consulting", INFO), "AcdConference": ("Conference", INFO), "WrapUp": ("Wrap-up", WARN),
    "Pause": ("Pause", "#6a1b9a"), "Help": ("Help", BAD), "LoggedOut": ("Logged off", IDLE),
    "PrivateRinging": ("Private call", IDLE), "PrivateLocalConversation": ("Private call", IDLE),
    "PrivateExternalConversation": ("Private call", IDLE), "TransactionOnDial": ("Transaction code", WARN),
}
SERVICE_STATES = {"LoggedOut": ("Logged off", IDLE), "LoggedIn": ("Out of group", IDLE),
                  "Assigned": ("In service", GOOD), "Withdrawn": ("Withdrawn", BAD)}
RTI_EVENTS = {"OnAgentRtiChanged": "agents", "OnPilotRtiChanged": "pilots", "OnQueueRtiChanged": "queues",
              "OnPGAgentRtiChanged": "groups"}


def _seconds(value: Any) -> str:
    if value in (None, ""):
        return "–"
    value = int(value)
    return f"{value // 60}:{value % 60:02d}" if value >= 60 else f"{value} s"


class SupervisorBoard(Panel):
    """Pilots, queues and agents of the contact center, live (administrator session).

    >>> board = SupervisorBoard(admin)        # monitors every pilot; realtime figures every 5 s
    """

    packages = ("pilot", "rti")
    title = "Supervisor board"

    def __init__(self, o2g=None, *, pilots: list[str] | None = None, notif_frequency: int = 5, stream=None,
                 live: bool = True, pull: bool = True) -> None:
        self.pilot_numbers = pilots
        self.notif_frequency = notif_frequency
        self._objects: dict[str, Any] = {}
        self._context_set = False
        if o2g is not None:
            self._objects = o2g.realtime.objects()
            if self.pilot_numbers is None:
                self.pilot_numbers = [p["number"] for p in self._objects.get("pilots", [])]
        super().__init__(o2g, stream=stream, live=live, pull=pull)

    # ------------------------------------------------------------------ subscription and realtime context
    def start_live(self) -> SupervisorBoard:
        if self._listening:
            return self
        if self.stream is None and self.o2g is not None:
            for pilot in self.pilot_numbers or []:
                self.o2g.pilots.monitor_start(pilot)
            selectors = {"rti": ["*"]}
            if self.pilot_numbers:
                selectors["pilot"] = list(self.pilot_numbers)
            self.stream = self.o2g.subscribe(selectors, on_event=self.feed)
            self._own_stream = True
        super().start_live()
        if self.o2g is not None and not self._context_set:
            rt = self.o2g.realtime
            everything = rt.sub_filter()
            rt.set_context(agents=everything, pilots=everything, queues=everything, groups=everything,
                           obs_period=15, notif_frequency=self.notif_frequency)
            self._context_set = True
            rt.start()
        return self

    def stop(self) -> None:
        if self.o2g is not None and self._own_stream:
            try:
                self.o2g.realtime.delete_context()
                for pilot in self.pilot_numbers or []:
                    self.o2g.pilots.monitor_stop(pilot)
            except Exception:  # noqa: BLE001 - the session may be gone already
                pass
            self._context_set = False
        super().stop()

    # ------------------------------------------------------------------ state
    def initial_state(self) -> State:
        state: State = {"pilots": {}, "queues": {}, "agents": {}, "groups": {}, "waiting": {}}
        return self.apply(state, {"eventName": "_Objects", **self._objects}) if self._objects else state

    @staticmethod
    def apply(state: State, event: Event) -> State:
        """Fold pilot and RTI events (and the object lists) into the board's state."""
        name = event.get("eventName")
        new = copy.deepcopy(state)
        if name == "_Objects":
            for kind, key in (("pilots", "pilots"), ("queues", "queues"), ("agents", "agents"),
                              ("pgAgents", "groups")):
                for item in event.get(kind) or []:
                    new[key].setdefault(str(item["number"]), {}).update(
                        {"name": item.get("name"), "firstName": item.get("firstName")})
            return new
        if name in RTI_EVENTS:
            number = str(event.get("number"))
            entry = new[RTI_EVENTS[name]].setdefault(number, {})
            entry.update({k: v for k, v in event.items() if k != "eventName"})
            return new
        if name in ("OnPilotCallCreated", "OnPilotCallQueued"):
            waiting = new["waiting"].setdefault(str(event.get("pilot")), {})
            waiting.setdefault(str(event.get("callRef")), event.get("_at"))
            return new
        if name == "OnPilotCallRemoved":
            new["waiting"].get(str(event.get("pilot")), {}).pop(str(event.get("callRef")), None)
            return new
        return state

    def _reduce(self, state: State, event: Event) -> State:
        return self.apply(state, {**event, "_at": event.get("_at", time.time())})

    def pull(self) -> Event:
        """The object lists once more; the realtime snapshot is asked again (values arrive as events)."""
        objects = self.o2g.realtime.objects()
        if self._context_set:
            self.o2g.realtime.start()
        return {"eventName": "_Objects", **objects}

    # ------------------------------------------------------------------ reading the state
    def pilot_rows(self, state: State | None = None, now: float | None = None) -> list[dict[str, Any]]:
        """One row per pilot: waiting calls (live from pilot events, else realtime) and the longest wait."""
        state = self.state if state is None else state
        now = time.time() if now is None else now
        rows = []
        for number, pilot in sorted(state["pilots"].items()):
            waiting = state["waiting"].get(number, {})
            longest_live = max((now - t for t in waiting.values() if t), default=0)
            rti_waiting = pilot.get("nbOfWaitingCalls")
            rows.append({"number": number, "name": pilot.get("name") or number,
                         "waiting": len(waiting) if waiting or rti_waiting is None else rti_waiting,
                         "longest": max(longest_live, pilot.get("averageWaitingTime") or 0) if waiting else 0,
                         "talking": pilot.get("nbOfCallsInConversation"),
                         "serviceLevel": pilot.get("serviceLevel"), "state": pilot.get("state")})
        return rows

    def queue_rows(self, state: State | None = None) -> list[dict[str, Any]]:
        state = self.state if state is None else state
        return [{"number": n, "name": q.get("name") or n, "waiting": q.get("nbOfWaitingCalls"),
                 "longest": q.get("longestWaitingTimeInList"), "expected": q.get("expectedWaitingTime"),
                 "agents": q.get("nbOfAgentsInDistribution")} for n, q in sorted(state["queues"].items())]

    def agent_rows(self, state: State | None = None) -> list[dict[str, Any]]:
        state = self.state if state is None else state
        rows = []
        for number, agent in sorted(state["agents"].items()):
            name = " ".join(x for x in (agent.get("firstName"), agent.get("name")) if x) or number
            rows.append({"number": number, "name": name, "service": agent.get("serviceState"),
                         "phone": agent.get("phoneState"), "group": agent.get("currentPG"),
                         "served": agent.get("nbOfServedACDCalls"), "pilot": agent.get("pilotName")})
        return rows

    # ------------------------------------------------------------------ widgets
    def _build(self) -> w.Widget:
        self._pilots_html = w.HTML()
        self._queues_html = w.HTML()
        self._agents_html = w.HTML()
        return w.VBox([self._header("📊 Contact center"), self._pilots_html, self._queues_html, self._agents_html,
                       self._message],
                      layout=w.Layout(border="1px solid #b0bec5", padding="8px 12px", max_width="900px"))

    def _render(self, state: State) -> None:
        self._pilots_html.value = _pilots_table(self.pilot_rows(state))
        self._queues_html.value = _queues_table(self.queue_rows(state))
        self._agents_html.value = _agents_table(self.agent_rows(state))

    def _snapshot_html(self, state: State) -> str:
        return (f"<div style='font-size:17px;font-weight:600'>📊 Contact center</div>"
                f"{_pilots_table(self.pilot_rows(state))}{_queues_table(self.queue_rows(state))}"
                f"{_agents_table(self.agent_rows(state))}")


CELL = "padding:3px 10px;text-align:left;border-bottom:1px solid #e0e0e0"


def _table(title: str, headers: list[str], rows: list[list[str]], css: str) -> str:
    head = "".join(f"<th style='{CELL};color:#455a64'>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td style='{CELL}'>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    empty = f"<tr><td style='{CELL};color:{IDLE}' colspan='{len(headers)}'>nothing yet</td></tr>"
    return (f"<div class='{css}' style='{FONT};margin-top:6px'><div style='font-size:15px;font-weight:600'>"
            f"{esc(title)}</div><table style='border-collapse:collapse;font-size:15px'><tr>{head}</tr>"
            f"{body or empty}</table></div>")


def _count(value: Any) -> str:
    return "–" if value is None else str(value)


def _pilots_table(rows: list[dict[str, Any]]) -> str:
    cells = []
    for r in rows:
        waiting = int(r["waiting"] or 0)
        colour = GOOD if waiting == 0 else WARN if waiting < 3 else BAD
        big = f"<span class='o2g-waiting' style='font-size:22px;font-weight:700;color:{colour}'>{waiting}</span>"
        level = f"{r['serviceLevel']} %" if r["serviceLevel"] is not None else "–"
        cells.append([f"<b>{esc(r['name'])}</b> <span style='color:{IDLE}'>{esc(r['number'])}</span>", big,
                      esc(_seconds(r["longest"]) if waiting else "–"), esc(_count(r["talking"])), esc(level)])
    return _table("Pilots", ["pilot", "waiting", "longest wait", "in conversation", "service level"], cells,
                  "o2g-board-pilots")


def _queues_table(rows: list[dict[str, Any]]) -> str:
    cells = [[f"<b>{esc(r['name'])}</b> <span style='color:{IDLE}'>{esc(r['number'])}</span>",
              esc(_count(r["waiting"])), esc(_seconds(r["longest"])), esc(_seconds(r["expected"])),
              esc(_count(r["agents"]))] for r in rows]
    return _table("Queues", ["queue", "waiting", "longest wait", "expected wait", "agents in distribution"], cells,
                  "o2g-board-queues")


def _agents_table(rows: list[dict[str, Any]]) -> str:
    cells = []
    for r in rows:
        label, colour = PHONE_STATES.get(r["phone"] or "", (r["phone"] or "–", IDLE))
        if r["service"] in ("LoggedOut", "Withdrawn", "LoggedIn"):
            label, colour = SERVICE_STATES[r["service"]]
        cells.append([f"<b>{esc(r['name'])}</b> <span style='color:{IDLE}'>{esc(r['number'])}</span>",
                      pill(label, colour, 14), esc(r["group"] or "–"), esc(r["pilot"] or "–"),
                      esc(_count(r["served"]))])
    return _table("Agents", ["agent", "state", "group", "pilot", "served"], cells, "o2g-board-agents")
