"""Each user's routing: presentation (remote extension), forward, overflow and do-not-disturb."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RoutingState:
    """What O2G reports in ``GET /routing/state`` for one user."""

    mobile_selected: bool | None = None  # None: no remote extension configured
    forward: dict[str, Any] | None = None  # {"forwardType"?: ..., "destinations": [...]}
    overflow: dict[str, Any] | None = None
    dnd: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        presentation = []
        if self.mobile_selected is not None:
            presentation = [{"destinations": [{"type": "MOBILE", "selected": self.mobile_selected}]}]
        return {
            "presentationRoutes": presentation,
            "forwardRoutes": [self.forward] if self.forward else [],
            "overflowRoutes": [self.overflow] if self.overflow else [],
            "dndState": {"activate": self.dnd},
        }

    @staticmethod
    def capabilities() -> dict[str, bool]:
        return {"presentationRoute": True, "forwardRoute": True, "overflowRoute": True, "dnd": True}
