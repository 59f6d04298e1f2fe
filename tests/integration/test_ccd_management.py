"""CC Management over HTTPS: pilots (both rule shapes), open/close, calendars with both POST forms."""

from __future__ import annotations

import pytest
import requests


def raw(client, method: str, path: str, **kwargs) -> requests.Response:
    return client.transport.http.request(method, client.base_url + path, verify=client.transport.verify, **kwargs)


def test_pilots_and_rule_shapes(connect):
    admin = connect("admin")
    pilots = admin.ccd_management.pilots()
    assert [p["number"] for p in pilots] == ["3000", "3100"]
    sales = admin.ccd_management.pilot("3000")
    assert (sales["state"], sales["detailedState"], sales["saturation"]) == ("Opened", "OPEN", False)
    assert isinstance(sales["waitingTime"], int)
    assert sales["rules"]["ruleList"][0] == {"ruleNumber": "1", "name": "Open", "active": True}
    node = raw(admin, "GET", "/acdmanagement/1/pilots/3000", headers={"User-Agent": "node"}).json()
    assert node["rules"][0] == {"ruleNumber": 1, "name": "Open", "active": True}


def test_close_sends_calls_to_the_overflow(connect, fresh_sim):
    admin = connect("admin")
    admin.ccd_management.close("3000")
    assert admin.ccd_management.pilot("3000")["state"] == "Closed"
    assert fresh_sim.state.pbx.ccd.pilots["3000"].open is False
    ref = fresh_sim.call(fresh_sim.state.pbx.ccd.customer_call, "3000")
    record = fresh_sim.state.pbx.ccd.records[-1]
    assert record.ref == ref and record.outcome == "overflowed"
    admin.ccd_management.open("3000")
    assert admin.ccd_management.pilot("3000")["rules"]["ruleList"][0]["active"] is True


def test_calendar_transitions(connect):
    admin = connect("admin")
    mgmt = admin.ccd_management
    mgmt.add_transition("3100", "monday", "18:00", rule=2, mode="closed")
    assert raw(admin, "POST", "/acdmanagement/1/pilots/3100/calendar/normal/monday",  # the Node form
               json={"time": "08:00", "ruleNumber": 1, "mode": "normal"}).status_code == 204
    mgmt.add_transition("3100", "20260714", "00:00", rule=2, mode="forward")
    cal = mgmt.calendar("3100")
    monday = cal["normalDays"]["calendar"][0]
    assert monday["day"] == "monday" and [t["number"] for t in monday["list"]] == [1, 2]
    assert monday["list"][0]["transition"] == {"time": "08:00", "ruleNumber": 1, "mode": "normal"}
    assert cal["exceptionDays"]["calendar"][0]["date"] == "20260714"
    mgmt.change_transition("3100", "monday", 2, "19:00", rule=2, mode="closed")
    mgmt.delete_transition("3100", "monday", 1)
    normal = raw(admin, "GET", "/acdmanagement/1/pilots/3100/calendar/normal").json()
    assert normal["calendar"][0]["list"] == [{"number": 1, "transition": {"time": "19:00", "ruleNumber": 2,
                                                                          "mode": "closed"}}]


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("GET", "/acdmanagement/9/pilots", None, 404),
    ("GET", "/acdmanagement/1/pilots/1234", None, 404),
    ("POST", "/acdmanagement/1/pilots/3000/calendar/normal/funday/transitions", {"time": "08:00"}, 400),
    ("POST", "/acdmanagement/1/pilots/3000/calendar/exception/2026-07-14", {"time": "08:00", "ruleNumber": 1}, 400),
    ("POST", "/acdmanagement/1/pilots/3000/calendar/normal/monday", {"time": "8h", "ruleNumber": 1}, 400),
    ("POST", "/acdmanagement/1/pilots/3000/calendar/normal/monday", {"time": "08:00", "mode": "party"}, 400),
    ("DELETE", "/acdmanagement/1/pilots/3000/calendar/normal/monday/transitions/1", None, 404),
    ("PUT", "/acdmanagement/1/pilots/3000/calendar/normal/monday/transitions/0", {"time": "08:00"}, 404),
])
def test_bad_input(connect, method, path, body, status):
    r = raw(connect("admin"), method, path, json=body)
    assert r.status_code == status and r.json()["code"] == status


def test_user_session_refused(connect):
    assert raw(connect("oxe2090"), "GET", "/acdmanagement/1/pilots").status_code == 403
