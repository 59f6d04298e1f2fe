"""Phone supervision over HTTPS: routing, comlog, voice mail, callbacks, event summary — REST and events agree."""

from __future__ import annotations

import pytest
import requests

from o2gmentor.client import O2GError


@pytest.fixture()
def alice(connect):
    return connect("oxe1001")


@pytest.fixture()
def bruno(connect):
    return connect("oxe1002")


def advance(sim, seconds: float) -> None:
    sim.call(sim.state.pbx.clock.advance, seconds)


# ------------------------------------------------------------------------------------------- routing
def test_dnd_on_and_off_with_events_and_effect(alice, bruno):
    events = bruno.subscribe(["routingManagement"])
    bruno.routing.set_dnd(True)
    changed = events.wait_for("OnRoutingStateChanged")
    assert changed["loginName"] == "oxe1002" and changed["routingState"]["dndState"] == {"activate": True}
    assert bruno.routing.dnd() is True
    ref = alice.telephony.make_call("1002")
    assert alice.telephony.call(ref)["callData"]["state"] == "RELEASING"
    alice.telephony.release(ref)
    bruno.routing.set_dnd(False)
    assert events.wait_for("OnRoutingStateChanged")["routingState"]["dndState"] == {"activate": False}


def test_an_immediate_forward_is_sent_without_type_and_diverts_the_next_call(alice, bruno, connect):
    chloe = connect("oxe1003")
    bruno.routing.forward_to("1003")
    assert bruno.routing.forward() == {"destinations": [{"type": "NUMBER", "number": "1003"}]}
    assert bruno.routing.state()["forwardRoutes"][0]["destinations"][0]["number"] == "1003"
    ref = alice.telephony.make_call("1002")
    assert [c["callRef"] for c in chloe.telephony.calls()] == [ref]
    assert bruno.telephony.calls() == []
    bruno.routing.cancel_forward()
    assert bruno.routing.forward() is None and bruno.routing.state()["forwardRoutes"] == []


def test_forward_on_no_answer_to_voicemail_leaves_a_message(alice, bruno, fresh_sim):
    events = bruno.subscribe(["eventSummary", "unifiedComLog"])
    bruno.routing.forward_to(voicemail=True, when="NO_ANSWER")
    ref = alice.telephony.make_call("1002")
    advance(fresh_sim, 21)  # the ring timeout is 20 s on the simulated clock
    assert alice.telephony.participants(ref)[0]["participantId"] == "4000"
    advance(fresh_sim, 12)
    alice.telephony.release(ref)
    summary = events.wait_for("OnEventSummaryUpdated", timeout=5)
    while summary["eventSummary"]["voiceMessagesNb"] == 0:
        summary = events.wait_for("OnEventSummaryUpdated")
    assert summary["eventSummary"]["voiceMessagesNb"] == 1
    (message,) = bruno.voicemail.messages()
    assert message["from"]["id"]["phoneNumber"] == "1001" and message["duration"] >= 12 and message["unread"]
    assert bruno.eventsummary.get()["voiceMessagesNb"] == 1
    events.wait_for("OnComRecordCreated")


def test_overflow_accepts_the_node_object_and_the_java_list(bruno, fresh_sim):
    base, ca = bruno.base_url, str(fresh_sim.ca_path)
    node_body = {"overflowType": "BUSY", "destinations": [{"type": "VOICEMAIL", "selected": True}]}
    java_body = [{"overflowType": "NO_ANSWER", "destinations": [{"type": "VOICEMAIL"}]}]
    for body in ({"overflowRoutes": node_body}, {"overflowRoutes": java_body}):
        r = bruno.transport.http.post(base + "/routing/overflowroute", json=body, verify=ca)
        assert r.status_code == 204, r.text
    assert bruno.routing.overflow()["overflowType"] == "NO_ANSWER"


@pytest.mark.parametrize("route", [
    {"destinations": [{"type": "NUMBER", "number": "1002"}]},          # to itself
    {"destinations": [{"type": "NUMBER", "number": "77"}]},            # not a number of this PBX
    {"destinations": []},
    {"forwardType": "SOMETIMES", "destinations": [{"type": "VOICEMAIL"}]},
    {"destinations": [{"type": "MOBILE"}]},
])
def test_bad_forward_routes_are_400_with_the_routing_detail(bruno, fresh_sim, route):
    r = bruno.transport.http.post(bruno.base_url + "/routing/forwardroute", json={"forwardRoute": route},
                                  verify=str(fresh_sim.ca_path))
    assert r.status_code == 400
    assert r.json()["routing"]["errorType"] in ("BAD_PARAMETER_VALUE", "UNKNOWN_PHONE_NUMBER")


def test_remote_extension_needs_a_mobile(alice, connect):
    alice.routing.set_remote_extension(True)
    assert alice.routing.state()["presentationRoutes"] == [{"destinations": [{"type": "MOBILE", "selected": True}]}]
    chloe = connect("oxe1003")
    with pytest.raises(O2GError) as err:
        chloe.routing.set_remote_extension(True)
    assert err.value.status == 403


def test_routing_snapshot_sends_the_state(bruno):
    events = bruno.subscribe(["routingManagement"])
    bruno.routing.request_snapshot()
    assert events.wait_for("OnRoutingStateChanged")["routingState"]["dndState"] == {"activate": False}


# ------------------------------------------------------------------------------------------- comlog
def test_comlog_query_ack_and_delete_with_events(alice, bruno):
    events = bruno.subscribe(["unifiedComLog", "eventSummary"])
    for _ in range(3):
        alice.telephony.release(alice.telephony.make_call("1002"))
    page = bruno.comlog.records(limit=2)
    assert page["totalCount"] == 3 and len(page["comHistoryRecords"]) == 2 and page["count"] == 3
    assert page["records"] == page["comHistoryRecords"]  # Java's names too
    missed = bruno.comlog.records(unacknowledged=True)["comHistoryRecords"]
    assert len(missed) == 3 and all(not r["acknowledged"] for r in missed)
    assert bruno.eventsummary.get()["missedCallsNb"] == 3
    ids = [r["recordId"] for r in missed]
    bruno.comlog.acknowledge(ids[:2])
    assert sorted(events.wait_for("OnComRecordsAck")["recordIds"]) == sorted(ids[:2])
    assert bruno.eventsummary.get()["missedCallsNb"] == 1
    bruno.comlog.delete(ids[2:])
    assert events.wait_for("OnComRecordsDeleted")["recordIds"] == ids[2:]
    assert bruno.eventsummary.get()["missedCallsNb"] == 0
    assert len(bruno.comlog.all_records()) == 2
    assert len(bruno.comlog.all_records(role="CALLER")) == 0
    assert len(alice.comlog.all_records(role="CALLER")) == 3


def test_comlog_records_of_others_are_not_reachable(alice, bruno):
    alice.telephony.release(alice.telephony.make_call("1002"))
    record = bruno.comlog.all_records()[0]
    with pytest.raises(O2GError) as err:
        alice.comlog.record(record["recordId"] + 1000)
    assert err.value.status == 404
    with pytest.raises(O2GError):
        alice.comlog.records(role="SOMEONE")


# ------------------------------------------------------------------------------------------- voice mail
def test_voicemail_listen_mark_read_and_delete(alice, bruno, fresh_sim):
    ref = alice.telephony.make_call("1002")
    bruno.telephony.redirect(ref, "VOICEMAIL")
    advance(fresh_sim, 9)
    alice.telephony.release(ref)
    info = bruno.voicemail.open()
    assert info == {"totalVoiceMsg": 1, "newVoiceMsg": 1, "storageUsage": 1}
    with pytest.raises(O2GError) as err:
        bruno.voicemail.open(password="wrong")
    assert err.value.status == 403
    (message,) = bruno.voicemail.messages(new_only=True)
    audio = bruno.voicemail.download(message["voicemailId"])
    assert audio[:4] == b"RIFF" and audio[8:12] == b"WAVE" and len(audio) > 10_000
    assert bruno.voicemail.messages(new_only=True) == []
    assert bruno.eventsummary.get()["voiceMessagesNb"] == 0
    bruno.voicemail.delete([message["voicemailId"]])
    assert bruno.voicemail.messages() == []


def test_node_acknowledges_a_message_with_a_two_byte_range_read(alice, bruno, fresh_sim):
    ref = alice.telephony.make_call("1002")
    bruno.telephony.redirect(ref, "VOICEMAIL")
    advance(fresh_sim, 5)
    alice.telephony.release(ref)
    box = bruno.voicemail.mailbox_id()
    (message,) = bruno.voicemail.messages()
    url = f"{bruno.service_url('voicemail')}/{box}/voicemails/{message['voicemailId']}"
    r = bruno.transport.http.get(url, headers={"Range": "bytes=0-1"}, verify=str(fresh_sim.ca_path))
    assert r.status_code == 206 and r.content == b"RI"
    assert bruno.voicemail.messages()[0]["unread"] is False


# ------------------------------------------------------------------------------------------- callbacks
def test_callback_request_on_a_busy_user(alice, bruno, connect):
    chloe = connect("oxe1003")
    events = bruno.subscribe(["eventSummary"])
    talking = chloe.telephony.make_call("1002")
    bruno.telephony.answer(talking)
    ref = alice.telephony.make_call("1002")
    assert alice.telephony.call(ref)["callData"]["state"] == "RELEASING"
    alice.telephony.request_callback(ref)
    assert alice.telephony.calls() == []
    (request,) = bruno.telephony.callback_requests()
    assert request["partyInfo"]["id"]["phoneNumber"] == "1001"
    assert events.wait_for("OnEventSummaryUpdated")["eventSummary"]["callBackRequestsNb"] == 1
    bruno.telephony.delete_callback_requests(request["callbackId"])
    assert bruno.telephony.callback_requests() == []
    chloe.telephony.leave_callback_request("1002")
    assert len(bruno.telephony.callback_requests()) == 1


# ------------------------------------------------------------------------------------------- licences and rights
def test_licences_and_rights(connect, fresh_sim):
    lea = connect("oxe1012")  # no TELEPHONY_ADVANCED
    assert set(lea.services) == {"subscriptions", "telephony", "users", "logins", "phonesetprogramming"}
    for call in (lambda: lea.routing.state(), lambda: lea.request("GET", "users", "/../comlog/records")):
        with pytest.raises(O2GError) as err:
            call()
        assert err.value.status in (403, 404)
    with pytest.raises(O2GError) as err:
        lea.subscribe(["telephony"])
    assert err.value.status == 403
    admin = connect("admin")
    with pytest.raises(O2GError) as err:
        admin.routing.state(login="oxe1012")  # the admin has the licence, the user it acts for does not
    assert err.value.status == 403
    with pytest.raises(O2GError) as err:
        admin.subscribe({"telephony": ["oxe1001", "oxe1012"]})
    assert err.value.status == 403 and "oxe1012" in str(err.value)
    r = requests.get(lea.base_url + "/system/status", cookies=lea.transport.http.cookies, verify=str(fresh_sim.ca_path))
    assert r.status_code == 403 and r.json()["code"] == 403


def test_an_admin_supervises_several_users(connect):
    admin, alice = connect("admin"), connect("oxe1001")
    events = admin.subscribe({"telephony": ["oxe1002", "oxe1003"], "routingManagement": ["oxe1002"],
                              "eventSummary": ["oxe1002"]})
    admin.routing.set_dnd(True, login="oxe1002")
    assert events.wait_for("OnRoutingStateChanged", loginName="oxe1002")
    admin.routing.set_dnd(False, login="oxe1002")
    ref = alice.telephony.make_call("1003")
    assert events.wait_for("OnCallCreated", loginName="oxe1003", callRef=ref)
    admin.telephony.answer(ref, login="oxe1003")
    alice.telephony.release(ref)
    events.wait_for("OnCallRemoved", loginName="oxe1003", callRef=ref)
    assert [r["comRef"] for r in admin.comlog.all_records(login="oxe1003")] == [ref]
