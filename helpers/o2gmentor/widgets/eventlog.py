"""EventLog — the events of a subscription, newest first, filterable, each row expandable to its JSON.

Rows are HTML ``<details>`` elements: they open in any browser without JavaScript, so the live panel
and its ``snapshot()`` share one renderer. While a row is open the log keeps re-rendering as events
arrive (which closes it): press *Pause* to read an event in peace — events are still recorded.
"""

from __future__ import annotations

import json
import time
from typing import Any

import ipywidgets as w

from o2gmentor.course.display import event_summary
from o2gmentor.widgets.panel import FONT, IDLE, Event, Panel, State, esc

MAX_EVENTS = 2000  # kept in the state
MAX_ROWS = 200  # shown at once
ALL = "(all)"

# the package each event name belongs to (o2g-api-core.md §8; CCD packages in o2g-api-ccd.md)
PACKAGES: dict[str, str] = {
    **dict.fromkeys(["OnTelephonyState", "OnCallCreated", "OnCallModified", "OnCallRemoved", "OnUserStateModified",
                     "OnDeviceStateModified", "OnDynamicStateChanged", "OnDynamicStateModified"], "telephony"),
    "OnEventSummaryUpdated": "eventSummary",
    "OnRoutingStateChanged": "routingManagement",
    **dict.fromkeys(["OnComRecordCreated", "OnComRecordModified", "OnComRecordsDeleted", "OnComRecordsAck",
                     "OnComRecordsUnAck"], "unifiedComLog"),
    "OnUserInfoChanged": "user",
    **dict.fromkeys(["OnUserCreated", "OnUserDeleted"], "userManagement"),
    **dict.fromkeys(["OnCtiLinkDown", "OnCtiLinkUp", "OnPbxLinkDown", "OnPbxLinkUp", "OnPbxLoaded",
                     "OnLicenseExpiration", "OnServerStart", "OnRemoteServerLinkDown", "OnRemoteServerLinkUp"],
                    "system"),
    **dict.fromkeys(["OnPbxObjectInstanceCreated", "OnPbxObjectInstanceDeleted", "OnPbxObjectInstanceModified"],
                    "pbxManagement"),
    **dict.fromkeys(["OnAgentStateChanged", "OnAgentSkillChanged", "OnSupervisorHelpRequested",
                     "OnSupervisorHelpCancelled"], "agent"),
    **dict.fromkeys(["OnPilotCallQueued", "OnPilotCallCreated", "OnPilotCallRemoved"], "pilot"),
    "OnMessagingEvent": "messaging",
}
COLOURS = {"telephony": "#1565c0", "system": "#c62828", "routingManagement": "#6a1b9a", "eventSummary": "#00838f",
           "unifiedComLog": "#2e7d32", "agent": "#ef6c00", "pilot": "#ad1457", "pbxManagement": "#4e342e"}


def package_of(event: Event) -> str:
    """The event package an event belongs to (the channel does not say; the name does)."""
    name = event.get("eventName", "")
    if name in PACKAGES:
        return PACKAGES[name]
    lowered = name.lower()
    for hint, package in (("agent", "agent"), ("pilot", "pilot"), ("rsi", "rsi"), ("call", "telephony"),
                          ("comrecord", "unifiedComLog"), ("pbx", "pbxManagement")):
        if hint in lowered:
            return package
    return "other"


class EventLog(Panel):
    """Every event of a subscription, newest first.

    >>> log = EventLog(o2g, packages=["telephony", "routingManagement"])   # subscribes itself
    >>> log = EventLog(stream=events)                                        # or listens to an existing stream
    >>> EventLog(events=stream.events, live=False).snapshot()               # a recording, statically
    """

    title = "Events"

    def __init__(self, o2g=None, packages: list[str] | tuple[str, ...] = ("telephony",), *, stream=None,
                 ids: list[str] | None = None, events=None, live: bool = True) -> None:
        self.packages = tuple(packages)
        super().__init__(o2g, stream=stream, ids=ids, live=live, pull=False)
        if events:
            self.feed_all(events)

    # ------------------------------------------------------------------ state
    def initial_state(self) -> State:
        return {"rows": [], "count": 0, "names": [], "packages": []}

    @staticmethod
    def apply(state: State, event: Event, at: str | None = None) -> State:
        """Add one event (pure). ``rows`` is newest first; ``at`` is the time it was received."""
        if event.get("eventName") == "OnChannelInformation":
            return state
        count = state["count"] + 1
        row = {"n": count, "at": at, "package": package_of(event), "name": event.get("eventName", "?"),
               "event": event}
        names = state["names"] if row["name"] in state["names"] else sorted([*state["names"], row["name"]])
        packages = (state["packages"] if row["package"] in state["packages"]
                    else sorted([*state["packages"], row["package"]]))
        return {"rows": [row, *state["rows"][:MAX_EVENTS - 1]], "count": count, "names": names,
                "packages": packages}

    def _reduce(self, state: State, event: Event) -> State:
        return self.apply(state, event, at=time.strftime("%H:%M:%S"))

    @staticmethod
    def select(state: State, package: str = ALL, name: str = ALL) -> list[dict[str, Any]]:
        """The rows passing the filters, newest first."""
        return [r for r in state["rows"] if package in (ALL, None, r["package"]) and name in (ALL, None, r["name"])]

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The rows shown now (filters applied), newest first."""
        return self.select(self.state, self.package_filter.value, self.name_filter.value)

    # ------------------------------------------------------------------ widgets
    def _build(self) -> w.Widget:
        self.package_filter = w.Dropdown(options=[ALL], value=ALL, description="package",
                                         layout=w.Layout(width="240px"))
        self.name_filter = w.Dropdown(options=[ALL], value=ALL, description="event", layout=w.Layout(width="320px"))
        self.pause = w.ToggleButton(description="Pause", icon="pause", layout=w.Layout(width="100px"))
        self.clear_button = w.Button(description="Clear", layout=w.Layout(width="80px"))
        self.clear_button.on_click(lambda _b: self.clear())
        for control in (self.package_filter, self.name_filter, self.pause):
            control.observe(lambda _change: self._render_all(), names="value")
        self._count = w.HTML()
        self._list = w.HTML(layout=w.Layout(max_height="420px", overflow="auto"))
        bar = w.HBox([self.package_filter, self.name_filter, self.pause, self.clear_button, self._count],
                     layout=w.Layout(align_items="center", flex_flow="row wrap"))
        return w.VBox([self._header("📜 " + ", ".join(self.packages) + " events"), bar, self._list, self._message],
                      layout=w.Layout(border="1px solid #b0bec5", padding="8px 12px", max_width="900px"))

    def clear(self) -> None:
        with self._lock:
            self.state = self.initial_state()
            self._render(self.state)

    def _render(self, state: State) -> None:
        _set_options(self.package_filter, state["packages"])
        _set_options(self.name_filter, state["names"])
        rows = self.select(state, self.package_filter.value, self.name_filter.value)
        paused = " · paused" if self.pause.value else ""
        self._count.value = (f"<span style='{FONT};color:{IDLE};font-size:14px;margin-left:8px'>"
                             f"{len(rows)} of {state['count']} events{paused}</span>")
        if not self.pause.value:
            self._list.value = _rows_html(rows[:MAX_ROWS])

    def _snapshot_html(self, state: State) -> str:
        rows = self.select(state, self.package_filter.value, self.name_filter.value)
        title = f"<div style='font-size:17px;font-weight:600'>📜 {esc(', '.join(self.packages))} events</div>"
        return f"{title}<div style='color:{IDLE}'>{len(rows)} events, newest first</div>{_rows_html(rows[:MAX_ROWS])}"


def _set_options(dropdown: w.Dropdown, values: list[str]) -> None:
    options = [ALL, *values]
    if list(dropdown.options) != options:
        current = dropdown.value
        dropdown.options = options
        dropdown.value = current if current in options else ALL


def _rows_html(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return f"<div style='{FONT};color:{IDLE};font-size:15px;padding:4px'>No event yet</div>"
    parts = []
    for row in rows:
        event = row["event"]
        colour = COLOURS.get(row["package"], IDLE)
        who = event.get("loginName") or (f"node {event['nodeId']}" if "nodeId" in event else "")
        what = event_summary(event)
        when = f"<span style='color:#90a4ae'>{esc(row['at'])}</span> " if row.get("at") else ""
        body = json.dumps(event, indent=2, ensure_ascii=False)
        parts.append(
            f"<details style='border-bottom:1px solid #eceff1;padding:1px 0'>"
            f"<summary style='cursor:pointer;font-size:15px;line-height:1.5'>"
            f"<span style='color:#90a4ae'>#{row['n']}</span> {when}"
            f"<span style='color:{colour};font-weight:600'>{esc(row['name'])}</span> "
            f"<span style='color:#455a64'>{esc(who)}</span> <span style='color:#263238'>{esc(what)}</span></summary>"
            f"<pre style='margin:2px 0 6px 18px;font-size:12px;background:#f5f7f8;padding:6px;max-height:300px;"
            f"overflow:auto'>{esc(body)}</pre></details>")
    return f"<div class='o2g-eventlog' style='{FONT};line-height:1.4'>" + "".join(parts) + "</div>"
