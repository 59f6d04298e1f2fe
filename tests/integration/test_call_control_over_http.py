"""Every call-control request over HTTPS through the client, as a softphone would send them."""

from __future__ import annotations

import pytest

from o2gmentor.client import O2GError


@pytest.fixture()
def people(connect):
    return {login: connect(login) for login in ("oxe1001", "oxe1002", "oxe1003")}


def states(client, ref):
    call = client.telephony.call(ref)
    return call["callData"]["state"], {p["participantId"]: p["state"] for p in call["participants"]}


def test_basic_call_answer_and_drop_me(people, fresh_sim):
    alice, bruno = people["oxe1001"], people["oxe1002"]
    events = bruno.subscribe(["telephony"])
    ref = alice.telephony.basic_call("1002")
    events.wait_for("OnCallCreated", callRef=ref)
    bruno.telephony.basic_answer()
    assert states(alice, ref) == ("ACTIVE", {"1002": "ACTIVE"})
    bruno.telephony.basic_drop_me()
    events.wait_for("OnCallRemoved", callRef=ref)
    assert alice.telephony.calls() == []


def test_consultation_transfer(people):
    alice, bruno, chloe = people["oxe1001"], people["oxe1002"], people["oxe1003"]
    first = bruno.telephony.make_call("1001")
    alice.telephony.answer(first)
    enquiry = alice.telephony.make_call("1003")  # the first call goes on hold by itself
    assert states(alice, first)[0] == "HELD"
    chloe.telephony.answer(enquiry)
    caps = alice.telephony.call(enquiry)["callData"]["capabilities"]
    assert caps.get("transfer") and caps.get("merge")
    alice.telephony.transfer(enquiry, first)
    assert alice.telephony.calls() == []
    assert states(bruno, first) == ("ACTIVE", {"1003": "ACTIVE"})
    assert [c["callRef"] for c in chloe.telephony.calls()] == [first]


def test_conference_and_drop_participant(people):
    alice, bruno, chloe = people["oxe1001"], people["oxe1002"], people["oxe1003"]
    first = alice.telephony.make_call("1002")
    bruno.telephony.answer(first)
    second = alice.telephony.make_call("1003")
    chloe.telephony.answer(second)
    alice.telephony.merge(second, first)
    conference = alice.telephony.calls()[0]["callRef"]
    assert sorted(p["participantId"] for p in alice.telephony.participants(conference)) == ["1002", "1003"]
    alice.telephony.drop_participant(conference, "1003")
    assert chloe.telephony.calls() == []
    assert states(bruno, conference) == ("ACTIVE", {"1001": "ACTIVE"})


def test_alternate_and_reconnect(people):
    alice, bruno, chloe = people["oxe1001"], people["oxe1002"], people["oxe1003"]
    first = alice.telephony.make_call("1002")
    bruno.telephony.answer(first)
    second = alice.telephony.make_call("1003")
    chloe.telephony.answer(second)
    alice.telephony.alternate(first)
    assert states(alice, first)[0] == "ACTIVE" and states(alice, second)[0] == "HELD"
    alice.telephony.hold(first)
    alice.telephony.retrieve(second)
    alice.telephony.reconnect(first, second)
    assert [c["callRef"] for c in alice.telephony.calls()] == [first]
    assert states(alice, first)[0] == "ACTIVE"


def test_blind_transfer_and_deflect(people):
    alice, bruno, chloe = people["oxe1001"], people["oxe1002"], people["oxe1003"]
    ref = bruno.telephony.make_call("1001")
    alice.telephony.answer(ref)
    alice.telephony.blind_transfer(ref, "1003")
    assert states(chloe, ref) == ("RINGING_INCOMING", {"1002": "RINGING_OUTGOING"})
    chloe.telephony.redirect(ref, "1001")
    assert states(alice, ref)[0] == "RINGING_INCOMING"
    assert alice.telephony.call(ref)["callData"]["lastRedirecting"]["id"]["phoneNumber"] == "1003"


def test_redirect_to_voicemail(people):
    alice, bruno = people["oxe1001"], people["oxe1002"]
    ref = alice.telephony.make_call("1002")
    bruno.telephony.redirect(ref, "VOICEMAIL")
    assert states(alice, ref) == ("ACTIVE", {"4000": "ACTIVE"})


def test_outside_caller_through_the_control_api(people, fresh_sim):
    from o2gmentor.sim.control_client import SimControl

    alice = people["oxe1001"]
    sim = SimControl(fresh_sim.info)
    ref = sim.outside_call("0472000001", "1001")["callRef"]
    call = alice.telephony.call(ref)
    assert call["participants"][0]["identity"]["type"]["main"] == "EXTERNAL"
    assert call["participants"][0]["identity"]["displayName"] == "Transports Rhone Express"
    alice.telephony.answer(ref)
    sim.hangup("0472000001")
    assert alice.telephony.calls() == []


def test_state_snapshot_devices_legs_and_dtmf(people):
    alice, bruno = people["oxe1001"], people["oxe1002"]
    events = alice.subscribe(["telephony"])
    ref = alice.telephony.make_call("1002")
    bruno.telephony.answer(ref)
    assert alice.telephony.devices() == [{"deviceId": "1001", "state": "IN_SERVICE"}]
    assert alice.telephony.legs(ref)[0]["capabilities"] == {"drop": True, "hold": True, "sendDtmf": True}
    alice.telephony.send_dtmf(ref, "12#")
    with pytest.raises(O2GError) as err:
        alice.telephony.send_dtmf(ref, "12x")
    assert err.value.status == 400
    alice.telephony.request_snapshot()
    snapshot = events.wait_for("OnTelephonyState")
    assert snapshot["state"]["userState"] == "BUSY" and snapshot["state"]["calls"][0]["callRef"] == ref
    assert alice.telephony.state()["deviceStates"] == {"deviceStates": [{"deviceId": "1001", "state": "IN_SERVICE"}]}


def test_password_change_then_login_with_the_new_one(connect, fresh_sim):
    from o2gmentor.client import O2G

    lea = connect("oxe1011")
    with pytest.raises(O2GError) as err:
        lea.users.change_password("wrong", "n3w-pass")
    assert err.value.status == 400
    lea.users.change_password("1011", "n3w-pass")
    again = O2G(fresh_sim.info.address, "oxe1011", "n3w-pass", ca_bundle=str(fresh_sim.ca_path)).connect()
    again.close()


def test_a_call_of_others_is_invisible(people):
    alice, bruno, chloe = people["oxe1001"], people["oxe1002"], people["oxe1003"]
    ref = alice.telephony.make_call("1002")
    with pytest.raises(O2GError) as err:
        chloe.telephony.release(ref)
    assert err.value.status == 404
    assert bruno.telephony.calls()[0]["callRef"] == ref
