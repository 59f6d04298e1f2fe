"""The communication log: a record per call per user, with read/unread marks (o2g-api-core.md §13)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def _iso(value: datetime | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Comlog:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def records(self, *, login: str | None = None, after: datetime | str | None = None,
                before: datetime | str | None = None, unanswered: bool = False, unacknowledged: bool = False,
                role: str | None = None, com_ref: str | None = None, remote: str | None = None,
                offset: int = 0, limit: int = 0) -> dict[str, Any]:
        """One page of records, newest first: ``{offset, limit, totalCount, comHistoryRecords}``."""
        params = {"loginName": login, "afterDate": _iso(after), "beforeDate": _iso(before),
                  "unanswered": "true" if unanswered else None,
                  "unacknowledged": "true" if unacknowledged else None, "role": role, "comRef": com_ref,
                  "remotePartyId": remote, "offset": offset or None, "limit": limit or None}
        return self.o2g.request("GET", "comlog", params=params, expect_json=True)

    def all_records(self, **filters: Any) -> list[dict[str, Any]]:
        """Every matching record (pages through the results)."""
        rows: list[dict[str, Any]] = []
        while True:
            page = self.records(offset=len(rows), limit=100, **filters)
            rows += page["comHistoryRecords"]
            if not page["comHistoryRecords"] or len(rows) >= page["totalCount"]:
                return rows

    def record(self, record_id: int, login: str | None = None) -> dict[str, Any]:
        return self.o2g.request("GET", "comlog", f"/{record_id}", params={"loginName": login}, expect_json=True)

    def acknowledge(self, record_ids: list[int], read: bool = True, login: str | None = None) -> None:
        """Mark records read (or unread again with ``read=False``)."""
        self.o2g.request("PUT", "comlog", json_body={"recordIds": list(record_ids)},
                         params={"acknowledge": "true" if read else "false", "loginName": login})

    def delete(self, record_ids: list[int], login: str | None = None) -> None:
        self.o2g.request("DELETE", "comlog", params={"recordIdList": ",".join(map(str, record_ids)),
                                                     "loginName": login})
