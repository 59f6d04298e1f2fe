"""CallFlow — a ladder (sequence) diagram of calls, built from their telephony events.

Lanes are the parties (phone numbers); steps are the calls' transitions in the order the events came:
``1001 ->> 1002: calls``, ``1002 -->> 1001: answers``, ``1002 ->> 1001: puts on hold``, ``1001 -x 1002: hangs up``.
The same call seen from two monitored users gives the same steps once (consecutive duplicates are merged).

Three renderings, none needing a kernel to view:

- ``mermaid()``: Mermaid ``sequenceDiagram`` text; ``markdown()`` wraps it in a ```` ```mermaid ```` block
  that JupyterLab 4 (and MyST, GitHub) render natively;
- ``svg()``: a self-contained SVG drawn here (no JavaScript, no CDN) — used by the live widget and by
  ``snapshot()``, so a static site shows the diagram too;
- the live widget: the SVG, re-drawn by trait assignment as events arrive.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import ipywidgets as w

from o2gmentor.widgets.panel import FONT, IDLE, Event, Panel, State, esc
from o2gmentor.widgets.phone import party_name

LANE_WIDTH = 190
STEP_HEIGHT = 34
TOP = 64
_ids = itertools.count(1)

TEXT = {  # leg state reached → what the owner of the leg did (or saw)
    "HELD": "puts on hold",
    "RELEASING": "releasing",
    "DIALING": "dials",
    "OFF_HOOK": "off hook",
}


def _mermaid_text(text: str) -> str:
    """Mermaid ends a statement at ``;`` and reads ``#…;`` as an entity: keep messages plain."""
    return " ".join(text.replace(";", ",").replace("#", "no.").replace(":", " ").split())


def _owner(event: Event, legs: list[dict[str, Any]]) -> str:
    for leg in legs:
        if leg.get("deviceId"):
            return str(leg["deviceId"])
    return str(event.get("loginName") or "?")


class CallFlow(Panel):
    """A ladder diagram of the calls in ``events`` (a list, e.g. ``stream.events``) or of a live stream.

    >>> flow = CallFlow(events=stream.events)        # a recording
    >>> flow.markdown()                               # a Mermaid diagram JupyterLab renders natively
    >>> CallFlow(stream=stream)                       # live: grows as the calls go on
    """

    title = "Call flow"
    packages = ("telephony",)

    def __init__(self, events=None, *, stream=None, o2g=None, calls: list[str] | None = None,
                 names: dict[str, str] | None = None, live: bool = True) -> None:
        self.only_calls = set(calls) if calls else None
        self.names = dict(names or {})
        super().__init__(o2g, stream=stream, live=live and (stream is not None or o2g is not None), pull=False)
        if events:
            self.feed_all(list(events))

    # ------------------------------------------------------------------ state
    def initial_state(self) -> State:
        only = sorted(self.only_calls) if self.only_calls else None
        return {"lanes": {}, "steps": [], "calls": {}, "only": only}

    @staticmethod
    def apply(state: State, event: Event) -> State:
        """Add the steps one telephony event means (pure)."""
        name = event.get("eventName")
        if name not in ("OnCallCreated", "OnCallModified", "OnCallRemoved"):
            return state
        ref = event.get("callRef")
        only = state.get("only")
        if only is not None and ref not in only and event.get("previousCallRef") not in only:
            return state
        new = copy.deepcopy(state)
        if only is not None and ref not in only:
            new["only"] = sorted({*only, ref})
        key = f"{event.get('loginName')}/{ref}"
        previous_key = f"{event.get('loginName')}/{event.get('previousCallRef')}"
        if key not in new["calls"] and previous_key in new["calls"]:
            new["calls"][key] = new["calls"].pop(previous_key)
        call = new["calls"].setdefault(key, {"owner": None, "state": None, "parties": []})
        steps: list[dict[str, Any]] = []

        def lane(number: str, label: str | None = None) -> str:
            number = str(number)
            if number not in new["lanes"] or (label and new["lanes"][number] == number):
                new["lanes"][number] = label or new["lanes"].get(number) or number
            return number

        def msg(src: str, dst: str, text: str, arrow: str = "->>") -> None:
            if src == dst:
                steps.append({"kind": "note", "lanes": [src], "text": text})
            else:
                steps.append({"kind": "msg", "from": src, "to": dst, "text": text, "arrow": arrow})

        cause = event.get("cause")
        suffix = f" ({cause.lower().replace('_', ' ')})" if cause else ""
        if name == "OnCallCreated":
            legs = event.get("legs") or []
            owner = lane(_owner(event, legs), f"{event.get('loginName')} ({_owner(event, legs)})"
                         if event.get("loginName") else None)
            if event.get("loginName"):
                new.setdefault("owners", {})[owner] = event["loginName"]
            call["owner"] = owner
            parties = [lane(p.get("participantId"), party_name(p)) for p in event.get("participants") or []
                       if p.get("participantId")]
            call["parties"] = parties
            state_now = (legs[0].get("state") if legs else None) or (event.get("callData") or {}).get("state")
            call["state"] = state_now
            for party in parties or ["?"]:
                if party == "?":
                    lane("?", "(nobody yet)")
                if state_now == "RINGING_INCOMING":
                    msg(party, owner, "calls" + suffix)
                elif state_now in ("RINGING_OUTGOING", "DIALING", "OFF_HOOK"):
                    msg(owner, party, "calls" + suffix)
                elif state_now == "ACTIVE":
                    msg(owner, party, "call, connected" + suffix)
                else:
                    steps.append({"kind": "note", "lanes": [owner], "text": f"call {state_now or ''}".strip()})
        elif name == "OnCallModified":
            legs = (event.get("modifiedLegs") or []) + (event.get("addedLegs") or [])
            owner = call["owner"] or lane(_owner(event, legs))
            call["owner"] = owner
            conference = cause == "CONFERENCED"
            for part in event.get("addedParticipants") or []:
                pid = lane(part.get("participantId"), party_name(part))
                if pid not in call["parties"]:
                    call["parties"].append(pid)
                    if call["state"] is not None and not conference:
                        msg(pid, owner, "joins" + suffix)
            for part in event.get("modifiedParticipants") or []:
                lane(part.get("participantId"), party_name(part))
            removed = [str(p) for p in event.get("removedParticipantIds") or []]
            own_leg = next((leg for leg in legs if str(leg.get("deviceId")) == owner), legs[0] if legs else None)
            state_now = (own_leg or {}).get("state") or (event.get("callData") or {}).get("state")
            before = call["state"]
            if conference and (state_now != before or event.get("addedParticipants")):
                steps.append({"kind": "note", "lanes": [owner, *call["parties"]], "text": "conference"})
                call["state"] = state_now
            elif state_now and state_now != before:
                others = [p for p in call["parties"] if p not in removed] or call["parties"] or ["?"]
                for party in others:
                    if state_now == "ACTIVE" and before == "RINGING_INCOMING":
                        msg(owner, party, "answers" + suffix, "-->>")
                    elif state_now == "ACTIVE" and before in ("RINGING_OUTGOING", "DIALING"):
                        msg(party, owner, "answers" + suffix, "-->>")
                    elif state_now == "ACTIVE" and before == "HELD":
                        msg(owner, party, "retrieves" + suffix)
                    elif state_now == "ACTIVE":
                        msg(owner, party, "connected" + suffix, "-->>")
                    elif state_now == "HELD":
                        msg(owner, party, "puts on hold" + suffix)
                    elif state_now == "RINGING_OUTGOING":
                        msg(owner, party, "calls" + suffix)
                    elif state_now == "RELEASING" and removed:
                        pass  # shown below as the party hanging up
                    else:
                        steps.append({"kind": "note", "lanes": [owner], "text": TEXT.get(state_now, state_now)})
                        break
                call["state"] = state_now
            for pid in removed:
                if pid in call["parties"]:
                    call["parties"].remove(pid)
                lane(pid)
                msg(pid, owner, ("hangs up" if state_now == "RELEASING" else "leaves") + suffix, "-x")
        else:  # OnCallRemoved
            owner = call["owner"] or lane(str(event.get("loginName") or "?"))
            if cause == "CONFERENCED":
                pass  # merged into the other call, which goes on as the conference
            elif call["state"] != "RELEASING" or (cause and call["parties"]):  # else: the other side hung up
                text = {"TRANSFERRED": "transferred", "CONFERENCED": "into the conference",
                        "FORWARDED": "forwarded", "REDIRECTED": "redirected"}.get(cause or "", "hangs up" + suffix)
                for party in call["parties"] or ["?"]:
                    if party == "?":
                        lane("?", "(nobody)")
                    msg(owner, party, text, "-x")
            new["calls"].pop(key, None)
        recent = new["steps"][-4:]
        for step in steps:
            if step not in recent:
                new["steps"].append(step)
                recent = new["steps"][-4:]
        return new

    # ------------------------------------------------------------------ renderings
    def _label(self, number: str, state: State) -> str:
        if number not in self.names and number in state.get("owners", {}):
            self._name_owner(number, state["owners"][number])
        return self.names.get(number) or state["lanes"].get(number) or number

    def _name_owner(self, number: str, login: str) -> None:
        """Events name the other parties but not the user they are sent to: ask O2G, once, when we can."""
        client = self.o2g or getattr(self.stream, "o2g", None)
        if client is None or not getattr(client, "connected", False):
            return
        try:
            user = client.users.get(login)
        except Exception:  # noqa: BLE001 - a label is not worth failing a diagram for
            return
        name = f"{user.get('firstName', '')} {user.get('lastName', '')}".strip()
        if name:
            self.names[number] = f"{name} ({number})"

    def mermaid(self, state: State | None = None) -> str:
        """The diagram as Mermaid ``sequenceDiagram`` text."""
        state = self.state if state is None else state
        ids = {number: f"P{index}" for index, number in enumerate(state["lanes"])}
        lines = ["sequenceDiagram", "    autonumber"]
        for number, pid in ids.items():
            lines.append(f"    participant {pid} as {_mermaid_text(self._label(number, state))}")
        for step in state["steps"]:
            if step["kind"] == "note":
                order = sorted((list(ids).index(n), ids[n]) for n in step["lanes"] if n in ids)
                over = order[0][1] if len(order) == 1 else f"{order[0][1]},{order[-1][1]}"  # Mermaid spans 1 or 2
                lines.append(f"    Note over {over}: {_mermaid_text(step['text'])}")
            else:
                lines.append(f"    {ids[step['from']]}{step['arrow']}{ids[step['to']]}: {_mermaid_text(step['text'])}")
        return "\n".join(lines)

    def markdown(self):
        """An ``IPython.display.Markdown`` holding a ```` ```mermaid ```` block (JupyterLab 4 renders it)."""
        from IPython.display import Markdown

        return Markdown(f"```mermaid\n{self.mermaid()}\n```")

    def svg(self, state: State | None = None) -> str:
        """The diagram as a self-contained SVG (a plain-HTML fallback for static sites)."""
        state = self.state if state is None else state
        lanes = list(state["lanes"])
        steps = state["steps"]
        if not lanes:
            return f"<div style='{FONT};color:{IDLE};font-size:15px'>No call yet</div>"
        uid = f"o2gcf{next(_ids)}"
        width = LANE_WIDTH * len(lanes)
        height = TOP + STEP_HEIGHT * (len(steps) + 1)
        x = {number: LANE_WIDTH * i + LANE_WIDTH // 2 for i, number in enumerate(lanes)}
        parts = [f"<svg class='o2g-callflow' xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
                 f"viewBox='0 0 {width} {height}' style='{FONT};font-size:14px;background:#fff'>",
                 f"<defs><marker id='{uid}a' markerUnits='userSpaceOnUse' markerWidth='12' markerHeight='10' "
                 f"refX='11' refY='5' orient='auto'>"
                 f"<path d='M0,0 L12,5 L0,10 z' fill='#263238'/></marker></defs>"]
        for number in lanes:
            cx = x[number]
            label = self._label(number, state)
            name, _, rest = label.partition(" (")
            parts.append(f"<line x1='{cx}' y1='{TOP - 8}' x2='{cx}' y2='{height - 6}' stroke='#b0bec5' "
                         f"stroke-dasharray='4 4'/>")
            parts.append(f"<rect x='{cx - LANE_WIDTH // 2 + 8}' y='6' width='{LANE_WIDTH - 16}' height='48' rx='6' "
                         f"fill='#e3f2fd' stroke='#1565c0'/>")
            parts.append(f"<text x='{cx}' y='26' text-anchor='middle' font-weight='600'>{esc(name[:24])}</text>")
            if rest:
                parts.append(f"<text x='{cx}' y='44' text-anchor='middle' fill='#455a64' font-size='12'>"
                             f"({esc(rest[:26])}</text>")
        for index, step in enumerate(steps, 1):
            y = TOP + STEP_HEIGHT * index
            if step["kind"] == "note":
                xs = [x[n] for n in step["lanes"] if n in x] or [x[lanes[0]]]
                left, right = min(xs) - 70, max(xs) + 70
                parts.append(f"<rect x='{left}' y='{y - 18}' width='{right - left}' height='24' rx='4' "
                             f"fill='#fff8e1' stroke='#b26a00'/>")
                parts.append(f"<text x='{(left + right) // 2}' y='{y - 1}' text-anchor='middle'>"
                             f"{index}. {esc(step['text'])}</text>")
                continue
            x1, x2 = x[step["from"]], x[step["to"]]
            direction = 1 if x2 > x1 else -1
            dashed = " stroke-dasharray='6 4'" if step["arrow"].startswith("--") else ""
            colour = "#c62828" if step["arrow"].endswith("x") else "#263238"
            end = x2 - direction * 2
            marker = "" if step["arrow"].endswith("x") else f" marker-end='url(#{uid}a)'"
            parts.append(f"<line x1='{x1}' y1='{y}' x2='{end}' y2='{y}' stroke='{colour}' stroke-width='2'"
                         f"{dashed}{marker}/>")
            if step["arrow"].endswith("x"):
                parts.append(f"<path d='M{x2 - 6},{y - 6} L{x2 + 6},{y + 6} M{x2 - 6},{y + 6} L{x2 + 6},{y - 6}' "
                             f"stroke='{colour}' stroke-width='2.5'/>")
            parts.append(f"<text x='{(x1 + x2) // 2}' y='{y - 6}' text-anchor='middle' fill='{colour}'>"
                         f"{index}. {esc(step['text'])}</text>")
        parts.append("</svg>")
        return "".join(parts)

    # ------------------------------------------------------------------ widgets
    def _build(self) -> w.Widget:
        self._diagram = w.HTML(layout=w.Layout(overflow="auto"))
        return w.VBox([self._header("🪜 Call flow"), self._diagram, self._message],
                      layout=w.Layout(border="1px solid #b0bec5", padding="8px 12px", max_width="1000px"))

    def _render(self, state: State) -> None:
        self._diagram.value = self.svg(state)

    def _snapshot_html(self, state: State) -> str:
        return (f"<div style='font-size:17px;font-weight:600'>🪜 Call flow</div>{self.svg(state)}"
                f"<details><summary style='color:{IDLE}'>Mermaid source</summary>"
                f"<pre style='font-size:12px'>{esc(self.mermaid(state))}</pre></details>")
