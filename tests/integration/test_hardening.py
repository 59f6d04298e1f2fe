"""Hardening found in review: sessions, malformed input, reset, stale state files, secrets in tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
import traceback

import pytest
import requests

from o2gmentor.client import O2G, O2GError
from o2gmentor.sim.api.control import TOKEN_HEADER
from o2gmentor.sim.control_client import SimControl
from tests.integration.test_sdk_contract import login_like_node


def test_opening_a_session_again_with_the_same_cookie_keeps_it_usable(fresh_sim):
    host, ca = fresh_sim.info.address, str(fresh_sim.ca_path)
    http, sessions_url, _ = login_like_node(host, ca)
    again = http.post(sessions_url, json={"applicationName": "retry"}, verify=ca)
    assert again.status_code == 200
    assert http.get(sessions_url, verify=ca).json()["login"] == "oxe1001"
    assert http.post(sessions_url + "/keepalive", verify=ca).status_code == 204


@pytest.mark.parametrize("body", [
    '{"filter":{"selectors":[{"names":["telephony"]}]},"timeout":NaN}',
    '{"filter":{"selectors":[{"names":["telephony"]}]},"timeout":Infinity}',
    '{"filter":{"selectors":[{"names":[{"a":1}]}]}}',
    '{"filter":{"selectors":[{"names":[["telephony"]]}]}}',
    '{"filter":{"selectors":[{"names":["telephony"],"ids":[{"x":1}]}]}}',
])
def test_malformed_subscriptions_are_400_not_503(fresh_sim, body):
    host, ca = fresh_sim.info.address, str(fresh_sim.ca_path)
    http, _, info = login_like_node(host, ca)
    r = http.post(info["privateBaseUrl"] + "/subscriptions", data=body,
                  headers={"Content-Type": "application/json"}, verify=ca)
    assert r.status_code == 400, r.text


def test_malformed_control_requests_are_4xx(fresh_sim):
    url, ca = fresh_sim.info.url + "/sim", str(fresh_sim.ca_path)
    token = {TOKEN_HEADER: fresh_sim.state.control_token}
    assert requests.post(url + "/ccd/staff", json={"on": True, "logins": 5}, headers=token, verify=ca).status_code \
        == 400
    assert requests.post(url + "/ccd/traffic", json={"running": True, "pilots": "3000"}, headers=token,
                         verify=ca).status_code == 400
    r = requests.post(url + "/ccd/traffic", json={"running": True, "rate_factor": 99}, headers=token, verify=ca)
    assert r.status_code == 400 and all(o.main == "LOG_OFF" for o in fresh_sim.state.pbx.ccd.operators.values())
    r = requests.get(url + "/status", headers={TOKEN_HEADER: "café".encode()}, verify=ca)
    assert r.status_code == 401


def test_reset_ends_sessions_and_clients_log_in_again(connect, fresh_sim):
    alice = connect("oxe1001")
    events = alice.subscribe(["telephony"])
    old = events.subscription_id
    generation = alice._generation  # noqa: SLF001
    SimControl(fresh_sim.info).reset()
    assert alice.users.get()["loginName"] == "oxe1001"  # the session is gone: the client logged in again
    assert alice._generation > generation  # noqa: SLF001
    events.connected.clear()
    assert events.connected.wait(10) and events.subscription_id != old


def test_a_stale_control_file_never_kills_another_process(tmp_path):
    from o2gmentor.course import simproc

    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / "control.json").write_text(json.dumps({"host": "127.0.0.1", "port": 9, "ca": "/nonexistent",
                                                           "token": "x", "scenario": "default",
                                                           "pid": bystander.pid}))
        assert simproc.stop(tmp_path) is False
        assert bystander.poll() is None  # still alive
        assert not (tmp_path / "control.json").exists()
    finally:
        bystander.kill()
        bystander.wait()


def test_the_password_is_not_in_a_traceback_with_locals(fresh_sim):
    client = O2G(fresh_sim.info.address, "oxe1001", "Wr0ng-Passw0rd", ca_bundle=str(fresh_sim.ca_path))
    with pytest.raises(O2GError) as err:
        client.connect()
    text = "".join(traceback.TracebackException.from_exception(err.value, capture_locals=True).format())
    assert "Wr0ng-Passw0rd" not in text and "SecretBasicAuth" in text
