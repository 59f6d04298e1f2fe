"""System maintenance: the O2G server's status — nodes, CTI links, licences, HA (o2g-api-core.md §17)."""

from __future__ import annotations

from typing import Any


class Maintenance:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def status(self) -> dict[str, Any]:
        """``GET system/status`` (administrator sessions only)."""
        return self.o2g.request("GET", "maintenance", "/status", expect_json=True)

    def problems(self) -> list[str]:
        """What an administrator should look at, in words (empty when all is well)."""
        status = self.status()
        found = []
        for pbx in status.get("pbxs", []):
            name = f"OXE node {pbx.get('nodeId')} ({pbx.get('name')})"
            if not pbx.get("connected"):
                found.append(f"{name}: management link down")
            if not pbx.get("loaded"):
                found.append(f"{name}: users not loaded yet")
            if pbx.get("ctiLinkState") == "DISCONNECTED":
                found.append(f"{name}: CTI link down")
        license_ = status.get("license", {})
        if license_.get("status") not in (None, "NORMAL"):
            found.append(f"licences: {license_.get('status')} {license_.get('statusMessage', '')}".strip())
        for lic in license_.get("lics", []):
            if lic.get("total") and lic.get("currentUsed", 0) >= lic["total"]:
                found.append(f"licence {lic['name']}: all {lic['total']} in use")
        return found
