"""Callback requests: "call me back" left on a busy or unanswered user (o2g-api-core.md §9 #22, #43–46).

Indexed per owner (one request per requester), so they stay bounded by the site's numbers and cost O(the
owner's requests) to read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class CallbackRequest:
    callback_id: str
    owner: str  # the user asked to call back
    requester: str  # the number to call back
    date: float


class Callbacks:
    def __init__(self, on_change: Callable[[str], None]) -> None:
        self.on_change = on_change
        self.requests: dict[str, CallbackRequest] = {}
        self._by_owner: dict[str, dict[str, CallbackRequest]] = {}
        self._next = 1

    def add(self, owner: str, requester: str, date: float) -> CallbackRequest:
        """One request per requester: asking again replaces the earlier one (inferred)."""
        mine = self._by_owner.setdefault(owner, {})
        for old in [r for r in mine.values() if r.requester == requester]:
            del self.requests[old.callback_id]
            del mine[old.callback_id]
        request = CallbackRequest(str(self._next), owner, requester, date)
        self._next += 1
        self.requests[request.callback_id] = request
        mine[request.callback_id] = request
        self.on_change(owner)
        return request

    def of(self, owner: str) -> list[CallbackRequest]:
        return sorted(self._by_owner.get(owner, {}).values(), key=lambda r: int(r.callback_id))

    def delete(self, owner: str, callback_id: str | None = None) -> int:
        """Delete one request, or all of the owner's; returns how many went."""
        gone = [r.callback_id for r in self.of(owner) if callback_id in (None, r.callback_id)]
        for key in gone:
            del self.requests[key]
            del self._by_owner[owner][key]
        if gone:
            self.on_change(owner)
        return len(gone)
