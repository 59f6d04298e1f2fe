"""The engagement: who it is for, the three mentoring days and the responsibility matrix.

The pack's rules, checked here: three days, not necessarily consecutive, each delivered remotely between
**09:00 and 18:00 UTC+1**, and ordered at least **three weeks** (21 days) ahead. A session's start and end
may be given in any time zone (ISO 8601 with an offset); they are converted to UTC+1 and must fall inside
the window on one day. A time given *without* an offset is read as UTC+1. The window is fixed at UTC+1 all year:
in summer, when Lyon or Paris is on UTC+2, it is 10:00–19:00 on their clocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from o2gmentor.course.logbook import LogbookError, now

if TYPE_CHECKING:
    from o2gmentor.course.logbook import Logbook

UTC_PLUS_1 = timezone(timedelta(hours=1), "UTC+1")
WINDOW = (time(9, 0), time(18, 0))
LEAD_TIME = timedelta(weeks=3)
PHASES = {1: "Install & configure", 2: "API coaching", 3: "Developer support"}
PARTIES = ("customer", "partner", "ALE")
PARTY_NAMES = {"customer": "Customer", "partner": "Business partner", "ALE": "ALE"}
ACTIVITIES = ("Infrastructure compliance", "Operating system and its installation", "Licensing",
              "Installation coaching", "Knowledge transfer")
# An EXAMPLE matrix (R = responsible, V = validates), to be agreed with the customer for each engagement.
EXAMPLE_MATRIX: dict[str, dict[str, str]] = {
    "Infrastructure compliance": {"customer": "R", "partner": "V", "ALE": ""},
    "Operating system and its installation": {"customer": "V", "partner": "R", "ALE": ""},
    "Licensing": {"customer": "V", "partner": "R", "ALE": ""},
    "Installation coaching": {"customer": "", "partner": "V", "ALE": "R"},
    "Knowledge transfer": {"customer": "V", "partner": "V", "ALE": "R"},
}
ROLES = {"", "R", "V", "RV"}


def parse_date(value: date | str | None, what: str = "date") -> date | None:
    """A date from a ``date`` or ``YYYY-MM-DD`` text (None stays None)."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise LogbookError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def parse_moment(value: datetime | str, what: str) -> datetime:
    """A moment in UTC+1 from an aware ``datetime`` or ISO text in any zone (no offset: UTC+1)."""
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise LogbookError(f"{what}: {value!r} is not a date and time (e.g. 2025-03-10T09:00+01:00)") from None
    if not isinstance(value, datetime):
        raise LogbookError(f"{what}: {value!r} is not a date and time")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC_PLUS_1)
    return value.astimezone(UTC_PLUS_1)


def check_session(start: datetime | str, end: datetime | str, ordered: date | None, number: int) -> tuple[
        datetime, datetime]:
    """A day's session, checked against the 09:00–18:00 UTC+1 window and the three-week lead time."""
    first, last = parse_moment(start, f"day {number} start"), parse_moment(end, f"day {number} end")
    shown = f"{first:%Y-%m-%d %H:%M}–{last:%H:%M} UTC+1"
    if last <= first:
        raise LogbookError(f"day {number}: the session ends before it starts ({shown})")
    if first.date() != last.date() or first.time() < WINDOW[0] or last.time() > WINDOW[1] or last.time() == time(0):
        raise LogbookError(f"day {number}: {shown} is outside the pack's window — sessions run between "
                           "09:00 and 18:00 UTC+1 on one day")
    if ordered is None:
        raise LogbookError("record the order date first (`o2gmentor engagement set --ordered YYYY-MM-DD`): "
                           "days are ordered at least three weeks ahead")
    if first.date() < ordered + LEAD_TIME:
        raise LogbookError(f"day {number} on {first:%Y-%m-%d} is less than three weeks after the order "
                           f"({ordered}); the earliest possible day is {ordered + LEAD_TIME}")
    return first, last


@dataclass
class Day:
    """One of the three mentoring days: planned and delivered sessions, in UTC+1."""

    number: int
    planned: tuple[datetime, datetime] | None = None
    delivered: tuple[datetime, datetime] | None = None
    note: str = ""

    @property
    def phase(self) -> str:
        return PHASES[self.number]

    @staticmethod
    def show(session: tuple[datetime, datetime] | None) -> str:
        if session is None:
            return "—"
        return f"{session[0]:%a %d %b %Y, %H:%M}–{session[1]:%H:%M} UTC+1"


@dataclass
class EngagementInfo:
    """The engagement as stored (defaults until ``set()`` is called)."""

    customer: str = ""
    partner: str = ""
    integration: str = ""
    mentor: str = ""
    ordered: date | None = None
    pool_days: int = 1
    day_half_hours: int = 18
    warn_at: int = 2
    days: list[Day] = field(default_factory=list)
    developers: list[str] = field(default_factory=list)


class Engagement:
    """The engagement part of a :class:`~o2gmentor.course.logbook.Logbook`."""

    def __init__(self, book: Logbook) -> None:
        self.book = book

    def get(self) -> EngagementInfo:
        """Everything about the engagement (defaults where nothing was set)."""
        from o2gmentor.course.pool import DAY_HALF_HOURS, WARN_AT

        with self.book.read() as conn:
            row = conn.execute("SELECT * FROM engagement WHERE id = 1").fetchone()
            days = {r["number"]: r for r in conn.execute("SELECT * FROM days")}
            developers = [r["name"] for r in conn.execute("SELECT name FROM developers ORDER BY name")]
        info = EngagementInfo(day_half_hours=DAY_HALF_HOURS, warn_at=WARN_AT, developers=developers)
        if row is not None:
            info.customer, info.partner, info.integration = row["customer"], row["partner"], row["integration"]
            info.mentor, info.ordered = row["mentor"], parse_date(row["ordered"])
            info.pool_days, info.day_half_hours, info.warn_at = row["pool_days"], row["day_half_hours"], row["warn_at"]
        for number in PHASES:
            r = days.get(number)
            note = r["note"] if r is not None else ""
            info.days.append(Day(number, _pair(r, "planned"), _pair(r, "delivered"), note))
        return info

    def set(self, *, customer: str | None = None, partner: str | None = None, integration: str | None = None,
            mentor: str | None = None, ordered: date | str | None = None, day_half_hours: int | None = None,
            warn_at: int | None = None) -> EngagementInfo:
        """Set the engagement's facts; only the ones given change.

        ``day_half_hours`` is how many half-hour periods one support day holds (default 18: the pack's
        09:00–18:00 window is 9 h — an assumption: ALE's contract fixes the count). ``warn_at``: warn when
        that many half-hours or fewer are left in the pool.
        """
        values: dict[str, Any] = {k: v.strip() for k, v in (("customer", customer), ("partner", partner),
                                                             ("integration", integration), ("mentor", mentor))
                                  if v is not None}
        if ordered is not None:
            values["ordered"] = parse_date(ordered, "order date").isoformat()
        if day_half_hours is not None:
            values["day_half_hours"] = _count(day_half_hours, "day_half_hours", minimum=1)
        if warn_at is not None:
            values["warn_at"] = _count(warn_at, "warn_at", minimum=0)
        with self.book.write() as conn:
            self._ensure_row(conn)
            if "ordered" in values:
                self._check_days_after(conn, parse_date(values["ordered"]))
            for key, value in values.items():
                conn.execute(f"UPDATE engagement SET {key} = ? WHERE id = 1", (value,))  # keys are ours, not input
        return self.get()

    def plan_day(self, number: int, start: datetime | str, end: datetime | str, *, note: str | None = None) -> Day:
        """Plan day ``number`` (1 install & configure, 2 API coaching, 3 developer support)."""
        return self._session(number, start, end, "planned", note)

    def deliver_day(self, number: int, start: datetime | str, end: datetime | str, *, note: str | None = None
                    ) -> Day:
        """Record when day ``number`` was actually delivered."""
        return self._session(number, start, end, "delivered", note)

    def _session(self, number: int, start: Any, end: Any, which: str, note: str | None) -> Day:
        number = _day_number(number)
        with self.book.write() as conn:
            row = self._ensure_row(conn)
            first, last = check_session(start, end, parse_date(row["ordered"]), number)
            for other in conn.execute(f"SELECT number, {which}_start FROM days WHERE number != ?", (number,)):
                if other[1] and parse_moment(other[1], "day").date() == first.date():
                    raise LogbookError(f"day {number} on {first:%Y-%m-%d}: day {other[0]} is already {which} "
                                       "that day — the pack's three days are three different days")
            conn.execute("INSERT OR IGNORE INTO days (number) VALUES (?)", (number,))
            conn.execute(f"UPDATE days SET {which}_start = ?, {which}_end = ? WHERE number = ?",
                         (first.isoformat(), last.isoformat(), number))
            if note is not None:
                conn.execute("UPDATE days SET note = ? WHERE number = ?", (note.strip(), number))
        return self.get().days[number - 1]

    def add_developer(self, *names: str) -> list[str]:
        """Register the partner's developers (support time is logged against them); returns them all."""
        cleaned = [n.strip() for n in names if isinstance(n, str) and n.strip()]
        if not cleaned or len(cleaned) != len(names):
            raise LogbookError("a developer needs a name")
        with self.book.write() as conn:
            conn.executemany("INSERT OR IGNORE INTO developers (name, added) VALUES (?, ?)",
                             [(n, now()) for n in cleaned])
        return self.get().developers

    # ------------------------------------------------------------------ responsibility matrix
    def matrix(self) -> tuple[dict[str, dict[str, str]], bool]:
        """The responsibility matrix (activity → party → "R", "V", "RV" or ""), and whether it is the example."""
        stored = self.book.rows("SELECT activity, party, role FROM matrix")
        if not stored:
            return {a: dict(parties) for a, parties in EXAMPLE_MATRIX.items()}, True
        table = {a: dict(parties) for a, parties in EXAMPLE_MATRIX.items()}
        for row in stored:
            table.setdefault(row["activity"], {p: "" for p in PARTIES})[row["party"]] = row["role"]
        return table, False

    def set_role(self, activity: str, party: str, role: str) -> dict[str, dict[str, str]]:
        """Who is R (responsible) and/or V (validates) for one activity; the first change copies the example."""
        activity = _pick(activity, ACTIVITIES, "activity")
        party = _pick(party, PARTIES + ("business partner", "bp"), "party")
        party = "partner" if party in ("business partner", "bp") else party
        role = "".join(sorted(set(str(role).upper().replace("/", "").replace("+", "").replace("-", ""))))
        role = "RV" if role == "RV" else role
        if role not in ROLES:
            raise LogbookError(f"role {role!r}: use R (responsible), V (validates), RV (both) or - (none)")
        current, example = self.matrix()
        with self.book.write() as conn:
            if example:
                conn.executemany("INSERT OR REPLACE INTO matrix VALUES (?, ?, ?)",
                                 [(a, p, r) for a, parties in current.items() for p, r in parties.items()])
            conn.execute("INSERT OR REPLACE INTO matrix VALUES (?, ?, ?)", (activity, party, role))
        return self.matrix()[0]

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _ensure_row(conn: Any) -> Any:
        from o2gmentor.course.pool import DAY_HALF_HOURS, WARN_AT

        conn.execute("INSERT OR IGNORE INTO engagement (id, day_half_hours, warn_at) VALUES (1, ?, ?)",
                     (DAY_HALF_HOURS, WARN_AT))
        return conn.execute("SELECT * FROM engagement WHERE id = 1").fetchone()

    @staticmethod
    def _check_days_after(conn: Any, ordered: date) -> None:
        for row in conn.execute("SELECT number, planned_start FROM days WHERE planned_start IS NOT NULL"):
            day = parse_moment(row["planned_start"], "day").date()
            if day < ordered + LEAD_TIME:
                raise LogbookError(f"an order on {ordered} is less than three weeks before day {row['number']} "
                                   f"({day}) already planned")


def _pair(row: Any, which: str) -> tuple[datetime, datetime] | None:
    if row is None or not row[f"{which}_start"]:
        return None
    return parse_moment(row[f"{which}_start"], which), parse_moment(row[f"{which}_end"], which)


def _day_number(number: Any) -> int:
    if isinstance(number, bool) or not isinstance(number, (int, str)) or str(number).strip() not in ("1", "2", "3"):
        raise LogbookError(f"day {number!r}: the pack has three days, 1 (install & configure), 2 (API coaching) "
                           "and 3 (developer support)")
    return int(number)


def _count(value: Any, what: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise LogbookError(f"{what} must be a whole number ≥ {minimum}, not {value!r}")
    return value


def _pick(value: str, choices: tuple[str, ...], what: str) -> str:
    wanted = str(value).strip().lower()
    found = [c for c in choices if c.lower() == wanted] or [c for c in choices if c.lower().startswith(wanted)]
    if len(found) != 1 or not wanted:
        raise LogbookError(f"{what} {value!r}: one of {', '.join(choices)}")
    return found[0]
