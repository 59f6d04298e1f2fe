"""The users service: who can be seen, and each user's data (o2g-api-core.md §10)."""

from __future__ import annotations

from typing import Any


class Users:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def logins(self, node_ids: list[str] | None = None) -> list[str]:
        """The logins this session may see (a user sees itself; an administrator, its scope)."""
        params = {"nodeIds": ";".join(node_ids)} if node_ids else None
        return self.o2g.request("GET", "logins", params=params, expect_json=True)["loginNames"]

    def get(self, login: str | None = None) -> dict[str, Any]:
        """The user object: ``companyPhone``, names, ``devices``, ``voicemail``, ``nodeId``…"""
        return self.o2g.request("GET", "users", f"/{login or self.o2g.login}", expect_json=True)

    def by_number(self, number: str) -> dict[str, Any]:
        """The user whose company phone is ``number``."""
        return self.o2g.request("GET", "users", params={"companyPhone": number}, expect_json=True)

    def devices(self, login: str | None = None) -> list[dict[str, Any]]:
        return self.o2g.request("GET", "users", f"/{login or self.o2g.login}/devices", expect_json=True)["devices"]

    def change_password(self, old: str, new: str, login: str | None = None) -> None:
        """``PUT users/{login}/password``; the values are sent, never printed."""
        self.o2g.request("PUT", "users", f"/{login or self.o2g.login}/password",
                         json_body={"oldPassword": old, "newPassword": new})
