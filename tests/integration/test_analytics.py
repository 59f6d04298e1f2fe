"""Analytics over HTTPS: incidents, charging files and tickets from real simulated calls, rights and bad input."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import requests

from o2gmentor.client.errors import O2GError


def raw(client, method: str, path: str, **kwargs) -> requests.Response:
    return client.transport.http.request(method, client.base_url + path, verify=client.transport.verify, **kwargs)


def today(sim) -> str:
    return datetime.fromtimestamp(sim.call(sim.state.pbx.clock.now), tz=timezone.utc).strftime("%Y%m%d")


def outside_call(sim, caller: str, callee: str, seconds: float, *, answer: bool = True) -> None:
    """A finished call with an outside party, made and timed on the simulator's loop and clock."""
    def run() -> None:
        calls = sim.state.pbx.calls
        ref = calls.make_call(caller, callee) if sim.state.pbx.site.device(caller) else \
            calls.outside_call(caller, callee)
        if answer:
            calls.answer(ref, callee)
        sim.state.pbx.clock.advance(seconds)
        calls.release(ref)
    sim.call(run)


def test_incidents(connect):
    admin = connect("admin")
    incidents = admin.analytics.incidents(1)
    assert [i["value"] for i in incidents] == ["2321", "5011", "3606", "1312", "0025"]
    board = incidents[1]
    assert {"date", "hour", "severity", "type", "nbOccurs", "node", "main", "rack", "board", "equipment",
            "termination"} <= set(board)
    assert board["node"] == "1" and isinstance(board["severity"], int)
    datetime.strptime(f"{board['date']} {board['hour']}", "%d/%m/%y %H:%M:%S")
    assert [i["value"] for i in admin.analytics.incidents(1, last=2)] == ["1312", "0025"]


def test_charging_after_real_calls(connect, fresh_sim):
    alice = connect("oxe1001")
    ref = alice.telephony.make_call("0472000001")  # through the O2G API, like a trainee
    fresh_sim.call(fresh_sim.state.pbx.calls.answer, ref, "0472000001")
    fresh_sim.call(fresh_sim.state.pbx.clock.advance, 95)
    alice.telephony.release(ref)
    outside_call(fresh_sim, "0612345678", "1002", 40)  # incoming, answered
    outside_call(fresh_sim, "0145000002", "1006", 20, answer=False)  # incoming, missed
    admin = connect("admin")
    day = today(fresh_sim)
    files = admin.analytics.charging_files(1, day, day)
    assert files and all(f["name"].startswith(f"tax1_{day}_") for f in files)
    result = admin.analytics.chargings(1, day, day)
    assert (result["totalTicketNb"], result["valuableTicketNb"]) == (3, 2)
    assert (result["fromDate"], result["toDate"], result["nbChargingFiles"]) == (day, day, len(files))
    out, incoming = result["chargings"]
    assert (out["caller"], out["called"], out["callType"]) == ("1001", "0472000001", "PublicNetworkCall")
    assert (out["chargingUnits"], out["cost"], out["effectiveCallDuration"]) == (2, 0.2, 95)
    assert (incoming["callType"], incoming["cost"]) == ("PublicNetworkIncomingCall", 0)
    every = admin.analytics.chargings(1, files=[f["name"] for f in files], all=True)
    assert len(every["chargings"]) == 3 and every["chargings"][2]["effectiveCallDuration"] == 0
    assert [c["caller"] for c in admin.analytics.chargings(1, day, day, top=1)["chargings"]] == ["1001"]


def test_no_call_no_file(connect, fresh_sim):
    admin = connect("admin")
    day = today(fresh_sim)
    assert admin.analytics.charging_files(1, day, day) == []
    empty = admin.analytics.chargings(1, day, day)
    assert (empty["chargings"], empty["totalTicketNb"], empty["nbChargingFiles"]) == ([], 0, 0)


def test_a_user_session_is_refused(connect):
    alice = connect("oxe1001")
    assert "analytics" not in alice.services
    r = raw(alice, "GET", "/analytics/incidents", params={"nodeId": "1"})
    assert r.status_code == 403 and "administrator" in r.json()["helpMessage"]


def test_an_expired_analytics_licence_is_refused(connect, fresh_sim):
    admin = connect("admin")
    system = fresh_sim.state.pbx.system
    name = next(n for n, lic in system.licences.items() if lic.grants == "ANALYTICS")
    fresh_sim.call(system.expire_licence, name, -1, fresh_sim.call(fresh_sim.state.pbx.clock.now))
    with pytest.raises(O2GError) as err:
        admin.analytics.incidents(1)
    assert err.value.status == 403 and "ANALYTICS" in err.value.message


@pytest.mark.parametrize(("path", "params", "status"), [
    ("/incidents", {}, 400),
    ("/incidents", {"nodeId": "one"}, 400),
    ("/incidents", {"nodeId": "7"}, 404),
    ("/incidents", {"nodeId": "1", "last": "-2"}, 400),
    ("/charging/files", {"nodeId": "1", "fromDate": "2026-03-01", "toDate": "20260302"}, 400),
    ("/charging/files", {"nodeId": "1", "fromDate": "20260230", "toDate": "20260302"}, 400),
    ("/charging/files", {"nodeId": "1", "fromDate": "20260301"}, 400),
    ("/charging/files", {"nodeId": "1", "fromDate": "20260305", "toDate": "20260301"}, 400),
    ("/charging", {"nodeId": "1"}, 400),
    ("/charging", {"nodeId": "1", "files": "tax1_20260301_10", "fromDate": "20260301", "toDate": "20260301"}, 400),
    ("/charging", {"nodeId": "1", "files": ","}, 400),
    ("/charging", {"nodeId": "1", "files": "nosuchfile"}, 404),
    ("/charging", {"nodeId": "1", "fromDate": "20260301", "toDate": "20260301", "top": "x"}, 400),
    ("/charging", {"nodeId": "9", "fromDate": "20260301", "toDate": "20260301"}, 404),
])
def test_bad_input(connect, path, params, status):
    admin = connect("admin")
    r = raw(admin, "GET", "/analytics" + path, params=params)
    assert r.status_code == status, r.text
    assert r.json()["code"] == status
