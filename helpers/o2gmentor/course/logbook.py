"""The mentor's logbook: one SQLite file (WAL mode) for a whole mentoring engagement.

It holds what ALE's mentoring pack asks the expert to keep track of — the engagement (customer, partner,
the three days, the responsibility matrix), the support pool counted in half-hours, the trainees'
progress (recorded locally by the course itself: nothing is sent anywhere), open points, the acceptance
form and the satisfaction survey, and the prerequisites checklist of day one — and produces the status
report from it (``o2gmentor report``).

Where the file is: the ``path`` given, else ``O2G_LOGBOOK``, else ``logbook.sqlite`` in the per-user state
folder (e.g. ``~/.local/state/o2gmentor/``). Every change is one short ``BEGIN IMMEDIATE`` transaction:
two notebooks and the command line can write at once, and a process killed mid-write loses only its own
unfinished change. Bad input raises :class:`LogbookError` (a ``ValueError``) and changes nothing.

Usage::

    book = Logbook()                                  # or Logbook("engagement.sqlite")
    book.engagement.set(customer="Bluewave Logistics", partner="Rhône Integration", ordered="2025-02-03")
    book.pool.add(2, developer="Camille", topic="event channel", lesson="21")
    print(book.pool.status())
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

if TYPE_CHECKING:
    from o2gmentor.course.acceptance import Acceptance
    from o2gmentor.course.engagement import Engagement
    from o2gmentor.course.pool import Pool
    from o2gmentor.course.progress import Progress

__all__ = ["Logbook", "LogbookError", "default_path"]

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS engagement (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    customer TEXT NOT NULL DEFAULT '', partner TEXT NOT NULL DEFAULT '', integration TEXT NOT NULL DEFAULT '',
    mentor TEXT NOT NULL DEFAULT '', ordered TEXT,
    pool_days INTEGER NOT NULL DEFAULT 1 CHECK (pool_days >= 0),
    day_half_hours INTEGER NOT NULL CHECK (day_half_hours > 0),
    warn_at INTEGER NOT NULL CHECK (warn_at >= 0)
);
CREATE TABLE IF NOT EXISTS days (
    number INTEGER PRIMARY KEY CHECK (number BETWEEN 1 AND 3),
    planned_start TEXT, planned_end TEXT, delivered_start TEXT, delivered_end TEXT, note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS matrix (
    activity TEXT NOT NULL, party TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (activity, party)
);
CREATE TABLE IF NOT EXISTS developers (name TEXT PRIMARY KEY, added TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS topups (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, days INTEGER NOT NULL CHECK (days > 0), note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS pool_entries (
    id INTEGER PRIMARY KEY, on_date TEXT NOT NULL, half_hours INTEGER NOT NULL CHECK (half_hours > 0),
    developer TEXT NOT NULL REFERENCES developers (name), topic TEXT NOT NULL, lesson TEXT NOT NULL DEFAULT '',
    overdraw INTEGER NOT NULL DEFAULT 0, recorded TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS progress (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, trainee TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('lesson', 'exercise')), item TEXT NOT NULL, status TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS open_points (
    id INTEGER PRIMARY KEY, raised TEXT NOT NULL, text TEXT NOT NULL, closed TEXT
);
CREATE TABLE IF NOT EXISTS acceptance (
    id INTEGER PRIMARY KEY CHECK (id = 1), comments TEXT NOT NULL DEFAULT '', notified TEXT,
    signed_on TEXT, signed_by TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS reservations (
    id INTEGER PRIMARY KEY, raised TEXT NOT NULL, text TEXT NOT NULL, lifted TEXT
);
CREATE TABLE IF NOT EXISTS survey (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, respondent TEXT NOT NULL DEFAULT '', ratings TEXT NOT NULL,
    comments TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS checklist (
    id INTEGER PRIMARY KEY CHECK (id = 1), stored TEXT NOT NULL, markdown TEXT NOT NULL DEFAULT '',
    html TEXT NOT NULL DEFAULT ''
);
"""


class LogbookError(ValueError):
    """Input the logbook refuses (nothing was changed); the message says what to do instead."""


def default_path() -> Path:
    """``O2G_LOGBOOK``, else ``logbook.sqlite`` in the per-user state folder."""
    env = os.environ.get("O2G_LOGBOOK")
    return Path(env) if env else Path(platformdirs.user_state_dir("o2gmentor")) / "logbook.sqlite"


def now() -> str:
    """The current moment as an ISO string (UTC), as stored in the logbook."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Logbook:
    """One engagement's logbook file; its parts are ``engagement``, ``pool``, ``progress``, ``acceptance``."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, timeout: float = 15.0) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.timeout = timeout
        self._ready = False

    def __repr__(self) -> str:
        return f"Logbook({str(self.path)!r})"

    # ------------------------------------------------------------------ storage
    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not self._ready:
            try:
                self._prepare(conn)
            except BaseException:
                conn.close()
                raise
        return conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise LogbookError(f"{self.path} was written by a newer O2G Mentor (schema {version}); upgrade o2gmentor")
        if version < SCHEMA_VERSION:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        self._ready = True

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One atomic change: ``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on any error)."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot to read several tables from."""
        conn = self._connect()
        try:
            conn.execute("BEGIN")
            yield conn
            conn.execute("COMMIT")
        finally:
            conn.close()

    def rows(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        """The rows of one query, as dicts."""
        with self.read() as conn:
            return [dict(row) for row in conn.execute(sql, params)]

    # ------------------------------------------------------------------ the parts
    @property
    def engagement(self) -> Engagement:
        from o2gmentor.course.engagement import Engagement

        return Engagement(self)

    @property
    def pool(self) -> Pool:
        from o2gmentor.course.pool import Pool

        return Pool(self)

    @property
    def progress(self) -> Progress:
        from o2gmentor.course.progress import Progress

        return Progress(self)

    @property
    def acceptance(self) -> Acceptance:
        from o2gmentor.course.acceptance import Acceptance

        return Acceptance(self)

    # ------------------------------------------------------------------ open points and the checklist
    def open_point(self, text: str) -> int:
        """Note an open point (something still to settle) for the status report; returns its number."""
        text = _required(text, "the open point's text")
        with self.write() as conn:
            return conn.execute("INSERT INTO open_points (raised, text) VALUES (?, ?)", (now(), text)).lastrowid

    def close_point(self, number: int) -> None:
        """Mark open point ``number`` as settled."""
        with self.write() as conn:
            if conn.execute("UPDATE open_points SET closed = ? WHERE id = ? AND closed IS NULL",
                            (now(), int(number))).rowcount != 1:
                raise LogbookError(f"no open point #{number} (see `o2gmentor engagement`)")

    def open_points(self, *, include_closed: bool = False) -> list[dict[str, Any]]:
        where = "" if include_closed else " WHERE closed IS NULL"
        return self.rows(f"SELECT id, raised, text, closed FROM open_points{where} ORDER BY id")

    def store_checklist(self, checklist: Any) -> None:
        """Keep day one's prerequisites checklist for the report.

        ``checklist`` is what ``InstallationWorksheet.checklist()`` returns (Markdown and HTML), or plain text.
        """
        markdown = getattr(checklist, "markdown", None)
        html_of = getattr(checklist, "html", None)
        if markdown is None and not isinstance(checklist, str):
            raise LogbookError("store_checklist() takes a worksheet's checklist() or its text")
        markdown = markdown if markdown is not None else checklist
        html = html_of() if callable(html_of) else ""
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO checklist (id, stored, markdown, html) VALUES (1, ?, ?, ?)",
                         (now(), markdown, html))

    def checklist(self) -> dict[str, str] | None:
        """The stored checklist (``stored``, ``markdown``, ``html``), or None."""
        found = self.rows("SELECT stored, markdown, html FROM checklist WHERE id = 1")
        return found[0] if found else None


def store_worksheet(book: Logbook, worksheet: Any) -> None:
    """Store an installation worksheet's ``checklist()`` in the logbook (lesson 11's worksheet)."""
    book.store_checklist(worksheet.checklist())


def _required(text: Any, what: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise LogbookError(f"{what} must not be empty")
    return text.strip()
