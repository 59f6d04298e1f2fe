"""The call model obeys each user's routing: forward, do-not-disturb, overflow, no-answer on the clock."""

from __future__ import annotations

import pytest

from o2gmentor.sim.model.bus import Recorder
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.model.routing import RoutingState, decide
from o2gmentor.sim.scenario import load

VM = "4000"


def fwd(number: str | None = None, kind: str | None = None) -> dict:
    route = {"destinations": [{"type": "NUMBER", "number": number} if number else {"type": "VOICEMAIL"}]}
    if kind:
        route["forwardType"] = kind
    return route


@pytest.mark.parametrize(("state", "busy", "expected"), [
    (RoutingState(), False, ("ring", None, None)),
    (RoutingState(), True, ("reject", None, "BUSY")),
    (RoutingState(dnd=True), False, ("reject", None, "DO_NOT_DISTURB")),
    (RoutingState(forward=fwd("1003")), False, ("redirect", "1003", "FORWARDED")),
    (RoutingState(forward=fwd("1003"), dnd=True), False, ("redirect", "1003", "FORWARDED")),
    (RoutingState(forward=fwd("1003", "BUSY")), False, ("ring", None, None)),
    (RoutingState(forward=fwd("1003", "BUSY")), True, ("redirect", "1003", "FORWARDED")),
    (RoutingState(forward=fwd(None, "BUSY_NO_ANSWER")), True, ("redirect", VM, "FORWARDED")),
    (RoutingState(overflow={"overflowType": "BUSY", "destinations": [{"type": "VOICEMAIL"}]}), True,
     ("redirect", VM, "OVERFLOWN")),
])
def test_routing_decisions(state, busy, expected):
    decision = decide(state, busy, VM)
    assert (decision.action, decision.destination, decision.cause) == expected


def test_no_answer_forward_is_decided_for_later():
    decision = decide(RoutingState(forward=fwd("1005", "NO_ANSWER")), False, VM)
    assert decision.action == "ring" and decision.later == ("1005", "FORWARDED")


@pytest.fixture()
def pbx() -> Pbx:
    return Pbx(load("default"))


def parties(pbx: Pbx, ref: str) -> dict[str, str]:
    return {p.number: p.state for p in pbx.calls.calls[ref].parties}


def test_an_immediate_forward_sends_the_next_call_to_the_destination(pbx):
    rec = Recorder(pbx.bus)
    pbx.routing_of("oxe1002").forward = fwd("1003")
    ref = pbx.calls.make_call("1001", "1002")
    assert parties(pbx, ref) == {"1001": "RINGING_OUTGOING", "1003": "RINGING_INCOMING"}
    assert "oxe1002" not in {who for _, who, _ in rec.events}  # the forwarding user's set never rings
    view = pbx.calls.call_view(pbx.calls.calls[ref], "oxe1003")
    assert view["callData"]["lastRedirecting"]["id"]["phoneNumber"] == "1002"
    assert view["callData"]["initialCalled"]["id"]["phoneNumber"] == "1002"


def test_do_not_disturb_rejects_the_call(pbx):
    pbx.routing_of("oxe1002").dnd = True
    rec = Recorder(pbx.bus)
    ref = pbx.calls.make_call("1001", "1002")
    assert parties(pbx, ref) == {"1001": "RELEASING"}
    created = [e for _, w, e in rec.events if w == "oxe1001" and e["eventName"] == "OnCallCreated"][0]
    assert created["cause"] == "DO_NOT_DISTURB"


def test_forward_on_no_answer_moves_the_call_after_the_ring_timeout(pbx):
    pbx.routing_of("oxe1002").forward = fwd("1004", "NO_ANSWER")
    rec = Recorder(pbx.bus)
    ref = pbx.calls.make_call("1001", "1002")
    pbx.clock.advance(pbx.calls.ring_timeout - 1)
    assert parties(pbx, ref) == {"1001": "RINGING_OUTGOING", "1002": "RINGING_INCOMING"}
    pbx.clock.advance(2)
    assert parties(pbx, ref) == {"1001": "RINGING_OUTGOING", "1004": "RINGING_INCOMING"}
    removed = [e for _, w, e in rec.events if w == "oxe1002" and e["eventName"] == "OnCallRemoved"][0]
    assert removed["cause"] == "FORWARDED" and removed["newDestination"] == "1004"
    assert pbx.event_summary("oxe1002")["missedCallsNb"] == 1


def test_an_answered_call_is_not_moved_by_a_stale_timer(pbx):
    pbx.routing_of("oxe1002").forward = fwd("1004", "NO_ANSWER")
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(ref, "1002")
    pbx.clock.advance(60)
    assert parties(pbx, ref) == {"1001": "ACTIVE", "1002": "ACTIVE"}


def test_busy_forward_only_when_busy(pbx):
    pbx.routing_of("oxe1002").forward = fwd("1005", "BUSY")
    first = pbx.calls.make_call("1003", "1002")
    pbx.calls.answer(first, "1002")
    ref = pbx.calls.make_call("1001", "1002")
    assert parties(pbx, ref) == {"1001": "RINGING_OUTGOING", "1005": "RINGING_INCOMING"}


def test_overflow_to_voicemail_leaves_a_message_and_counts_it(pbx):
    pbx.routing_of("oxe1002").overflow = {"overflowType": "NO_ANSWER", "destinations": [{"type": "VOICEMAIL"}]}
    rec = Recorder(pbx.bus)
    ref = pbx.calls.outside_call("0472000001", "1002")
    pbx.clock.advance(pbx.calls.ring_timeout + 1)
    assert parties(pbx, ref) == {"0472000001": "ACTIVE", VM: "ACTIVE"}
    pbx.clock.advance(25)  # the voice mail answered at the timeout, 1 s ago: 26 s of message
    pbx.calls.drop_me(ref, "0472000001")
    (message,) = pbx.voicemail.of("oxe1002")
    assert message.sender == "0472000001" and message.duration == 26 and message.unread
    summary = pbx.event_summary("oxe1002")
    assert summary["voiceMessagesNb"] == 1 and summary["missedCallsNb"] == 1 and summary["eventWaiting"]
    updates = [e["eventSummary"] for p, w, e in rec.events if e["eventName"] == "OnEventSummaryUpdated"]
    assert updates[-1]["voiceMessagesNb"] == 1


def test_the_voicemail_hangs_up_after_the_longest_message(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.redirect(ref, "1002", "VOICEMAIL")
    pbx.clock.advance(pbx.calls.voicemail_max + 1)
    assert ref not in pbx.calls.calls
    assert pbx.voicemail.of("oxe1002")[0].duration == int(pbx.calls.voicemail_max)


def test_calling_the_voicemail_number_leaves_no_message(pbx):
    ref = pbx.calls.make_call("1001", VM)
    pbx.clock.advance(30)
    pbx.calls.release(ref, "1001")
    assert pbx.voicemail.messages == {}


def test_forward_loops_stop(pbx):
    pbx.routing_of("oxe1002").forward = fwd("1003")
    pbx.routing_of("oxe1003").forward = fwd("1002")
    ref = pbx.calls.make_call("1001", "1002")
    assert len(pbx.calls.calls[ref].parties) == 2  # it rings somewhere instead of looping forever


def test_comlog_records_each_side_with_roles_and_answers(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.clock.advance(3)
    pbx.calls.answer(ref, "1002")
    pbx.clock.advance(42)
    pbx.calls.release(ref, "1001")
    (mine,) = pbx.comlog.query("oxe1001")
    (theirs,) = pbx.comlog.query("oxe1002")
    assert (mine.role, theirs.role) == ("CALLER", "CALLEE")
    assert mine.answered and theirs.answered and theirs.acknowledged
    body = pbx.comlog.to_json(theirs)
    assert [p["role"] for p in body["participants"]] == ["CALLER", "CALLEE"]
    assert body["participants"][0]["identity"]["id"]["loginName"] == "oxe1001"
    assert body["comRef"] == ref and body["convDate"] > body["beginDate"]


def test_acknowledging_a_missed_call_clears_the_counter(pbx):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.release(ref, "1001")
    (record,) = pbx.comlog.query("oxe1002", unacknowledged=True)
    assert pbx.event_summary("oxe1002")["missedCallsNb"] == 1
    pbx.comlog.acknowledge("oxe1002", [record.record_id], True)
    assert pbx.event_summary("oxe1002")["missedCallsNb"] == 0
    pbx.comlog.acknowledge("oxe1002", [record.record_id], False)
    assert pbx.event_summary("oxe1002")["missedCallsNb"] == 1
    assert pbx.comlog.delete("oxe1001", [record.record_id]) == []  # not Alice's record
