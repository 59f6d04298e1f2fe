"""Every lesson run unattended through papermill: with other parameters, and in real mode.

- **Other parameters**: other logins than the defaults and a simulator on another port (a state folder of its
  own, so ``setup()`` starts a new simulator there): papermill's injected values must be the ones used.
- **Real mode**: a simulator started separately poses as a customer's O2G — the lesson gets its host, its CA as
  the bundle and every account's password from the environment, and no control API (``course.sim`` is None);
  a background process plays the people who pick up ringing phones. Nothing may wait for a prompt.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys

import papermill
import pytest

from o2gmentor.course import simproc
from o2gmentor.sim import scenario as scenarios
from o2gmentor.sim.control_client import SimControl
from tests.notebooks.runner import ROOT, empty_tables, notebooks, output_text, parameters

LESSONS = notebooks("notebooks")
LOGIN = re.compile(r"^oxe\d{4}$")
pytestmark = pytest.mark.timeout(600)


def _accounts() -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "o2gmentor", "users", "--json"], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    return json.loads(out)


ACCOUNTS = _accounts()


def other_logins(defaults: dict) -> dict[str, str]:
    """For each login parameter, another account of the same role and licences, not used by the lesson already."""
    kind = {a["login"]: (a["role"], sorted(a.get("licences") or [])) for a in ACCOUNTS if a.get("login")}
    taken = {v for v in defaults.values() if isinstance(v, str)}
    chosen: dict[str, str] = {}
    for name, value in defaults.items():
        if isinstance(value, str) and LOGIN.match(value) and value in kind:
            spare = [login for login, same in kind.items() if same == kind[value] and login not in taken]
            if spare:
                chosen[name] = spare[0]
                taken.add(spare[0])
    return chosen


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def execute(lesson, tmp_path, params: dict) -> str:
    output = tmp_path / f"run-{lesson.name}"
    try:
        papermill.execute_notebook(str(lesson), str(output), parameters=params, cwd=str(lesson.parent),
                                   kernel_name="python3", progress_bar=False, execution_timeout=180)
    except papermill.PapermillExecutionError as exc:
        pytest.fail(f"{lesson.relative_to(ROOT)} with {params}: {exc.ename}: {exc.evalue}")
    import nbformat

    executed = nbformat.read(output, as_version=4)
    empty = empty_tables(executed)
    assert not empty, f"{lesson.relative_to(ROOT)} showed a table without rows: {empty}"
    return output_text(executed)


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_with_other_logins_and_another_port(lesson, tmp_path, monkeypatch):
    defaults = parameters(lesson)
    assert "MODE" in defaults and "SIM_PORT" in defaults, f"{lesson.name}: MODE and SIM_PORT are parameters"
    state = tmp_path / "sim"
    monkeypatch.setenv("O2G_SIM_STATE_DIR", str(state))
    port = free_port()
    logins = other_logins(defaults)
    try:
        text = execute(lesson, tmp_path, {"MODE": "sim", "SIM_PORT": port, **logins})
    finally:
        simproc.stop(state)
    assert f"127.0.0.1:{port}" in text, "the simulator was not started on the port given as a parameter"
    for name, login in logins.items():
        assert login in text, f"{name}={login} was injected but the lesson never showed it"


@pytest.fixture(scope="module")
def customer_o2g(tmp_path_factory):
    """A simulator posing as a customer's O2G, and the people at its phones."""
    state = tmp_path_factory.mktemp("customer-o2g")
    site = scenarios.load("default")
    for account in site["users"] + site["admins"]:  # real passwords, so that a leak can be seen
        account["password"] = f"pw-{secrets.token_urlsafe(12)}"
    path = state / "customer-site.json"
    path.write_text(json.dumps(site), encoding="utf-8")
    info, _ = simproc.ensure_running(port=0, state_dir=state, scenario=str(path))
    people = subprocess.Popen([sys.executable, "-m", "tests.notebooks.people", str(state)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        yield info, SimControl(info)
    finally:
        os.killpg(people.pid, signal.SIGTERM)
        people.wait(10)
        simproc.stop(state)


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_in_real_mode_on_an_o2g_without_control_api(lesson, customer_o2g, tmp_path, monkeypatch):
    info, control = customer_o2g
    accounts = control.users()
    admin = next(a for a in accounts if a["role"] == "admin")
    monkeypatch.setenv("O2G_MODE", "real")
    monkeypatch.setenv("O2G_HOST", info.address)
    monkeypatch.setenv("O2G_CA_BUNDLE", str(info.ca))
    monkeypatch.setenv("O2G_LOGIN", "oxe1001")
    monkeypatch.setenv("O2G_ADMIN_LOGIN", admin["login"])
    monkeypatch.setenv("O2G_ADMIN_PASSWORD", admin["password"])
    for account in accounts:
        if account.get("login") and account.get("password"):
            monkeypatch.setenv(f"O2G_PASSWORD_{account['login'].upper()}", account["password"])
    monkeypatch.setenv("O2G_SIM_STATE_DIR", str(tmp_path / "no-simulator-here"))
    text = execute(lesson, tmp_path, {"MODE": "real"})
    assert f"Real O2G at https://{info.address}" in text
    assert "Simulated O2G" not in text
    for secret in {a["password"] for a in accounts if str(a.get("password", "")).startswith("pw-")}:
        assert secret not in text, "a password appeared in the lesson's output"
