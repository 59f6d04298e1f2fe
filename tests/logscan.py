"""The whole test run's logs hold no credential: what ``tests/conftest.py`` scans at the end of the session.

Scanned: every ``sim.log`` of the run (simulators started as ``o2gmentor sim`` in test state folders, the
private simulator the notebooks use) and every Python log record of the test process (a handler on the root
logger, the course's own loggers at DEBUG). Looked for: ``Authorization: Basic``, each practice account's
``login:password`` and its Basic encoding, each practice password that cannot be mistaken for a phone number
(the users' passwords are their extension numbers, which logs name all the time), and the random ``pw-…``
passwords tests give customer sites.
"""

from __future__ import annotations

import base64
import logging
import re
from pathlib import Path

from o2gmentor.sim import scenario as scenarios
from o2gmentor.sim.model.site import Site

RANDOM_PASSWORD = re.compile(r"pw-[A-Za-z0-9_-]{16}")
AUTH_HEADER = re.compile(r"(?i)authorization['\"]?\s*[:=]\s*['\"]?basic\s+[A-Za-z0-9+/=]")


def forbidden_strings(scenario: str = "default") -> list[str]:
    """The practice credentials of ``scenario`` as they would show in a leaked log line."""
    site = Site(scenarios.load(scenario))
    found: list[str] = []
    for login, password in [(u.login, u.password) for u in site.users.values()] + \
            [(a.login, a.password) for a in site.admins.values()]:
        pair = f"{login}:{password}"
        found += [pair, base64.b64encode(pair.encode()).decode()]
        if len(password) >= 6 and not password.isdigit():
            found.append(password)
    return sorted(set(found))


def leaks(text: str, forbidden: list[str]) -> list[str]:
    """What in ``text`` looks like a leaked credential (each finding shortened, never the whole secret)."""
    found = []
    if AUTH_HEADER.search(text):
        found.append("an 'Authorization: Basic …' header")
    for secret in forbidden:
        if secret in text:
            found.append(f"the practice credential {secret[:3]}…")
    if RANDOM_PASSWORD.search(text):
        found.append("a random test password pw-…")
    return found


class ScanHandler(logging.Handler):
    """Looks at every record as it is emitted; keeps only the findings (not the records)."""

    def __init__(self, forbidden: list[str]) -> None:
        super().__init__(level=logging.DEBUG)
        self.forbidden = forbidden
        self.records = 0
        self.findings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string: scan its parts
            text = f"{record.msg} {record.args}"
        if record.exc_info and not record.exc_text:
            text += logging.Formatter().formatException(record.exc_info)
        text += record.exc_text or ""
        for finding in leaks(text, self.forbidden):
            self.findings.append(f"log record {record.name}:{record.lineno}: {finding}")


def scan_files(paths: list[Path], forbidden: list[str]) -> list[str]:
    findings = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for finding in leaks(line, forbidden):
                findings.append(f"{path}:{number}: {finding}")
    return findings


def sim_logs(folders: list[Path]) -> list[Path]:
    found: set[Path] = set()
    for folder in folders:
        if folder.is_dir():
            found.update(folder.rglob("sim.log"))
    return sorted(found)
