"""The unified communication log: one record per user per finished call (o2g-api-core.md §13).

Records are indexed per user, and the count of each user's unacknowledged missed calls is kept as records
come, go and are acknowledged: the event summary and every query of one user cost O(that user's records),
never O(the site's history), however long the simulator runs.

Retention (a simulator choice; a real O2G's is not documented): each user keeps the newest
``MAX_RECORDS_PER_USER`` records (1 000 — twice the 500 a query page holds), and the whole site the newest
``MAX_RECORDS`` (50 000, ~25 per cent of a day's calls for a 200-user site, far more than a classroom makes);
beyond that the oldest go first, silently, as an OXE's bounded comlog does. A lesson or check reads a few
recent records; charging tickets come from the call history (``history.py``, its own bound), and the
contact-center statistics from the contact center's own records, so neither depends on this one.
"""

from __future__ import annotations

from collections import OrderedDict
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


MAX_RECORDS_PER_USER = 1000
MAX_RECORDS = 50_000


class ComLog:
    """Every user's records, with the queries and acknowledgements of the comlog service."""

    def __init__(self, bus: EventBus, identity: Callable[[str], dict[str, Any]],
                 on_change: Callable[[str], None], *, per_user: int | None = None,
                 total: int | None = None) -> None:
        self.bus = bus
        self.identity = identity  # number → PartyInfo
        self.on_change = on_change  # login → (the event summary may have changed)
        self.per_user = per_user or MAX_RECORDS_PER_USER
        self.total = total or MAX_RECORDS
        self.records: OrderedDict[int, ComRecord] = OrderedDict()  # oldest first, site-wide
        self._by_login: dict[str, OrderedDict[int, ComRecord]] = {}  # each user's, oldest first
        self._missed: dict[str, int] = {}  # login → unacknowledged missed calls
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
        self._insert(record)
        self._trim(record.login)
        self.bus.publish("unifiedComLog", part.login, {"eventName": "OnComRecordCreated", "loginName": part.login,
                                                       "record": self.to_json(record)})
        self.on_change(part.login)
        return record

    def _counts(self, record: ComRecord) -> bool:
        return record.missed and not record.acknowledged

    def _insert(self, record: ComRecord) -> None:
        self.records[record.record_id] = record
        self._by_login.setdefault(record.login, OrderedDict())[record.record_id] = record
        if self._counts(record):
            self._missed[record.login] = self._missed.get(record.login, 0) + 1

    def _remove(self, record: ComRecord) -> None:
        self.records.pop(record.record_id, None)
        mine = self._by_login.get(record.login)
        if mine is not None:
            mine.pop(record.record_id, None)
            if not mine:
                del self._by_login[record.login]
        if self._counts(record):
            self._missed[record.login] -= 1

    def _trim(self, login: str) -> None:
        """Apply the retention: the user's oldest records beyond ``per_user``, the site's beyond ``total``."""
        touched = set()
        mine = self._by_login.get(login)
        while mine and len(mine) > self.per_user:
            self._remove(next(iter(mine.values())))
            touched.add(login)
        while len(self.records) > self.total:
            oldest = next(iter(self.records.values()))
            self._remove(oldest)
            touched.add(oldest.login)
        for who in touched - {login}:  # the new record's owner is told anyway
            self.on_change(who)

    def acknowledge(self, login: str, ids: list[int], value: bool) -> list[int]:
        """Mark records read (or unread again); returns the ids changed."""
        changed = []
        for record in self.owned(login, ids):
            if record.acknowledged != value:
                before = self._counts(record)
                record.acknowledged = value
                self._missed[login] = self._missed.get(login, 0) + self._counts(record) - before
                changed.append(record.record_id)
        if changed:
            name = "OnComRecordsAck" if value else "OnComRecordsUnAck"
            self.bus.publish("unifiedComLog", login, {"eventName": name, "loginName": login, "recordIds": changed})
            self.on_change(login)
        return changed

    def delete(self, login: str, ids: list[int]) -> list[int]:
        found = self.owned(login, ids)
        for record in found:
            self._remove(record)
        gone = [r.record_id for r in found]
        if gone:
            self.bus.publish("unifiedComLog", login, {"eventName": "OnComRecordsDeleted", "loginName": login,
                                                      "recordIds": gone})
            self.on_change(login)
        return gone

    # ---------------------------------------------------------------- reading
    def owned(self, login: str, ids: list[int]) -> list[ComRecord]:
        mine = self._by_login.get(login, {})
        seen: set[int] = set()
        found = []
        for i in ids:
            if i in mine and i not in seen:
                seen.add(i)
                found.append(mine[i])
        return found

    def of(self, login: str) -> list[ComRecord]:
        """The user's records, oldest first."""
        return list(self._by_login.get(login, {}).values())

    def query(self, login: str, *, after: float | None = None, before: float | None = None,
              unanswered: bool = False, unacknowledged: bool = False, role: str | None = None,
              com_ref: str | None = None, remote: str | None = None) -> list[ComRecord]:
        """The user's records matching every given filter, newest first."""
        rows = self.of(login)
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
        return self._missed.get(login, 0)

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
