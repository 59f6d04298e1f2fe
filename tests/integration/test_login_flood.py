"""A login flood does not slow every request: credentials are indexed, expire in O(1) amortised, are capped
per login, and go with ``/sim/reset``. Costs are ratios measured in the same test, never absolute times."""

from __future__ import annotations

import time
from types import SimpleNamespace

import requests

from o2gmentor.sim.api import sessions as sessions_module
from o2gmentor.sim.api.app import SimState
from o2gmentor.sim.api.sessions import COOKIE, CREDENTIAL_LIFETIME, CREDENTIALS_PER_LOGIN
from o2gmentor.sim.control_client import SimControl
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.scenario import load


def _state() -> SimState:
    return SimState(Pbx(load("default"), with_history=False))


def _requests_cost(store, token: str, n: int = 3000) -> float:
    request = SimpleNamespace(headers={"Cookie": f"{COOKIE}={token}"}, cookies={COOKIE: token})
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(n):
            store.session_of(request)
        best = min(best, time.perf_counter() - start)
    return best


def test_an_authenticated_request_costs_the_same_after_5000_logins():
    state = _state()
    store = state.sessions
    mine = store.authenticate("oxe1001", "1001")
    store.open(mine, "flood-test")
    before = _requests_cost(store, mine.token)
    users = [(u.login, u.password) for u in state.pbx.site.users.values()]
    for i in range(5000):  # every account logs in again and again, none opens a session
        login, password = users[i % len(users)]
        store.authenticate(login, password)
    for i in range(300):  # and some open sessions they never use again
        login, password = users[i % len(users)]
        store.open(store.authenticate(login, password), "flood")
    after = _requests_cost(store, mine.token)
    assert after / before < 3, f"a request got {after / before:.1f}× slower after 5 000 logins"
    request = SimpleNamespace(headers={"Cookie": f"{COOKIE}={mine.token}"}, cookies={})
    assert store.session_of(request).login == "oxe1001"


def test_expired_credentials_go_without_scanning_the_others():
    state = _state()
    store = state.sessions
    for _ in range(40):
        store.authenticate("oxe1002", "1002")
    kept = store.authenticate("oxe1003", "1003")
    store.open(kept, "stays")
    store.clock.advance(CREDENTIAL_LIFETIME + 1)
    late = store.authenticate("oxe1004", "1004")  # a new login prunes the due ones
    assert set(store.credentials) == {kept.token, late.token}, "only unexpired or in-session credentials stay"
    assert len(store._cred_deadlines) <= 2  # noqa: SLF001 - the due entries were popped, not re-scanned


def test_a_login_holds_at_most_its_cap_of_credentials_oldest_first(monkeypatch):
    monkeypatch.setattr(sessions_module, "CREDENTIALS_PER_LOGIN", 5)
    state = _state()
    store = state.sessions
    in_session = store.authenticate("oxe1001", "1001")
    store.open(in_session, "keeps working")
    tokens = [store.authenticate("oxe1001", "1001").token for _ in range(10)]
    of_login = [t for t, c in store.credentials.items() if c.login == "oxe1001"]
    assert len(of_login) == 5
    assert in_session.token in of_login, "credentials without a session go first"
    assert set(of_login) - {in_session.token} == set(tokens[-4:]), "the newest stay"
    for _ in range(5):  # every credential in a session: the oldest session is evicted
        store.open(store.authenticate("oxe1001", "1001"), "more")
    assert in_session.token not in store.sessions
    assert store.closed[-1].closed_by == "evicted"
    assert len(store.sessions_of("oxe1001")) == 5


def test_the_cap_is_documented():
    assert CREDENTIALS_PER_LOGIN == 64
    assert "CREDENTIALS_PER_LOGIN`` (64)" in sessions_module.__doc__


def test_over_https_the_cap_holds_and_reset_drops_every_credential(fresh_sim):
    ca, host = str(fresh_sim.ca_path), fresh_sim.info.address
    auth_url = requests.get(f"https://{host}/api/rest", verify=ca).json()["versions"][0]["internalUrl"]
    http = requests.Session()
    for _ in range(CREDENTIALS_PER_LOGIN + 20):
        assert http.get(auth_url, auth=("oxe1005", "1005"), verify=ca).status_code == 200
    store = fresh_sim.state.sessions
    count = fresh_sim.call(lambda: sum(1 for c in store.credentials.values() if c.login == "oxe1005"))
    assert count == CREDENTIALS_PER_LOGIN
    last = http.cookies.get(COOKIE)
    assert fresh_sim.call(lambda: last in store.credentials)
    SimControl(fresh_sim.info).reset()
    assert fresh_sim.call(lambda: len(store.credentials)) == 0, "a reset keeps no credential"
    refused = http.post(auth_url.replace("/api/rest/authenticate?version=1.0", "/api/rest/1.0/sessions"),
                        json={"applicationName": "after-reset"}, verify=ca)
    assert refused.status_code == 401 and refused.json()["code"] == 401
