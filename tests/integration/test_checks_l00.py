"""Exercise 00-1's check, judged on the simulator: right, the usual mistakes, and not attempted."""

from __future__ import annotations

from o2gmentor.course.checks import FAILED, NOT_ATTEMPTED, PASSED


def _declined_call(course, answer: bool = False):
    caller, callee = course.connect("oxe1001"), course.connect("oxe1002")
    caller_events, callee_events = caller.subscribe(["telephony"]), callee.subscribe(["telephony"])
    before = caller.eventsummary.get()["missedCallsNb"]
    ref = callee.telephony.make_call("1001")
    caller_events.wait_for("OnCallCreated", callRef=ref)
    if answer:
        course.sim.answer("1001")
        callee_events.wait_for("OnCallModified", callRef=ref)
        cause = "NORMAL"
    else:
        course.sim.hangup("1001")
        cause = callee_events.wait_for("OnCallModified", callRef=ref)["cause"]
    callee.telephony.release(ref)
    callee_events.wait_for("OnCallRemoved", callRef=ref)
    after = caller.eventsummary.get()["missedCallsNb"]
    for stream in (caller_events, callee_events):
        stream.stop()
    return ref, cause, before, after


def test_a_declined_call_read_right_passes(course):
    ref, cause, before, after = _declined_call(course)
    verdict = course.check("00-1", ref, cause, before, after)
    assert verdict.status == PASSED, verdict
    assert cause == "BUSY" and after == before + 1


def test_the_removal_cause_instead_of_the_decline_cause_is_pointed_at(course):
    ref, _, before, after = _declined_call(course)
    verdict = course.check("00-1", ref, "CLEARED", before, after)
    assert verdict.status == FAILED and "OnCallModified" in verdict.hint


def test_an_answered_call_is_not_a_declined_one(course):
    ref, cause, before, after = _declined_call(course, answer=True)
    verdict = course.check("00-1", ref, cause, before, after)
    assert verdict.status == FAILED and "answered" in verdict.hint


def test_counters_read_at_the_wrong_time_are_caught(course):
    ref, cause, before, after = _declined_call(course)
    verdict = course.check("00-1", ref, cause, after, after)
    assert verdict.status == FAILED and "missedCallsNb" in verdict.hint


def test_a_call_the_other_way_round_is_caught(course):
    caller, callee = course.connect("oxe1001"), course.connect("oxe1002")
    events = callee.subscribe(["telephony"])
    ref = caller.telephony.make_call("1002")
    events.wait_for("OnCallCreated", callRef=ref)
    course.sim.hangup("1002")
    caller.telephony.release(ref)
    events.stop()
    verdict = course.check("00-1", ref, "BUSY", 0, 1)
    assert verdict.status == FAILED and "other way round" in verdict.hint


def test_stubs_are_not_attempted_and_a_wrong_type_never_raises(course):
    assert course.check("00-1", None, None, None, None).status == NOT_ATTEMPTED
    verdict = course.check("00-1", 42, "BUSY", 0, 1)
    assert verdict.status == FAILED and "callRef" in verdict.hint


def test_an_app_releasing_the_ringing_call_is_not_a_decline(course):
    alice, bruno = course.connect("oxe1001"), course.connect("oxe1002")
    events = alice.subscribe(["telephony"])
    before = alice.eventsummary.get()["missedCallsNb"]
    ref = bruno.telephony.make_call("1001")
    events.wait_for("OnCallCreated", callRef=ref)
    alice.telephony.release(ref)
    events.stop()
    for call in bruno.telephony.calls():
        bruno.telephony.release(call["callRef"])
    verdict = course.check("00-1", ref, "CLEARED", before, before + 1)
    assert verdict.status == FAILED and "person_hangs_up" in verdict.hint and "telephony.release" in verdict.hint


def test_bruno_left_on_the_busy_tone_is_pointed_at(course):
    alice, bruno = course.connect("oxe1001"), course.connect("oxe1002")
    events = alice.subscribe(["telephony"])
    ref = bruno.telephony.make_call("1001")
    events.wait_for("OnCallCreated", callRef=ref)
    course.sim.hangup("1001")
    events.stop()
    verdict = course.check("00-1", ref, "BUSY", 0, 1)
    assert verdict.status == FAILED and "bruno.telephony.release(ref2)" in verdict.hint
    course.release_leftover_calls(bruno)
    assert bruno.telephony.calls() == []
