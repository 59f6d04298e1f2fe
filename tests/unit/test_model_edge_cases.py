"""Edge cases of the call model and the contact center that a careful review found (each once a bug)."""

from __future__ import annotations

import pytest

from o2gmentor.sim.model.bus import Recorder
from o2gmentor.sim.model.calls import TelephonyError
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.scenario import load


@pytest.fixture()
def pbx() -> Pbx:
    return Pbx(load("default"), with_history=False)


def test_a_ringing_callee_never_looks_busy_when_the_caller_gives_up(pbx):
    rec = Recorder(pbx.bus)
    ref = pbx.calls.make_call("1001", "1002")
    pbx.calls.release(ref, "1001")
    seen = [(e["eventName"], e.get("state")) for p, w, e in rec.events if w == "oxe1002" and p == "telephony"]
    assert seen == [("OnCallCreated", None), ("OnCallRemoved", None)]
    assert pbx.event_summary("oxe1002")["missedCallsNb"] == 1


def test_a_queued_call_goes_to_the_agent_when_its_private_call_ends(pbx):
    cc = pbx.ccd
    nadia = cc.operators["oxe2001"]
    cc.logon(nadia, "2101", "3010")
    private = pbx.calls.make_call("2101", "1005")
    pbx.calls.answer(private, "1005")
    ref = cc.customer_call("3000", caller="0611111111")
    assert ref in cc.queues["3001"].waiting
    pbx.calls.release(private, "1005")
    assert pbx.calls.calls[ref].party("2101") is not None


def test_every_queued_call_is_announced_even_when_another_is_distributed(pbx):
    cc = pbx.ccd
    cc.monitored.add("3000")
    rec = Recorder(pbx.bus)
    first = cc.customer_call("3000", caller="0611111111")
    second = cc.customer_call("3000", caller="0622222222")
    queued = {e["callRef"] for p, w, e in rec.events if e["eventName"] == "OnPilotCallQueued"}
    assert queued == {first, second}


def test_a_refused_call_is_queued_again_announced_and_still_overflows(pbx):
    cc = pbx.ccd
    cc.monitored.add("3000")
    rec = Recorder(pbx.bus)
    nadia = cc.operators["oxe2001"]
    cc.logon(nadia, "2101", "3010")
    ref = cc.customer_call("3000", caller="0611111111")
    pbx.clock.advance(cc.agent_ring_seconds + 1)
    assert cc.state_json(nadia)["subState"] == "PAUSE"
    requeued = [e for p, w, e in rec.events if e["eventName"] == "OnPilotCallQueued"]
    assert requeued and requeued[-1]["cause"] == "NOT_ANSWERED"
    pbx.clock.advance(cc.pilots["3000"].overflow_after)
    assert pbx.calls.calls[ref].party("4000") is not None  # overflowed to the voice mail


def test_an_agent_declining_sends_the_call_back_to_the_queue(pbx):
    cc = pbx.ccd
    nadia, omar = cc.operators["oxe2001"], cc.operators["oxe2002"]
    cc.logon(nadia, "2101", "3010")
    pbx.clock.advance(1)
    cc.logon(omar, "2102", "3010")
    ref = cc.customer_call("3000", caller="0611111111")
    pbx.calls.drop_me(ref, "2101")
    assert cc.state_json(nadia)["subState"] == "PAUSE"
    assert pbx.calls.calls[ref].party("2102") is not None
    assert pbx.calls.calls[ref].party("0611111111").state == "RINGING_OUTGOING"


def test_a_withdraw_asked_during_a_ringing_call_is_kept_when_the_caller_gives_up(pbx):
    cc = pbx.ccd
    nadia = cc.operators["oxe2001"]
    cc.logon(nadia, "2101", "3010")
    ref = cc.customer_call("3000", caller="0611111111")
    cc.withdraw(nadia, 1)
    pbx.calls.drop_me(ref, "0611111111")
    assert cc.state_json(nadia)["subState"] == "WITHDRAW"


def test_an_intrusion_into_a_call_that_ended_does_not_block_the_supervisor(pbx):
    cc = pbx.ccd
    nadia, tess = cc.operators["oxe2001"], cc.operators["oxe2090"]
    cc.logon(nadia, "2101", "3010")
    cc.logon(tess, "2190", None)
    first = cc.customer_call("3000", caller="0611111111")
    pbx.calls.answer(first, "2101")
    cc.intrude(tess, "2001", "DISCRETE")
    pbx.calls.release(first, "2101")
    assert cc.intrusions == {}
    pbx.clock.advance(20)
    second = cc.customer_call("3000", caller="0622222222")
    pbx.calls.answer(second, "2101")
    cc.intrude(tess, "2001", "NORMAL")
    assert pbx.calls.calls[second].party("2190") is not None


def test_a_failed_make_call_leaves_nothing_behind(pbx):
    first = pbx.calls.make_call("1001", "1002")
    pbx.calls.answer(first, "1002")
    pbx.routing_of("oxe1003").forward = {"destinations": [{"type": "NUMBER", "number": "9999"}]}
    with pytest.raises(TelephonyError):
        pbx.calls.make_call("1001", "1003")  # the forward leads nowhere
    assert [c.ref for c in pbx.calls.calls_of("1001")] == [first]
    assert pbx.calls.calls[first].party("1001").state == "ACTIVE"


def test_removing_a_user_cancels_forwards_to_it(pbx):
    pbx.routing_of("oxe1002").forward = {"destinations": [{"type": "NUMBER", "number": "1003"}]}
    pbx.remove_user("oxe1003")
    assert pbx.routing_of("oxe1002").forward is None


def test_out_of_service_sets_neither_call_nor_ring(pbx):
    pbx.calls.set_device_state("1005", "OUT_OF_SERVICE")
    with pytest.raises(TelephonyError) as err:
        pbx.calls.make_call("1005", "1001")
    assert err.value.cause == "DEVICE_OUT_OF_SERVICE"
    ref = pbx.calls.make_call("1001", "1005")
    assert pbx.calls.calls[ref].party("1001").state == "RELEASING"
    assert pbx.calls.calls[ref].party("1005") is None


def test_traffic_with_an_unknown_pilot_starts_nothing(pbx):
    from o2gmentor.sim.model.ccd import CcdError

    with pytest.raises(CcdError):
        pbx.ccd.start_traffic(["3000", "9999"])
    assert not pbx.ccd.traffic_running
    pbx.clock.advance(3600)
    assert pbx.ccd.records == []
