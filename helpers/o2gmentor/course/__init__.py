"""The course's entry point in every notebook: ``setup()`` gives a ready O2G, simulated or real."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from o2gmentor.client import O2G, O2GConnectionError, O2GError
from o2gmentor.client.transport import Transport
from o2gmentor.course import progress, simproc
from o2gmentor.course.config import Settings, load_settings
from o2gmentor.sim.control_client import SimControl

__all__ = ["setup", "Course", "expect", "LessonExpectationError"]


class LessonExpectationError(AssertionError):
    """What a lesson says the trainee should see did not happen."""


def expect(condition: Any, what: str, *, got: Any = None) -> None:
    """State what the trainee should see and check it: prints ``✔ what``, or raises with what was seen.

    Lessons call it after each key result, so a lesson that runs but shows the wrong thing fails its tests.
    """
    if not condition:
        seen = f" — seen instead: {got!r}" if got is not None else ""
        raise LessonExpectationError(f"✘ expected: {what}{seen}")
    print(f"✔ {what}")


@dataclass
class Course:
    """What a lesson works with: where the O2G is, who can log in, and (simulator only) ``sim``."""

    mode: str
    host: str
    ca_bundle: str | None
    settings: Settings = field(repr=False)
    sim: SimControl | None = field(default=None, repr=False)
    server: dict[str, Any] = field(default_factory=dict, repr=False)
    verdicts: dict[str, Any] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return f"Course(mode={self.mode!r}, host={self.host!r})"

    @property
    def url(self) -> str:
        return f"https://{self.host}"

    def users(self) -> list[dict[str, Any]]:
        """The site's accounts (simulator: the scenario's people); passwords are left out."""
        if self.sim is not None:
            return [{k: v for k, v in row.items() if k != "password"} for row in self.sim.users()]
        rows = []
        if self.settings.login:
            rows.append({"login": self.settings.login, "role": "user"})
        if self.settings.admin_login:
            rows.append({"login": self.settings.admin_login, "role": "admin"})
        return rows

    def user(self, login_or_number: str) -> dict[str, Any]:
        """One account of ``users()`` by login or phone number."""
        for row in self.users():
            if login_or_number in (row.get("login"), row.get("number")):
                return row
        raise KeyError(f"no account {login_or_number!r} on this site")

    def connect(self, login: str | None = None, password: str | None = None, *, admin: bool = False,
                application: str = "o2gmentor-course") -> O2G:
        """Open an O2G session (``login`` defaults to O2G_LOGIN, or O2G_ADMIN_LOGIN with ``admin``)."""
        login = self._login(login, admin)
        if password is None:
            password = self._password_for(login)
        return O2G(self.host, login, password, ca_bundle=self.ca_bundle, application=application).connect()

    @property
    def patience(self) -> float:
        """How long a cell waits for a person: seconds on the simulator, a minute on a real O2G."""
        return 5.0 if self.sim is not None else 60.0

    def basic_auth(self, login: str | None = None, *, admin: bool = False) -> Any:
        """HTTP Basic credentials for ``requests`` (``auth=``) whose repr never shows the password."""
        from o2gmentor.client.session import Secret, SecretBasicAuth

        login = self._login(login, admin)
        return SecretBasicAuth(login, Secret(self._password_for(login)))

    def person_answers(self, number: str) -> None:
        """🧪 The person at ``number`` picks up: done by the simulator, or asked of a person on a real O2G."""
        if self.sim is not None:
            self.sim.answer(number)
        else:
            print(f"📞 Real O2G: pick up the ringing phone {number} now (waiting up to {self.patience:.0f} s)")

    def person_hangs_up(self, number: str) -> None:
        """🧪 The person at ``number`` hangs up (a ringing phone declines), or is asked to on a real O2G."""
        if self.sim is not None:
            self.sim.hangup(number)
        else:
            print(f"📞 Real O2G: hang up (or decline) the phone {number} now (waiting up to {self.patience:.0f} s)")

    def release_leftover_calls(self, *sessions: O2G) -> int:
        """Hang up every call these users still have (left over from an interrupted run); returns how many."""
        released = 0
        for o2g in sessions:
            for call in o2g.telephony.calls():
                try:
                    o2g.telephony.release(call["callRef"])
                    released += 1
                except O2GError:
                    pass  # ended meanwhile
        if released:
            print(f"(hung up {released} call(s) left over from an earlier run)")
        return released

    def check(self, exercise_id: str, *values: Any, **named: Any) -> Any:
        """Judge an exercise on this O2G: ✅ what was right, ❌ a hint, or ⏳ not attempted yet."""
        from o2gmentor.course.checks import run_check

        verdict = run_check(self, exercise_id, *values, **named)
        self.verdicts[exercise_id] = verdict
        progress.record_verdict(exercise_id, verdict.status, verdict.title)  # local logbook; never raises
        return verdict

    def _login(self, login: str | None, admin: bool) -> str:
        login = login or (self.settings.admin_login if admin else self.settings.login)
        if login is None and self.sim is not None:
            login = next(u["login"] for u in self.users() if u["role"] == ("admin" if admin else "user"))
        if login is None:
            raise ValueError("which account? pass login=… or set O2G_LOGIN (O2G_ADMIN_LOGIN)")
        return login

    def _password_for(self, login: str) -> str:
        if self.sim is not None:
            for row in self.sim.users():
                if row["login"] == login:
                    return row["password"]
            raise KeyError(f"no account {login!r} on the simulated site")
        known = self.settings.password_for(login)
        if known:
            return known
        return _ask_password(login)


def _ask_password(login: str) -> str:
    """Ask a person for a password; never block a run that nobody watches (papermill, CI)."""
    variable = f"O2G_PASSWORD_{login.upper()}"
    unattended = RuntimeError(f"no password for {login!r}: set {variable} (or O2G_PASSWORD for O2G_LOGIN, "
                              "O2G_ADMIN_PASSWORD for O2G_ADMIN_LOGIN) in the environment or the untracked .env")
    kernel = _kernel()
    if kernel is not None:
        if not getattr(kernel, "_allow_stdin", False):
            raise unattended
    elif not sys.stdin or not sys.stdin.isatty() or os.environ.get("CI"):
        raise unattended
    try:
        return getpass.getpass(f"O2G password for {login}: ")
    except (EOFError, KeyboardInterrupt) as exc:
        raise unattended from exc
    except Exception as exc:  # ipykernel's StdinNotImplementedError when the front end cannot ask
        raise unattended from exc


def _kernel() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return getattr(shell, "kernel", None) if shell is not None else None


def setup(lesson: str | None = None, mode: str | None = None, scenario: str = "default",
          *, sim_port: int | None = None, quiet: bool = False) -> Course:
    """Get the course's O2G ready and print one status line.

    ``mode`` is ``"sim"`` (default) or ``"real"``; None takes O2G_MODE from the environment or
    ``.env``. In sim mode the simulator is started, or the running one is reused (idempotent);
    ``sim_port`` (else O2G_SIM_PORT, else 8443) is where it listens.
    """
    settings = load_settings(mode)
    if sim_port is not None:
        settings.sim_port = int(sim_port)
    where = f" · lesson {lesson}" if lesson else ""
    if settings.mode == "sim":
        info, started = simproc.ensure_running(port=settings.sim_port, scenario=scenario)
        sim = SimControl(info)
        users = sim.users()
        course = Course("sim", info.address, info.ca, settings, sim=sim)
        staff = sum(1 for u in users if u["role"] == "user")
        operators = sum(1 for u in users if u["role"] in ("agent", "supervisor"))
        verb = "started" if started else "running"
        if not quiet:
            print(f"✅ Simulated O2G {verb} at {info.url} · scenario {info.scenario} · {staff + operators} users "
                  f"({staff} office staff, {operators} contact-center operators){where}")
        progress.record_lesson(lesson)  # local logbook; never raises, never prints
        return course
    if not settings.host:
        raise ValueError("real mode needs O2G_HOST (host[:port] of your O2G), e.g. in a .env file")
    course = Course("real", settings.host, settings.ca_bundle, settings)
    try:
        course.server = Transport(settings.ca_bundle).request("GET", f"{course.url}/api/rest", expect_json=True)
    except (O2GError, O2GConnectionError) as exc:
        print(f"❌ Real O2G at {course.url} does not answer: {exc}")
        raise
    product = course.server.get("serverInfo", {})
    version = product.get("productVersion", {})
    if not quiet:
        print(f"✅ Real O2G at {course.url} · {product.get('productName', 'O2G')} "
              f"{version.get('major', '')}{where}")
    progress.record_lesson(lesson)
    return course
