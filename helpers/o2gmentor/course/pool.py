"""The support pool: one day of the expert's help, counted in half-hour periods, that the customer may top up.

**Assumption to adjust** — the pack says "one day counted in half-hour periods" and delivers between 09:00
and 18:00 UTC+1, so this course counts one day as that whole 9-hour window: ``DAY_HALF_HOURS = 18``.
ALE's contract for an engagement fixes the exact count: set it with
``book.engagement.set(day_half_hours=…)`` or ``o2gmentor engagement set --day-half-hours N`` (e.g. 16 for an
8-hour day, 14 for 7 hours). The balance is ``days × day_half_hours`` minus what was used.

The warning comes when ``warn_at`` half-hours (default 2) or fewer are left, and when the pool is empty —
with the offer of another day. An entry that would take the pool below zero is refused unless
``overdraw=True`` (``--overdraw``); the status then says loudly that the pool is overdrawn.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from o2gmentor.course.engagement import Engagement, parse_date
from o2gmentor.course.logbook import LogbookError, now

if TYPE_CHECKING:
    from o2gmentor.course.logbook import Logbook

DAY_HALF_HOURS = 18   # assumption: the 09:00–18:00 window = 9 h; ALE's contract fixes the real count
WARN_AT = 2           # warn when this many half-hours or fewer are left


def hours(half_hours: int) -> str:
    """``5`` → ``"2 h 30"``, ``1`` → ``"30 min"``, ``-1`` → ``"-30 min"``."""
    sign = "-" if half_hours < 0 else ""
    whole, half = divmod(abs(half_hours), 2)
    if whole == 0:
        return f"{sign}{30 if half else 0} min"
    return f"{sign}{whole} h{' 30' if half else ''}"


@dataclass
class PoolStatus:
    """How much support time is left: answers the customer's question, with the warning when it runs low."""

    days: int
    day_half_hours: int
    used: int
    warn_at: int
    by_developer: dict[str, int] = field(default_factory=dict)
    by_topic: dict[str, int] = field(default_factory=dict)
    entries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.days * self.day_half_hours

    @property
    def left(self) -> int:
        return self.total - self.used

    @property
    def overdrawn(self) -> bool:
        return self.left < 0

    @property
    def warning(self) -> str | None:
        """None while plenty is left; else what to tell the customer, with the offer of another day."""
        plain = self.warning_text
        if plain is None:
            return None
        return ("🚨 " if self.left < 0 else "⛔ " if self.left == 0 else "⚠️ ") + plain

    @property
    def warning_text(self) -> str | None:
        """The warning without its coloured mark (for print)."""
        offer = (f"offer the customer another day of support ({self.day_half_hours} half-hours): "
                 "`o2gmentor pool topup`")
        if self.left < 0:
            return (f"OVERDRAWN: the pool is {-self.left} half-hour(s) ({hours(-self.left)}) below zero — "
                    f"support was given beyond what was bought; {offer}")
        if self.left == 0:
            return f"The support pool is used up (0 half-hours left): {offer}"
        if self.left <= self.warn_at:
            return f"Only {self.left} half-hour(s) ({hours(self.left)}) of support left: {offer}"
        return None

    def lines(self) -> list[str]:
        """The status as text lines."""
        out = [f"Support pool: {self.left} of {self.total} half-hours left ({hours(self.left)} of "
               f"{hours(self.total)}) · used {self.used} ({hours(self.used)}) · "
               f"{self.days} day(s) × {self.day_half_hours} half-hours"]
        if self.warning:
            out.append(self.warning)
        if self.by_developer:
            out.append("Used per developer: " + ", ".join(f"{k} {v}" for k, v in self.by_developer.items()))
        if self.by_topic:
            out.append("Used per topic: " + ", ".join(f"{k} {v}" for k, v in self.by_topic.items()))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = "#c62828" if self.left <= 0 else "#8d6e00" if self.warning else "#2e7d32"
        warning = f"<p style='margin:4px 0;font-weight:bold;color:{colour}'>{html.escape(self.warning)}</p>" \
            if self.warning else ""
        rest = "".join(f"<div>{html.escape(line)}</div>" for line in self.lines()[1 + bool(self.warning):])
        return (f"<div style='border-left:6px solid {colour};padding:6px 12px;margin:4px 0'>"
                f"<b style='font-size:1.2em;color:{colour}'>{self.left} of {self.total} half-hours left</b> "
                f"({hours(self.left)} of {hours(self.total)}; used {self.used}){warning}{rest}</div>")


class Pool:
    """The support-pool part of a :class:`~o2gmentor.course.logbook.Logbook`."""

    def __init__(self, book: Logbook) -> None:
        self.book = book

    def status(self) -> PoolStatus:
        """Used, left, per developer and per topic — what the customer may ask for at any time."""
        with self.book.read() as conn:
            return self._status(conn)

    def add(self, half_hours: int, *, developer: str, topic: str, lesson: str = "", on: date | str | None = None,
            overdraw: bool = False) -> PoolStatus:
        """Log support time: ``half_hours`` (a positive whole number) given to ``developer`` on ``topic``.

        ``lesson`` names the lesson or the question; ``on`` is the day (default today). Refused when the
        developer is unknown or when it would take the pool below zero (unless ``overdraw``).
        """
        if isinstance(half_hours, bool) or not isinstance(half_hours, int) or half_hours <= 0:
            raise LogbookError(f"support time is counted in half-hour periods: a positive whole number, "
                               f"not {half_hours!r}")
        if not isinstance(topic, str) or not topic.strip():
            raise LogbookError("say what the support was about (topic)")
        day = parse_date(on, "date") or date.today()
        with self.book.write() as conn:
            Engagement._ensure_row(conn)
            known = [r[0] for r in conn.execute("SELECT name FROM developers ORDER BY name")]
            if developer not in known:
                raise LogbookError(f"unknown developer {developer!r} (known: {', '.join(known) or 'none yet'}); "
                                   "add them first: `o2gmentor engagement developer NAME`")
            before = self._status(conn)
            if half_hours > before.left and not overdraw:
                raise LogbookError(f"{half_hours} half-hour(s) would take the pool below zero ({before.left} left): "
                                   "buy another day first (`o2gmentor pool topup`), or record it anyway with "
                                   "--overdraw (overdraw=True)")
            conn.execute("INSERT INTO pool_entries (on_date, half_hours, developer, topic, lesson, overdraw, "
                         "recorded) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (day.isoformat(), half_hours, developer, topic.strip(), str(lesson or "").strip(),
                          int(half_hours > before.left), now()))
            return self._status(conn)

    def topup(self, days: int = 1, *, note: str = "") -> PoolStatus:
        """The customer buys ``days`` more days of support."""
        if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
            raise LogbookError(f"a top-up is a positive whole number of days, not {days!r}")
        with self.book.write() as conn:
            Engagement._ensure_row(conn)
            conn.execute("INSERT INTO topups (at, days, note) VALUES (?, ?, ?)", (now(), days, note.strip()))
            return self._status(conn)

    def entries(self) -> list[dict[str, Any]]:
        return self.status().entries

    @staticmethod
    def _status(conn: Any) -> PoolStatus:
        row = conn.execute("SELECT pool_days, day_half_hours, warn_at FROM engagement WHERE id = 1").fetchone()
        base, per_day, warn_at = (row[0], row[1], row[2]) if row is not None else (1, DAY_HALF_HOURS, WARN_AT)
        topped = conn.execute("SELECT COALESCE(SUM(days), 0) FROM topups").fetchone()[0]
        entries = [dict(r) for r in conn.execute(
            "SELECT id, on_date, half_hours, developer, topic, lesson, overdraw FROM pool_entries "
            "ORDER BY on_date, id")]
        by_developer: dict[str, int] = {}
        by_topic: dict[str, int] = {}
        for entry in entries:
            by_developer[entry["developer"]] = by_developer.get(entry["developer"], 0) + entry["half_hours"]
            by_topic[entry["topic"]] = by_topic.get(entry["topic"], 0) + entry["half_hours"]
        return PoolStatus(base + topped, per_day, sum(e["half_hours"] for e in entries), warn_at,
                          by_developer, by_topic, entries)
