"""The simulated PBX as one object: site data, calls, routing, clock and event bus together."""

from __future__ import annotations

from typing import Any

from o2gmentor.sim.clock import VirtualClock
from o2gmentor.sim.model.bus import EventBus
from o2gmentor.sim.model.calls import CallEngine
from o2gmentor.sim.model.routing import RoutingState
from o2gmentor.sim.model.site import Site


class Pbx:
    """The OXE behind the simulated O2G. ``reset()`` puts it back to its scenario."""

    def __init__(self, scenario: dict[str, Any], clock: VirtualClock | None = None, seed: int = 7) -> None:
        self.scenario = scenario
        self.seed = seed
        self.clock = clock or VirtualClock()
        self.bus = EventBus()
        self._build()

    def _build(self) -> None:
        self.site = Site(self.scenario)
        self.calls = CallEngine(self.site, self.bus, self.clock, self.seed)
        self.routing: dict[str, RoutingState] = {login: RoutingState() for login in self.site.users}

    def reset(self) -> None:
        """Hang up every call (with its events), then reload the scenario's data."""
        for ref in list(self.calls.calls):
            if ref in self.calls.calls:
                self.calls.release(ref)
        self._build()

    def routing_of(self, login: str) -> RoutingState:
        return self.routing.setdefault(login, RoutingState())
