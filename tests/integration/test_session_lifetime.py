"""How long an O2G session and its credential live, over HTTPS, with the simulator's session clock stepped
(o2g-api-core.md §2–5): a session lives ``timeToLive`` plus a grace margin after its last request of any kind;
a credential nobody opened a session with lives 600 s; logout, replacement and reset end them, each saying so
in the control API's session table. No test sleeps."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone

import pytest
import requests

from o2gmentor.sim.api.sessions import COOKIE, CREDENTIAL_LIFETIME, credential_digest
from o2gmentor.sim.control_client import SimControl


class Login:
    """One application's login, step by step as the SDKs take it."""

    def __init__(self, sim, login: str = "oxe1001", password: str = "1001", open_session: bool = True) -> None:
        self.sim, self.ca, self.login = sim, str(sim.ca_path), login
        self.http = requests.Session()
        descriptor = self.http.get(f"https://{sim.info.address}/api/rest", verify=self.ca)
        self.auth_url = descriptor.json()["versions"][0]["internalUrl"]
        self.auth = self.http.get(self.auth_url, auth=(login, password), verify=self.ca)
        assert self.auth.status_code == 200, self.auth.text
        self.credential = self.auth.json()["credential"]
        self.sessions_url = self.auth.json()["internalUrl"]
        self.info: dict = {}
        if open_session:
            self.open()

    def open(self, **extra) -> requests.Response:
        r = self.http.post(self.sessions_url, json={"applicationName": "lifetime", **extra}, verify=self.ca)
        if r.status_code == 200:
            self.info = r.json()
        return r

    def get(self, path: str = "") -> requests.Response:
        return self.http.get(self.sessions_url + path if not path.startswith("https") else path, verify=self.ca)

    def keepalive(self) -> requests.Response:
        return self.http.post(self.sessions_url + "/keepalive", verify=self.ca)

    def record(self) -> dict:
        digest = credential_digest(self.credential)
        return [r for r in SimControl(self.sim.info).sessions() if r["credentialSha256"] == digest][-1]


def _advance(sim, seconds: float) -> None:
    sim.call(sim.state.sessions.clock.advance, seconds)


def _status(response: requests.Response) -> int:
    if response.status_code >= 400:
        assert response.json()["code"] == response.status_code
    return response.status_code


@pytest.fixture()
def short_ttl(fresh_sim, monkeypatch):
    """Sessions opened from now on live 20 s (the grace margin is then its 5 s floor)."""
    monkeypatch.setattr(fresh_sim.state, "session_ttl", 20)
    return 20


# ------------------------------------------------------------------------------------------------ sessions
def test_any_request_keeps_the_session_alive_not_only_keepalives(fresh_sim):
    alice = Login(fresh_sim)
    ttl = alice.info["timeToLive"]
    users_url = alice.info["privateBaseUrl"] + "/users/oxe1001"
    for _ in range(3):  # 3 x 0.9 TTL: only alive because each request counted
        _advance(fresh_sim, 0.9 * ttl)
        assert _status(alice.get(users_url)) == 200
    assert alice.record()["keepalives"] == 0 and alice.record()["open"]


def test_the_session_ends_after_ttl_plus_its_grace_margin(fresh_sim, short_ttl):
    """TTL 20 s: the margin is 5 s (its floor), so 24 s after the last request it lives, at 25.5 s it is gone."""
    alice, bruno = Login(fresh_sim), Login(fresh_sim, "oxe1002", "1002")
    assert alice.info["timeToLive"] == short_ttl
    _advance(fresh_sim, short_ttl + 4)
    assert _status(alice.keepalive()) == 204
    _advance(fresh_sim, short_ttl + 5.5)
    assert _status(alice.keepalive()) == 401
    assert _status(bruno.keepalive()) == 401, "a session nobody used is gone as well"
    record = alice.record()
    assert (record["open"], record["closedBy"], record["keepalives"]) == (False, "expired", 1)


def test_a_long_ttl_has_a_grace_margin_of_a_tenth(fresh_sim):
    """TTL 1800 s: the margin is 180 s — 1970 s after the last request it lives, at 1990 s it is gone."""
    alice = Login(fresh_sim)
    ttl = alice.info["timeToLive"]
    assert ttl == 1800
    _advance(fresh_sim, ttl + 170)
    assert _status(alice.get()) == 200
    _advance(fresh_sim, ttl + 190)
    assert _status(alice.get()) == 401


def test_the_session_says_when_it_expires_and_which_other_sessions_its_login_has(fresh_sim):
    alice = Login(fresh_sim)
    other = Login(fresh_sim)  # the same login, another application
    third = Login(fresh_sim)
    Login(fresh_sim, "oxe1002", "1002")  # another login: not listed
    info = alice.get().json()
    created = datetime.fromisoformat(info["creationDate"].replace("Z", "+00:00"))
    expires = datetime.fromisoformat(info["expirationDate"].replace("Z", "+00:00"))
    assert (expires - created).total_seconds() == pytest.approx(info["timeToLive"], abs=2)
    assert info["creationDate"].endswith("Z") and len(info["creationDate"]) == len("2024-01-01T00:00:00.000Z")
    mine, theirs = info["otherSessions"], other.get().json()["otherSessions"]
    assert len(mine) == len(theirs) == 2, "each lists the other sessions of its login, not itself nor others'"
    assert {s["sessionId"] for s in mine} != {s["sessionId"] for s in theirs}
    assert len({s["sessionId"] for s in mine} | {s["sessionId"] for s in third.get().json()["otherSessions"]}) == 3
    assert mine[0]["timeToLive"] == info["timeToLive"] and mine[0]["creationDate"].endswith("Z")
    assert (info["login"], info["admin"]) == ("oxe1001", False)
    assert info["publicBaseUrl"] == info["privateBaseUrl"] == alice.sessions_url.rsplit("/sessions", 1)[0]


def test_expiry_moves_with_each_request(fresh_sim):
    alice = Login(fresh_sim)
    before = alice.get().json()["expirationDate"]
    _advance(fresh_sim, 60)
    after = alice.get().json()["expirationDate"]
    assert after > before


def test_a_user_sees_its_licensed_services_and_an_administrator_the_admin_ones(fresh_sim):
    user = {s["serviceName"]: s for s in Login(fresh_sim).info["services"]}
    admin = {s["serviceName"] for s in Login(fresh_sim, "admin", "admin-o2g").info["services"]}
    assert {"Telephony", "BasicTelephony", "Routing", "Subscriptions", "Users"} <= set(user)
    assert user["Telephony"] == {"serviceName": "Telephony", "serviceVersion": "1.0", "relativeUrl": "/telephony/calls"}
    assert not {"Maintenance", "UserManagement", "PbxManagement", "AcdAgent"} & set(user)
    assert {"Maintenance", "UserManagement", "PbxManagement", "AcdRealtime", "AcdRsi"} <= admin
    agent = {s["serviceName"] for s in Login(fresh_sim, "oxe2001", "2001").info["services"]}
    assert "AcdAgent" in agent and "AcdRealtime" not in agent


def test_an_expired_licence_takes_its_services_away(fresh_sim):
    control = SimControl(fresh_sim.info)
    control.licence_expiring("ROXE_API_TEL_ADVANCED", -1)
    try:
        user = {s["serviceName"] for s in Login(fresh_sim).info["services"]}
        admin = {s["serviceName"] for s in Login(fresh_sim, "admin", "admin-o2g").info["services"]}
    finally:
        control.restore_licences()
    assert "Telephony" not in user and "BasicTelephony" in user
    assert "Telephony" not in admin and "Maintenance" in admin


def test_logout_ends_the_session_and_its_credential(fresh_sim):
    alice = Login(fresh_sim)
    assert alice.http.delete(alice.sessions_url, verify=alice.ca).status_code == 204
    refused = alice.get()
    assert _status(refused) == 401 and "authenticate again" in refused.json()["helpMessage"]
    assert _status(alice.keepalive()) == 401  # a late keep-alive, counted too
    record = alice.record()
    assert (record["open"], record["closedBy"], record["lateRequests"]) == (False, "logout", 2)


def test_a_credential_without_a_session_is_403_with_what_to_do(fresh_sim):
    alice = Login(fresh_sim, open_session=False)
    refused = alice.get()
    assert _status(refused) == 403
    assert refused.json()["helpMessage"] == "The session doesn't exist: open one with POST /sessions"
    assert alice.open().status_code == 200 and _status(alice.get()) == 200


def test_opening_again_replaces_the_session_and_keeps_the_credential(fresh_sim):
    alice = Login(fresh_sim)
    assert alice.open().status_code == 200
    records = [r for r in SimControl(fresh_sim.info).sessions()
               if r["credentialSha256"] == credential_digest(alice.credential)]
    assert [(r["open"], r["closedBy"]) for r in records] == [(True, None), (False, "replaced")]
    assert _status(alice.get()) == 200


def test_no_cookie_and_a_wrong_cookie_are_401_saying_why(fresh_sim):
    alice = Login(fresh_sim)
    base = alice.sessions_url
    bare = requests.get(base, verify=alice.ca)
    assert _status(bare) == 401 and bare.json()["helpMessage"] == "no AlcUserId cookie: authenticate first"
    wrong = requests.get(base, cookies={COOKIE: "not-a-credential"}, verify=alice.ca)
    assert _status(wrong) == 401
    assert wrong.json()["helpMessage"] == "unknown or expired credential: authenticate again"


def test_the_credential_is_found_among_other_cookies(fresh_sim):
    """Browsers and some HTTP stacks send several cookies in one header: the session is still recognised."""
    alice = Login(fresh_sim)
    for header in (f"{COOKIE}={alice.credential}", f"theme=dark; {COOKIE}={alice.credential}",
                   f"{COOKIE}={alice.credential}; lang=fr"):
        r = requests.get(alice.sessions_url, headers={"Cookie": header}, verify=alice.ca)
        assert r.status_code == 200, header


def test_only_an_administrator_opens_a_session_for_another_account(fresh_sim):
    alice = Login(fresh_sim, open_session=False)
    refused = alice.open(supervisedAccount={"login": "oxe1002"})
    assert _status(refused) == 403
    assert refused.json()["helpMessage"] == "only an administrator may open a session for another account"
    admin = Login(fresh_sim, "admin", "admin-o2g", open_session=False)
    assert admin.open(supervisedAccount={"login": "oxe1002"}).status_code == 200
    assert admin.info["admin"] is True


def test_the_application_name_is_trimmed_and_recorded(fresh_sim):
    alice = Login(fresh_sim, open_session=False)
    refused = alice.open(applicationName="   ")
    assert _status(refused) == 400 and refused.json()["helpMessage"] == "'applicationName' is missing"
    r = alice.http.post(alice.sessions_url, json={"APPLICATIONNAME": "  crm  "}, verify=alice.ca)
    assert r.status_code == 200
    assert alice.record()["application"] == "crm"


# ------------------------------------------------------------------------------------------------ credentials
def test_a_credential_waits_600_seconds_for_its_session(fresh_sim):
    early, late = Login(fresh_sim, open_session=False), Login(fresh_sim, "oxe1002", "1002", open_session=False)
    _advance(fresh_sim, CREDENTIAL_LIFETIME - 10)
    assert early.open().status_code == 200
    _advance(fresh_sim, 20)
    refused = late.open()
    assert _status(refused) == 401 and "authenticate again" in refused.json()["helpMessage"]
    assert _status(early.get()) == 200, "a credential in a session lives as long as the session"


def test_authenticate_answers_the_sessions_url_and_a_secure_cookie(fresh_sim):
    alice = Login(fresh_sim, open_session=False)
    answer = alice.auth.json()
    assert answer["loginName"] == "oxe1001"
    sessions_url = alice.auth_url.split("/api/rest")[0] + "/api/rest/1.0/sessions"
    assert answer["internalUrl"] == answer["publicUrl"] == sessions_url
    cookie = alice.auth.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}={answer['credential']}")
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    # without ?version the current version is meant
    no_version = requests.get(alice.auth_url.split("?")[0], auth=("oxe1001", "1001"), verify=alice.ca)
    assert no_version.status_code == 200


@pytest.mark.parametrize("header, says", [
    ("Bearer abc", "Basic authentication is required"),
    ("Basic", "Basic authentication is required"),
    ("Basic bm9jb2xvbg==x", "malformed Basic credentials"),
    ("Basic //79", "malformed Basic credentials"),
    ("Basic " + __import__("base64").b64encode(b"oxe1001:nope").decode(), "wrong login or password"),
])
def test_authorization_that_is_not_good_basic_credentials_is_a_401_challenge(fresh_sim, header, says):
    alice = Login(fresh_sim, open_session=False)
    r = requests.get(alice.auth_url, headers={"Authorization": header}, verify=alice.ca)
    assert _status(r) == 401 and r.headers["WWW-Authenticate"] == 'Basic realm="O2G"'
    assert r.json()["helpMessage"] == says


def test_the_descriptor_points_at_this_servers_authenticate_url(fresh_sim):
    r = requests.get(f"https://{fresh_sim.info.address}/api/rest", verify=str(fresh_sim.ca_path)).json()
    url = f"https://{fresh_sim.info.address}/api/rest/authenticate?version=1.0"
    assert r["versions"] == [{"id": "1.0", "status": "CURRENT", "publicUrl": url, "internalUrl": url}]
    assert isinstance(r["serverInfo"]["haMode"], bool) and r["custoFeatures"] == []
    assert set(r["serverInfo"]) == set(fresh_sim.state.pbx.scenario["server"]) | {"haMode"}
    assert r["serverInfo"]["productName"]


# ------------------------------------------------------------------------------------------------ the session table
def test_the_session_table_shows_age_idle_time_and_who(fresh_sim):
    admin = Login(fresh_sim, "admin", "admin-o2g")
    _advance(fresh_sim, 30)
    record = admin.record()
    assert (record["login"], record["admin"], record["open"], record["closedBy"]) == ("admin", True, True, None)
    assert record["timeToLive"] == admin.info["timeToLive"] and record["application"] == "lifetime"
    assert record["creationDate"] == admin.info["creationDate"]
    assert record["age"] == pytest.approx(30, abs=1) and record["idle"] == pytest.approx(30, abs=1)
    admin.get()
    record = admin.record()
    assert record["age"] == pytest.approx(30, abs=1) and record["idle"] == pytest.approx(0, abs=1)
    admin.http.delete(admin.sessions_url, verify=admin.ca)
    _advance(fresh_sim, 100)
    assert admin.record()["age"] == pytest.approx(30, abs=1), "a closed session's age stops at its end"
    assert len(admin.record()["credentialSha256"]) == 16


def test_ageing_a_login_ages_its_credentials_too(fresh_sim):
    control = SimControl(fresh_sim.info)
    waiting = Login(fresh_sim, "oxe1006", "1006", open_session=False)
    other = Login(fresh_sim, "oxe1007", "1007", open_session=False)
    in_session = Login(fresh_sim, "oxe1006", "1006")
    assert control.age_sessions("oxe1006", CREDENTIAL_LIFETIME + 1) == 1
    assert _status(waiting.open()) == 401, "its credential waited too long"
    assert other.open().status_code == 200, "another login's credential did not age"
    assert in_session.record()["age"] == pytest.approx(CREDENTIAL_LIFETIME + 1, abs=1)
    assert _status(in_session.get()) == 200, "600 s is well within the session's TTL"
    assert control.age_sessions("oxe1006", 0) == 1 and control.age_sessions("nobody", 10) == 0
    fresh = Login(fresh_sim, "oxe1007", "1007", open_session=False)
    control.age_sessions("oxe1007", 10)
    assert fresh.open().status_code == 200, "10 s older is still well within its 600 s"


def test_the_basic_scheme_is_case_insensitive_and_the_password_may_hold_a_colon(fresh_sim):
    import base64

    alice = Login(fresh_sim, open_session=False)
    token = base64.b64encode(b"oxe1001:1001").decode()
    assert requests.get(alice.auth_url, headers={"Authorization": f"basic {token}"}, verify=alice.ca).status_code == 200
    fresh_sim.call(setattr, fresh_sim.state.pbx.site.users["oxe1008"], "password", "a:b")
    try:
        assert requests.get(alice.auth_url, auth=("oxe1008", "a:b"), verify=alice.ca).status_code == 200
        assert _status(requests.get(alice.auth_url, auth=("oxe1008", "a"), verify=alice.ca)) == 401
    finally:
        fresh_sim.call(setattr, fresh_sim.state.pbx.site.users["oxe1008"], "password", "1008")


def test_dates_are_utc_whatever_the_servers_time_zone(fresh_sim, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+05:30: a local date would be hours off
    time.tzset()
    try:
        info = Login(fresh_sim).info
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    created = datetime.fromisoformat(info["creationDate"].replace("Z", "+00:00"))
    now = datetime.fromtimestamp(fresh_sim.call(fresh_sim.state.sessions.now), timezone.utc)  # the session clock
    assert abs((now - created).total_seconds()) < 60
    assert os.environ.get("TZ") is None


def test_the_table_keeps_the_latest_200_closed_sessions(fresh_sim):
    store = fresh_sim.state.sessions

    def churn() -> None:
        for n in range(230):
            store.close(store.open(store.authenticate("oxe1009", "1009"), f"app-{n}"), reason="logout")

    fresh_sim.call(churn)
    closed = [r for r in SimControl(fresh_sim.info).sessions() if not r["open"]]
    assert len(closed) == 200 and closed[-1]["application"] == "app-229" and closed[0]["application"] == "app-30"


def test_deadlines_hold_after_the_index_was_compacted(fresh_sim):
    """Thousands of short sessions leave stale deadline entries that get compacted away: a credential still
    waiting and a session still open must expire on time all the same."""
    store = fresh_sim.state.sessions

    def setup() -> tuple[str, str]:
        live = store.open(store.authenticate("oxe1010", "1010"), "live")
        waiting = store.authenticate("oxe1011", "1011")
        for n in range(400):
            store.close(store.open(store.authenticate("oxe1009", "1009"), f"short-{n}"), reason="logout")
        return live.credential, waiting.token

    live, waiting = fresh_sim.call(setup)
    assert fresh_sim.call(lambda: len(store._session_deadlines) + len(store._cred_deadlines)) < 400  # noqa: SLF001
    _advance(fresh_sim, CREDENTIAL_LIFETIME + 1)
    fresh_sim.call(store.expire_all_due)
    assert fresh_sim.call(lambda: (waiting in store.credentials, live in store.sessions)) == (False, True)
    _advance(fresh_sim, fresh_sim.state.session_ttl * 1.2)
    fresh_sim.call(store.expire_all_due)
    assert fresh_sim.call(lambda: live in store.sessions) is False
    assert [r["closedBy"] for r in SimControl(fresh_sim.info).sessions() if r["application"] == "live"] == ["expired"]
