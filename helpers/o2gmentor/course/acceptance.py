"""The acceptance form: comments, reservations, signature — accepted by default ten days after completion is notified.

Inside it, a short satisfaction survey: a few questions rated 1 (poor) to 5 (excellent) and free text,
filled from Python (``book.acceptance.fill_survey(...)``) or from the notebook form
(``o2gmentor.course.survey_form.SurveyForm``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from o2gmentor.course.engagement import parse_date
from o2gmentor.course.logbook import LogbookError, now

if TYPE_CHECKING:
    from o2gmentor.course.logbook import Logbook

DEFAULT_ACCEPTANCE = timedelta(days=10)
SURVEY: dict[str, str] = {
    "expertise": "The expert's knowledge of O2G and the OXE",
    "material": "The course material (notebooks, exercises, simulated O2G)",
    "fit": "How well the mentoring fitted your project",
    "support": "The support while your developers built the integration",
    "overall": "Overall satisfaction",
}


@dataclass
class AcceptanceStatus:
    """Where the acceptance stands on ``today``."""

    today: date
    comments: str = ""
    notified: date | None = None
    signed_on: date | None = None
    signed_by: str = ""
    reservations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def default_date(self) -> date | None:
        """The day the engagement counts as accepted without a signature (completion notified + 10 days)."""
        return self.notified + DEFAULT_ACCEPTANCE if self.notified else None

    @property
    def accepted_by_default(self) -> bool:
        return self.signed_on is None and self.default_date is not None and self.today >= self.default_date

    @property
    def accepted(self) -> bool:
        return self.signed_on is not None or self.accepted_by_default

    @property
    def open_reservations(self) -> list[dict[str, Any]]:
        return [r for r in self.reservations if not r["lifted"]]

    @property
    def state(self) -> str:
        """One sentence: signed, accepted by default, waiting, or completion not yet notified."""
        reserved = len(self.open_reservations)
        also = f", with {reserved} reservation(s) open" if reserved else ""
        if self.signed_on:
            return f"Signed by {self.signed_by or 'the customer'} on {self.signed_on}{also}"
        if self.notified is None:
            return "Completion not notified yet (the ten days start when it is)"
        if self.accepted_by_default:
            return f"Accepted by default on {self.default_date} (completion notified {self.notified}, " \
                   f"not signed within ten days){also}"
        left = (self.default_date - self.today).days
        return f"Awaiting signature: accepted by default on {self.default_date} unless signed before " \
               f"({left} day(s) left; completion notified {self.notified}){also}"

    def __str__(self) -> str:
        lines = [f"Acceptance: {self.state}"]
        if self.comments:
            lines.append(f"Comments: {self.comments}")
        lines += [f"Reservation #{r['id']}{' (lifted)' if r['lifted'] else ''}: {r['text']}" for r in self.reservations]
        return "\n".join(lines)

    __repr__ = __str__


class Acceptance:
    """The acceptance part of a :class:`~o2gmentor.course.logbook.Logbook`."""

    def __init__(self, book: Logbook) -> None:
        self.book = book

    def status(self, today: date | str | None = None) -> AcceptanceStatus:
        """The form as it stands, judged on ``today`` (default: today)."""
        day = parse_date(today, "today") or date.today()
        with self.book.read() as conn:
            row = conn.execute("SELECT * FROM acceptance WHERE id = 1").fetchone()
            reservations = [dict(r) for r in conn.execute("SELECT id, raised, text, lifted FROM reservations "
                                                          "ORDER BY id")]
        if row is None:
            return AcceptanceStatus(day, reservations=reservations)
        return AcceptanceStatus(day, row["comments"], parse_date(row["notified"]), parse_date(row["signed_on"]),
                                row["signed_by"], reservations)

    def notify_completion(self, on: date | str | None = None) -> AcceptanceStatus:
        """Completion of the mentoring is notified to the customer on ``on`` (default today)."""
        day = parse_date(on, "notification date") or date.today()
        with self.book.write() as conn:
            conn.execute("INSERT OR IGNORE INTO acceptance (id) VALUES (1)")
            conn.execute("UPDATE acceptance SET notified = ? WHERE id = 1", (day.isoformat(),))
        return self.status()

    def comment(self, text: str) -> AcceptanceStatus:
        """Set the customer's comments on the form."""
        if not isinstance(text, str):
            raise LogbookError("comments are text")
        with self.book.write() as conn:
            conn.execute("INSERT OR IGNORE INTO acceptance (id) VALUES (1)")
            conn.execute("UPDATE acceptance SET comments = ? WHERE id = 1", (text.strip(),))
        return self.status()

    def reserve(self, text: str) -> int:
        """Record a reservation the customer makes; returns its number."""
        if not isinstance(text, str) or not text.strip():
            raise LogbookError("a reservation needs its text")
        with self.book.write() as conn:
            return conn.execute("INSERT INTO reservations (raised, text) VALUES (?, ?)",
                                (now(), text.strip())).lastrowid

    def lift(self, number: int) -> None:
        """The customer lifts reservation ``number``."""
        with self.book.write() as conn:
            if conn.execute("UPDATE reservations SET lifted = ? WHERE id = ? AND lifted IS NULL",
                            (now(), int(number))).rowcount != 1:
                raise LogbookError(f"no open reservation #{number} (see `o2gmentor acceptance`)")

    def sign(self, by: str, on: date | str | None = None) -> AcceptanceStatus:
        """The customer signs the form (after completion was notified)."""
        if not isinstance(by, str) or not by.strip():
            raise LogbookError("who signs? (by=…)")
        day = parse_date(on, "signature date") or date.today()
        with self.book.write() as conn:
            row = conn.execute("SELECT notified FROM acceptance WHERE id = 1").fetchone()
            if row is None or row[0] is None:
                raise LogbookError("notify completion first (`o2gmentor acceptance notify`): the form is signed "
                                   "once the mentoring is complete")
            if day < date.fromisoformat(row[0]):
                raise LogbookError(f"a signature on {day} comes before completion was notified ({row[0]})")
            conn.execute("UPDATE acceptance SET signed_on = ?, signed_by = ? WHERE id = 1",
                         (day.isoformat(), by.strip()))
        return self.status()

    # ------------------------------------------------------------------ the satisfaction survey
    def fill_survey(self, ratings: dict[str, int], comments: str = "", respondent: str = "") -> int:
        """Store one answer to the survey: every question of ``SURVEY`` rated 1–5, plus free text."""
        unknown = sorted(set(ratings) - set(SURVEY))
        if unknown:
            raise LogbookError(f"unknown survey question(s) {', '.join(unknown)}; the questions: {', '.join(SURVEY)}")
        missing = [q for q in SURVEY if q not in ratings]
        if missing:
            raise LogbookError(f"rate every question (1–5); missing: {', '.join(missing)}")
        for question, value in ratings.items():
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                raise LogbookError(f"{question}: a rating is a whole number from 1 to 5, not {value!r}")
        with self.book.write() as conn:
            return conn.execute("INSERT INTO survey (at, respondent, ratings, comments) VALUES (?, ?, ?, ?)",
                                (now(), str(respondent).strip(), json.dumps({q: ratings[q] for q in SURVEY}),
                                 str(comments).strip())).lastrowid

    def survey(self) -> list[dict[str, Any]]:
        """Every survey answer: ``at``, ``respondent``, ``ratings`` (question → 1–5), ``comments``."""
        rows = self.book.rows("SELECT id, at, respondent, ratings, comments FROM survey ORDER BY id")
        for row in rows:
            row["ratings"] = json.loads(row["ratings"])
        return rows
