"""The directory service: search users and outside contacts (o2g-api-core.md §14).

O2G answers a search asynchronously: ``start()`` (POST) launches it, each ``poll()`` (GET) answers
``NOK`` (not ready, ask again), ``OK`` with a batch of contacts, ``FINISH`` (done) or ``TIMEOUT``
(the gateway freed the search after a minute without polling); ``cancel()`` (DELETE) abandons it.
``search()`` does all of it and returns every contact found.
"""

from __future__ import annotations

import time
from typing import Any

FIELDS = ("lastName", "firstName", "id.phoneNumber", "id.loginName")
OPERATIONS = ("EQUAL_IGNORE_CASE", "BEGIN_WITH", "CONTAIN", "END_WITH")


class DirectorySearchError(Exception):
    """A search that did not end with FINISH (TIMEOUT, or still NOK after the allowed polls)."""


class Directory:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    # ------------------------------------------------------------------ criteria
    @staticmethod
    def criterion(field: str, operation: str, operand: str) -> dict[str, Any]:
        """One condition, e.g. ``criterion("lastName", "BEGIN_WITH", "b")``."""
        if field not in FIELDS:
            raise ValueError(f"field must be one of {', '.join(FIELDS)}")
        if operation not in OPERATIONS:
            raise ValueError(f"operation must be one of {', '.join(OPERATIONS)}")
        return {"field": field, "operation": operation, "operand": str(operand)}

    @staticmethod
    def all_of(*criteria: dict[str, Any]) -> dict[str, Any]:
        """Every criterion must hold (AND)."""
        return {"operation": "AND", "operand": list(criteria)}

    @staticmethod
    def any_of(*criteria: dict[str, Any]) -> dict[str, Any]:
        """At least one criterion must hold (OR)."""
        return {"operation": "OR", "operand": list(criteria)}

    # ------------------------------------------------------------------ protocol steps
    def _params(self, login: str | None) -> dict[str, Any]:
        return {"loginName": login} if login else {}

    def start(self, filter: dict[str, Any], limit: int | None = None, login: str | None = None) -> None:
        """``POST directory/search``: launch a search (it replaces this session's current one)."""
        body: dict[str, Any] = {"filter": filter}
        if limit:
            body["limit"] = limit
        self.o2g.request("POST", "directory", "/search", json_body=body, params=self._params(login))

    def poll(self, login: str | None = None) -> dict[str, Any]:
        """``GET directory/search``: ``{"resultCode": NOK|OK|FINISH|TIMEOUT, "resultElements"?: [...]}``."""
        return self.o2g.request("GET", "directory", "/search", params=self._params(login), expect_json=True)

    def cancel(self, login: str | None = None) -> None:
        """``DELETE directory/search``: abandon the current search."""
        self.o2g.request("DELETE", "directory", "/search", params=self._params(login))

    # ------------------------------------------------------------------ all in one
    def search(self, filter: dict[str, Any], limit: int | None = None, login: str | None = None, *,
               max_polls: int = 50, pause: float = 0.05) -> list[dict[str, Any]]:
        """Run a search to the end and return every contact (PartyInfo) found.

        Polls at most ``max_polls`` times, sleeping ``pause`` seconds after a ``NOK``.
        """
        self.start(filter, limit, login)
        contacts: list[dict[str, Any]] = []
        for _ in range(max_polls):
            answer = self.poll(login)
            code = answer.get("resultCode")
            if code == "FINISH":
                return contacts
            if code == "OK":
                for element in answer.get("resultElements") or []:
                    contacts.extend(element.get("contacts") or [])
            elif code == "NOK":
                time.sleep(pause)
            else:
                raise DirectorySearchError(f"the directory search ended with {code}")
        self.cancel(login)
        raise DirectorySearchError(f"the directory search was not finished after {max_polls} polls")
