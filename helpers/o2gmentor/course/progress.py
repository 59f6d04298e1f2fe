"""Trainees' progress: which lessons ran and which exercises passed — recorded locally, sent nowhere.

``setup(lesson=…)`` calls :func:`record_lesson` and ``Course.check()`` calls :func:`record_verdict`. Both
write to the logbook (``O2G_LOGBOOK``, else the per-user state folder) under the trainee's name
(``O2G_TRAINEE``, else the operating-system user name). Recording never breaks a lesson or a check and never
prints: a logbook that cannot be written is logged (at INFO level) and skipped.
"""

from __future__ import annotations

import getpass
import logging
import os
from typing import Any

from o2gmentor.course.logbook import Logbook, LogbookError, now

log = logging.getLogger(__name__)
RECORD_TIMEOUT = 2.0  # seconds to wait for a busy logbook before giving up on one record


def trainee() -> str:
    """Who is running the course: ``O2G_TRAINEE``, else the OS user name."""
    name = os.environ.get("O2G_TRAINEE", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "unknown"


def record_lesson(lesson: str | None) -> None:
    """Note that ``lesson`` ran (never raises, never prints)."""
    if lesson:
        _record("lesson", str(lesson), "ran", "")


def record_verdict(exercise: str, status: str, title: str = "") -> None:
    """Note a check's verdict on an exercise (never raises, never prints)."""
    _record("exercise", str(exercise), str(status), str(title))


def _record(kind: str, item: str, status: str, title: str) -> None:
    try:
        book = Logbook(timeout=RECORD_TIMEOUT)
        with book.write() as conn:
            conn.execute("INSERT INTO progress (at, trainee, kind, item, status, title) VALUES (?, ?, ?, ?, ?, ?)",
                         (now(), trainee(), kind, item, status, title))
    except Exception as exc:  # noqa: BLE001 - progress is a convenience: the lesson goes on
        log.info("progress not recorded (%s %s): %s", kind, item, exc)


class Progress:
    """The progress part of a :class:`~o2gmentor.course.logbook.Logbook`."""

    def __init__(self, book: Logbook) -> None:
        self.book = book

    def record(self, kind: str, item: str, status: str = "", *, trainee_name: str | None = None,
               title: str = "") -> None:
        """Record a lesson run (``kind="lesson"``) or a verdict (``kind="exercise"``) by hand (raises on bad input)."""
        if kind not in ("lesson", "exercise"):
            raise LogbookError(f"kind {kind!r}: 'lesson' or 'exercise'")
        if not str(item).strip():
            raise LogbookError("which lesson or exercise?")
        name = (trainee_name or trainee()).strip()
        with self.book.write() as conn:
            conn.execute("INSERT INTO progress (at, trainee, kind, item, status, title) VALUES (?, ?, ?, ?, ?, ?)",
                         (now(), name, kind, str(item).strip(), status or ("ran" if kind == "lesson" else ""),
                          title))

    def trainees(self) -> list[str]:
        return [r["trainee"] for r in self.book.rows("SELECT DISTINCT trainee FROM progress ORDER BY trainee")]

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per trainee: ``lessons`` run (sorted), ``passed`` exercises, ``not_passed`` (latest verdict not ✅)."""
        out: dict[str, dict[str, Any]] = {}
        rows = self.book.rows("SELECT trainee, kind, item, status, title, at FROM progress ORDER BY id")
        for row in rows:
            person = out.setdefault(row["trainee"], {"lessons": set(), "passed": {}, "latest": {}, "first": row["at"],
                                                     "last": row["at"]})
            person["last"] = row["at"]
            if row["kind"] == "lesson":
                person["lessons"].add(row["item"])
            else:
                person["latest"][row["item"]] = row
                if row["status"] == "passed":
                    person["passed"].setdefault(row["item"], row)
        for person in out.values():
            person["lessons"] = sorted(person["lessons"])
            person["not_passed"] = sorted(k for k in person.pop("latest") if k not in person["passed"])
            person["passed"] = dict(sorted(person["passed"].items()))
        return out

    def of(self, name: str) -> dict[str, Any]:
        """One trainee's progress; an unknown name is an error (with the names known)."""
        summary = self.summary()
        if name not in summary:
            raise LogbookError(f"no progress recorded for trainee {name!r} (known: {', '.join(summary) or 'none'})")
        return summary[name]

    def lessons_run(self) -> dict[str, list[str]]:
        """Lesson id → the dates (YYYY-MM-DD) it ran, any trainee."""
        out: dict[str, list[str]] = {}
        for row in self.book.rows("SELECT item, substr(at, 1, 10) AS day FROM progress WHERE kind = 'lesson' "
                                  "GROUP BY item, day ORDER BY item, day"):
            out.setdefault(row["item"], []).append(row["day"])
        return out
