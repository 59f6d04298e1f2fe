"""The routing service, read side: capabilities, state, DND, forward (o2g-api-core.md §11)."""

from __future__ import annotations

from typing import Any


class Routing:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def _params(self, login: str | None) -> dict[str, Any]:
        return {"loginName": login} if login else {}

    def capabilities(self, login: str | None = None) -> dict[str, bool]:
        return self.o2g.request("GET", "routing", params=self._params(login), expect_json=True)

    def state(self, login: str | None = None) -> dict[str, Any]:
        """``presentationRoutes``, ``forwardRoutes``, ``overflowRoutes`` and ``dndState``."""
        return self.o2g.request("GET", "routing", "/state", params=self._params(login), expect_json=True)

    def dnd(self, login: str | None = None) -> bool:
        return bool(self.o2g.request("GET", "routing", "/dnd", params=self._params(login),
                                     expect_json=True).get("activate"))

    def forward(self, login: str | None = None) -> dict[str, Any] | None:
        """The forward route, or None (O2G answers an empty body when there is none)."""
        return self.o2g.request("GET", "routing", "/forwardroute", params=self._params(login)) or None
