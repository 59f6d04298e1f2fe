"""The CC Realtime service (RTI): live indicators of agents, pilots, queues and groups (o2g-api-ccd.md §7).

Administrator sessions. The usual sequence: ``set_context(...)``, subscribe to ``rti`` (ids ``["*"]``),
``start()``; then ``OnAgentRtiChanged``, ``OnPilotRtiChanged``, ``OnQueueRtiChanged``, ``OnPGAgentRtiChanged``
events carry the changed values every ``notif_frequency`` seconds.
"""

from __future__ import annotations

from typing import Any

ALL = ["ALL"]


class CallCenterRealtime:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def _get(self, path: str = "") -> Any:
        return self.o2g.request("GET", "acdrealtime", path, expect_json=True)

    def objects(self) -> dict[str, list[dict[str, str]]]:
        """Every object RTI can watch: ``{agents, pilots, queues, pgAgents, pgOthers}``."""
        return self._get()

    def agents(self) -> list[dict[str, str]]:
        return self._get("/agents")["agents"]

    def pilots(self) -> list[dict[str, str]]:
        return self._get("/pilots")["pilots"]

    def queues(self) -> list[dict[str, str]]:
        return self._get("/queues")["queues"]

    def groups(self) -> list[dict[str, str]]:
        """The agent processing groups (``pgAgents``)."""
        return self._get("/pgAgents")["pgAgents"]

    def other_groups(self) -> list[dict[str, str]]:
        return self._get("/pgOthers")["pgOthers"]

    @staticmethod
    def sub_filter(numbers: list[str] | None = None, attributes: list[str] | None = None) -> dict[str, list[str]]:
        """One object filter: ``numbers`` (empty: all) and ``attributes`` (default ``ALL``)."""
        return {"numbers": list(numbers or []), "attributes": list(attributes or ALL)}

    def set_context(self, *, agents: dict | None = None, pilots: dict | None = None, queues: dict | None = None,
                    groups: dict | None = None, other_groups: dict | None = None, obs_period: int = 30,
                    notif_frequency: int = 5) -> None:
        """Define what to watch (each argument made with ``sub_filter``); obs_period in minutes (15–60)."""
        keys = {"agentFilter": agents, "pilotFilter": pilots, "queueFilter": queues, "pgAgentFilter": groups,
                "pgOtherFilter": other_groups}
        body = {"active": False, "obsPeriod": obs_period, "notifFrequency": notif_frequency,
                "filter": {k: v for k, v in keys.items() if v is not None}}
        self.o2g.request("POST", "acdrealtime", "/ctx", json_body=body)

    def context(self) -> dict[str, Any]:
        return self._get("/ctx")

    def delete_context(self) -> None:
        """Stop the notifications and forget the context."""
        self.o2g.request("DELETE", "acdrealtime", "/ctx")

    def start(self) -> None:
        """Send the current values now, then the changes periodically (``POST snapshot``)."""
        self.o2g.request("POST", "acdrealtime", "/snapshot")
