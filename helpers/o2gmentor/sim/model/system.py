"""The O2G server itself: HA pair, OXE nodes and their links, licences (o2g-api-core.md §17, §8.7).

Faults for the robustness lessons change this state and publish the ``system`` events an O2G
administrator would receive: CTI or PBX link down/up, licence expiring, the HA pair switching.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from o2gmentor.sim.model.bus import EventBus

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def licence_date(ts: float) -> str:
    """``dd-mon-yyyy``, the only format the Node SDK parses (e.g. ``31-dec-2030``)."""
    day = datetime.fromtimestamp(ts, tz=timezone.utc)
    return f"{day.day:02d}-{MONTHS[day.month - 1]}-{day.year}"


def parse_licence_date(text: str) -> float:
    day, month, year = text.split("-")
    return datetime(int(year), MONTHS.index(month.lower()) + 1, int(day), 23, 59, 59, tzinfo=timezone.utc).timestamp()


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Node:
    """One OXE node as O2G sees it."""

    node_id: str
    name: str
    fqdn: str
    ip: str
    version: str
    secondary_fqdn: str | None = None
    cti_link: str = "CONNECTED_MAIN"  # CONNECTED_MAIN | CONNECTED_SECONDARY | DISCONNECTED
    pbx_link: bool = True
    loaded: bool = True


@dataclass
class Licence:
    name: str
    grants: str
    total: int
    expiration: float


@dataclass
class SystemState:
    """What ``GET /system/status`` reports, and the faults that change it."""

    bus: EventBus
    scenario: dict[str, Any]
    started: float
    nodes: dict[str, Node] = field(default_factory=dict)
    licences: dict[str, Licence] = field(default_factory=dict)
    active_server: str = "primary"
    unavailable_until: float = 0.0

    @classmethod
    def from_scenario(cls, scenario: dict[str, Any], bus: EventBus, now: float) -> SystemState:
        state = cls(bus, scenario, now)
        for raw in scenario.get("nodes", [{"id": "1", "name": "OXE"}]):
            state.nodes[str(raw["id"])] = Node(
                str(raw["id"]), raw.get("name", f"OXE{raw['id']}"), raw.get("fqdn", f"oxe{raw['id']}.example"),
                raw.get("ip", "192.0.2.10"), raw.get("version", "n4.513.9"), raw.get("secondary_fqdn"))
        for raw in scenario.get("licences", []):
            state.licences[raw["name"]] = Licence(raw["name"], raw.get("grants", raw["name"]), int(raw["total"]),
                                                  parse_licence_date(raw["expiration"]))
        return state

    # ---------------------------------------------------------------- questions
    @property
    def ha(self) -> bool:
        return bool(self.scenario.get("server", {}).get("haMode"))

    def server_names(self) -> tuple[str, str | None]:
        ha = self.scenario.get("ha", {})
        primary = ha.get("primary", "o2g.example")
        secondary = ha.get("secondary") if self.ha else None
        return (primary, secondary) if self.active_server == "primary" else (secondary or primary, primary)

    def node_of_user_is_up(self, node_id: str) -> bool:
        node = self.nodes.get(node_id)
        return node is None or node.cti_link != "DISCONNECTED"

    def unavailable(self, now: float) -> bool:
        return now < self.unavailable_until

    def licence_granting(self, grant: str) -> Licence | None:
        return next((lic for lic in self.licences.values() if lic.grants == grant), None)

    def expired(self, grant: str, now: float) -> bool:
        lic = self.licence_granting(grant)
        return lic is not None and lic.expiration < now

    # ---------------------------------------------------------------- faults
    def _publish(self, name: str, **fields: Any) -> None:
        self.bus.publish("system", None, {"eventName": name, **fields})

    def set_cti_link(self, node_id: str, up: bool) -> None:
        node = self.nodes[node_id]
        if up == (node.cti_link != "DISCONNECTED"):
            return
        node.cti_link = "CONNECTED_MAIN" if up else "DISCONNECTED"
        self._publish("OnCtiLinkUp" if up else "OnCtiLinkDown", nodeId=node_id)

    def set_pbx_link(self, node_id: str, up: bool) -> None:
        node = self.nodes[node_id]
        if node.pbx_link == up:
            return
        node.pbx_link = up
        self._publish("OnPbxLinkUp" if up else "OnPbxLinkDown", nodeId=node_id)
        if up:
            node.loaded = True
            self._publish("OnPbxLoaded", nodeId=node_id)

    def expire_licence(self, name: str, days: float, now: float) -> Licence:
        """Move a licence's expiry ``days`` from now (negative: already expired) and warn."""
        lic = self.licences[name]
        lic.expiration = now + days * 86400
        word = "expires" if days >= 0 else "expired"
        self._publish("OnLicenseExpiration", message=f"licence {name} {word} on {licence_date(lic.expiration)}",
                      nbDays=int(days))
        return lic

    def restore_licences(self, names: list[str] | None = None) -> list[str]:
        """Put licences (all when ``names`` is None) back to the scenario's expiry dates; returns their names.

        A renewed licence file sends no event (none is documented); the ``OnLicenseExpiration`` warnings stop.
        """
        dates = {raw["name"]: raw["expiration"] for raw in self.scenario.get("licences", [])}
        wanted = list(self.licences) if names is None else list(names)
        for name in wanted:
            self.licences[name].expiration = parse_licence_date(dates[name])
        return wanted

    def switch_over(self, now: float) -> str:
        """The HA pair swaps roles: the twin link drops, the other server starts."""
        _, twin = self.server_names()
        self.active_server = "secondary" if self.active_server == "primary" else "primary"
        active, _ = self.server_names()
        self._publish("OnRemoteServerLinkDown", host=twin or "")
        self._publish("OnServerStart", serverId=active)
        self._publish("OnRemoteServerLinkUp", host=twin or "")
        self.started = now
        return active

    # ---------------------------------------------------------------- the status object
    def status(self, monitored: dict[str, int], used: dict[str, int], now: float) -> dict[str, Any]:
        """The ``SystemStatus`` object; ``monitored``: users per node, ``used``: licences in use."""
        primary, secondary = self.server_names()
        version = self.scenario.get("ha", {}).get("version", "2.7.5.000")
        names = ("apache", "flexlm", "postgresql", "tomcat")
        services = {"services": [{"name": n, "status": "STARTED"} for n in names],
                    "globalIPAdress": "STARTED" if self.ha else "NOT_CONFIGURED",
                    "drbd": "UP_TO_DATE" if self.ha else "NOT_CONFIGURED"}
        body: dict[str, Any] = {
            "logicalAddress": {"fqdn": self.scenario.get("ha", {}).get("logical", primary), "ip": "127.0.0.1"},
            "startDate": iso(self.started),
            "ha": self.ha,
            "primary": primary, "primaryVersion": version, "primaryServicesStatus": services,
            "pbxs": [self._node_status(node, monitored.get(node.node_id, 0)) for node in self.nodes.values()],
            "license": {
                "type": "FLEXLM", "context": "", "currentServer": primary, "status": "NORMAL", "statusMessage": "",
                "lics": [{"name": lic.name, "total": lic.total, "currentUsed": min(lic.total, used.get(lic.grants, 0)),
                          "expiration": licence_date(lic.expiration), "application": True}
                         for lic in self.licences.values()],
            },
            "systemResources": {"fqdn": primary, "ip": "127.0.0.1"},
            "configurationType": self.scenario.get("configuration", "FULL_SERVICES"),
            "subscriberFilter": self.scenario.get("subscriber_filter", "A4980"),
            "applicationId": self.scenario.get("name", "default"),
        }
        if secondary:
            body.update({"secondary": secondary, "secondaryVersion": version, "secondaryServicesStatus": services})
        expired = [lic.name for lic in self.licences.values() if lic.expiration < now]
        if expired:
            body["license"]["status"] = "EXPIRED"
            body["license"]["statusMessage"] = "expired: " + ", ".join(expired)
        return body

    @staticmethod
    def _node_status(node: Node, monitored: int) -> dict[str, Any]:
        return {
            "name": node.name, "nodeId": int(node.node_id),
            "mainAddress": {"fqdn": node.fqdn, "ip": node.ip},
            "secondaryAddress": {"fqdn": node.secondary_fqdn, "ip": None} if node.secondary_fqdn else None,
            "version": node.version, "connected": node.pbx_link, "loaded": node.loaded,
            "ctiLinkState": node.cti_link, "secured": True, "monitoredUserNumber": monitored,
            "lmsConnectionStatus": True,
        }
