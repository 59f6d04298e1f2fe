"""System management and the faults of the robustness lessons: status, system events, 503s, recovery."""

from __future__ import annotations

import time

import pytest

from o2gmentor.client import O2G, O2GError
from o2gmentor.sim.control_client import SimControl


@pytest.fixture()
def ctl(fresh_sim) -> SimControl:
    return SimControl(fresh_sim.info)


@pytest.fixture()
def admin(connect):
    return connect("admin")


def test_system_status_describes_the_site(admin, fresh_sim):
    users = fresh_sim.state.pbx.site.users.values()
    status = admin.system.status()
    assert status["ha"] is True and status["primary"] == "o2g-a.bluewave.example"
    assert status["secondary"] == "o2g-b.bluewave.example"
    (pbx,) = status["pbxs"]
    assert pbx["nodeId"] == 1 and pbx["connected"] and pbx["loaded"]
    assert pbx["ctiLinkState"] == "CONNECTED_MAIN" and pbx["monitoredUserNumber"] == len(users)
    lics = {lic["name"]: lic for lic in status["license"]["lics"]}
    advanced = [u for u in users if "TELEPHONY_ADVANCED" in u.licences]
    assert lics["ROXE_API_TEL_ADVANCED"]["currentUsed"] == len(advanced) == len(users) - 1  # all but the trainee
    assert lics["ROXE_API_TEL_ADVANCED"]["expiration"] == "31-dec-2030"
    assert status["configurationType"] == "FULL_SERVICES" and status["subscriberFilter"] == "A4980"
    assert admin.system.problems() == []


def test_a_user_session_cannot_read_the_system_status(connect):
    alice = connect("oxe1001")
    assert "maintenance" not in alice.services
    with pytest.raises(O2GError) as err:
        alice.request("GET", "users", "/../system/status")
    assert err.value.status == 403


def test_cti_link_down_stops_call_control_and_is_announced(admin, connect, ctl):
    alice = connect("oxe1001")
    events = admin.subscribe(["system"])
    ctl.cti_link(False)
    assert events.wait_for("OnCtiLinkDown")["nodeId"] == "1"
    with pytest.raises(O2GError) as err:
        alice.telephony.make_call("1002")
    assert err.value.status == 503 and err.value.body["telephony"]["errorType"] == "SERVICE_UNAVAILABLE"
    assert admin.system.status()["pbxs"][0]["ctiLinkState"] == "DISCONNECTED"
    assert "OXE node 1 (LYON-OXE1): CTI link down" in admin.system.problems()
    ctl.cti_link(True)
    events.wait_for("OnCtiLinkUp", nodeId="1")
    alice.telephony.release(alice.telephony.make_call("1002"))


def test_pbx_link_down_stops_pbx_management(admin, ctl):
    events = admin.subscribe(["system"])
    ctl.pbx_link(False)
    events.wait_for("OnPbxLinkDown", nodeId="1")
    with pytest.raises(O2GError) as err:
        admin.request("GET", "pbxmanagement", "/1")
    assert err.value.status == 503
    ctl.pbx_link(True)
    events.wait_for("OnPbxLinkUp", nodeId="1")
    events.wait_for("OnPbxLoaded", nodeId="1")


def test_licence_about_to_expire_then_expired(admin, connect, ctl):
    events = admin.subscribe(["system"])
    ctl.licence_expiring("ROXE_API_TEL_ADVANCED", 7)
    warning = events.wait_for("OnLicenseExpiration")
    assert warning["nbDays"] == 7 and "ROXE_API_TEL_ADVANCED" in warning["message"]
    ctl.licence_expiring("ROXE_API_TEL_ADVANCED", -1)
    assert events.wait_for("OnLicenseExpiration")["nbDays"] == -1
    assert admin.system.status()["license"]["status"] == "EXPIRED"
    alice = connect("oxe1001")
    assert "routing" not in alice.services  # an expired licence no longer grants its services
    with pytest.raises(O2GError) as err:
        alice.request("GET", "users", "/../telephony/calls")
    assert err.value.status == 403


def test_expired_session_then_the_stream_recovers_by_itself(connect, ctl):
    alice, bruno = connect("oxe1001"), connect("oxe1002")
    events = alice.subscribe(["telephony"])
    old = events.subscription_id
    assert ctl.expire_sessions("oxe1001") == 1
    deadline = time.monotonic() + 10
    while (events.subscription_id == old or not events.connected.is_set()) and time.monotonic() < deadline:
        time.sleep(0.05)
    ref = bruno.telephony.make_call("1001")
    events.wait_for("OnCallCreated", callRef=ref)


def test_gateway_restart_answers_503_with_retry_after(fresh_sim, ctl):
    client = O2G(fresh_sim.info.address, "oxe1004", "1004", ca_bundle=str(fresh_sim.ca_path))
    ctl.unavailable(30)
    with pytest.raises(O2GError) as err:
        client.connect()
    assert err.value.status == 503 and err.value.body["canRetry"] is True
    ctl.advance(31)
    client.connect().close()


def test_ha_switch_ends_sessions_and_the_other_server_takes_over(fresh_sim, ctl, connect):
    admin = connect("admin")
    generation = admin._generation  # noqa: SLF001
    ctl.ha_switch()
    status = admin.system.status()  # every session ended: the client logs in again on its own, once
    assert admin._generation == generation + 1  # noqa: SLF001
    assert status["primary"] == "o2g-b.bluewave.example" and status["secondary"] == "o2g-a.bluewave.example"


def test_control_api_refuses_bad_fault_requests(ctl):
    from o2gmentor.client import O2GError as Err

    for call in (lambda: ctl.licence_expiring("NOPE", 3), lambda: ctl.cti_link(True, node="9"),
                 lambda: ctl.unavailable(-5)):
        with pytest.raises(Err) as err:
            call()
        assert err.value.status in (400, 404)
