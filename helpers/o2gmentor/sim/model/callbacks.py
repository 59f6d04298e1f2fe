"""Callback requests: "call me back" left on a busy or unanswered user (o2g-api-core.md §9 #22, #43–46)."""

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
        self._next = 1

    def add(self, owner: str, requester: str, date: float) -> CallbackRequest:
        """One request per requester: asking again replaces the earlier one (inferred)."""
        for old in [r for r in self.requests.values() if r.owner == owner and r.requester == requester]:
            del self.requests[old.callback_id]
        request = CallbackRequest(str(self._next), owner, requester, date)
        self._next += 1
        self.requests[request.callback_id] = request
        self.on_change(owner)
        return request

    def of(self, owner: str) -> list[CallbackRequest]:
        return sorted((r for r in self.requests.values() if r.owner == owner), key=lambda r: int(r.callback_id))

    def delete(self, owner: str, callback_id: str | None = None) -> int:
        """Delete one request, or all of the owner's; returns how many went."""
        gone = [r.callback_id for r in self.of(owner) if callback_id in (None, r.callback_id)]
        for key in gone:
            del self.requests[key]
        if gone:
            self.on_change(owner)
        return len(gone)
