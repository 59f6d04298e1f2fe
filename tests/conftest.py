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
