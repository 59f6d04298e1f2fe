"""OXE incidents, as ``GET /analytics/incidents`` reports them (o2g-api-core.md §18).

The log starts with a few seeded incidents, dated a fixed number of minutes before the log was
opened (virtual clock, UTC), so a course run always shows the same list. Their numbers and texts are
illustrative, not ALE's incident catalogue. ``add_incident`` is the hook for fault injection.

It lives on the PBX (``pbx.incidents``), so ``Pbx.reset()`` gives a fresh, re-seeded log like the
rest of the scenario's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from o2gmentor.sim.model.charging import utc

# (minutes before the log opened, incident id, severity, description, main, rack, board, equipment, termination)
SEED = [
    (1440, "2321", 4, "Database backup completed", True, None, None, None, None),
    (720, "5011", 2, "IP phone signalling link lost", True, "0", "1", "3", "12"),
    (240, "3606", 3, "NTP server not reachable", True, None, None, None, None),
    (90, "1312", 1, "Trunk group out of service", False, "0", "2", None, None),
    (15, "0025", 3, "CPU load above threshold", True, None, None, None, None),
]


@dataclass
class Incident:
    """One OXE incident: when, how severe, which one, where."""

    at: float
    value: str
    severity: int
    type: str
    node: str
    main: bool = True
    nb_occurs: int = 1
    rack: str | None = None
    board: str | None = None
    equipment: str | None = None
    termination: str | None = None

    def to_json(self) -> dict[str, Any]:
        when = utc(self.at)
        body: dict[str, Any] = {
            "date": f"{when:%d/%m/%y}", "hour": f"{when:%H:%M:%S}", "severity": self.severity,
            "value": self.value, "type": self.type, "nbOccurs": self.nb_occurs, "node": self.node,
            "main": self.main,
        }
        for name in ("rack", "board", "equipment", "termination"):
            if getattr(self, name) is not None:
                body[name] = getattr(self, name)
        return body


class IncidentLog:
    """The incidents of every node of one site, oldest first."""

    def __init__(self, pbx) -> None:
        self.pbx = pbx
        self.incidents: list[Incident] = []
        now = pbx.clock.now()
        node = pbx.site.nodes[0]["id"] if pbx.site.nodes else "1"
        for minutes, value, severity, text, main, rack, board, equipment, termination in SEED:
            self.incidents.append(Incident(now - 60 * minutes, value, severity, text, str(node), main,
                                           1, rack, board, equipment, termination))

    def add_incident(self, value: str, severity: int, type: str, *, node: str | None = None, main: bool = True,
                     rack: str | None = None, board: str | None = None, equipment: str | None = None,
                     termination: str | None = None) -> Incident:
        """Record an incident now (e.g. an injected fault); a repeat of the last one counts an occurrence."""
        node = str(node or (self.pbx.site.nodes[0]["id"] if self.pbx.site.nodes else "1"))
        last = self.incidents[-1] if self.incidents else None
        if last and (last.value, last.node, last.rack, last.board) == (value, node, rack, board):
            last.nb_occurs += 1
            last.at = self.pbx.clock.now()
            return last
        incident = Incident(self.pbx.clock.now(), str(value), int(severity), type, node, main, 1,
                            rack, board, equipment, termination)
        self.incidents.append(incident)
        return incident

    def of_node(self, node: str, last: int | None = None) -> list[Incident]:
        """The node's incidents, oldest first; with ``last``, only the ``last`` most recent."""
        found = [i for i in self.incidents if i.node == str(node)]
        return found[-last:] if last else found


def incident_log(pbx) -> IncidentLog:
    """The incident log of ``pbx``'s site."""
    return pbx.incidents
