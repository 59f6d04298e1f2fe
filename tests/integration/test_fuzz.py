"""Fuzzing every O2G route of the simulator from its OpenAPI description (schemathesis), as a user and as an
administrator, then checking the site is still sane.

Short in ``make test`` (``O2G_FUZZ_EXAMPLES``, default 3 requests per operation and role); ``make fuzz`` runs
it long (100). The simulator runs in its own process, so the fuzz can wreck it as it likes (an administrator
deletes users, changes passwords, closes pilots…) without touching the other tests' simulator. Before each
operation the world is put back in a state where the site's real identifiers mean something: the agent
oxe2001 (set 2001, pro-ACD 2101) in a call with 1002, a missed call and a voice message in its history, a
statistics requester ``super1`` with a context ``ctx1``. What must hold for every answer: see tests/fuzzing.py.
After the run, the invariants: every user the site lists logs in with the password the site holds; every call
a phone shows is the call the O2G API shows, in a state O2G knows, and hangs up cleanly; each user's event
summary agrees with its comlog, mailbox and callback requests; ``GET /sim/status`` is sane.
"""

from __future__ import annotations

import json
import os

import pytest
import requests

from o2gmentor.sim.openapi import BASE, FILE
from tests import fuzzing
from tests.simprocess import SimProcess

EXAMPLES = int(os.environ.get("O2G_FUZZ_EXAMPLES", "3"))
MEDIA_STATES = {"UNKNOWN", "OFF_HOOK", "IDLE", "RELEASING", "DIALING", "HELD", "RINGING_INCOMING",
                "RINGING_OUTGOING", "ACTIVE"}


@pytest.fixture(scope="module")
def fuzz_sim(tmp_path_factory):
    sim = SimProcess(tmp_path_factory.mktemp("fuzz-sim"))
    sim.start()
    yield sim
    sim.stop()


class World:
    """What the fuzz's "real values" requests point at, set up again before each operation."""

    def __init__(self, sim: SimProcess) -> None:
        self.sim, self.ctl = sim, sim.control
        info = sim.info
        self.host, self.ca = info.address, info.ca
        self._passwords: dict[str, str] = {}
        self.refresh_passwords()
        self.admin = fuzzing.Session(self.host, self.ca, fuzzing.Account("admin", "admin-o2g", True), self.password)
        self.history()

    def refresh_passwords(self) -> None:
        self._passwords = {u["login"]: u["password"] for u in self.ctl.users() if u.get("login")}

    def password(self, login: str) -> str | None:
        return self._passwords.get(login)

    def admin_request(self, method: str, path: str, **kwargs) -> requests.Response:
        r = self.admin.http.request(method, f"https://{self.host}{BASE}{path}", verify=self.ca, timeout=5, **kwargs)
        if r.status_code in (401, 403) and not self.admin.alive():
            self.admin.login()
            r = self.admin.http.request(method, f"https://{self.host}{BASE}{path}", verify=self.ca, timeout=5,
                                        **kwargs)
        return r

    def history(self) -> None:
        """A missed call (→ comlog record, event summary) and a voice message (id 1) for oxe2001."""
        self.ctl.outside_call("0612345678", "2001")
        self.ctl.hangup("0612345678")
        overflow = {"overflowRoutes": [{"overflowType": "NO_ANSWER", "destinations": [{"type": "VOICEMAIL"}]}]}
        assert self.admin_request("POST", "/routing/overflowroute?loginName=oxe2001", json=overflow).status_code == 204
        self.ctl.outside_call("0612345678", "2001")
        self.ctl.advance(25)  # no answer: the voice mail takes the call
        self.ctl.advance(10)
        self.ctl.hangup("0612345678")
        self.admin_request("DELETE", "/routing/overflowroute?loginName=oxe2001")
        box = self.admin_request("GET", "/messaging/mailboxes/VM4635_2001/voicemails?loginName=oxe2001").json()
        assert [m["voicemailId"] for m in box["voicemails"]] == ["1"], box

    def values(self) -> dict[str, str]:
        """A live call of oxe2001 (2001 ↔ 1002), and the statistics requester and context: their ids."""
        values: dict[str, str] = {}
        phone = self.ctl.phone("2001")
        if not phone["calls"] and self.ctl.phone("1002")["state"] == "idle" and phone["deviceState"] == "IN_SERVICE":
            try:
                self.ctl.dial("1002", "2001")
                self.ctl.answer("2001")
            except Exception:  # noqa: BLE001 - the fuzz may have left 2001 forwarded, DND…: then no call
                pass
            phone = self.ctl.phone("2001")
        if phone["calls"]:
            values["ref"] = phone["calls"][0]["callRef"]
        if self.admin_request("GET", "/acdstats/scope/super1/ctx/ctx1").status_code == 404:
            self.admin_request("POST", "/acdstats/scope", json={
                "supervisor": {"identifier": "super1", "language": "EN", "timezone": "Z"},
                "agents": [{"number": "2001"}]})
            r = self.admin_request("POST", "/acdstats/scope/super1/ctx", json={
                "label": "fuzz", "description": "fuzz", "filter": {"agentFilter": {"numbers": ["2001"],
                                                                                   "agentAttributes": ["ALL"]}}})
            if r.ok:
                values["cid"] = r.json()["id"]
        return values


@pytest.mark.timeout(max(300, EXAMPLES * 40))
def test_fuzz_every_route_as_a_user_and_an_administrator(fuzz_sim, capsys):
    document = json.loads(FILE.read_text())
    world = World(fuzz_sim)
    results = []
    for account in (fuzzing.Account("oxe2001", "2001", False),
                    fuzzing.Account("admin", "admin-o2g", True, query={"loginName": "oxe2001"})):
        world.refresh_passwords()
        results.append(fuzzing.run(world.host, world.ca, document, account, examples=EXAMPLES,
                                   password_of=world.password, prepare=world.values))
    with capsys.disabled():
        for result in results:
            print("\n" + result.line(), end="")
        print()
    failures = [f for result in results for f in result.failures]
    assert sum(r.operations for r in results) >= 2 * 180
    assert failures == [], f"{len(failures)} fuzz failures:\n" + "\n".join(failures[:40])
    check_invariants(world)


def check_invariants(world: World) -> None:
    ctl = world.ctl
    status = ctl.status()
    assert status["scenario"] == "default" and status["calls"] >= 0 and status["sessions"] >= 1, status
    world.refresh_passwords()
    users = [u for u in ctl.users() if u.get("login") and u["role"] != "admin"]
    assert len(users) >= 10, "the fuzz left fewer than 10 users"

    # every user the site lists logs in with the password the site holds, and sees itself
    for user in users:
        http = requests.Session()
        r = http.get(f"https://{world.host}/api/rest/authenticate?version=1.0",
                     auth=(user["login"], user["password"]), verify=world.ca, timeout=5)
        assert r.status_code == 200, f"{user['login']} cannot log in after the fuzz: {r.status_code} {r.text[:99]}"
        r = http.post(f"https://{world.host}{BASE}/sessions", json={"applicationName": "check"}, verify=world.ca,
                      timeout=5)
        assert r.status_code == 200, f"{user['login']} gets no session after the fuzz: {r.text[:99]}"
        me = http.get(f"https://{world.host}{BASE}/users/{user['login']}", verify=world.ca, timeout=5)
        assert me.status_code == 200 and me.json()["loginName"] == user["login"]
        http.delete(f"https://{world.host}{BASE}/sessions", verify=world.ca, timeout=5)

    # every call a phone shows is the call O2G shows its user, in a state O2G knows
    for phone in ctl.phones():
        for call in phone["calls"]:
            assert call["state"] in MEDIA_STATES, f"{phone['number']} in call {call['callRef']}: {call['state']}"
            if phone["login"]:
                r = world.admin_request("GET", f"/telephony/calls?loginName={phone['login']}")
                assert r.status_code == 200, r.text[:200]
                refs = {c["callRef"] for c in r.json()["calls"]}
                assert call["callRef"] in refs, f"{phone['login']} is not shown call {call['callRef']} it is in"
    # … and every call hangs up cleanly, leaving none behind
    for _ in range(50):
        busy = [p for p in ctl.phones() if p["calls"]]
        if not busy:
            break
        ctl.hangup(busy[0]["number"])  # may end other phones' calls too: look again
    ctl.advance(60)
    assert ctl.status()["calls"] == 0, [p for p in ctl.phones() if p["calls"]]

    # each user's event summary agrees with its comlog, its mailbox and its callback requests
    for user in users:
        login = user["login"]
        r = world.admin_request("GET", f"/eventsummary?loginName={login}")
        if r.status_code == 403:  # a user without the TELEPHONY_ADVANCED licence has no event summary
            continue
        summary = r.json()
        missed = world.admin_request("GET", f"/comlog/records?loginName={login}&unanswered=true"
                                            "&unacknowledged=true&role=CALLEE").json()
        assert summary["missedCallsNb"] == missed["totalCount"], (login, summary, missed["totalCount"])
        callbacks = world.admin_request("GET", f"/telephony/incomingCallbacks?loginName={login}").json()["callbacks"]
        assert summary["callBackRequestsNb"] == len(callbacks), (login, summary, callbacks)
        boxes = world.admin_request("GET", f"/messaging/mailboxes?loginName={login}")
        if boxes.status_code == 200:
            box = boxes.json()["mailboxes"][0]["id"]
            new = world.admin_request("GET", f"/messaging/mailboxes/{box}/voicemails?loginName={login}&newOnly=true")
            assert summary["voiceMessagesNb"] == len(new.json()["voicemails"]), (login, summary)
        assert summary["eventWaiting"] == bool(summary["missedCallsNb"] or summary["voiceMessagesNb"]
                                               or summary["callBackRequestsNb"])
    status = ctl.status()
    assert status["calls"] == 0 and status["subscriptions"] >= 0
