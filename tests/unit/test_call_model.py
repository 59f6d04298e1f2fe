"""The OXE call model: states, and the events each user sees, for every call operation."""

from __future__ import annotations

import pytest

from o2gmentor.sim.model.bus import Recorder
from o2gmentor.sim.model.calls import TelephonyError
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.scenario import load


@pytest.fixture()
def pbx() -> Pbx:
    return Pbx(load("default"))


@pytest.fixture()
def rec(pbx: Pbx) -> Recorder:
    return Recorder(pbx.bus)


def seen(rec: Recorder, login: str) -> list[tuple[str, str | None]]:
    """(eventName, state) pairs one user received: call state, or user state."""
    out = []
    for package, who, event in rec.events:
        if who != login or package != "telephony":
            continue
        state = event.get("callData", {}).get("state") or event.get("state")
        out.append((event["eventName"], state if isinstance(state, str) else None))
    return out


def state_of(pbx: Pbx, ref: str, number: str) -> str:
    return pbx.calls.calls[ref].party(number).state


def test_basic_call_follows_the_real_event_choreography(pbx, rec):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(ref, "1002")
    pbx.calls.drop_me(ref, "1001")
    assert seen(rec, "oxe1002") == [
        ("OnCallCreated", "RINGING_INCOMING"),
        ("OnCallModified", "ACTIVE"),
        ("OnUserStateModified", "BUSY"),
        ("OnCallModified", "RELEASING"),
        ("OnCallRemoved", None),
        ("OnUserStateModified", "FREE"),
    ]
    assert seen(rec, "oxe1001") == [
        ("OnCallCreated", "RINGING_OUTGOING"),
        ("OnUserStateModified", "BUSY"),
        ("OnCallModified", "ACTIVE"),
        ("OnCallRemoved", None),
        ("OnUserStateModified", "FREE"),
    ]
    releasing = [e for _, who, e in rec.events if who == "oxe1002" and e["eventName"] == "OnCallModified"][-1]
    assert releasing["removedParticipantIds"] == ["1001"]
    assert pbx.calls.calls == {}


def test_each_side_sees_the_other_as_participant_and_itself_as_leg(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    view = pbx.calls.call_view(pbx.calls.calls[ref], "oxe1002")
    assert [leg["deviceId"] for leg in view["legs"]] == ["1002"]
    assert view["legs"][0]["capabilities"] == {"answer": True}
    (participant,) = view["participants"]
    assert participant["participantId"] == "1001"
    assert participant["identity"]["id"] == {"loginName": "oxe1001", "phoneNumber": "1001"}
    assert len(ref) == 16 and int(ref, 16) >= 0


def test_calling_a_busy_user_gives_the_caller_busy_and_the_callee_nothing(pbx, rec):
    first = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(first, "1002")
    rec.clear()
    ref = pbx.calls.make_call("1003", "1002")
    assert state_of(pbx, ref, "1003") == "RELEASING"
    created = [e for _, who, e in rec.events if who == "oxe1003" and e["eventName"] == "OnCallCreated"]
    assert created[0]["cause"] == "BUSY"
    assert [e for _, who, e in rec.events if who == "oxe1002"] == []


def test_unanswered_call_counts_as_missed_for_the_callee(pbx, rec):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.release(ref, "1001")
    summaries = [e for _, who, e in rec.events if e["eventName"] == "OnEventSummaryUpdated"]
    assert [(s["loginName"], s["eventSummary"]["missedCallsNb"]) for s in summaries] == [("oxe1002", 1)]
    assert pbx.event_summary("oxe1001")["missedCallsNb"] == 0


def test_answered_call_is_not_missed(pbx, rec):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(ref, "1002")
    pbx.calls.release(ref, "1002")
    assert "OnEventSummaryUpdated" not in rec.names()


def test_hold_and_retrieve(pbx, rec):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(ref, "1002")
    pbx.calls.hold(ref, "1001")
    assert state_of(pbx, ref, "1001") == "HELD"
    view_b = pbx.calls.call_view(pbx.calls.calls[ref], "oxe1002")
    assert view_b["participants"][0]["state"] == "HELD"
    assert view_b["legs"][0]["state"] == "ACTIVE"
    pbx.calls.retrieve(ref, "1001")
    assert state_of(pbx, ref, "1001") == "ACTIVE"
    with pytest.raises(TelephonyError) as err:
        pbx.calls.retrieve(ref, "1001")
    assert err.value.status == 409


def test_consultation_then_transfer_connects_the_two_others(pbx, rec):
    customer_call = pbx.calls.outside_call("0472000001", "1001")
    pbx.calls.answer(customer_call, "1001")
    enquiry = pbx.calls.make_call("1001", "1003")  # consultation: the customer goes on hold
    assert state_of(pbx, customer_call, "1001") == "HELD"
    pbx.calls.answer(enquiry, "1003")
    rec.clear()
    kept = pbx.calls.transfer(enquiry, customer_call, "1001")
    assert kept == customer_call
    call = pbx.calls.calls[kept]
    assert sorted(p.number for p in call.parties) == ["0472000001", "1003"]
    assert all(p.state == "ACTIVE" for p in call.parties)
    assert pbx.calls.calls_of("1001") == []
    chloe = [(e["eventName"], e["callRef"], e.get("cause")) for _, w, e in rec.events
             if w == "oxe1003" and "callRef" in e]
    assert chloe == [("OnCallRemoved", enquiry, "TRANSFERRED"), ("OnCallCreated", kept, "TRANSFERRED")]
    assert pbx.calls.user_state("oxe1001") == "FREE"


def test_merge_makes_a_three_party_conference_that_survives_one_leaving(pbx):
    first = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(first, "1002")
    second = pbx.calls.make_call("1001", "1003")
    pbx.calls.answer(second, "1003")
    conf = pbx.calls.merge(second, first, "1001")
    view = pbx.calls.call_view(pbx.calls.calls[conf], "oxe1001")
    assert sorted(p["participantId"] for p in view["participants"]) == ["1002", "1003"]
    pbx.calls.drop_me(conf, "1003")
    assert sorted(p.number for p in pbx.calls.calls[conf].parties) == ["1001", "1002"]
    pbx.calls.drop_me(conf, "1002")
    assert pbx.calls.calls == {}


def test_blind_transfer_rings_the_target(pbx):
    ref = pbx.calls.outside_call("0145000002", "1008")
    pbx.calls.answer(ref, "1008")
    pbx.calls.blind_transfer(ref, "1008", "1005")
    assert state_of(pbx, ref, "1005") == "RINGING_INCOMING"
    assert state_of(pbx, ref, "0145000002") == "RINGING_OUTGOING"
    assert pbx.calls.calls_of("1008") == []


def test_redirect_deflects_a_ringing_call_and_names_the_new_destination(pbx, rec):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.redirect(ref, "1002", "1004")
    removed = [e for _, w, e in rec.events if w == "oxe1002" and e["eventName"] == "OnCallRemoved"]
    assert removed[0]["cause"] == "REDIRECTED" and removed[0]["newDestination"] == "1004"
    view = pbx.calls.call_view(pbx.calls.calls[ref], "oxe1004")
    assert view["callData"]["lastRedirecting"]["id"]["phoneNumber"] == "1002"


def test_declining_leaves_the_caller_releasing(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.hang_up_device("1002")
    assert state_of(pbx, ref, "1001") == "RELEASING"
    assert pbx.event_summary("oxe1002")["missedCallsNb"] == 1
    pbx.calls.hang_up_device("1001")
    assert pbx.calls.calls == {}


def test_make_call_without_auto_answer_rings_the_caller_first(pbx):
    ref = pbx.calls.make_call("1001", "1002", auto_answer=False)
    assert state_of(pbx, ref, "1001") == "RINGING_INCOMING"
    assert pbx.calls.calls[ref].party("1002") is None
    pbx.calls.answer(ref, "1001")
    assert state_of(pbx, ref, "1001") == "RINGING_OUTGOING"
    assert state_of(pbx, ref, "1002") == "RINGING_INCOMING"


def test_reconnect_abandons_the_consultation(pbx):
    first = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(first, "1002")
    enquiry = pbx.calls.make_call("1001", "1003")
    pbx.calls.reconnect(first, "1001", enquiry)
    assert enquiry not in pbx.calls.calls
    assert state_of(pbx, first, "1001") == "ACTIVE"


@pytest.mark.parametrize(("callee", "status"), [("9999", 400), ("1001", 400), ("", 400)])
def test_bad_destinations_are_refused(pbx, callee, status):
    with pytest.raises(TelephonyError) as err:
        pbx.calls.make_call("1001", callee)
    assert err.value.status == status


def test_unknown_call_ref_is_404(pbx):
    with pytest.raises(TelephonyError) as err:
        pbx.calls.answer("0123456789abcdef", "1001")
    assert err.value.status == 404 and err.value.error_type == "CALL_REFERENCE_NOT_FOUND"


def test_reset_hangs_up_everything_with_events(pbx, rec):
    pbx.calls.make_call("1001", "1002")
    pbx.reset()
    assert pbx.calls.calls == {}
    assert "OnCallRemoved" in rec.names("oxe1002")


def test_snapshot_event_has_no_device_states(pbx, rec):
    pbx.calls.publish_snapshot("oxe1001")
    (event,) = [e for _, _, e in rec.events]
    assert event["eventName"] == "OnTelephonyState"
    assert "deviceStates" not in event["state"] and event["state"]["userState"] == "FREE"
    assert pbx.calls.telephony_state("oxe1001")["deviceStates"]["deviceStates"][0]["deviceId"] == "1001"
