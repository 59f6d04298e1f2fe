"""The CC Statistics service: historical figures of agents and pilots (o2g-api-ccd.md §8).

Administrator sessions. A *requester* (a supervisor and the agents it looks at) owns *contexts* (a
filter on agents, pilots or abandoned calls); data is read per context for one day (by slots) or for
several days (one row per day), as JSON or as a file announced by ``OnAcdStatsProgress`` events.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any
from urllib.parse import quote


class CallCenterStatistics:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def _req(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.o2g.request(method, "acd statistics", path, **kwargs)

    @staticmethod
    def _rid(requester: str) -> str:
        return "/scope/" + quote(requester, safe="")

    # ---------------------------------------------------------------- requesters
    def create_requester(self, identifier: str, agents: list[str], language: str = "EN",
                         timezone: str = "Europe/Paris") -> None:
        body = {"supervisor": {"identifier": identifier, "language": language, "timezone": timezone},
                "agents": [{"number": a} for a in agents]}
        self._req("POST", "/scope", json_body=body)

    def requester(self, identifier: str) -> dict[str, Any]:
        return self._req("GET", self._rid(identifier), expect_json=True)

    def delete_requester(self, identifier: str) -> None:
        self._req("DELETE", self._rid(identifier))

    # ---------------------------------------------------------------- contexts
    def create_agent_context(self, requester: str, agents: list[str], attributes: list[str] | None = None,
                             by_pilot: list[str] | None = None, label: str = "", description: str = "") -> str:
        """A context on agents (``attributes`` default ``ALL``); returns its id."""
        flt = {"agentFilter": {"numbers": agents, "agentAttributes": attributes or ["ALL"],
                               "pilotAttributes": by_pilot or []}}
        return self._create(requester, flt, label, description)

    def create_pilot_context(self, requester: str, pilots: list[str], attributes: list[str] | None = None,
                             label: str = "", description: str = "") -> str:
        return self._create(requester, {"pilotFilter": {"numbers": pilots, "attributes": attributes or ["ALL"]}},
                            label, description)

    def create_abandoned_calls_context(self, requester: str, pilots: list[str], attributes: list[str] | None = None,
                                       label: str = "", description: str = "") -> str:
        flt = {"pilotAbandonedCallFilter": {"numbers": pilots, "attributes": attributes or ["ALL"]}}
        return self._create(requester, flt, label, description)

    def _create(self, requester: str, flt: dict[str, Any], label: str, description: str) -> str:
        body = {"supervisorId": requester, "label": label, "description": description, "filter": flt}
        return self._req("POST", self._rid(requester) + "/ctx", json_body=body, expect_json=True)["id"]

    def contexts(self, requester: str) -> list[dict[str, Any]]:
        return self._req("GET", self._rid(requester) + "/ctx", expect_json=True)["contexts"]

    def context(self, requester: str, ctx: str) -> dict[str, Any]:
        return self._req("GET", f"{self._rid(requester)}/ctx/{ctx}", expect_json=True)

    def delete_context(self, requester: str, ctx: str | None = None) -> None:
        """Delete one context, or all of the requester's."""
        self._req("DELETE", self._rid(requester) + "/ctx" + (f"/{ctx}" if ctx else ""))

    # ---------------------------------------------------------------- data
    def day_data(self, requester: str, ctx: str, date: str, slot: str = "anHour") -> dict[str, Any]:
        """One day (``yyyy-MM-dd``) by slots: ``aQuarterOfAnHour``, ``halfAnHour`` or ``anHour``."""
        params = {"date": date, "slotType": slot, "format": "json"}
        return self._req("GET", f"{self._rid(requester)}/ctx/{ctx}/oneday/data", params=params, expect_json=True)

    def days_data(self, requester: str, ctx: str, begin: str, end: str) -> dict[str, Any]:
        """One row per day from ``begin`` to ``end`` (``yyyy-MM-dd``, at most 31 days)."""
        params = {"begindate": f"{begin} 00:00", "enddate": f"{end} 00:00", "format": "json"}
        return self._req("GET", f"{self._rid(requester)}/ctx/{ctx}/days/data", params=params, expect_json=True)

    def request_day_file(self, requester: str, ctx: str, date: str, file_format: str = "csv",
                         slot: str = "anHour") -> None:
        """Ask for a CSV/XLS file; follow ``OnAcdStatsProgress`` until step ``FORMATED``, then ``download``."""
        params = {"date": date, "slotType": slot, "format": file_format, "async": "true"}
        self._req("GET", f"{self._rid(requester)}/ctx/{ctx}/oneday/data", params=params)

    def cancel_file_request(self, requester: str) -> None:
        self._req("DELETE", self._rid(requester) + "/data/request")

    def download(self, full_res_path: str) -> tuple[str, bytes]:
        """The file of a ``FORMATED`` event: ``(name, content)`` of the first entry of the ZIP."""
        base = self.o2g.service_url("acd statistics").split("/api/rest")[0]
        content = self.o2g.transport.download(base + full_res_path)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            name = archive.namelist()[0]
            return name, archive.read(name)

    # ---------------------------------------------------------------- scheduled reports
    def _schedules(self, requester: str, ctx: str) -> str:
        return f"{self._rid(requester)}/ctx/{ctx}/schedule"

    def create_schedule(self, requester: str, ctx: str, schedule: dict[str, Any]) -> str:
        """Store a ``ScheduleRequest`` (name, obsPeriod, frequency, recipients, fileType); returns its id."""
        return self._req("POST", self._schedules(requester, ctx), json_body=schedule, expect_json=True)["id"]

    def schedules(self, requester: str, ctx: str) -> list[dict[str, Any]]:
        return self._req("GET", self._schedules(requester, ctx), expect_json=True)["schedules"]

    def schedule(self, requester: str, ctx: str, sid: str) -> dict[str, Any]:
        return self._req("GET", f"{self._schedules(requester, ctx)}/{sid}", expect_json=True)

    def update_schedule(self, requester: str, ctx: str, sid: str, schedule: dict[str, Any]) -> None:
        self._req("PUT", f"{self._schedules(requester, ctx)}/{sid}", json_body=schedule)

    def delete_schedule(self, requester: str, ctx: str, sid: str) -> None:
        self._req("DELETE", f"{self._schedules(requester, ctx)}/{sid}")

    def enable_schedule(self, requester: str, ctx: str, sid: str, enable: bool = True) -> None:
        self._req("POST", f"{self._schedules(requester, ctx)}/{sid}/enable", params={"enable": str(enable).lower()})
