"""What each user did in each call, once it is over: the source of comlog records and charging tickets.

Retention: ``ended`` keeps the newest ``MAX_ENDED`` participations (50 000, about 25 000 two-party calls —
days of a classroom's calls); the oldest go first. Charging tickets and files (``charging.py``) are computed
from it, so older calls' tickets go with them, as an OXE's charging buffer wraps. The comlog keeps its own
copy of each record (``comlog.py``, with its own bound); the contact-center statistics do not use this.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_ENDED = 50_000


@dataclass
class Participation:
    """One user's part in one call, from the moment it showed on their set to the moment it left."""

    login: str
    device: str
    call_ref: str
    role: str  # CALLER or CALLEE
    begin: float
    end: float | None = None
    answered_at: float | None = None
    hold_seconds: float = 0.0
    held_since: float | None = None
    first_peers: list[str] = field(default_factory=list)
    last_peers: list[str] = field(default_factory=list)
    initial_called: str | None = None
    redirected_by: str | None = None
    cause: str | None = None

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def talk_seconds(self) -> float:
        if self.answered_at is None or self.end is None:
            return 0.0
        return max(0.0, self.end - self.answered_at - self.hold_seconds)


class ParticipationTracker:
    """Follows the per-user call views the engine publishes, and closes a Participation per (user, call)."""

    def __init__(self) -> None:
        self.open: dict[tuple[str, str], Participation] = {}
        self.ended: deque[Participation] = deque(maxlen=MAX_ENDED)  # read at creation (tests lower it)
        self.listeners: list[Callable[[Participation], None]] = []

    def observe(self, login: str, ref: str, old: dict[str, Any] | None, new: dict[str, Any] | None,
                cause: str | None, now: float) -> None:
        key = (login, ref)
        part = self.open.get(key)
        if new is not None:
            leg = new["legs"][0] if new["legs"] else {"deviceId": "", "state": "UNKNOWN"}
            peers = [p["participantId"] for p in new["participants"]]
            if part is None:
                role = "CALLEE" if leg["state"] == "RINGING_INCOMING" and peers else "CALLER"
                data = new["callData"]
                part = Participation(
                    login=login, device=leg["deviceId"], call_ref=ref, role=role, begin=now, first_peers=peers,
                    initial_called=_number(data.get("initialCalled")),
                    redirected_by=_number(data.get("lastRedirecting")),
                )
                self.open[key] = part
            if peers:
                part.last_peers = peers
                if not part.first_peers:
                    part.first_peers = peers
            if leg["state"] == "ACTIVE" and part.answered_at is None and peers:
                part.answered_at = now
            if leg["state"] == "HELD" and part.held_since is None:
                part.held_since = now
            elif leg["state"] != "HELD" and part.held_since is not None:
                part.hold_seconds += now - part.held_since
                part.held_since = None
            return
        if part is None:
            return
        if part.held_since is not None:
            part.hold_seconds += now - part.held_since
            part.held_since = None
        part.end = now
        part.cause = cause
        del self.open[key]
        self.ended.append(part)
        for listener in list(self.listeners):
            listener(part)


def _number(party: dict[str, Any] | None) -> str | None:
    return ((party or {}).get("id") or {}).get("phoneNumber")
