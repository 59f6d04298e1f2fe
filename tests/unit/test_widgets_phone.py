"""PhonePanel without a kernel: recorded telephony events → what the panel shows; clicks → O2G calls."""

from __future__ import annotations

import copy
import time

import pytest

from o2gmentor.sim.control_client import SimControl
from o2gmentor.widgets import PhonePanel

LOGIN = "oxe1002"
CUSTOMER = {"participantId": "0612345678", "identity": {"id": {"phoneNumber": "0612345678"},
                                                       "type": {"main": "EXTERNAL"}, "displayName": "Customer mobile"},
            "anonymous": False, "undroppable": False, "state": "RINGING_OUTGOING"}
CHLOE = {"participantId": "1003", "identity": {"id": {"loginName": "oxe1003", "phoneNumber": "1003"},
                                              "firstName": "Chloe", "lastName": "Dubois", "type": {"main": "USER"}},
         "state": "RINGING_INCOMING"}
DEVICE_CAPS = [{"deviceId": "1002", "makeCall": True, "makeBusinessCall": False, "makePrivateCall": False,
                "unParkCall": False}]


def created(ref, state, caps, participants, call_caps=None):
    return {"eventName": "OnCallCreated", "loginName": LOGIN, "callRef": ref,
            "callData": {"state": state, "capabilities": call_caps or {"terminate": True}},
            "legs": [{"deviceId": "1002", "state": state, "capabilities": caps}],
            "participants": participants, "deviceCapabilities": DEVICE_CAPS}


def modified(ref, state, caps, call_caps=None, **extra):
    return {"eventName": "OnCallModified", "loginName": LOGIN, "callRef": ref,
            "callData": {"state": state, "capabilities": call_caps or {"terminate": True, "dropMe": True}},
            "modifiedLegs": [{"deviceId": "1002", "state": state, "capabilities": caps}], "addedLegs": [],
            "removedLegs": [], "modifiedParticipants": [], "addedParticipants": [], "removedParticipantIds": [],
            "deviceCapabilities": [], **extra}


def removed(ref, cause=None):
    event = {"eventName": "OnCallRemoved", "loginName": LOGIN, "callRef": ref, "deviceCapabilities": []}
    if cause:
        event["cause"] = cause
    return event


# an outside caller rings 1002, 1002 answers, the caller hangs up (as the simulator sends it)
INCOMING_CALL = [
    {"eventName": "OnDeviceStateModified", "loginName": LOGIN, "deviceStates": [{"deviceId": "1002",
                                                                                   "state": "IN_SERVICE"}]},
    {"eventName": "OnUserStateModified", "loginName": LOGIN, "state": "FREE"},
    created("c1", "RINGING_INCOMING", {"answer": True}, [CUSTOMER],
            {"terminate": True, "redirect": True, "pickedUp": True}),
    modified("c1", "ACTIVE", {"drop": True, "hold": True, "sendDtmf": True},
             modifiedParticipants=[{**CUSTOMER, "state": "ACTIVE"}]),
    {"eventName": "OnUserStateModified", "loginName": LOGIN, "state": "BUSY"},
    modified("c1", "RELEASING", {"drop": True}, removedParticipantIds=["0612345678"]),
    removed("c1"),
    {"eventName": "OnUserStateModified", "loginName": LOGIN, "state": "FREE"},
]


def buttons(panel, row=0):
    r = panel.rows[row]
    return {k for k in ("answer", "hold", "retrieve", "hangup") if not r[k].disabled}


def test_recorded_incoming_call_shows_ringing_connected_idle():
    panel = PhonePanel(login=LOGIN, device="1002", name="Bruno Lefevre")
    assert panel.state_label == "Idle"
    assert "Idle" in panel._state_html.value
    assert panel.rows[0]["box"].layout.display == "none"

    panel.feed_all(INCOMING_CALL[:3])
    assert panel.state_label == "Ringing"
    assert "Ringing" in panel._state_html.value and "from Customer mobile (0612345678)" in panel._state_html.value
    assert panel.rows[0]["box"].layout.display == "flex"
    assert buttons(panel) == {"answer", "hangup"}  # answer from the leg, hang up (reject) from 'terminate'

    panel.feed_all(INCOMING_CALL[3:5])
    assert panel.state_label == "Connected"
    assert "with Customer mobile" in panel._state_html.value
    assert buttons(panel) == {"hold", "hangup"}
    assert panel.call_button.description == "Consult"  # a call is active: dialling now makes a consultation call

    panel.feed_all(INCOMING_CALL[5:])
    assert panel.state_label == "Idle"
    assert panel.rows[0]["box"].layout.display == "none"
    assert all(r["answer"].disabled and r["hangup"].disabled for r in panel.rows)
    assert panel.call_button.description == "Call" and not panel.call_button.disabled


def test_consultation_enables_transfer_and_conference():
    panel = PhonePanel(login=LOGIN, device="1002")
    panel.feed_all(INCOMING_CALL[:4])
    panel.feed(modified("c1", "HELD", {"drop": True, "retrieve": True}))
    assert panel.state_label == "On hold" and buttons(panel) == {"retrieve", "hangup"}
    assert panel._pair_box.layout.display == "none"
    panel.feed(created("c2", "RINGING_OUTGOING", {"drop": True}, [CHLOE], {"terminate": True, "dropMe": True}))
    assert panel.state_label == "Calling"
    panel.feed(modified("c1", "HELD", {"drop": True, "retrieve": True, "reconnect": True},
                        {"terminate": True, "dropMe": True, "transfer": True, "merge": True}))
    panel.feed(modified("c2", "ACTIVE", {"drop": True, "hold": True},
                        {"terminate": True, "dropMe": True, "transfer": True, "merge": True},
                        modifiedParticipants=[{**CHLOE, "state": "ACTIVE"}]))
    assert panel.state_label == "Connected"
    assert panel._pair_box.layout.display == "flex"
    assert not panel.transfer_button.disabled and not panel.conference_button.disabled
    texts = [r["text"].value for r in panel.rows[:2]]
    assert "On hold" in texts[0] and "Customer mobile" in texts[0]
    assert "Connected" in texts[1] and "Chloe Dubois (1003)" in texts[1]
    panel.feed(removed("c1", "TRANSFERRED"))
    panel.feed(removed("c2", "TRANSFERRED"))
    assert panel.state_label == "Idle"
    assert "last call ended: transferred" in panel._no_calls.value
    assert panel._pair_box.layout.display == "none"


def test_reducer_is_pure_and_ignores_other_users():
    panel = PhonePanel(login=LOGIN, device="1002")
    before = copy.deepcopy(panel.state)
    after = PhonePanel.apply(panel.state, INCOMING_CALL[2])
    assert panel.state == before and "c1" in after["calls"]
    other = {**INCOMING_CALL[2], "loginName": "oxe1005"}
    assert PhonePanel.apply(before, other) is before


def test_telephony_state_pull_replaces_calls_and_reads_wrapped_device_states():
    panel = PhonePanel(login=LOGIN, device="1002")
    panel.feed(INCOMING_CALL[2])
    state = {"calls": [], "deviceCapabilities": DEVICE_CAPS, "userState": "FREE",
             "deviceStates": {"deviceStates": [{"deviceId": "1002", "state": "OUT_OF_SERVICE"}]}}
    panel.feed({"eventName": "OnTelephonyState", "loginName": LOGIN, "state": state})
    assert panel.state["calls"] == {}
    assert panel.state_label == "Out of service"
    assert panel.call_button.disabled


def test_snapshot_is_static_html_with_the_state():
    panel = PhonePanel(login=LOGIN, device="1002", name="Bruno Lefevre").feed_all(INCOMING_CALL[:4])
    markup = panel.snapshot()._repr_html_()
    assert "Connected" in markup and "Customer mobile (0612345678)" in markup and "Bruno Lefevre" in markup
    assert "<script" not in markup and "http" not in markup.replace("http://www.w3.org", "")
    assert "hold" in markup  # the possible actions are listed


# ---------------------------------------------------------------- against the simulator
def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_buttons_drive_the_simulated_o2g(connect, fresh_sim):
    o2g = connect(LOGIN)
    sim = SimControl(fresh_sim.info)
    panel = PhonePanel(o2g, live=False)  # no stream: every action is followed by a pull
    assert panel.device == "1002" and panel.name == "Bruno Lefevre"
    assert panel.state_label == "Idle" and not panel.call_button.disabled

    sim.outside_call("0612345678", "1002")
    panel.refresh()
    assert panel.state_label == "Ringing" and buttons(panel) == {"answer", "hangup"}
    panel.rows[0]["answer"].click()
    assert panel.message == "✔ answer"
    assert panel.state_label == "Connected"
    assert sim.phone("1002")["calls"][0]["state"] == "ACTIVE"

    panel.rows[0]["hold"].click()
    assert panel.state_label == "On hold"
    panel.number.value = "1003"
    panel.call_button.click()  # with the customer on hold: a consultation call
    assert panel.message == "✔ call to 1003"
    sim.answer("1003")
    panel.refresh()
    assert panel.state_label == "Connected" and not panel.transfer_button.disabled
    panel.transfer_button.click()
    assert panel.message == "✔ transfer" and panel.state_label == "Idle"
    peers = sim.phone("1003")["calls"]
    assert len(peers) == 1 and peers[0]["state"] == "ACTIVE"  # the customer now talks to 1003


def test_conference_then_leave(connect, fresh_sim):
    o2g = connect(LOGIN)
    sim = SimControl(fresh_sim.info)
    panel = PhonePanel(o2g, live=False)
    panel.make_call("1003")
    sim.answer("1003")
    panel.refresh()
    panel.rows[0]["hold"].click()
    panel.make_call("1004")
    sim.answer("1004")
    panel.refresh()
    panel.conference_button.click()
    assert panel.message == "✔ conference"
    assert len(panel.views()) == 1 and panel.views()[0]["conference"]
    panel.rows[0]["hangup"].click()  # in a conference, hang up = leave it (dropme); the others go on
    assert panel.message == "✔ leave the conference" and panel.state_label == "Idle"
    assert sim.phone("1003")["calls"] and sim.phone("1004")["calls"]


def test_errors_go_to_the_message_line_never_raised(connect):
    o2g = connect(LOGIN)
    panel = PhonePanel(o2g, live=False)
    panel.feed(created("ffffffffffffffff", "ACTIVE", {"hold": True, "drop": True}, [CHLOE]))  # a stale call
    panel.rows[0]["hold"].click()
    assert panel.message.startswith("❌ hold: 404")
    panel.make_call("")
    assert panel.message == "type a number first"


def test_live_updates_from_the_event_stream(connect, fresh_sim):
    o2g = connect(LOGIN)
    sim = SimControl(fresh_sim.info)
    panel = PhonePanel(o2g)
    try:
        assert panel.live and "● live" in panel._live_mark.value
        sim.outside_call("0612345678", "1002")
        assert wait_until(lambda: panel.state_label == "Ringing")
        sim.answer("1002")
        assert wait_until(lambda: panel.state_label == "Connected")
        sim.hangup("0612345678")
        assert wait_until(lambda: panel.state_label == "Idle")
    finally:
        panel.stop()
    assert not panel.live and panel.stream is None
    assert "not live" in panel._live_mark.value


def test_shared_stream_is_left_running(connect):
    o2g = connect(LOGIN)
    stream = o2g.subscribe(["telephony"])
    try:
        panel = PhonePanel(o2g, stream=stream)
        panel.stop()
        assert stream.connected.is_set()  # the panel did not make it, so it does not stop it
        stream_events = len(stream.events)
        o2g.telephony.make_call("1003")
        stream.wait_for("OnCallCreated")
        assert len(stream.events) > stream_events and panel.state_label == "Idle"  # stopped: no more updates
    finally:
        stream.stop()


@pytest.mark.parametrize("bad", [{"eventName": "OnCallModified", "loginName": LOGIN}])
def test_a_malformed_event_is_reported_not_raised(bad):
    panel = PhonePanel(login=LOGIN, device="1002")
    panel.feed(bad)
    assert "could not show OnCallModified" in panel.message


def test_an_administrator_drives_a_users_phone(connect, fresh_sim):
    admin = connect("admin")
    sim = SimControl(fresh_sim.info)
    panel = PhonePanel(admin, login=LOGIN)  # live, subscribed for oxe1002 only
    try:
        assert panel.device == "1002" and panel.state_label == "Idle"
        sim.outside_call("0612345678", "1002")
        assert wait_until(lambda: panel.state_label == "Ringing")
        panel.rows[0]["answer"].click()  # answered with loginName=oxe1002
        assert panel.message == "✔ answer"
        assert wait_until(lambda: panel.state_label == "Connected")
        panel.rows[0]["hangup"].click()
        assert wait_until(lambda: panel.state_label == "Idle")
    finally:
        panel.stop()
