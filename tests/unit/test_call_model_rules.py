"""What an application reads in the call model's answers: the capabilities offered in each state (what a
softphone's buttons follow), the status, error type and cause of each refused request, the identities of the
parties, the user state, and the events' details (o2g-api-core.md §9 and §21.2)."""

from __future__ import annotations

import uuid

import pytest

from o2gmentor.sim.model.bus import EventBus, Recorder
from o2gmentor.sim.model.calls import TelephonyError
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.scenario import load

VM = "4000"
OUTSIDE = "0472000001"


@pytest.fixture()
def pbx() -> Pbx:
    return Pbx(load("default"))


@pytest.fixture()
def rec(pbx: Pbx) -> Recorder:
    return Recorder(pbx.bus)


def view(pbx: Pbx, ref: str, login: str) -> dict:
    return pbx.calls.call_view(pbx.calls.calls[ref], login)


def call_caps(pbx: Pbx, ref: str, login: str) -> set[str]:
    caps = view(pbx, ref, login)["callData"]["capabilities"]
    assert all(v is True for v in caps.values())
    return set(caps)


def leg(pbx: Pbx, ref: str, login: str) -> dict:
    (only,) = view(pbx, ref, login)["legs"]
    return only


def refused(fn, *args) -> TelephonyError:
    with pytest.raises(TelephonyError) as caught:
        fn(*args)
    return caught.value


def events(rec: Recorder, login: str, name: str) -> list[dict]:
    return [e for p, who, e in rec.events if who == login and p == "telephony" and e["eventName"] == name]


# ------------------------------------------------------------------------------------------------ capabilities
def test_a_ringing_call_offers_answer_to_the_callee_and_drop_to_the_caller(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    assert call_caps(pbx, ref, "oxe1002") == {"terminate", "redirect", "pickedUp", "redirectToVoiceMail"}
    assert leg(pbx, ref, "oxe1002") == {"deviceId": "1002", "state": "RINGING_INCOMING", "ringingRemote": False,
                                        "capabilities": {"answer": True}}
    assert call_caps(pbx, ref, "oxe1001") == {"terminate", "dropMe", "callBack"}
    assert leg(pbx, ref, "oxe1001") == {"deviceId": "1001", "state": "RINGING_OUTGOING", "ringingRemote": True,
                                        "capabilities": {"drop": True}}


def test_without_a_voice_mail_a_ringing_call_cannot_go_to_it(pbx):
    pbx.site.voicemail_number = None
    ref = pbx.calls.make_call("1001", "1002")
    assert "redirectToVoiceMail" not in call_caps(pbx, ref, "oxe1002")
    err = refused(pbx.calls.redirect, ref, "1002", "VOICEMAIL")
    assert (err.status, err.cause, err.message) == (400, "INVALID_DESTINATION", "no voice mail here")


def test_an_active_call_offers_hold_and_transfer_and_a_held_one_retrieve(pbx):
    first = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(first, "1002")
    assert call_caps(pbx, first, "oxe1001") == {"terminate", "dropMe", "blindTransfer", "addParticipant"}
    assert leg(pbx, first, "oxe1001")["capabilities"] == {"drop": True, "hold": True, "sendDtmf": True}
    assert leg(pbx, first, "oxe1001")["ringingRemote"] is False
    second = pbx.calls.make_call("1001", "1003")  # a consultation: the first is held
    assert leg(pbx, first, "oxe1001")["capabilities"] == {"drop": True, "retrieve": True}
    assert call_caps(pbx, first, "oxe1001") == {"terminate", "dropMe"}
    pbx.calls.answer(second, "1003")
    assert leg(pbx, first, "oxe1001")["capabilities"] == {"drop": True, "retrieve": True, "reconnect": True}
    assert call_caps(pbx, first, "oxe1001") == {"terminate", "dropMe", "transfer", "merge"}
    assert call_caps(pbx, second, "oxe1001") == {"terminate", "dropMe", "blindTransfer", "addParticipant",
                                                 "transfer", "merge"}


def test_while_the_consulted_phone_rings_the_held_party_hears_ringing(pbx):
    first = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(first, "1002")
    second = pbx.calls.make_call("1001", "1003")
    kept = pbx.calls.transfer(second, first, "1001")
    assert leg(pbx, kept, "oxe1002")["ringingRemote"] is True
    assert leg(pbx, kept, "oxe1002")["state"] == "RINGING_OUTGOING"
    pbx.calls.answer(kept, "1003")
    assert leg(pbx, kept, "oxe1002")["ringingRemote"] is False


def test_a_caller_hearing_busy_may_only_hang_up_or_call_back(pbx):
    pbx.calls.answer(pbx.calls.make_call("1003", "1002"), "1002")
    ref = pbx.calls.make_call("1001", "1002")
    assert leg(pbx, ref, "oxe1001")["state"] == "RELEASING"
    assert call_caps(pbx, ref, "oxe1001") == {"terminate", "dropMe", "callBack"}
    assert leg(pbx, ref, "oxe1001")["capabilities"] == {"drop": True}


def test_device_capabilities_list_every_set_of_the_user(pbx):
    caps = pbx.calls.device_capabilities("oxe2001")
    assert [c["deviceId"] for c in caps] == ["2001", "2101"]
    assert caps[0] == {"deviceId": "2001", "makeCall": True, "makeBusinessCall": False,
                       "makePrivateCall": False, "unParkCall": False}


# ------------------------------------------------------------------------------------------------ states
def test_a_user_is_free_while_a_call_only_rings_and_busy_once_in_one(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    assert pbx.calls.user_state("oxe1002") == "FREE"
    assert pbx.calls.user_state("oxe1001") == "BUSY", "a caller hearing the ring is busy"
    pbx.calls.answer(ref, "1002")
    assert pbx.calls.user_state("oxe1002") == "BUSY"
    pbx.calls.hold(ref, "1002")
    assert pbx.calls.user_state("oxe1002") == "BUSY", "a call on hold still counts"
    assert pbx.calls.is_busy("1002") is False, "but the set may take another call"
    other = pbx.calls.make_call("1003", "1002")
    assert pbx.calls.calls[other].party("1002").state == "RINGING_INCOMING"


def test_a_user_is_busy_on_any_of_its_sets(pbx):
    pbx.calls.answer(pbx.calls.make_call("1001", "2101"), "2101")
    assert pbx.calls.user_state("oxe2001") == "BUSY"
    assert pbx.calls.is_busy("2001") is False


def test_hanging_up_a_set_ends_its_live_call_before_a_held_one(pbx):
    held = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(held, "1002")
    live = pbx.calls.make_call("1001", "1003")
    pbx.calls.answer(live, "1003")
    assert pbx.calls.hang_up_device("1001") == [live]
    assert live not in pbx.calls.calls and held in pbx.calls.calls
    assert pbx.calls.hang_up_device("1001") == [held]
    err = refused(pbx.calls.hang_up_device, "1001")
    assert (err.status, err.error_type, err.cause) == (409, "INCOMPATIBLE_WITH_STATE", "INVALID_DEVICE_STATE")
    assert err.message == "1001 is idle"


def test_answering_the_set_answers_what_rings_on_it(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    assert pbx.calls.answer_device("1002") == ref
    err = refused(pbx.calls.answer_device, "1003")
    assert (err.status, err.error_type, err.cause) == (409, "INCOMPATIBLE_WITH_STATE", "INVALID_DEVICE_STATE")
    assert err.message == "nothing rings on 1003"


def test_leaving_a_conference_keeps_it_going_and_the_last_two_leaving_ends_it(pbx, rec):
    first = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(first, "1002")
    second = pbx.calls.make_call("1001", "1003")
    pbx.calls.answer(second, "1003")
    conf = pbx.calls.merge(second, first, "1001")
    pbx.calls.drop_participant(conf, "1001", "1003")
    assert set(p.number for p in pbx.calls.calls[conf].parties) == {"1001", "1002"}
    assert events(rec, "oxe1003", "OnCallRemoved")[-1]["cause"] == "PARTICIPANT_LEFT"
    err = refused(pbx.calls.drop_participant, conf, "1001", "1003")
    assert (err.status, err.error_type, err.cause) == (404, "LEG_NOT_FOUND", "INVALID_DATA")
    assert err.message == f"no participant 1003 in {conf}"
    err = refused(pbx.calls.drop_participant, conf, "1001", "1001")
    assert err.status == 404
    pbx.calls.drop_me(conf, "1002")
    assert conf not in pbx.calls.calls


def test_a_supervisor_joins_a_call_once(pbx, rec):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(ref, "1002")
    pbx.calls.join(ref, "1005", "INTRUSION")
    assert pbx.calls.calls[ref].party("1005").state == "ACTIVE"
    assert events(rec, "oxe1005", "OnCallCreated")[-1]["cause"] == "INTRUSION"
    err = refused(pbx.calls.join, ref, "1005", "INTRUSION")
    assert (err.status, err.error_type, err.cause) == (409, "INCOMPATIBLE_WITH_STATE", "INVALID_CONNECTION_STATE")
    assert err.message == "1005 is in the call already"


def test_a_set_put_out_of_service_says_so_and_refuses_to_call(pbx, rec):
    pbx.calls.set_device_state("1002", "OUT_OF_SERVICE")
    (event,) = events(rec, "oxe1002", "OnDeviceStateModified")
    assert event["deviceStates"] == [{"deviceId": "1002", "state": "OUT_OF_SERVICE"}]
    err = refused(pbx.calls.make_call, "1002", "1001")
    assert (err.status, err.error_type, err.cause) == (409, "INCOMPATIBLE_WITH_STATE", "DEVICE_OUT_OF_SERVICE")
    state = pbx.calls.telephony_state("oxe1002")
    assert state["deviceStates"] == {"deviceStates": [{"deviceId": "1002", "state": "OUT_OF_SERVICE"}]}
    assert state["userState"] == "FREE" and state["calls"] == []
    err = refused(pbx.calls.set_device_state, "9999", "IN_SERVICE")
    assert (err.status, err.error_type, err.cause) == (404, "BAD_PARAMETER_VALUE", "INVALID_DEVICE")
    assert err.message == "9999 is not a device"


# ------------------------------------------------------------------------------------------------ refusals
@pytest.mark.parametrize("device, callee, status, cause, says", [
    ("9999", "1002", 400, "INVALID_CALLING", "9999 is not a device"),
    ("1001", "", 400, "INVALID_DESTINATION", "callee is missing"),
    ("1001", "1001", 400, "INVALID_DESTINATION", "a device cannot call itself"),
    ("1001", "12", 400, "INVALID_DESTINATION", "12 is not a valid number"),
])
def test_make_call_refusals_name_the_wrong_part(pbx, device, callee, status, cause, says):
    err = refused(pbx.calls.make_call, device, callee)
    assert (err.status, err.error_type, err.cause, err.message) == (status, "BAD_PARAMETER_VALUE", cause, says)
    assert str(err) == says
    assert pbx.calls.calls == {}


def test_a_set_already_placing_a_call_cannot_place_another(pbx):
    pbx.calls.make_call("1001", "1002")
    err = refused(pbx.calls.make_call, "1001", "1003")
    assert (err.status, err.error_type, err.cause) == (409, "INCOMPATIBLE_WITH_STATE", "INVALID_DEVICE_STATE")
    assert err.message == "device 1001 is already placing a call"


def test_without_consultation_a_set_in_a_call_cannot_call(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(ref, "1002")
    err = refused(lambda: pbx.calls.make_call("1001", "1003", consultation=False))
    assert (err.status, err.cause, err.message) == (409, "INVALID_DEVICE_STATE", "device 1001 is in a call")
    assert pbx.calls.calls[ref].party("1001").state == "ACTIVE", "the call in progress is not put on hold"


def test_a_set_outside_the_call_is_403_and_a_wrong_state_409(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    err = refused(pbx.calls.hold, ref, "1003")
    assert (err.status, err.error_type, err.cause) == (403, "UNAUTHORIZED", "INVALID_DEVICE")
    assert err.message == f"device 1003 is not in call {ref}"
    err = refused(pbx.calls.hold, ref, "1002")
    assert (err.status, err.error_type, err.cause) == (409, "INCOMPATIBLE_WITH_STATE", "INVALID_CONNECTION_STATE")
    assert "cannot hold: device 1002 is RINGING_INCOMING" in str(err)
    err = refused(pbx.calls.retrieve, ref, "1001")
    assert err.status == 409
    pbx.calls.answer(ref, "1002")
    err = refused(pbx.calls.answer, ref, "1002")
    assert err.status == 409
    err = refused(pbx.calls.call, "feedbeef")
    assert (err.status, err.error_type, err.cause) == (404, "CALL_REFERENCE_NOT_FOUND", "INVALID_CALL_ID")
    assert err.message == "call feedbeef not found"


def test_transfer_and_merge_need_two_different_calls_one_held(pbx):
    first = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(first, "1002")
    err = refused(pbx.calls.transfer, first, first, "1001")
    assert (err.status, err.error_type, err.cause) == (400, "BAD_PARAMETER_VALUE", "INVALID_CALL_ID")
    assert err.message == "the two calls are the same"
    second = pbx.calls.make_call("1001", "1003")
    err = refused(pbx.calls.merge, first, second, "1001")  # the arguments swapped: the "held" one rings out
    assert err.status == 409


def test_blind_transfer_and_redirect_refuse_impossible_targets(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    for target in ("1002", "1001"):
        err = refused(pbx.calls.redirect, ref, "1002", target)
        assert (err.status, err.error_type, err.cause) == (400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION")
        assert err.message == f"cannot redirect to {target}"
    pbx.calls.answer(pbx.calls.make_call("1003", "1004"), "1004")
    err = refused(pbx.calls.redirect, ref, "1002", "1004")
    assert (err.status, err.error_type, err.cause) == (409, "INCOMPATIBLE_WITH_STATE", "RESOURCE_BUSY")
    assert err.message == "1004 is busy"
    pbx.calls.answer(ref, "1002")
    for target in ("1001", "1002"):
        err = refused(pbx.calls.blind_transfer, ref, "1001", target)
        assert (err.status, err.error_type, err.cause) == (400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION")
        assert err.message == f"cannot transfer to {target}"


def test_an_outside_caller_may_only_call_a_set_or_a_pilot(pbx):
    err = refused(pbx.calls.outside_call, OUTSIDE, VM)
    assert (err.status, err.error_type, err.cause) == (400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION")
    assert err.message == "4000 is neither a device nor a pilot"
    ref = pbx.calls.outside_call(OUTSIDE, "1002")
    participant = view(pbx, ref, "oxe1002")["participants"][0]
    assert participant["participantId"] == OUTSIDE and participant["state"] == "RINGING_OUTGOING"
    assert participant["identity"]["id"]["phoneNumber"] == OUTSIDE


# ------------------------------------------------------------------------------------------------ identities, data
def test_the_voice_mail_and_a_pilot_show_as_services(pbx):
    ref = pbx.calls.make_call("1001", VM)
    (voicemail,) = view(pbx, ref, "oxe1001")["participants"]
    assert voicemail["identity"] == {"id": {"phoneNumber": VM}, "displayName": "Voice mail",
                                     "type": {"main": "SERVICE"}}
    pbx.calls.release(ref)
    ref = pbx.calls.make_call("1001", "3000")
    pilot = next(p for p in view(pbx, ref, "oxe1001")["participants"] if p["participantId"] == "3000")
    assert pilot["identity"]["displayName"] == "Sales" and pilot["identity"]["type"] == {"main": "SERVICE"}


def test_a_local_party_shows_with_its_user_identity(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    (bruno,) = view(pbx, ref, "oxe1001")["participants"]
    assert bruno["identity"] == pbx.site.users["oxe1002"].identity()
    assert bruno["anonymous"] is False and bruno["undroppable"] is False
    data = view(pbx, ref, "oxe1001")["callData"]
    assert data["initialCalled"] == {"id": {"phoneNumber": "1002"}}
    assert (data["deviceCall"], data["anonymous"], data["tags"]) == (False, False, [])
    assert "lastRedirecting" not in data and "acdCallData" not in data


def test_call_references_and_uuids_are_the_same_on_every_run(pbx):
    again = Pbx(load("default"))
    refs = [pbx.calls.make_call("1001", "1002"), pbx.calls.make_call("1003", "1004")]
    assert refs == [again.calls.make_call("1001", "1002"), again.calls.make_call("1003", "1004")]
    assert refs[0] != refs[1] and all(len(r) == 16 and int(r, 16) >= 0 for r in refs)
    uuids = [pbx.calls.calls[r].uuid for r in refs]
    assert uuids == [again.calls.calls[r].uuid for r in refs] and uuids[0] != uuids[1]
    assert uuid.UUID(uuids[0]).version == 4
    assert view(pbx, refs[0], "oxe1001")["callData"]["callUUID"] == uuids[0]


# ------------------------------------------------------------------------------------------------ events
def test_a_new_call_event_carries_the_users_device_capabilities_and_no_cause_when_dialled(pbx, rec):
    pbx.calls.make_call("1001", "1002")
    (created,) = events(rec, "oxe1002", "OnCallCreated")
    assert created["deviceCapabilities"] == pbx.calls.device_capabilities("oxe1002")
    assert "cause" not in created
    (state,) = events(rec, "oxe1001", "OnUserStateModified")
    assert state == {"eventName": "OnUserStateModified", "loginName": "oxe1001", "state": "BUSY"}


def test_an_answered_call_modifies_the_legs_and_participants_in_place(pbx, rec):
    ref = pbx.calls.make_call("1001", "1002")
    rec.clear()
    pbx.calls.answer(ref, "1002")
    (caller,) = events(rec, "oxe1001", "OnCallModified")
    assert [leg["state"] for leg in caller["modifiedLegs"]] == ["ACTIVE"]
    assert [p["state"] for p in caller["modifiedParticipants"]] == ["ACTIVE"]
    assert caller["addedLegs"] == caller["removedLegs"] == caller["addedParticipants"] == []
    assert caller["removedParticipantIds"] == [] and caller["deviceCapabilities"] == []
    assert caller["callRef"] == ref and caller["callData"]["state"] == "ACTIVE" and "cause" not in caller


def test_a_hang_up_removes_the_call_with_its_cause_for_everyone(pbx, rec):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(ref, "1002")
    rec.clear()
    pbx.calls.drop_me(ref, "1002")
    for login in ("oxe1001", "oxe1002"):
        (removed,) = events(rec, login, "OnCallRemoved")
        assert removed == {"eventName": "OnCallRemoved", "loginName": login, "callRef": ref,
                           "deviceCapabilities": [], "cause": "CLEARED"}
        assert events(rec, login, "OnUserStateModified")[-1]["state"] == "FREE"


def test_a_declined_call_leaves_the_caller_hearing_busy(pbx, rec):
    ref = pbx.calls.make_call("1001", "1002")
    rec.clear()
    pbx.calls.drop_me(ref, "1002")
    assert events(rec, "oxe1002", "OnCallRemoved")[0]["cause"] == "BUSY"
    assert events(rec, "oxe1001", "OnCallModified")[0]["cause"] == "BUSY"
    assert pbx.calls.calls[ref].party("1001").state == "RELEASING"


def test_nothing_changed_publishes_nothing(pbx, rec):
    ref = pbx.calls.make_call("1001", "1002")
    rec.clear()
    pbx.calls.touch(ref, "NOTHING")
    assert rec.events == []


# ------------------------------------------------------------------------------------------------ voice mail, timers
def test_a_message_shorter_than_a_second_is_not_kept(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.redirect(ref, "1002", "VOICEMAIL")
    pbx.clock.advance(0.5)
    pbx.calls.drop_me(ref, "1001")
    assert pbx.voicemail.of("oxe1002") == []
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.redirect(ref, "1002", VM)  # the voice mail's number works as VOICEMAIL does
    pbx.clock.advance(3)
    pbx.calls.drop_me(ref, "1001")
    (message,) = pbx.voicemail.of("oxe1002")
    assert message.sender == "1001" and message.duration == 3


def test_a_transferred_voice_mail_call_leaves_no_message_and_the_old_timer_does_nothing(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(ref, "1002")
    pbx.calls.blind_transfer(ref, "1002", "1003")
    assert pbx.calls.calls[ref].party("1003").state == "RINGING_INCOMING"
    assert pbx.calls.calls[ref].answered is False
    pbx.calls.answer(ref, "1003")
    pbx.clock.advance(pbx.calls.voicemail_max + pbx.calls.ring_timeout + 5)
    assert ref in pbx.calls.calls


def test_the_ring_timeout_and_voice_mail_length_come_from_the_dial_plan(pbx):
    scenario = load("default")
    scenario["dialplan"] = {**scenario.get("dialplan", {}), "no_answer_seconds": 7, "voicemail_max_seconds": 9}
    other = Pbx(scenario)
    assert (other.calls.ring_timeout, other.calls.voicemail_max) == (7.0, 9.0)
    assert (pbx.calls.ring_timeout, pbx.calls.voicemail_max) == (
        float(load("default")["dialplan"].get("no_answer_seconds", 20)),
        float(load("default")["dialplan"].get("voicemail_max_seconds", 120)))


# ------------------------------------------------------------------------------------------------ the event bus
def test_the_bus_delivers_in_order_to_every_listener_until_it_is_removed():
    bus, got = EventBus(), []
    first = bus.listen(lambda p, who, e: got.append(("first", p, who, e["n"])))
    bus.listen(lambda p, who, e: got.append(("second", p, who, e["n"])))
    bus.publish("telephony", "oxe1001", {"n": 1})
    first()
    first()  # removing twice is harmless
    bus.publish("system", None, {"n": 2})
    assert got == [("first", "telephony", "oxe1001", 1), ("second", "telephony", "oxe1001", 1),
                   ("second", "system", None, 2)]


def test_a_recorder_names_events_per_user_and_forgets_on_clear():
    bus = EventBus()
    rec = Recorder(bus)
    bus.publish("telephony", "a", {"eventName": "One"})
    bus.publish("telephony", "b", {"eventName": "Two"})
    assert rec.names() == ["One", "Two"] and rec.names("b") == ["Two"]
    rec.clear()
    assert rec.events == []
    rec.stop()
    bus.publish("telephony", "a", {"eventName": "Three"})
    assert rec.events == []


def test_an_outside_call_from_a_local_number_is_an_ordinary_call(pbx):
    ref = pbx.calls.outside_call("1003", "1002")
    assert view(pbx, ref, "oxe1003")["legs"][0]["state"] == "RINGING_OUTGOING"
    assert pbx.calls.calls[ref].party("1003").login == "oxe1003"
    ref = pbx.calls.outside_call(OUTSIDE, "1004")
    assert pbx.calls.calls[ref].party(OUTSIDE).login is None
    assert view(pbx, ref, "oxe1004")["callData"]["initialCalled"] == {"id": {"phoneNumber": "1004"}}


# ------------------------------------------------------------------------------------------------ more situations
def test_each_refused_state_names_the_action(pbx):
    first = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(first, "1002")
    second = pbx.calls.make_call("1001", "1003")  # first held, second rings out
    cases = [
        (pbx.calls.retrieve, (second, "1001"), "cannot retrieve: device 1001 is RINGING_OUTGOING"),
        (pbx.calls.reconnect, (second, "1001", first), "cannot reconnect: device 1001 is RINGING_OUTGOING"),
        (pbx.calls.transfer, (first, second, "1001"), "cannot use the held call: device 1001 is RINGING_OUTGOING"),
        (pbx.calls.redirect, (second, "1001", "1004"), "cannot redirect: device 1001 is RINGING_OUTGOING"),
        (pbx.calls.blind_transfer, (second, "1003", "1004"), "cannot transfer: device 1003 is RINGING_INCOMING"),
    ]
    for action, args, says in cases:
        err = refused(action, *args)
        assert (err.status, err.error_type, err.cause, err.message) == (
            409, "INCOMPATIBLE_WITH_STATE", "INVALID_CONNECTION_STATE", says)
    third = pbx.calls.make_call("1004", "1005")
    pbx.calls.answer(third, "1005")
    assert refused(pbx.calls.transfer, third, first, "1004").status == 403, "a call 1004 is not in"


def test_a_merge_before_the_consulted_party_answers_is_refused_with_its_codes(pbx):
    first = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(first, "1002")
    second = pbx.calls.make_call("1001", "1003")
    err = refused(pbx.calls.merge, second, first, "1001")
    assert (err.status, err.error_type, err.cause, err.message) == (
        409, "INCOMPATIBLE_WITH_STATE", "INVALID_CONNECTION_STATE", "the consulted party has not answered yet")


def test_a_held_call_on_hold_can_be_taken_back_from_a_consultation_with_alternate(pbx):
    first = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(first, "1002")
    second = pbx.calls.make_call("1001", "1003")
    pbx.calls.answer(second, "1003")
    pbx.calls.alternate(first, "1001")
    assert (pbx.calls.calls[first].party("1001").state, pbx.calls.calls[second].party("1001").state) == (
        "ACTIVE", "HELD")


def test_causes_follow_the_action_for_everyone(pbx, rec):
    first = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(first, "1002")
    second = pbx.calls.make_call("1001", "1003")
    pbx.calls.answer(second, "1003")
    pbx.calls.reconnect(first, "1001", second)
    assert events(rec, "oxe1003", "OnCallRemoved")[-1]["cause"] == "CLEARED"
    pbx.calls.blind_transfer(first, "1001", "1004")
    assert events(rec, "oxe1004", "OnCallCreated")[-1]["cause"] == "TRANSFERRED"
    pbx.calls.answer(first, "1004")
    rec.clear()
    pbx.calls.release(first, "1004")
    assert [e["cause"] for e in events(rec, "oxe1002", "OnCallRemoved")] == ["CLEARED"]
    assert [e["cause"] for e in events(rec, "oxe1004", "OnCallRemoved")] == ["CLEARED"]
    assert events(rec, "oxe1004", "OnCallModified") == [], "the one who hangs up just leaves"
    assert [leg["state"] for e in events(rec, "oxe1002", "OnCallModified") for leg in e["modifiedLegs"]] == [
        "RELEASING"]


def test_a_removed_then_added_user_calls_again_without_a_spurious_event(pbx, rec):
    user = pbx.remove_user("oxe1008")
    pbx.calls.make_call("1001", "1002")  # the model goes on without it
    pbx.add_user(user)
    rec.clear()
    pbx.calls.make_call("1003", "1004")
    assert [who for _, who, _ in rec.events if who == "oxe1008"] == [], "nothing changed for the new user"
    ref = pbx.calls.make_call("1005", "1008")
    assert [e["eventName"] for _, who, e in rec.events if who == "oxe1008"] == ["OnCallCreated"]
    assert pbx.calls.calls[ref].party("1008").login == "oxe1008"


def test_a_full_queue_or_a_closed_pilot_without_overflow_gives_the_caller_busy(pbx, rec):
    pbx.ccd.queues["3001"].capacity = 0
    ref = pbx.calls.make_call("1001", "3000")
    assert [p.number for p in pbx.calls.calls[ref].parties] == ["1001"]
    assert pbx.calls.calls[ref].party("1001").state == "RELEASING"
    assert events(rec, "oxe1001", "OnCallModified")[-1]["cause"] == "RESOURCES_NOT_AVAILABLE"
    pbx.calls.release(ref)
    pilot = pbx.ccd.pilots["3100"]
    pilot.open, pilot.overflow_to = False, None
    ref = pbx.calls.make_call("1002", "3100")
    assert pbx.calls.calls[ref].party("1002").state == "RELEASING"
    assert events(rec, "oxe1002", "OnCallModified")[-1]["cause"] == "NO_AVAILABLE_AGENT"


def test_a_closed_pilot_sends_its_call_to_its_overflow(pbx, rec):
    pilot = pbx.ccd.pilots["3100"]
    pilot.open, pilot.overflow_to = False, "1005"
    ref = pbx.calls.make_call("1002", "3100")
    assert pbx.calls.calls[ref].party("1005").state == "RINGING_INCOMING"
    (created,) = events(rec, "oxe1005", "OnCallCreated")
    assert created["cause"] == "FORWARDED"
    assert created["callData"]["lastRedirecting"]["id"]["phoneNumber"] == "3100"


def test_timers_of_a_call_that_ended_or_moved_do_nothing(pbx):
    from tests.unit.test_routing_model import fwd

    pbx.routing_of("oxe1002").forward = fwd("1004", "NO_ANSWER")
    gone = pbx.calls.make_call("1001", "1002")
    pbx.calls.release(gone, "1001")  # the caller gave up before the ring timeout
    at_mailbox = pbx.calls.make_call("1003", "1006")
    pbx.calls.redirect(at_mailbox, "1006", "VOICEMAIL")
    pbx.clock.advance(5)
    pbx.calls.drop_me(at_mailbox, "1003")  # the message is left before the mailbox's limit
    moved = pbx.calls.make_call("1005", VM)  # a voice-mail call transferred on to a person
    pbx.calls.blind_transfer(moved, "1005", "1007")
    pbx.calls.answer(moved, "1007")
    pbx.clock.advance(pbx.calls.voicemail_max + pbx.calls.ring_timeout + 5)
    assert gone not in pbx.calls.calls and at_mailbox not in pbx.calls.calls
    assert moved in pbx.calls.calls, "the voice mail's limit does not cut a call that left it"
    assert len(pbx.voicemail.of("oxe1006")) == 1


def test_a_no_answer_forward_follows_the_next_users_immediate_forward(pbx):
    from tests.unit.test_routing_model import fwd

    pbx.routing_of("oxe1002").forward = fwd("1004", "NO_ANSWER")
    pbx.routing_of("oxe1004").forward = fwd("1005")
    ref = pbx.calls.make_call("1001", "1002")
    pbx.clock.advance(pbx.calls.ring_timeout + 1)
    assert pbx.calls.calls[ref].party("1005").state == "RINGING_INCOMING"
    assert view(pbx, ref, "oxe1005")["callData"]["lastRedirecting"]["id"]["phoneNumber"] == "1004"


def test_device_and_snapshot_events_name_their_user(pbx, rec):
    pbx.calls.set_device_state("2101", "OUT_OF_SERVICE")
    pbx.calls.publish_snapshot("oxe2001")
    device, snapshot = [e for _, who, e in rec.events if who == "oxe2001"]
    assert device["loginName"] == "oxe2001" and snapshot["loginName"] == "oxe2001"
    assert set(snapshot["state"]) == {"calls", "deviceCapabilities", "userState"}
    assert snapshot["state"]["deviceCapabilities"] == pbx.calls.device_capabilities("oxe2001")
