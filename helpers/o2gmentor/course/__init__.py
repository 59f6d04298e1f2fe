"""The course's entry point in every notebook: ``setup()`` gives a ready O2G, simulated or real."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from typing import Any

from o2gmentor.client import O2G, O2GConnectionError, O2GError
from o2gmentor.client.transport import Transport
from o2gmentor.course import simproc
from o2gmentor.course.config import Settings, load_settings
from o2gmentor.sim.control_client import SimControl

__all__ = ["setup", "Course"]


@dataclass
class Course:
    """What a lesson works with: where the O2G is, who can log in, and (simulator only) ``sim``."""

    mode: str
    host: str
    ca_bundle: str | None
    settings: Settings = field(repr=False)
    sim: SimControl | None = field(default=None, repr=False)
    server: dict[str, Any] = field(default_factory=dict, repr=False)

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
        login = login or (self.settings.admin_login if admin else self.settings.login)
        if login is None and self.sim is not None:
            login = next(u["login"] for u in self.users() if u["role"] == ("admin" if admin else "user"))
        if login is None:
            raise ValueError("which account? pass login=… or set O2G_LOGIN (O2G_ADMIN_LOGIN)")
        if password is None:
            password = self._password_for(login)
        return O2G(self.host, login, password, ca_bundle=self.ca_bundle, application=application).connect()

    def _password_for(self, login: str) -> str:
        if self.sim is not None:
            for row in self.sim.users():
                if row["login"] == login:
                    return row["password"]
            raise KeyError(f"no account {login!r} on the simulated site")
        if login == self.settings.login and self.settings.password:
            return self.settings.password
        if login == self.settings.admin_login and self.settings.admin_password:
            return self.settings.admin_password
        return getpass.getpass(f"O2G password for {login}: ")


def setup(lesson: str | None = None, mode: str | None = None, scenario: str = "default",
          *, quiet: bool = False) -> Course:
    """Get the course's O2G ready and print one status line.

    ``mode`` is ``"sim"`` (default) or ``"real"``; None takes O2G_MODE from the environment or
    ``.env``. In sim mode the simulator is started, or the running one is reused (idempotent).
    """
    settings = load_settings(mode)
    where = f" · lesson {lesson}" if lesson else ""
    if settings.mode == "sim":
        info, started = simproc.ensure_running(port=settings.sim_port, scenario=scenario)
        sim = SimControl(info)
        users = sim.users()
        course = Course("sim", info.address, info.ca, settings, sim=sim)
        people = sum(1 for u in users if u["role"] == "user")
        verb = "started" if started else "running"
        if not quiet:
            print(f"✅ Simulated O2G {verb} at {info.url} · scenario {info.scenario} · {people} users{where}")
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
    return course
