"""CC Realtime over HTTPS: objects, the per-session context, RTI events on the channel, rights."""

from __future__ import annotations

import pytest
import requests

from o2gmentor.client.errors import O2GError


def raw(client, method: str, path: str, **kwargs) -> requests.Response:
    return client.transport.http.request(method, client.base_url + path, verify=client.transport.verify, **kwargs)


def expire(sim, grant: str) -> None:
    system = sim.state.pbx.system
    name = next(n for n, lic in system.licences.items() if lic.grants == grant)
    sim.call(system.expire_licence, name, -1, sim.call(sim.state.pbx.clock.now))


def test_objects(connect):
    rti = connect("admin").realtime
    objects = rti.objects()
    assert set(objects) == {"agents", "pilots", "queues", "pgAgents", "pgOthers"}
    assert {"number": "2001", "name": "Roux", "firstName": "Nadia"} in rti.agents()
    assert [p["number"] for p in rti.pilots()] == ["3000", "3100"]
    assert {q["number"] for q in rti.queues()} == {"3001", "3101"} and rti.other_groups() == []
    assert {"number": "3010", "name": "Sales team"} in rti.groups()


def test_context_events_and_changes(connect, fresh_sim):
    admin = connect("admin")
    stream = admin.subscribe({"rti": ["*"]})
    admin.realtime.set_context(pilots=admin.realtime.sub_filter(["3000"], ["NbOfWaitingCalls"]),
                               agents=admin.realtime.sub_filter(["2001"]), notif_frequency=5)
    ctx = admin.realtime.context()
    assert ctx["obsPeriod"] == 30 and ctx["active"] is False and set(ctx["filter"]) == {"agentFilter", "pilotFilter"}
    admin.realtime.start()
    assert admin.realtime.context()["active"] is True
    pilot = stream.wait_for("OnPilotRtiChanged", number="3000")
    assert pilot == {"eventName": "OnPilotRtiChanged", "name": "Sales", "number": "3000", "nbOfWaitingCalls": 0}
    agent = stream.wait_for("OnAgentRtiChanged", number="2001")
    assert (agent["serviceState"], agent["phoneState"], agent["type"], agent["firstName"]) == \
        ("LoggedOut", "LoggedOut", "Normal", "Nadia")
    fresh_sim.call(fresh_sim.state.pbx.ccd.customer_call, "3000")
    fresh_sim.call(fresh_sim.state.pbx.clock.advance, 5)
    change = stream.wait_for("OnPilotRtiChanged", number="3000")
    assert change == {"eventName": "OnPilotRtiChanged", "name": "Sales", "number": "3000", "nbOfWaitingCalls": 1}
    admin.realtime.delete_context()
    with pytest.raises(O2GError) as err:
        admin.realtime.context()
    assert err.value.status == 404
    stream.stop()


def test_java_filter_keys_are_echoed(connect):
    admin = connect("admin")
    body = {"obsPeriod": 15, "notifFrequency": 10,
            "filter": {"teamFilter": {"numbers": ["3010"], "attributes": ["ALL"]},
                       "otherPgFilter": {"numbers": [], "attributes": ["ALL"]}}}
    assert raw(admin, "POST", "/acdrealtime/ctx", json=body).status_code == 204
    assert set(admin.realtime.context()["filter"]) == {"teamFilter", "otherPgFilter"}


def test_the_context_belongs_to_the_session(connect):
    first, second = connect("admin"), connect("admin")
    first.realtime.set_context(queues=first.realtime.sub_filter())
    assert raw(second, "GET", "/acdrealtime/ctx").status_code == 404
    first.close()
    assert raw(second, "POST", "/acdrealtime/snapshot").status_code == 404


@pytest.mark.parametrize("body", [
    {"obsPeriod": 14, "notifFrequency": 5, "filter": {}},
    {"obsPeriod": 30, "notifFrequency": 2, "filter": {}},
    {"obsPeriod": "soon", "notifFrequency": 5, "filter": {}},
    {"obsPeriod": 30, "notifFrequency": 5, "filter": {"agentFilter": {"numbers": [], "attributes": ["Mood"]}}},
    {"obsPeriod": 30, "notifFrequency": 5, "filter": {"queueFilter": {"numbers": ["12"], "attributes": ["ALL"]}}},
])
def test_bad_contexts(connect, body):
    r = raw(connect("admin"), "POST", "/acdrealtime/ctx", json=body)
    assert r.status_code == 400 and r.json()["code"] == 400


def test_a_user_session_and_a_missing_licence_are_refused(connect, fresh_sim):
    agent = connect("oxe2001")
    assert "acdrealtime" not in agent.services
    assert raw(agent, "GET", "/acdrealtime").status_code == 403
    admin = connect("admin")
    expire(fresh_sim, "CONTACTCENTER_SERVICE")
    r = raw(admin, "GET", "/acdrealtime/agents")
    assert r.status_code == 403 and "CONTACTCENTER_SERVICE" in r.json()["helpMessage"]
