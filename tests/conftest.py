"""Shared fixtures: a simulated O2G over real HTTPS, and clients trusting its course CA."""

from __future__ import annotations

import os

import pytest

from o2gmentor.client import O2G
from o2gmentor.sim.server import SimServer


@pytest.fixture(scope="session")
def sim(tmp_path_factory) -> SimServer:
    """One simulator for the whole run, on a free port, with 1-second channel keep-alives."""
    server = SimServer(port=0, state_dir=tmp_path_factory.mktemp("sim-state"), keepalive_interval=1.0)
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def fresh_sim(sim: SimServer) -> SimServer:
    """The simulator with no call, session or subscription left from an earlier test."""
    def clean() -> None:
        for session in list(sim.state.sessions.sessions.values()):
            sim.state.sessions.close(session)
        sim.state.pbx.reset()

    sim.call(clean)
    return sim


@pytest.fixture()
def connect(fresh_sim: SimServer):
    """``connect(login)`` → a connected client; every client is closed after the test."""
    opened: list[O2G] = []

    def make(login: str, password: str | None = None) -> O2G:
        client = O2G(fresh_sim.info.address, login, password or _password(fresh_sim, login),
                     ca_bundle=str(fresh_sim.ca_path)).connect()
        opened.append(client)
        return client

    yield make
    for client in opened:
        try:
            client.close()
        except Exception:  # noqa: BLE001 - the test may have ended the session itself
            pass


def _password(sim: SimServer, login: str) -> str:
    site = sim.state.pbx.site
    return site.users[login].password if login in site.users else site.admins[login].password


@pytest.fixture(autouse=True)
def _system_ca_bundle(monkeypatch):
    """Tests run with REQUESTS_CA_BUNDLE set, as on our machines, to catch clients that let it win."""
    bundle = "/etc/ssl/certs/ca-certificates.crt"
    if os.path.exists(bundle):
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", bundle)


@pytest.fixture()
def course(fresh_sim: SimServer):
    """A lesson's ``course`` (sim mode) on the test simulator: what ``setup()`` returns in a notebook."""
    from o2gmentor.course import Course
    from o2gmentor.course.config import Settings
    from o2gmentor.sim.control_client import SimControl

    info = fresh_sim.info
    return Course("sim", info.address, str(fresh_sim.ca_path), Settings(), sim=SimControl(info))


# -------------------------------------------------------------------- no credential in any log of the run
# Every Python log record of the test process goes through a scanning handler (the course's loggers at
# DEBUG), and at the end every sim.log of the run is read (the test state folders under pytest's base
# temporary folder, and the private simulator the root conftest.py gives the notebooks): a practice password
# or an "Authorization: Basic" header anywhere fails the run (tests/logscan.py says what is looked for).
@pytest.fixture()
def real_course(fresh_sim: SimServer):
    """The same simulator seen as a customer's real O2G: no control API; the administrator's and every user's
    password come from the settings, as ``O2G_ADMIN_*`` and ``O2G_PASSWORD_<LOGIN>`` give them in real mode."""
    from o2gmentor.course import Course
    from o2gmentor.course.config import Settings

    site = fresh_sim.state.pbx.site
    admin = next(iter(site.admins.values()))
    settings = Settings(mode="real", host=fresh_sim.info.address, admin_login=admin.login,
                        admin_password=admin.password,
                        passwords={login.upper(): user.password for login, user in site.users.items()})
    return Course("real", fresh_sim.info.address, str(fresh_sim.ca_path), settings)


def pytest_configure(config) -> None:
    import logging

    from tests.logscan import ScanHandler, forbidden_strings

    handler = ScanHandler(forbidden_strings())
    logging.getLogger().addHandler(handler)
    logging.getLogger("o2gmentor").setLevel(logging.DEBUG)
    config._o2g_log_scan = handler  # noqa: SLF001


def pytest_sessionfinish(session, exitstatus) -> None:
    import logging
    from pathlib import Path

    from tests.logscan import scan_files, sim_logs

    handler = getattr(session.config, "_o2g_log_scan", None)
    if handler is None:
        return
    logging.getLogger().removeHandler(handler)
    folders = []
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is not None:
        try:
            folders.append(factory.getbasetemp())
        except (OSError, ValueError):
            pass
    if getattr(session.config, "_o2g_private_sim", False) and os.environ.get("O2G_SIM_STATE_DIR"):
        folders.append(Path(os.environ["O2G_SIM_STATE_DIR"]))
    files = sim_logs(folders)
    findings = handler.findings + scan_files(files, handler.forbidden)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    summary = (f"log scan: {handler.records} log records and {len(files)} sim.log files, "
               f"{len(findings)} credential(s) found")
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_line(summary)
        for finding in findings[:20]:
            reporter.write_line(f"  {finding}", red=True)
    if findings:
        session.exitstatus = 1
