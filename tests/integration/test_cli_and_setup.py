"""The command line and ``setup()``: what a trainee types, and what a notebook's first cell does."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from o2gmentor.course import setup, simproc


def o2gmentor(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "o2gmentor", *args], capture_output=True, text=True,
                          timeout=60, env=env)


def test_users_json_lists_every_account_with_role():
    rows = json.loads(o2gmentor("users", "--json").stdout)
    assert {"login", "password", "number", "name", "role"} <= set(rows[0])
    roles = {r["role"] for r in rows}
    assert roles == {"user", "admin", "agent", "supervisor", "pilot"}
    agents = [r for r in rows if r["role"] == "agent"]
    assert len(agents) >= 6 and all(r["proacd"] and r["processing_groups"] for r in agents)
    pilots = {r["number"]: r["name"] for r in rows if r["role"] == "pilot"}
    assert pilots == {"3000": "Sales", "3100": "Support"}
    users = [r for r in rows if r["role"] == "user"]
    assert len(users) >= 10 and all(r["login"] == f"oxe{r['number']}" for r in users)


@pytest.fixture()
def background_sim(tmp_path, monkeypatch):
    """A simulator started the way `make lab` starts it, in its own state folder."""
    monkeypatch.setenv("O2G_SIM_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("O2G_SIM_PORT", "0")
    monkeypatch.setenv("O2G_MODE", "sim")
    started = o2gmentor("sim", "--background", "--port", "0")
    assert started.returncode == 0, started.stderr
    yield tmp_path
    o2gmentor("sim-stop")


def test_background_sim_and_sim_ctl_act_as_people(background_sim):
    state = str(background_sim)
    assert "already running" in o2gmentor("sim", "--background", "--port", "0").stdout  # idempotent
    rang = json.loads(o2gmentor("sim-ctl", "--state-dir", state, "outside-call", "0472000001", "1003").stdout)
    assert rang["phone"]["state"] == "ringing"
    answered = json.loads(o2gmentor("sim-ctl", "--state-dir", state, "answer", "1003").stdout)
    assert answered["phone"]["state"] == "talking"
    hung = json.loads(o2gmentor("sim-ctl", "--state-dir", state, "hangup", "0472000001").stdout)
    assert hung["phone"]["state"] == "idle"
    assert json.loads(o2gmentor("sim-ctl", "--state-dir", state, "advance", "60").stdout)["clock"].endswith(
        "UTC (simulated)")
    not_a_number = o2gmentor("sim-ctl", "--state-dir", state, "advance", "abc")
    assert not_a_number.returncode == 1 and "SECONDS must be a number" in not_a_number.stderr
    assert "Traceback" not in not_a_number.stderr
    no_number = o2gmentor("sim-ctl", "--state-dir", state, "answer")
    assert no_number.returncode == 2 and "usage: o2gmentor sim-ctl answer N" in no_number.stderr
    refused = o2gmentor("sim-ctl", "--state-dir", state, "hangup", "1003")
    assert "simulator's control API refused" in refused.stderr and "API reference" not in refused.stderr
    bad = o2gmentor("sim-ctl", "--state-dir", state, "answer", "1003")
    assert bad.returncode == 1 and "nothing rings" in bad.stderr
    assert o2gmentor("sim-ctl", "--state-dir", state, "dance").returncode == 2


def test_setup_attaches_to_the_running_simulator_and_connects(background_sim, capsys):
    course = setup(lesson="t1")
    line = capsys.readouterr().out.strip()
    assert line.startswith("✅ Simulated O2G running at https://127.0.0.1:") and "lesson t1" in line
    assert "\n" not in line
    again = setup(quiet=True)
    assert again.host == course.host
    alice = course.connect("oxe1001")
    try:
        assert alice.users.get()["companyPhone"] == "1001"
    finally:
        alice.close()
    assert all("password" not in row for row in course.users())
    assert "password" not in repr(course)


def test_sim_stop_stops_it(background_sim):
    assert simproc.running(background_sim) is not None
    assert "stopped" in o2gmentor("sim-stop").stdout
    assert simproc.running(background_sim) is None


def test_real_mode_without_a_host_says_what_to_set(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("O2G_HOST", raising=False)
    with pytest.raises(ValueError, match="O2G_HOST"):
        setup(mode="real")


def test_real_mode_works_against_any_o2g_with_its_ca(fresh_sim, monkeypatch, tmp_path, capsys):
    """Real mode knows nothing of the simulator: only O2G_HOST, the CA bundle and credentials."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("O2G_HOST", fresh_sim.info.address)
    monkeypatch.setenv("O2G_CA_BUNDLE", str(fresh_sim.ca_path))
    monkeypatch.setenv("O2G_LOGIN", "oxe1005")
    monkeypatch.setenv("O2G_PASSWORD", "1005")
    course = setup(lesson="t2", mode="real")
    assert capsys.readouterr().out.startswith(f"✅ Real O2G at https://{fresh_sim.info.address} · O2G Solution")
    assert course.sim is None
    o2g = course.connect()
    try:
        assert o2g.users.get()["loginName"] == "oxe1005"
    finally:
        o2g.close()


def test_real_mode_reads_an_untracked_env_file(fresh_sim, monkeypatch, tmp_path):
    for key in ("O2G_MODE", "O2G_HOST", "O2G_CA_BUNDLE", "O2G_LOGIN", "O2G_PASSWORD"):
        monkeypatch.delenv(key, raising=False)
    (tmp_path / ".env").write_text(f"O2G_MODE=real\nO2G_HOST={fresh_sim.info.address}\n"
                                   f"O2G_CA_BUNDLE={fresh_sim.ca_path}\nO2G_LOGIN=admin\nO2G_PASSWORD=admin-o2g\n")
    monkeypatch.chdir(tmp_path)
    course = setup(quiet=True)
    assert course.mode == "real"
    o2g = course.connect()
    try:
        assert o2g.is_admin and "admin-o2g" not in repr(course.settings) + repr(course) + repr(o2g)
    finally:
        o2g.close()
