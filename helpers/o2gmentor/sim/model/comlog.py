"""The unified communication log: one record per user per finished call (o2g-api-core.md §13)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from o2gmentor.sim.model.bus import EventBus
from o2gmentor.sim.model.history import Participation

# Why a party's part of a call ended, in comlog words (the Participant.reason values).
REASONS = {"TRANSFERRED": "TRANSFERRED", "FORWARDED": "FORWARDED", "REDIRECTED": "REDIRECTED",
           "OVERFLOWN": "VOICEMAIL", "BUSY": "BUSY", "CONFERENCED": "CONFERENCED", "PICKED_UP": "PICKUP",
           "INVALID_NUMBER": "INVALID_NUMBER", "ALL_TRUNK_BUSY": "ALL_TRUNK_BUSY"}


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class ComRecord:
    record_id: int
    login: str
    device: str
    com_ref: str
    role: str
    answered: bool
    acknowledged: bool
    begin: float
    end: float
    conv: float | None
    hold: float
    peers: list[str] = field(default_factory=list)
    initial_called: str | None = None
    reason: str = "NORMAL"

    @property
    def missed(self) -> bool:
        """An incoming call the user never answered (and did not send elsewhere themselves)."""
        return self.role == "CALLEE" and not self.answered and self.reason not in ("REDIRECTED", "PICKUP")


class ComLog:
    """Every user's records, with the queries and acknowledgements of the comlog service."""

    def __init__(self, bus: EventBus, identity: Callable[[str], dict[str, Any]],
                 on_change: Callable[[str], None]) -> None:
        self.bus = bus
        self.identity = identity  # number → PartyInfo
        self.on_change = on_change  # login → (the event summary may have changed)
        self.records: dict[int, ComRecord] = {}
        self._next_id = 1

    # ---------------------------------------------------------------- writing
    def add(self, part: Participation) -> ComRecord:
        """Write the record of a finished participation and announce it."""
        reason = REASONS.get(part.cause or "", "NORMAL" if part.answered else "ABANDONED")
        if part.role == "CALLER" and not part.answered and reason == "ABANDONED":
            reason = "NORMAL"
        record = ComRecord(
            record_id=self._next_id, login=part.login, device=part.device, com_ref=part.call_ref, role=part.role,
            answered=part.answered, acknowledged=True, begin=part.begin, end=part.end or part.begin,
            conv=part.answered_at, hold=round(part.hold_seconds), peers=part.last_peers or part.first_peers,
            initial_called=part.initial_called, reason=reason,
        )
        record.acknowledged = not record.missed
        self._next_id += 1
        self.records[record.record_id] = record
        self.bus.publish("unifiedComLog", part.login, {"eventName": "OnComRecordCreated", "loginName": part.login,
                                                       "record": self.to_json(record)})
        self.on_change(part.login)
        return record

    def acknowledge(self, login: str, ids: list[int], value: bool) -> list[int]:
        """Mark records read (or unread again); returns the ids changed."""
        changed = []
        for record in self.owned(login, ids):
            if record.acknowledged != value:
                record.acknowledged = value
                changed.append(record.record_id)
        if changed:
            name = "OnComRecordsAck" if value else "OnComRecordsUnAck"
            self.bus.publish("unifiedComLog", login, {"eventName": name, "loginName": login, "recordIds": changed})
            self.on_change(login)
        return changed

    def delete(self, login: str, ids: list[int]) -> list[int]:
        gone = [r.record_id for r in self.owned(login, ids)]
        for record_id in gone:
            del self.records[record_id]
        if gone:
            self.bus.publish("unifiedComLog", login, {"eventName": "OnComRecordsDeleted", "loginName": login,
                                                      "recordIds": gone})
            self.on_change(login)
        return gone

    # ---------------------------------------------------------------- reading
    def owned(self, login: str, ids: list[int]) -> list[ComRecord]:
        return [self.records[i] for i in ids if i in self.records and self.records[i].login == login]

    def query(self, login: str, *, after: float | None = None, before: float | None = None,
              unanswered: bool = False, unacknowledged: bool = False, role: str | None = None,
              com_ref: str | None = None, remote: str | None = None) -> list[ComRecord]:
        """The user's records matching every given filter, newest first."""
        rows = [r for r in self.records.values() if r.login == login]
        if after is not None:
            rows = [r for r in rows if r.begin >= after]
        if before is not None:
            rows = [r for r in rows if r.begin <= before]
        if unanswered:
            rows = [r for r in rows if not r.answered]
        if unacknowledged:
            rows = [r for r in rows if not r.acknowledged]
        if role:
            rows = [r for r in rows if r.role == role]
        if com_ref:
            rows = [r for r in rows if r.com_ref == com_ref]
        if remote:
            rows = [r for r in rows if remote in r.peers]
        return sorted(rows, key=lambda r: (r.begin, r.record_id), reverse=True)

    def missed_count(self, login: str) -> int:
        """Missed calls not yet acknowledged: the event summary's ``missedCallsNb``."""
        return sum(1 for r in self.records.values() if r.login == login and r.missed and not r.acknowledged)

    def to_json(self, record: ComRecord) -> dict[str, Any]:
        """The O2G ``ComRecord``: the user and the other parties, each with role and identity."""
        other_role = "CALLEE" if record.role == "CALLER" else "CALLER"
        me = {"role": record.role, "answered": record.answered, "anonymous": False, "reason": record.reason,
              "identity": self.identity(record.device)}
        if record.initial_called:
            me["initialCalled"] = {"id": {"phoneNumber": record.initial_called}}
        others = [{"role": other_role, "answered": record.answered, "anonymous": False,
                   "identity": self.identity(number)} for number in record.peers]
        participants = sorted([me, *others], key=lambda p: p["role"] != "CALLER")  # the caller first
        body = {
            "recordId": record.record_id, "comRef": record.com_ref, "acknowledged": record.acknowledged,
            "participants": participants,
            "beginDate": iso(record.begin), "endDate": iso(record.end), "holdDuration": record.hold,
        }
        if record.conv is not None:
            body["convDate"] = iso(record.conv)
        return body
