"""The control API's session table (``/sim/sessions``) and ``/sim/sessions/age``: simulator only.

Lesson 12 lets time pass for one login's sessions (keep-alive versus expiry) and its exercise checks read
how a session ended, without the control API ever showing a credential.
"""

from __future__ import annotations

import requests

from o2gmentor.sim.api.sessions import credential_digest
from o2gmentor.sim.control_client import SimControl


def _login(sim, login: str, password: str) -> tuple[requests.Session, str, str]:
    ca = str(sim.ca_path)
    http = requests.Session()
    auth_url = http.get(f"https://{sim.info.address}/api/rest", verify=ca).json()["versions"][0]["internalUrl"]
    answer = http.get(auth_url, auth=(login, password), verify=ca).json()
    sessions_url = answer["internalUrl"]
    assert http.post(sessions_url, json={"applicationName": "records-test"}, verify=ca).status_code == 200
    return http, sessions_url, answer["credential"]


def test_keepalives_carry_a_session_past_its_ttl_and_logout_is_recorded(fresh_sim):
    control = SimControl(fresh_sim.info)
    http, sessions_url, credential = _login(fresh_sim, "oxe1001", "1001")
    ttl = http.get(sessions_url, verify=str(fresh_sim.ca_path)).json()["timeToLive"]
    for _ in range(2):
        assert control.age_sessions("oxe1001", 0.9 * ttl) == 1
        assert http.post(f"{sessions_url}/keepalive", verify=str(fresh_sim.ca_path)).status_code == 204
    assert http.delete(sessions_url, verify=str(fresh_sim.ca_path)).status_code == 204
    record = next(r for r in control.sessions() if r["credentialSha256"] == credential_digest(credential))
    assert record["closedBy"] == "logout" and not record["open"]
    assert record["keepalives"] == 2 and record["age"] >= 1.8 * ttl
    assert credential not in str(control.sessions())


def test_ageing_one_login_expires_only_its_sessions(fresh_sim):
    control = SimControl(fresh_sim.info)
    alice, alice_url, alice_cred = _login(fresh_sim, "oxe1001", "1001")
    bruno, bruno_url, _ = _login(fresh_sim, "oxe1002", "1002")
    ttl = alice.get(alice_url, verify=str(fresh_sim.ca_path)).json()["timeToLive"]
    control.age_sessions("oxe1001", 2 * ttl)
    refused = alice.get(alice_url, verify=str(fresh_sim.ca_path))
    assert refused.status_code == 401 and refused.json()["code"] == 401
    assert bruno.get(bruno_url, verify=str(fresh_sim.ca_path)).status_code == 200
    record = next(r for r in control.sessions() if r["credentialSha256"] == credential_digest(alice_cred))
    assert record["closedBy"] == "expired" and record["keepalives"] == 0


def test_within_the_grace_margin_a_late_keepalive_still_counts(fresh_sim):
    """The Java SDK keeps alive every TTL exactly: the simulator expires only after TTL plus a margin."""
    control = SimControl(fresh_sim.info)
    http, sessions_url, _ = _login(fresh_sim, "oxe1003", "1003")
    ttl = http.get(sessions_url, verify=str(fresh_sim.ca_path)).json()["timeToLive"]
    control.age_sessions("oxe1003", ttl)
    assert http.post(f"{sessions_url}/keepalive", verify=str(fresh_sim.ca_path)).status_code == 204


def test_age_refuses_bad_values(fresh_sim):
    control = SimControl(fresh_sim.info)
    url = f"{fresh_sim.info.url}/sim/sessions/age"
    headers = control._transport.http.headers  # noqa: SLF001 - the control token
    for body in ({"login": "oxe1001", "seconds": -1}, {"login": "oxe1001", "seconds": True}, {"seconds": 5}):
        answer = requests.post(url, json=body, headers=headers, verify=str(fresh_sim.ca_path))
        assert answer.status_code == 400
    assert requests.get(f"{fresh_sim.info.url}/sim/sessions", verify=str(fresh_sim.ca_path)).status_code == 401
