"""The CC Management service: pilots, their calendars, opening and closing (o2g-api-ccd.md §9).

Administrator sessions; every path starts with the OXE node id. Transition numbers are 1-based, as on
the wire.
"""

from __future__ import annotations

from typing import Any


class CallCenterManagement:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def _path(self, node: str | int, pilot: str | None = None) -> str:
        return f"/{node}/pilots" + (f"/{pilot}" if pilot else "")

    def pilots(self, node: str | int = 1) -> list[dict[str, Any]]:
        """Each pilot: number, name, state (Opened/Closed), waitingTime, saturation, rules."""
        return self.o2g.request("GET", "acdmanagement", self._path(node), expect_json=True)["pilotList"]

    def pilot(self, pilot: str, node: str | int = 1) -> dict[str, Any]:
        return self.o2g.request("GET", "acdmanagement", self._path(node, pilot), expect_json=True)

    def open(self, pilot: str, node: str | int = 1) -> None:
        self.o2g.request("POST", "acdmanagement", self._path(node, pilot) + "/open")

    def close(self, pilot: str, node: str | int = 1) -> None:
        """Close the pilot: new calls go to its overflow destination."""
        self.o2g.request("POST", "acdmanagement", self._path(node, pilot) + "/close")

    def calendar(self, pilot: str, node: str | int = 1) -> dict[str, Any]:
        """``{normalDays, exceptionDays}``."""
        return self.o2g.request("GET", "acdmanagement", self._path(node, pilot) + "/calendar", expect_json=True)

    def _day(self, pilot: str, node: str | int, day: str) -> str:
        """``day``: a weekday name (normal calendar) or ``yyyyMMdd`` (exception calendar)."""
        kind = "exception" if day.isdigit() else "normal"
        return f"{self._path(node, pilot)}/calendar/{kind}/{day}/transitions"

    def add_transition(self, pilot: str, day: str, time: str, rule: int = 1, mode: str = "normal",
                       node: str | int = 1) -> None:
        body = {"time": time, "ruleNumber": rule, "mode": mode}
        self.o2g.request("POST", "acdmanagement", self._day(pilot, node, day), json_body=body)

    def change_transition(self, pilot: str, day: str, number: int, time: str, rule: int = 1, mode: str = "normal",
                          node: str | int = 1) -> None:
        body = {"time": time, "ruleNumber": rule, "mode": mode}
        self.o2g.request("PUT", "acdmanagement", f"{self._day(pilot, node, day)}/{number}", json_body=body)

    def delete_transition(self, pilot: str, day: str, number: int, node: str | int = 1) -> None:
        self.o2g.request("DELETE", "acdmanagement", f"{self._day(pilot, node, day)}/{number}")
