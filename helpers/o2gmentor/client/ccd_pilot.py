"""The CC Pilot service: start and stop monitoring a pilot (o2g-api-ccd.md §6); administrator sessions."""

from __future__ import annotations

from typing import Any


class CallCenterPilot:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def monitor_start(self, pilot: str) -> None:
        """Pilot events (``OnPilotCallCreated/Queued/Removed``) flow for this pilot from now on."""
        self.o2g.request("POST", "acdpilotmonitoring", f"/{pilot}")

    def monitor_stop(self, pilot: str) -> None:
        self.o2g.request("DELETE", "acdpilotmonitoring", f"/{pilot}")

    def transfer_info(self, pilot: str, node: str = "1", login: str | None = None) -> dict[str, Any]:
        """Whether a call can be transferred to the pilot now, and the expected wait (telephony service)."""
        return self.o2g.request("POST", "telephony", f"/pilots/{node}/{pilot}/transferInfo",
                                params={"loginName": login}, expect_json=True)
