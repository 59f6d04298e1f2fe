"""The users management service: which OXE subscribers are O2G users (o2g-api-core.md §20).

Administrator sessions only. Creating a user does not create a phone: the subscriber must exist on the
OXE (see ``PbxManagement``); this service makes it an O2G user (and back).
"""

from __future__ import annotations

from typing import Any


class UserManagement:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def logins(self, node_ids: list[str | int] | None = None) -> list[str]:
        """The O2G users' logins, optionally only those of some OXE nodes."""
        params = {"nodeIds": ";".join(str(n) for n in node_ids)} if node_ids else None
        return self.o2g.request("GET", "usermanagement", params=params, expect_json=True)["loginNames"]

    def login_of(self, device_number: str) -> str | None:
        """The login of the user who owns ``device_number``, or None."""
        names = self.o2g.request("GET", "usermanagement", params={"deviceNumber": device_number},
                                 expect_json=True)["loginNames"]
        return names[0] if names else None

    def get(self, login: str) -> dict[str, Any]:
        """The O2G ``User`` object of ``login``."""
        return self.o2g.request("GET", "usermanagement", f"/{login}", expect_json=True)

    def create(self, node_id: str | int, device_numbers: list[str] | None = None) -> list[dict[str, Any]]:
        """Make these subscribers of ``node_id`` O2G users (all that can be, without a list); returns the users."""
        body: dict[str, Any] = {"nodeId": str(node_id)}
        if device_numbers:
            body["deviceNumbers"] = list(device_numbers)
        else:
            body["all"] = True
        return self.o2g.request("POST", "usermanagement", json_body=body, expect_json=True)["users"]

    def delete(self, login: str) -> None:
        """Stop ``login`` being an O2G user; the OXE subscriber stays."""
        self.o2g.request("DELETE", "usermanagement", f"/{login}")
