"""The event summary: missed calls, voice messages, callback requests (o2g-api-core.md §12)."""

from __future__ import annotations

from typing import Any


class EventSummary:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def get(self, login: str | None = None) -> dict[str, Any]:
        params = {"loginName": login} if login else None
        return self.o2g.request("GET", "eventsummary", params=params, expect_json=True)
