"""Analytics: OXE incidents and charging (o2g-api-core.md §18). Administrator + ANALYTICS licence."""

from __future__ import annotations

from datetime import date
from typing import Any


def day(value: date | str | None) -> str | None:
    """A ``datetime.date`` or a ``yyyyMMdd`` string as O2G wants it."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    return str(value)


class Analytics:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def incidents(self, node_id: int | str, last: int | None = None) -> list[dict[str, Any]]:
        """The node's incidents (``date`` dd/MM/yy, ``hour``, ``severity``, ``value``, ``type``…), oldest first."""
        return self.o2g.request("GET", "analytics", "/incidents", params={"nodeId": node_id, "last": last},
                                expect_json=True)["incidents"]

    def charging_files(self, node_id: int | str, from_date: date | str | None = None,
                       to_date: date | str | None = None) -> list[dict[str, Any]]:
        """The charging files (``name``, ``date``, ``time``) between two days, or all of them."""
        params = {"nodeId": node_id, "fromDate": day(from_date), "toDate": day(to_date)}
        return self.o2g.request("GET", "analytics", "/charging/files", params=params, expect_json=True)["files"]

    def chargings(self, node_id: int | str, from_date: date | str | None = None, to_date: date | str | None = None,
                  files: list[str] | None = None, top: int | None = None, all: bool = False) -> dict[str, Any]:
        """Charging tickets from a date range or from named files.

        Returns ``{chargings, fromDate, toDate, nbChargingFiles, totalTicketNb, valuableTicketNb}``;
        ``top`` keeps the ``top`` costliest callers, ``all`` adds the non-valuable tickets.
        """
        params: dict[str, Any] = {"nodeId": node_id, "top": top, "all": "true" if all else None}
        if files is not None:
            params["files"] = ",".join(files)
        else:
            params.update(fromDate=day(from_date), toDate=day(to_date))
        return self.o2g.request("GET", "analytics", "/charging", params=params, expect_json=True)
