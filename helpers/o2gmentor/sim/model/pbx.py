"""The simulated PBX as one object: site data, calls, routing, clock and event bus together."""

from __future__ import annotations

from typing import Any

from o2gmentor.sim.clock import VirtualClock
from o2gmentor.sim.model import ccd_history
from o2gmentor.sim.model.bus import EventBus
from o2gmentor.sim.model.callbacks import Callbacks
from o2gmentor.sim.model.calls import CallEngine
from o2gmentor.sim.model.ccd import ContactCenter
from o2gmentor.sim.model.comlog import ComLog
from o2gmentor.sim.model.incidents import IncidentLog
from o2gmentor.sim.model.management import ManagementTree
from o2gmentor.sim.model.phonesets import PhoneSets
from o2gmentor.sim.model.routing import RoutingState
from o2gmentor.sim.model.site import Site, User
from o2gmentor.sim.model.system import SystemState
from o2gmentor.sim.model.voicemail import Voicemail


class Pbx:
    """The OXE behind the simulated O2G. ``reset()`` puts it back to its scenario."""

    def __init__(self, scenario: dict[str, Any], clock: VirtualClock | None = None, seed: int = 7,
                 with_history: bool = True) -> None:
        self.scenario = scenario
        self.seed = seed
        self.with_history = with_history
        self.clock = clock or VirtualClock()
        self.bus = EventBus()
        self._build()

    def _build(self) -> None:
        self.site = Site(self.scenario)
        self.routing: dict[str, RoutingState] = {
            login: RoutingState(mobile_selected=False if user.mobile else None)
            for login, user in self.site.users.items()}
        self._summaries: dict[str, dict[str, Any]] = {}
        self.calls = CallEngine(self.site, self.bus, self.clock, self.seed, routing_of=self.routing_of,
                                on_voice_message=self._voice_message)
        self.comlog = ComLog(self.bus, self.calls.identity, self.summary_changed)
        self.voicemail = Voicemail(self.summary_changed)
        self.callbacks = Callbacks(self.summary_changed)
        self.calls.history.listeners.append(self.comlog.add)
        self.system = SystemState.from_scenario(self.scenario, self.bus, self.clock.now())
        self.incidents = IncidentLog(self)
        self.management = ManagementTree(self)
        self.phonesets = PhoneSets(self)
        self.ccd = ContactCenter(self)
        if self.with_history:
            self.ccd.records, self.ccd.periods = (list(x) for x in ccd_history.history(self.scenario, self.clock.now()))

    def reset(self) -> None:
        """Hang up every call (with its events), then reload the scenario's data."""
        for ref in list(self.calls.calls):
            if ref in self.calls.calls:
                self.calls.release(ref)
        self.clock.clear()
        self._build()

    def routing_of(self, login: str) -> RoutingState:
        return self.routing.setdefault(login, RoutingState())

    # ---------------------------------------------------------------- event summary
    def event_summary(self, login: str) -> dict[str, Any]:
        """The counters of ``GET /eventsummary`` and ``OnEventSummaryUpdated``, from the comlog,
        the mailbox and the callback requests, so they always agree with those services."""
        missed = self.comlog.missed_count(login)
        voice = self.voicemail.unread_count(login)
        callbacks = len(self.callbacks.of(login))
        return {"missedCallsNb": missed, "voiceMessagesNb": voice, "callBackRequestsNb": callbacks,
                "faxNb": 0, "newTextNb": 0, "oldTextNb": 0, "eventWaiting": bool(missed or voice or callbacks)}

    def summary_changed(self, login: str) -> None:
        """Publish ``OnEventSummaryUpdated`` if the user's counters moved."""
        summary = self.event_summary(login)
        if self._summaries.get(login, {"missedCallsNb": 0, "voiceMessagesNb": 0, "callBackRequestsNb": 0,
                                       "faxNb": 0, "newTextNb": 0, "oldTextNb": 0, "eventWaiting": False}) != summary:
            self._summaries[login] = summary
            self.bus.publish("eventSummary", login, {"eventName": "OnEventSummaryUpdated", "loginName": login,
                                                     "eventSummary": summary})

    def _voice_message(self, owner: str, caller: str, duration: float, date: float) -> None:
        self.voicemail.deposit(owner, caller, duration, date)

    def publish_routing(self, login: str) -> None:
        """Tell the user's watchers its routing changed (``OnRoutingStateChanged``, package routingManagement)."""
        self.bus.publish("routingManagement", login, {
            "eventName": "OnRoutingStateChanged", "loginName": login,
            "routingState": self.routing_of(login).to_json()})

    def add_user(self, user: User) -> None:
        """A new O2G user (e.g. a Subscriber created with A4980): it can log in, call and be called."""
        self.site.add_user(user)
        self.routing[user.login] = RoutingState()
        self.calls.user_added(user.login)

    def remove_user(self, login: str) -> User:
        """Remove an O2G user: its calls end first, its open sessions stop working."""
        user = self.site.users[login]
        for device in user.devices:
            for call in list(self.calls.calls_of(device.id)):
                self.calls.release(call.ref)
        self.routing.pop(login, None)
        gone = {d.id for d in user.devices}
        for other, routing in self.routing.items():  # forwards to the removed user's sets end with it
            for kind in ("forward", "overflow"):
                route = getattr(routing, kind)
                if route and route["destinations"][0].get("number") in gone:
                    setattr(routing, kind, None)
                    self.publish_routing(other)
        removed = self.site.remove_user(login)
        self.calls.user_removed(login)
        return removed
