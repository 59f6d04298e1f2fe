"""The agent operation example over HTTPS: an agent's day, as the desktop and the supervisor see it."""

from __future__ import annotations

import pytest
import requests

from o2gmentor.client import O2GError
from o2gmentor.sim.control_client import SimControl


@pytest.fixture()
def ctl(fresh_sim) -> SimControl:
    return SimControl(fresh_sim.info)


def advance(sim, seconds: float) -> None:
    sim.call(sim.state.pbx.clock.advance, seconds)


def test_an_agents_day_step_by_step_with_events(connect, ctl, fresh_sim):
    nadia, admin = connect("oxe2001"), connect("admin")
    assert {"acdagent", "telephony"} <= set(nadia.services)
    agent_events = nadia.subscribe(["agent", "telephony"])
    admin.pilots.monitor_start("3000")
    pilot_events = admin.subscribe({"pilot": ["3000"]})

    config = nadia.agent.config()
    assert config["type"] == "AGENT" and config["proacd"] == "2101"
    assert config["processingGroups"] == {"preferred": "3010", "groups": ["3010"]}
    assert {s["number"] for s in config["skills"]["skills"]} == {1, 3}
    assert nadia.agent.state()["mainState"] == "LOG_OFF"

    nadia.agent.logon("2101", "3010")
    state = agent_events.wait_for("OnAgentStateChanged")["state"]
    assert (state["mainState"], state["subState"], state["pgNumber"]) == ("LOG_ON", "READY", "3010")

    ref = ctl.customer_call("3000")
    pilot_events.wait_for("OnPilotCallCreated", callRef=ref)
    assert pilot_events.wait_for("OnPilotCallRemoved", callRef=ref)["newDestination"] == "2101"
    offered = agent_events.wait_for("OnCallCreated", callRef=ref)
    assert offered["cause"] == "DISTRIBUTED" and offered["callData"]["acdCallData"]["pilotNumber"] == "3000"
    assert agent_events.wait_for("OnAgentStateChanged")["state"]["subState"] == "BUSY"

    nadia.telephony.answer(ref, device="2101")
    assert agent_events.wait_for("OnCallModified", callRef=ref)["callData"]["state"] == "ACTIVE"
    advance(fresh_sim, 60)
    nadia.telephony.release(ref)
    agent_events.wait_for("OnCallRemoved", callRef=ref)
    assert agent_events.wait_for("OnAgentStateChanged")["state"]["subState"] == "WRAPUP"
    advance(fresh_sim, 16)
    assert agent_events.wait_for("OnAgentStateChanged")["state"]["subState"] == "READY"

    reasons = nadia.agent.withdraw_reasons("3010")
    assert reasons[0] == {"index": 1, "label": "Lunch"}
    nadia.agent.withdraw(reasons[0]["index"])
    withdrawn = agent_events.wait_for("OnAgentStateChanged")["state"]
    assert (withdrawn["subState"], withdrawn["withdrawReason"], withdrawn["withdraw"], withdrawn["withdrawn"]) == (
        "WITHDRAW", 1, True, True)
    nadia.agent.logoff()
    assert agent_events.wait_for("OnAgentStateChanged")["state"] == {"mainState": "LOG_OFF", "withdraw": False,
                                                                      "withdrawn": False}


def test_the_node_sdk_exchange_for_an_agent(fresh_sim):
    """The bodies the Node SDK sends (official-node-sdk-contract.md §7 and o2g-api-ccd.md §2)."""
    host, ca = fresh_sim.info.address, str(fresh_sim.ca_path)
    http = requests.Session()
    auth = http.get(f"https://{host}/api/rest/authenticate?version=1.0", auth=("oxe2004", "2004"), verify=ca)
    info = http.post(auth.json()["internalUrl"], json={"applicationName": "node"}, verify=ca).json()
    agent = info["privateBaseUrl"] + next(s["relativeUrl"] for s in info["services"]
                                          if s["serviceName"].lower() == "acdagent")
    assert http.get(agent + "/config", verify=ca).json()["proacd"] == "2104"
    assert http.get(agent + "/state", verify=ca).json()["mainState"] == "LOG_OFF"
    r = http.post(agent + "/logon", json={"proAcdDeviceNumber": "2104", "pgGroupNumber": "3110"}, verify=ca)
    assert r.status_code == 204
    json_ct = {"Content-Type": "application/json"}
    assert http.post(agent + "/pause", headers=json_ct, verify=ca).status_code == 204
    assert http.post(agent + "/ready", headers=json_ct, verify=ca).status_code == 204
    assert http.get(agent + "/withdrawReasons?pgNumber=3110", verify=ca).json()["reasons"][3]["label"] == \
        "Ticket follow-up"
    assert http.post(agent + "/withdraw", json={"reasonIndex": 2}, verify=ca).status_code == 204
    assert http.post(agent + "/config/skills/deactivate", json={"skills": [1]}, verify=ca).status_code == 204
    skills = {s["number"]: s["active"] for s in http.get(agent + "/config", verify=ca).json()["skills"]["skills"]}
    assert skills == {1: False, 2: True}
    assert http.post(agent + "/logoff", headers=json_ct, verify=ca).status_code == 204
    for bad in ({}, {"proAcdDeviceNumber": "2101"}, {"proAcdDeviceNumber": "2104", "pgGroupNumber": "3010"}):
        r = http.post(agent + "/logon", json=bad, verify=ca)
        assert r.status_code in (400, 403) and r.json()["code"] == r.status_code


def test_supervisor_enters_and_leaves_groups_and_answers_help(connect):
    tess, rania = connect("oxe2090"), connect("oxe2005")
    assert tess.agent.config()["type"] == "SUPERVISOR"
    tess_events = tess.subscribe(["agent"])
    tess.agent.logon("2190")
    assert tess.agent.state()["subState"] == "OUT_OF_PG"
    tess.agent.enter_group("3110")
    assert tess.agent.state()["pgNumber"] == "3110"
    tess.agent.exit_group("3110")
    assert "pgNumber" not in tess.agent.state()
    rania.agent.logon("2105", "3110")
    rania.agent.request_help()
    assert tess_events.wait_for("OnSupervisorHelpRequested")["agentNumber"] == "2005"
    tess.agent.cancel_help("2005")
    assert tess_events.wait_for("OnSupervisorHelpCancelled")["agentNumber"] == "2005"
    with pytest.raises(O2GError) as err:
        rania.agent.enter_group("3110")
    assert err.value.status == 403


def test_a_user_without_the_agent_licence_or_role(connect):
    alice = connect("oxe1001")
    assert "acdagent" not in alice.services
    with pytest.raises(O2GError) as err:
        alice.request("GET", "users", "/../acdagent/state")
    assert err.value.status == 403
    with pytest.raises(O2GError) as err:
        alice.subscribe(["agent"])
    assert err.value.status == 403


def test_pilot_monitoring_is_for_administrators(connect):
    nadia, admin = connect("oxe2001"), connect("admin")
    assert "acdpilotmonitoring" not in nadia.services
    with pytest.raises(O2GError) as err:
        admin.pilots.monitor_start("9999")
    assert err.value.status == 404
    with pytest.raises(O2GError) as err:
        admin.subscribe({"pilot": ["9999"]})
    assert err.value.status == 400
    info = admin.pilots.transfer_info("3000", login="oxe2001")
    assert info["number"] == "3000" and info["pilotTransferInfo"]["transferPossible"] is True


def test_traffic_through_the_control_api_fills_the_records(ctl):
    before = ctl.ccd_status()["records"]  # the day of history
    status = ctl.start_traffic()
    assert status["running"] and len(status["staffed"]) == 6
    ctl.advance(1800)
    ctl.stop_traffic()
    report = ctl.ccd_status()
    assert not report["traffic"] and report["records"] > before + 10
    assert {o["subState"] for o in report["operators"] if o["simulated"]} <= {"READY", "BUSY", "WRAPUP"}
