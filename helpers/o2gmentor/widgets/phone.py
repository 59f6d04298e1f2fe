"""PhonePanel — the softphone example: one user's device, its calls, and the buttons to drive them.

Every action goes through the O2G client (``o2g.telephony``), so the panel works the same against the
simulator and a real O2G. Buttons are enabled from the capabilities O2G sends with each call and leg
(o2g-api-core.md §9.3): *Answer* ← leg ``answer``, *Hold* ← leg ``hold``, *Retrieve* ← leg ``retrieve``,
*Hang up* ← ``dropMe`` / ``terminate`` / leg ``drop``; *Transfer* and *Conference* when one call is active
and one is held and O2G offers ``transfer`` / ``merge``; *Call* ← the device's ``makeCall`` (with a call
already active it becomes a consultation call: the OXE puts the active call on hold).
"""

from __future__ import annotations

import copy
from typing import Any

import ipywidgets as w

from o2gmentor.widgets.panel import BAD, FONT, GOOD, IDLE, INFO, WARN, Event, Panel, State, esc, pill

MAX_CALL_ROWS = 4  # rows are created once; the reader thread only shows, hides and fills them

# what the room sees for each O2G MediaState
STATE_LABELS = {
    "RINGING_INCOMING": ("Ringing", WARN, "🔔"),
    "RINGING_OUTGOING": ("Calling", INFO, "📞"),
    "DIALING": ("Dialing", INFO, "📞"),
    "OFF_HOOK": ("Off hook", INFO, "📞"),
    "ACTIVE": ("Connected", GOOD, "🟢"),
    "HELD": ("On hold", "#6a1b9a", "⏸"),
    "RELEASING": ("Releasing", IDLE, "⏹"),
    "IDLE": ("Idle", IDLE, "⚪"),
    "UNKNOWN": ("Unknown", IDLE, "❔"),
}
# the phone's overall state, from its calls: the first state present in this order wins
PRIORITY = ["RINGING_INCOMING", "ACTIVE", "DIALING", "RINGING_OUTGOING", "OFF_HOOK", "HELD", "RELEASING"]


def _by_id(items: list[dict[str, Any]] | None, key: str) -> dict[str, dict[str, Any]]:
    return {str(item.get(key)): item for item in items or [] if item.get(key) is not None}


def _call_entry(call: dict[str, Any]) -> dict[str, Any]:
    return {"callRef": call.get("callRef"), "callData": copy.deepcopy(call.get("callData") or {}),
            "legs": _by_id(copy.deepcopy(call.get("legs")), "deviceId"),
            "participants": _by_id(copy.deepcopy(call.get("participants")), "participantId")}


def party_name(participant: dict[str, Any]) -> str:
    """``Chloe Dubois (1003)``, ``Customer mobile (0612345678)`` or just the number."""
    identity = participant.get("identity") or {}
    number = (identity.get("id") or {}).get("phoneNumber") or participant.get("participantId") or "?"
    if participant.get("anonymous"):
        return "anonymous"
    name = " ".join(x for x in (identity.get("firstName"), identity.get("lastName")) if x) or identity.get(
        "displayName")
    return f"{name} ({number})" if name and name != number else str(number)


class PhonePanel(Panel):
    """A softphone for one user (``login``, default: the session's own user) on one device.

    >>> phone = PhonePanel(o2g)          # live: subscribes to the user's telephony events
    >>> phone                            # shows the panel; phone.snapshot() gives static HTML
    """

    packages = ("telephony",)
    title = "Phone"

    def __init__(self, o2g=None, login: str | None = None, *, device: str | None = None, stream=None,
                 live: bool = True, pull: bool = True, quick_dial: dict[str, str] | list[str] | None = None,
                 name: str | None = None) -> None:
        self.login = login or (o2g.login if o2g is not None else None)
        self._act_as = login if (o2g is not None and login and login != o2g.login) else None  # admin for a user
        self.device = device
        self.name = name
        if o2g is not None and (device is None or name is None):
            try:
                info = o2g.user_info(self.login)
                devices = info.get("devices") or []
                self.device = device or (devices[0]["id"] if devices else info.get("companyPhone"))
                full = " ".join(x for x in (info.get("firstName"), info.get("lastName")) if x)
                self.name = name or full or self.login
            except Exception:  # noqa: BLE001 - the panel still works; refresh() reports the problem
                pass
        if isinstance(quick_dial, list):
            quick_dial = {number: number for number in quick_dial}
        self.quick_dial = dict(quick_dial or {})
        ids = [self.login] if self._act_as else None
        super().__init__(o2g, stream=stream, ids=ids, live=live, pull=pull)

    # ------------------------------------------------------------------ state
    def initial_state(self) -> State:
        return {"login": self.login, "device": self.device, "userState": "UNKNOWN", "deviceStates": {},
                "deviceCapabilities": {}, "calls": {}, "lastCause": None}

    @staticmethod
    def apply(state: State, event: Event) -> State:
        """Fold one telephony event into the phone's state (pure: returns a new state)."""
        name = event.get("eventName")
        login = event.get("loginName")
        if state.get("login") and login and login != state["login"]:
            return state  # another user's event on a shared (administrator) stream
        new = copy.deepcopy(state)
        calls: dict[str, Any] = new["calls"]
        for caps in event.get("deviceCapabilities") or []:
            new["deviceCapabilities"][str(caps.get("deviceId"))] = caps
        if name == "OnTelephonyState":
            body = event.get("state") or {}
            new["calls"] = {c["callRef"]: _call_entry(c) for c in body.get("calls") or [] if c.get("callRef")}
            for caps in body.get("deviceCapabilities") or []:
                new["deviceCapabilities"][str(caps.get("deviceId"))] = caps
            if body.get("userState"):
                new["userState"] = body["userState"]
            devices = body.get("deviceStates")
            if isinstance(devices, dict):  # the REST reply wraps the list: {"deviceStates": [...]}
                devices = devices.get("deviceStates")
            for device in devices or []:
                new["deviceStates"][str(device.get("deviceId"))] = device.get("state")
        elif name == "OnCallCreated":
            calls[event["callRef"]] = _call_entry(event)
            new["lastCause"] = None
        elif name == "OnCallModified":
            ref = event["callRef"]
            previous = event.get("previousCallRef")
            if ref not in calls and previous in calls:  # the OXE renumbered the call
                calls[ref] = calls.pop(previous)
                calls[ref]["callRef"] = ref
            call = calls.setdefault(ref, _call_entry({"callRef": ref}))
            if event.get("callData"):
                call["callData"] = copy.deepcopy(event["callData"])
            for leg in (event.get("addedLegs") or []) + (event.get("modifiedLegs") or []):
                call["legs"][str(leg.get("deviceId"))] = copy.deepcopy(leg)
            for leg in event.get("removedLegs") or []:
                call["legs"].pop(str(leg.get("deviceId")), None)
            for part in (event.get("addedParticipants") or []) + (event.get("modifiedParticipants") or []):
                pid = str(part.get("participantId"))
                call["participants"][pid] = {**call["participants"].get(pid, {}), **copy.deepcopy(part)}
            for pid in event.get("removedParticipantIds") or []:
                call["participants"].pop(str(pid), None)
            if event.get("cause"):
                call["cause"] = event["cause"]
        elif name == "OnCallRemoved":
            calls.pop(event.get("callRef"), None)
            new["lastCause"] = event.get("cause")
        elif name == "OnUserStateModified":
            new["userState"] = event.get("state", "UNKNOWN")
        elif name == "OnDeviceStateModified":
            for device in event.get("deviceStates") or []:
                new["deviceStates"][str(device.get("deviceId"))] = device.get("state")
        else:
            return state
        return new

    def pull(self) -> Event:
        return {"eventName": "OnTelephonyState", "loginName": self.login,
                "state": self.o2g.telephony.state(login=self._act_as)}

    # ------------------------------------------------------------------ reading the state
    @staticmethod
    def call_view(call: dict[str, Any], device: str | None) -> dict[str, Any]:
        """What a row shows and which buttons it enables, from one call of the state."""
        legs = call.get("legs") or {}
        leg = legs.get(str(device)) if device else None
        if leg is None and legs:
            leg = next(iter(legs.values()))
        leg = leg or {}
        data = call.get("callData") or {}
        state = leg.get("state") or data.get("state") or "UNKNOWN"
        leg_caps = leg.get("capabilities") or {}
        call_caps = data.get("capabilities") or {}
        parties = [party_name(p) for p in (call.get("participants") or {}).values()]
        return {"callRef": call.get("callRef"), "state": state, "parties": parties,
                "answer": bool(leg_caps.get("answer")), "hold": bool(leg_caps.get("hold")),
                "retrieve": bool(leg_caps.get("retrieve")),
                "hangup": bool(call_caps.get("dropMe") or call_caps.get("terminate") or leg_caps.get("drop")),
                "transfer": bool(call_caps.get("transfer")), "merge": bool(call_caps.get("merge")),
                "conference": len(parties) > 1, "callCaps": call_caps, "legCaps": leg_caps}

    def views(self, state: State | None = None) -> list[dict[str, Any]]:
        state = self.state if state is None else state
        return [self.call_view(c, state.get("device")) for c in state["calls"].values()]

    @staticmethod
    def phone_state(state: State) -> str:
        """The device's overall state: IDLE, OUT_OF_SERVICE or the most urgent call state."""
        device = state.get("device")
        if device and state["deviceStates"].get(str(device)) == "OUT_OF_SERVICE":
            return "OUT_OF_SERVICE"
        present = {PhonePanel.call_view(c, device)["state"] for c in state["calls"].values()}
        for candidate in PRIORITY:
            if candidate in present:
                return candidate
        return "IDLE" if not present else sorted(present)[0]

    @property
    def state_label(self) -> str:
        """``Idle``, ``Ringing``, ``Connected``, ``On hold``… as the panel shows it."""
        return _label(self.phone_state(self.state))[0]

    def _pair(self, views: list[dict[str, Any]]) -> tuple[dict | None, dict | None]:
        active = [v for v in views if v["state"] == "ACTIVE"]
        held = [v for v in views if v["state"] == "HELD"]
        if len(active) == 1 and len(held) == 1:
            return active[0], held[0]
        return None, None

    # ------------------------------------------------------------------ actions (button callbacks)
    def _t(self):
        return self.o2g.telephony

    def make_call(self, number: str | None = None) -> bool:
        number = (number if number is not None else self.number.value).strip()
        if not number:
            self.show_message("type a number first", WARN)
            return False
        consult = any(v["state"] == "ACTIVE" for v in self.views())
        label = f"consultation call to {number}" if consult else f"call to {number}"
        return self._run_action(label, lambda: self._t().make_call(number, device=self.device, login=self._act_as))

    def answer(self, call_ref: str) -> bool:
        return self._run_action("answer", lambda: self._t().answer(call_ref, device=self.device, login=self._act_as))

    def hold(self, call_ref: str) -> bool:
        return self._run_action("hold", lambda: self._t().hold(call_ref, device=self.device, login=self._act_as))

    def retrieve(self, call_ref: str) -> bool:
        return self._run_action("retrieve",
                                lambda: self._t().retrieve(call_ref, device=self.device, login=self._act_as))

    def hang_up(self, call_ref: str) -> bool:
        """Leave a conference (``dropme``, the others go on); otherwise release the call."""
        call = self.state["calls"].get(call_ref, {})
        view = self.call_view(call, self.device) if call else {"conference": False, "callCaps": {}}
        if view["conference"] and view["callCaps"].get("dropMe"):
            return self._run_action("leave the conference", lambda: self._t().drop_me(call_ref, login=self._act_as))
        return self._run_action("hang up", lambda: self._t().release(call_ref, login=self._act_as))

    def transfer(self) -> bool:
        active, held = self._pair(self.views())
        if active is None:
            self.show_message("transfer needs one active and one held call", WARN)
            return False
        return self._run_action("transfer", lambda: self._t().transfer(active["callRef"], held["callRef"],
                                                                       login=self._act_as))

    def conference(self) -> bool:
        active, held = self._pair(self.views())
        if active is None:
            self.show_message("a conference needs one active and one held call", WARN)
            return False
        return self._run_action("conference", lambda: self._t().merge(active["callRef"], held["callRef"],
                                                                       login=self._act_as))

    # ------------------------------------------------------------------ widgets
    def _button(self, text: str, style: str, handler, width: str = "auto") -> w.Button:
        button = w.Button(description=text, button_style="", disabled=True,
                          layout=w.Layout(width=width, height="34px", margin="0 4px 0 0"))
        self._styles[button.model_id] = style
        button.style.font_size = "15px"
        button.style.font_weight = "600"
        button.on_click(lambda _b: handler())
        return button

    def _enable(self, button: w.Button, on: bool) -> None:
        """Enabled: the button's colour; disabled: grey, so the room sees at once what can be done."""
        button.disabled = not on
        button.button_style = self._styles.get(button.model_id, "") if on else ""

    def _build(self) -> w.Widget:
        self._styles: dict[str, str] = {}
        who = f"📞 {self.name or self.login or 'phone'}" + (f" · {self.device}" if self.device else "")
        self._state_html = w.HTML()
        self.rows: list[dict[str, Any]] = []
        row_boxes = []
        for index in range(MAX_CALL_ROWS):
            row: dict[str, Any] = {"ref": None}
            row["text"] = w.HTML(layout=w.Layout(width="430px"))
            row["answer"] = self._button("Answer", "success", lambda i=index: self._row_action(i, self.answer))
            row["hold"] = self._button("Hold", "warning", lambda i=index: self._row_action(i, self.hold))
            row["retrieve"] = self._button("Retrieve", "info", lambda i=index: self._row_action(i, self.retrieve))
            row["hangup"] = self._button("Hang up", "danger", lambda i=index: self._row_action(i, self.hang_up))
            box = w.HBox([row["text"], row["answer"], row["hold"], row["retrieve"], row["hangup"]],
                         layout=w.Layout(display="none", align_items="center", padding="3px 0",
                                         border_bottom="1px solid #e0e0e0"))
            row["box"] = box
            self.rows.append(row)
            row_boxes.append(box)
        self._no_calls = w.HTML()
        self.transfer_button = self._button("Transfer", "primary", self.transfer)
        self.conference_button = self._button("Conference", "primary", self.conference)
        self._pair_box = w.HBox([w.HTML(f"<span style='{FONT};font-size:15px;margin-right:8px'>"
                                        "Active + held:</span>"), self.transfer_button, self.conference_button],
                                layout=w.Layout(display="none", align_items="center", padding="4px 0"))
        self.number = w.Text(placeholder="number, e.g. 1003", layout=w.Layout(width="210px", height="34px"))
        self.call_button = self._button("Call", "success", self.make_call, width="130px")
        dial = [self.number, self.call_button]
        self.quick_buttons = []
        for number, label in self.quick_dial.items():
            button = w.Button(description=str(label), tooltip=f"call {number}",
                              layout=w.Layout(width="auto", height="34px", margin="0 4px 0 0"))
            button.on_click(lambda _b, n=number: self.make_call(n))
            self.quick_buttons.append(button)
        dial_box = w.HBox(dial + self.quick_buttons, layout=w.Layout(align_items="center", padding="6px 0 0 0",
                                                                    flex_flow="row wrap"))
        return w.VBox([self._header(who), self._state_html, self._no_calls, *row_boxes, self._pair_box, dial_box,
                       self._message],
                      layout=w.Layout(border="1px solid #b0bec5", padding="8px 12px", max_width="900px"))

    def _row_action(self, index: int, action) -> None:
        ref = self.rows[index]["ref"]
        if ref:
            action(ref)

    def _render(self, state: State) -> None:
        overall = self.phone_state(state)
        views = [self.call_view(c, state.get("device")) for c in state["calls"].values()]
        self._state_html.value = _state_banner(overall, views, state)
        self._no_calls.value = ("" if views else
                                f"<div style='{FONT};color:{IDLE};font-size:15px;padding:2px 0'>No call"
                                + (f" · last call ended: {esc(state['lastCause'].lower().replace('_', ' '))}"
                                   if state.get("lastCause") else "") + "</div>")
        for index, row in enumerate(self.rows):
            view = views[index] if index < len(views) else None
            row["ref"] = view["callRef"] if view else None
            row["box"].layout.display = "flex" if view else "none"
            row["text"].value = _call_line(view) if view else ""
            for key in ("answer", "hold", "retrieve", "hangup"):
                self._enable(row[key], bool(view and view[key]))
        active, held = self._pair(views)
        self._pair_box.layout.display = "flex" if active else "none"
        self._enable(self.transfer_button, bool(active and (active["transfer"] or held["transfer"])))
        self._enable(self.conference_button, bool(active and (active["merge"] or held["merge"])))
        caps = state["deviceCapabilities"].get(str(state.get("device")), {})
        can_call = bool(caps.get("makeCall", self.o2g is not None and not caps)) and overall != "OUT_OF_SERVICE"
        self._enable(self.call_button, can_call)
        self.call_button.description = "Consult" if any(v["state"] == "ACTIVE" for v in views) else "Call"
        for button in self.quick_buttons:
            button.disabled = not can_call
        if len(views) > MAX_CALL_ROWS:
            self.show_message(f"{len(views) - MAX_CALL_ROWS} more call(s) not shown", WARN)

    def _snapshot_html(self, state: State) -> str:
        overall = self.phone_state(state)
        views = [self.call_view(c, state.get("device")) for c in state["calls"].values()]
        who = f"📞 {esc(self.name or self.login or 'phone')}" + (f" · {esc(self.device)}" if self.device else "")
        rows = "".join(
            f"<tr><td style='padding:3px 8px;border-bottom:1px solid #e0e0e0'>{_call_line(v)}</td>"
            f"<td style='padding:3px 8px;border-bottom:1px solid #e0e0e0;color:{IDLE};font-size:13px'>"
            f"{esc(', '.join(k for k in ('answer', 'hold', 'retrieve', 'hangup', 'transfer', 'merge') if v[k]))}"
            f"</td></tr>" for v in views)
        table = (f"<table style='border-collapse:collapse;margin-top:4px'><tr><th style='text-align:left;"
                 f"padding:2px 8px'>call</th><th style='text-align:left;padding:2px 8px'>possible actions</th></tr>"
                 f"{rows}</table>") if views else f"<div style='color:{IDLE};font-size:15px'>No call</div>"
        return (f"<div style='font-size:17px;font-weight:600'>{who}</div>{_state_banner(overall, views, state)}"
                f"{table}")


def _label(state: str) -> tuple[str, str, str]:
    if state == "OUT_OF_SERVICE":
        return ("Out of service", BAD, "⛔")
    return STATE_LABELS.get(state, (state.title().replace("_", " "), IDLE, "❔"))


def _state_banner(overall: str, views: list[dict[str, Any]], state: State) -> str:
    label, colour, mark = _label(overall)
    detail = ""
    focus = next((v for v in views if v["state"] == overall), None)
    if focus and focus["parties"]:
        arrow = "from" if overall == "RINGING_INCOMING" else "with" if overall in ("ACTIVE", "HELD") else "to"
        who = esc(", ".join(focus["parties"]))
        detail = f"<span style='font-size:20px;font-weight:500;color:#37474f'> {arrow} {who}</span>"
    return (f"<div class='o2g-phone-state' data-state='{esc(overall)}' style='{FONT};margin:4px 0 6px 0;"
            "line-height:1.25'>"
            f"<span style='font-size:30px;font-weight:700;color:{colour}'>{mark} {esc(label)}</span>{detail}</div>")


def _call_line(view: dict[str, Any]) -> str:
    label, colour, _ = _label(view["state"])
    parties = ", ".join(view["parties"]) or "—"
    ref = (view.get("callRef") or "")[:6]
    return (f"<span style='{FONT};font-size:16px;line-height:1.3'>{pill(label, colour)} <b>{esc(parties)}</b> "
            f"<span style='color:#90a4ae;font-size:12px'>{esc(ref)}</span></span>")
