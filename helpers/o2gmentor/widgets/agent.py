"""AgentDesk — the agent operation example: a CCD agent's state, its customer call, and its buttons.

Log on (pro-ACD set and processing group), ready, pause, wrap-up, withdraw with a reason from the
group's list, log off, ask for help; the offered customer call with its pilot and waiting time, answered
and released from the desk. State comes from ``OnAgentStateChanged`` (package ``agent``) and the
telephony events of the agent's sets; every action goes through the O2G client, so the desk works the
same against the simulator and a real O2G (o2g-api-ccd.md §2–5).
"""

from __future__ import annotations

import copy
import time
from typing import Any

import ipywidgets as w

from o2gmentor.widgets.panel import BAD, FONT, GOOD, IDLE, INFO, WARN, Event, Panel, State, esc, pill
from o2gmentor.widgets.phone import PhonePanel, party_name
from o2gmentor.widgets.phone import _label as call_label

# what the room sees for each operator state
AGENT_LABELS = {
    "LOG_OFF": ("Logged off", IDLE, "⚪"),
    "READY": ("Ready", GOOD, "🟢"),
    "BUSY": ("Busy", INFO, "📞"),
    "WRAPUP": ("Wrap-up", WARN, "📝"),
    "PAUSE": ("Pause", "#6a1b9a", "⏸"),
    "WITHDRAW": ("Withdrawn", BAD, "⛔"),
    "OUT_OF_PG": ("Out of group", IDLE, "◻"),
    "TRANSACTION_CODE_INPUT": ("Transaction code", WARN, "⌨"),
    "UNKNOWN": ("Unknown", IDLE, "❔"),
}
# which actions each state allows (o2g-api-ccd.md §4.2)
ALLOWED = {
    "LOG_OFF": {"logon"},
    "READY": {"pause", "wrapup", "withdraw", "logoff", "help"},
    "BUSY": {"withdraw", "help"},
    "WRAPUP": {"ready", "pause", "withdraw", "logoff", "help"},
    "PAUSE": {"ready", "withdraw", "logoff", "help"},
    "WITHDRAW": {"ready", "logoff", "help"},
    "OUT_OF_PG": {"logoff"},
}


def sub_state(agent: dict[str, Any]) -> str:
    """``LOG_OFF`` or the ``subState`` of a logged-on operator."""
    if agent.get("mainState") != "LOG_ON":
        return "LOG_OFF"
    return agent.get("subState") or "UNKNOWN"


class AgentDesk(Panel):
    """The desk of one CCD operator (``login``, default: the session's own user).

    >>> desk = AgentDesk(o2g)     # live: subscribes to the operator's agent and telephony events
    """

    packages = ("agent", "telephony")
    title = "Agent desk"

    def __init__(self, o2g=None, login: str | None = None, *, stream=None, live: bool = True,
                 pull: bool = True, name: str | None = None, config: dict[str, Any] | None = None) -> None:
        self.login = login or (o2g.login if o2g is not None else None)
        self._act_as = login if (o2g is not None and login and login != o2g.login) else None
        self.name = name
        self.config = config or {}
        if o2g is not None:
            try:
                self.config = config or o2g.agent.config(login=self._act_as)
                info = o2g.user_info(self.login)
                self.name = name or " ".join(x for x in (info.get("firstName"), info.get("lastName")) if x)
            except Exception:  # noqa: BLE001 - refresh() reports the problem in the panel
                pass
        self.reasons: list[dict[str, Any]] = []
        super().__init__(o2g, stream=stream, ids=[self.login] if self._act_as else None, live=live, pull=pull)

    # ------------------------------------------------------------------ state
    def initial_state(self) -> State:
        phone = {"login": self.login, "device": self.config.get("proacd"), "userState": "UNKNOWN",
                 "deviceStates": {}, "deviceCapabilities": {}, "calls": {}, "lastCause": None}
        return {"login": self.login, "agent": {"mainState": "LOG_OFF"}, "since": None, "phone": phone,
                "lastCustomer": None}

    @staticmethod
    def apply(state: State, event: Event) -> State:
        """Fold an agent or telephony event (or a pulled snapshot) into the desk's state."""
        login = event.get("loginName")
        if state.get("login") and login and login != state["login"]:
            return state
        name = event.get("eventName")
        if name == "OnAgentStateChanged" and isinstance(event.get("state"), dict):
            new = copy.deepcopy(state)
            if sub_state(event["state"]) != sub_state(state["agent"]) or new["since"] is None:
                new["since"] = event.get("_at")
            new["agent"] = copy.deepcopy(event["state"])
            return new
        if name == "_AgentDeskPull":
            new = AgentDesk.apply(state, {"eventName": "OnAgentStateChanged", "loginName": login,
                                          "state": event["agent"], "_at": event.get("_at")})
            new["phone"] = PhonePanel.apply(new["phone"], event["telephony"])
            return new
        phone = PhonePanel.apply(state["phone"], event)
        if phone is state["phone"]:
            return state
        new = copy.deepcopy(state)
        new["phone"] = phone
        for call in phone["calls"].values():
            if (call.get("callData") or {}).get("acdCallData"):
                new["lastCustomer"] = call.get("callRef")
        return new

    def _reduce(self, state: State, event: Event) -> State:
        return self.apply(state, {**event, "_at": event.get("_at", time.time())})

    def pull(self) -> Event:
        agent = self.o2g.agent
        state = agent.state(login=self._act_as)
        group = state.get("pgNumber") or (self.config.get("processingGroups") or {}).get("preferred")
        if group:
            try:
                self.reasons = agent.withdraw_reasons(group, login=self._act_as)
            except Exception:  # noqa: BLE001 - an empty menu; the error shows when withdrawing
                self.reasons = []
            self._fill_reasons()
        return {"eventName": "_AgentDeskPull", "loginName": self.login, "agent": state,
                "telephony": {"eventName": "OnTelephonyState", "loginName": self.login,
                              "state": self.o2g.telephony.state(login=self._act_as)}}

    # ------------------------------------------------------------------ reading the state
    @property
    def state_name(self) -> str:
        """``LOG_OFF``, ``READY``, ``BUSY``, ``WRAPUP``… as O2G reports it."""
        return sub_state(self.state["agent"])

    @property
    def state_label(self) -> str:
        return _label(self.state_name)[0]

    def customer_call(self, state: State | None = None) -> dict[str, Any] | None:
        """The call on the pro-ACD set, if any: ``{callRef, state, caller, pilot, waited, answer, hangup}``."""
        state = self.state if state is None else state
        device = state["phone"].get("device")
        for call in state["phone"]["calls"].values():
            if device and str(device) not in (call.get("legs") or {}):
                continue
            view = PhonePanel.call_view(call, device)
            acd = (call.get("callData") or {}).get("acdCallData") or {}
            info = acd.get("callInfo") or {}
            parties = list((call.get("participants") or {}).values())
            return {"callRef": view["callRef"], "state": view["state"],
                    "caller": party_name(parties[0]) if parties else "—", "pilot": acd.get("pilotNumber"),
                    "waited": info.get("globalWaitingTime"), "answer": view["answer"], "hangup": view["hangup"]}
        return None

    # ------------------------------------------------------------------ actions
    def _a(self):
        return self.o2g.agent

    def logon(self) -> bool:
        proacd = self.proacd.value.strip()
        group = self.group.value or None
        return self._run_action(f"log on {proacd}" + (f" in group {group}" if group else ""),
                                lambda: self._after_logon(proacd, group))

    def _after_logon(self, proacd: str, group: str | None) -> None:
        self._a().logon(proacd, group, login=self._act_as)
        if group and not self.reasons:
            self.reasons = self._a().withdraw_reasons(group, login=self._act_as)
            self._fill_reasons()

    def ready(self) -> bool:
        return self._run_action("ready", lambda: self._a().ready(login=self._act_as))

    def pause(self) -> bool:
        return self._run_action("pause", lambda: self._a().pause(login=self._act_as))

    def wrap_up(self) -> bool:
        return self._run_action("wrap-up", lambda: self._a().wrap_up(login=self._act_as))

    def withdraw(self, reason: int | None = None) -> bool:
        reason = reason if reason is not None else self.reason.value
        if reason is None:
            self.show_message("pick a withdraw reason first", WARN)
            return False
        label = next((r.get("label") for r in self.reasons if r.get("index") == reason), str(reason))
        return self._run_action(f"withdraw ({label})", lambda: self._a().withdraw(reason, login=self._act_as))

    def logoff(self) -> bool:
        return self._run_action("log off", lambda: self._a().logoff(login=self._act_as))

    def request_help(self) -> bool:
        return self._run_action("help requested", lambda: self._a().request_help(login=self._act_as))

    def answer(self) -> bool:
        call = self.customer_call()
        if call is None:
            self.show_message("no call to answer", WARN)
            return False
        device = self.state["phone"].get("device")
        return self._run_action("answer", lambda: self.o2g.telephony.answer(call["callRef"], device=device,
                                                                            login=self._act_as))

    def hang_up(self) -> bool:
        call = self.customer_call()
        if call is None:
            self.show_message("no call to hang up", WARN)
            return False
        return self._run_action("hang up", lambda: self.o2g.telephony.release(call["callRef"], login=self._act_as))

    # ------------------------------------------------------------------ widgets
    def _button(self, text: str, style: str, handler) -> w.Button:
        button = w.Button(description=text, disabled=True,
                          layout=w.Layout(width="auto", height="34px", margin="0 4px 4px 0"))
        button.style.font_size = "15px"
        button.style.font_weight = "600"
        self._styles[button.model_id] = style
        button.on_click(lambda _b: handler())
        return button

    def _enable(self, button: w.Button, on: bool) -> None:
        button.disabled = not on
        button.button_style = self._styles.get(button.model_id, "") if on else ""

    def _fill_reasons(self) -> None:
        options = [(f"{r.get('index')} · {r.get('label', '')}", r.get("index")) for r in self.reasons]
        self.reason.options = options
        self.reason.value = options[0][1] if options else None

    def _build(self) -> w.Widget:
        self._styles: dict[str, str] = {}
        groups = (self.config.get("processingGroups") or {})
        who = f"🎧 {self.name or self.login or 'agent'}" + (f" · {self.login}" if self.login else "")
        self._state_html = w.HTML()
        self._call_html = w.HTML()
        self.proacd = w.Text(value=str(self.config.get("proacd") or ""), description="pro-ACD",
                             layout=w.Layout(width="190px", height="34px"), style={"description_width": "60px"})
        group_options = [str(g) for g in groups.get("groups") or []]
        self.group = w.Dropdown(options=group_options or [""], value=groups.get("preferred") or
                                (group_options[0] if group_options else ""), description="group",
                                layout=w.Layout(width="190px", height="34px"), style={"description_width": "50px"})
        self.buttons = {
            "logon": self._button("Log on", "success", self.logon),
            "ready": self._button("Ready", "success", self.ready),
            "pause": self._button("Pause", "", self.pause),
            "wrapup": self._button("Wrap-up", "warning", self.wrap_up),
            "logoff": self._button("Log off", "danger", self.logoff),
            "help": self._button("Help", "info", self.request_help),
            "withdraw": self._button("Withdraw", "danger", self.withdraw),
            "answer": self._button("Answer", "success", self.answer),
            "hangup": self._button("Hang up", "danger", self.hang_up),
        }
        self.reason = w.Dropdown(options=[], layout=w.Layout(width="220px", height="34px"))
        b = self.buttons
        logon_row = w.HBox([self.proacd, self.group, b["logon"], b["logoff"]],
                           layout=w.Layout(align_items="center", flex_flow="row wrap"))
        state_row = w.HBox([b["ready"], b["pause"], b["wrapup"], b["help"], self.reason, b["withdraw"]],
                           layout=w.Layout(align_items="center", flex_flow="row wrap"))
        call_row = w.HBox([self._call_html, b["answer"], b["hangup"]], layout=w.Layout(align_items="center"))
        return w.VBox([self._header(who), self._state_html, call_row, state_row, logon_row, self._message],
                      layout=w.Layout(border="1px solid #b0bec5", padding="8px 12px", max_width="900px"))

    def _render(self, state: State) -> None:
        name = sub_state(state["agent"])
        self._state_html.value = _state_banner(state)
        call = self.customer_call(state)
        self._call_html.value = _call_text(call)
        allowed = ALLOWED.get(name, set())
        for key, button in self.buttons.items():
            if key == "answer":
                self._enable(button, bool(call and call["answer"]))
            elif key == "hangup":
                self._enable(button, bool(call and call["hangup"]))
            else:
                self._enable(button, key in allowed)
        self.reason.disabled = "withdraw" not in allowed
        self.proacd.disabled = self.group.disabled = name != "LOG_OFF"

    def _snapshot_html(self, state: State) -> str:
        who = f"🎧 {esc(self.name or self.login or 'agent')}"
        return (f"<div style='font-size:17px;font-weight:600'>{who}</div>{_state_banner(state)}"
                f"<div style='margin-top:4px'>{_call_text(self.customer_call(state))}</div>")


def _label(name: str) -> tuple[str, str, str]:
    return AGENT_LABELS.get(name, (name.title().replace("_", " "), IDLE, "❔"))


def _state_banner(state: State) -> str:
    agent = state["agent"]
    name = sub_state(agent)
    label, colour, mark = _label(name)
    details = []
    if agent.get("proAcdDeviceNumber"):
        details.append(f"set {agent['proAcdDeviceNumber']}")
    if agent.get("pgNumber"):
        details.append(f"group {agent['pgNumber']}")
    if name == "WITHDRAW" and agent.get("withdrawReason") is not None:
        details.append(f"reason {agent['withdrawReason']}")
    if state.get("since"):
        details.append("since " + time.strftime("%H:%M:%S", time.localtime(state["since"])))
    return (f"<div class='o2g-agent-state' data-state='{esc(name)}' style='{FONT};margin:4px 0 6px 0'>"
            f"<span style='font-size:30px;font-weight:700;color:{colour}'>{mark} {esc(label)}</span>"
            f"<span style='font-size:16px;color:#546e7a;margin-left:10px'>{esc(' · '.join(details))}</span></div>")


def _call_text(call: dict[str, Any] | None) -> str:
    if call is None:
        return f"<span style='{FONT};font-size:15px;color:{IDLE}'>No customer call</span>"
    label, colour, _ = call_label(call["state"])
    extra = []
    if call.get("pilot"):
        extra.append(f"via pilot {call['pilot']}")
    if call.get("waited") is not None:
        extra.append(f"waited {call['waited']} s")
    return (f"<span style='{FONT};font-size:16px;margin-right:8px'>{pill(label, colour)} "
            f"<b>{esc(call['caller'])}</b> <span style='color:#546e7a'>{esc(' · '.join(extra))}</span></span>")
