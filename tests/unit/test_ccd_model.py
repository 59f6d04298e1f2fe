"""The contact center: operators' state machine, distribution, wrap-up, overflow, abandons, traffic."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from o2gmentor.sim.model.bus import Recorder
from o2gmentor.sim.model.ccd import CcdError
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.scenario import load


@pytest.fixture()
def pbx() -> Pbx:
    return Pbx(load("default"), with_history=False)


@pytest.fixture()
def cc(pbx):
    return pbx.ccd


def sub(cc, login: str) -> str | None:
    return cc.state_json(cc.operators[login]).get("subState")


def agent_states(rec: Recorder, login: str) -> list[str]:
    return [e["state"].get("subState", "LOG_OFF") for p, w, e in rec.events
            if p == "agent" and w == login and e["eventName"] == "OnAgentStateChanged"]


def test_logon_ready_and_logoff(cc):
    nadia = cc.operators["oxe2001"]
    assert cc.state_json(nadia) == {"mainState": "LOG_OFF", "withdraw": False, "withdrawn": False}
    cc.logon(nadia, "2101", "3010")
    assert cc.state_json(nadia) == {"mainState": "LOG_ON", "subState": "READY", "proAcdDeviceNumber": "2101",
                                    "pgNumber": "3010", "withdraw": False, "withdrawn": False}
    with pytest.raises(CcdError) as err:
        cc.logon(nadia, "2101", "3010")
    assert err.value.status == 409
    cc.logoff(nadia)
    cc.logoff(nadia)  # already logged off: fine
    assert cc.state_json(nadia)["mainState"] == "LOG_OFF"


@pytest.mark.parametrize(("proacd", "group", "status"), [("2102", "3010", 400), ("2101", "3110", 403),
                                                          ("2101", "9999", 400)])
def test_logon_refusals(cc, proacd, group, status):
    with pytest.raises(CcdError) as err:
        cc.logon(cc.operators["oxe2001"], proacd, group)
    assert err.value.status == status


def test_a_pilot_call_goes_to_the_longest_idle_ready_agent_then_wrap_up_then_ready(pbx, cc):
    rec = Recorder(pbx.bus)
    cc.monitored.add("3000")
    first, second = cc.operators["oxe2001"], cc.operators["oxe2002"]
    cc.logon(second, "2102", "3010")
    pbx.clock.advance(10)
    cc.logon(first, "2101", "3010")
    ref = cc.customer_call("3000", caller="0611111111")
    assert sub(cc, "oxe2002") == "BUSY" and sub(cc, "oxe2001") == "READY"  # Omar waited longer
    created = [e for p, w, e in rec.events if w == "oxe2002" and e["eventName"] == "OnCallCreated"][0]
    assert created["cause"] == "DISTRIBUTED" and created["legs"][0]["deviceId"] == "2102"
    assert created["callData"]["acdCallData"]["pilotNumber"] == "3000"
    pilot_events = [(e["eventName"], e["cause"]) for p, w, e in rec.events if p == "pilot"]
    assert pilot_events == [("OnPilotCallCreated", "ACD_ENTER_DISTRIBUTION"), ("OnPilotCallRemoved", "DISTRIBUTED")]
    pbx.calls.answer(ref, "2102")
    pbx.clock.advance(90)
    pbx.calls.drop_me(ref, "0611111111")
    assert sub(cc, "oxe2002") == "WRAPUP"
    pbx.clock.advance(cc.groups["3010"].wrapup_seconds + 0.5)
    assert sub(cc, "oxe2002") == "READY"
    assert agent_states(rec, "oxe2002")[-4:] == ["READY", "BUSY", "WRAPUP", "READY"]
    (record,) = cc.records
    assert (record.outcome, record.agent, round(record.ended_at - record.answered_at)) == ("served", "oxe2002", 90)
    assert round(record.wrapup_end - record.ended_at) == 15


def test_calls_queue_when_nobody_is_ready_and_are_served_in_order(pbx, cc):
    rec = Recorder(pbx.bus)
    cc.monitored.add("3000")
    first = cc.customer_call("3000", caller="0611111111")
    second = cc.customer_call("3000", caller="0622222222")
    queued = [e for p, w, e in rec.events if e["eventName"] == "OnPilotCallQueued"]
    assert [e["numberOfQueued"] for e in queued] == [1, 2] and queued[0]["queue"] == "3001"
    nadia = cc.operators["oxe2001"]
    cc.logon(nadia, "2101", "3010")
    assert pbx.calls.calls[first].party("2101") is not None
    assert pbx.calls.calls[second].party("3000") is not None  # still waiting at the pilot


def test_withdraw_with_a_reason_during_a_call_applies_after_the_wrap_up(pbx, cc):
    nadia = cc.operators["oxe2001"]
    cc.logon(nadia, "2101", "3010")
    assert [r["label"] for r in cc.withdraw_reasons("3010")][:2] == ["Lunch", "Meeting"]
    ref = cc.customer_call("3000", caller="0611111111")
    pbx.calls.answer(ref, "2101")
    cc.withdraw(nadia, 1)
    assert sub(cc, "oxe2001") == "BUSY"
    pbx.calls.drop_me(ref, "2101")
    pbx.clock.advance(20)
    state = cc.state_json(nadia)
    assert (state["subState"], state["withdrawReason"], state["withdraw"], state["withdrawn"]) == (
        "WITHDRAW", 1, True, True)
    with pytest.raises(CcdError) as err:
        cc.withdraw(nadia, 9)
    assert err.value.status == 400
    cc.ready(nadia)
    assert "withdrawReason" not in cc.state_json(nadia)


def test_an_unanswered_agent_goes_to_pause_and_the_call_to_the_next_agent(pbx, cc):
    nadia, omar = cc.operators["oxe2001"], cc.operators["oxe2002"]
    cc.logon(nadia, "2101", "3010")
    pbx.clock.advance(1)
    cc.logon(omar, "2102", "3010")
    ref = cc.customer_call("3000", caller="0611111111")
    assert pbx.calls.calls[ref].party("2101")
    pbx.clock.advance(cc.agent_ring_seconds + 1)
    assert sub(cc, "oxe2001") == "PAUSE"
    assert pbx.calls.calls[ref].party("2102") and sub(cc, "oxe2002") == "BUSY"


def test_a_caller_who_hangs_up_in_the_queue_is_an_abandoned_call(pbx, cc):
    rec = Recorder(pbx.bus)
    cc.monitored.add("3000")
    ref = cc.customer_call("3000", caller="0611111111", patience=30)
    pbx.clock.advance(31)
    assert ref not in pbx.calls.calls
    (record,) = cc.records
    assert (record.outcome, record.abandoned_in) == ("abandoned", "queue")
    removed = [e for p, w, e in rec.events if e["eventName"] == "OnPilotCallRemoved"][-1]
    assert removed["cause"] == "ABANDONED"
    assert cc.queues["3001"].waiting == []


def test_a_long_wait_overflows_to_the_pilots_overflow_destination(pbx, cc):
    ref = cc.customer_call("3000", caller="0611111111")
    pbx.clock.advance(cc.pilots["3000"].overflow_after + 1)
    call = pbx.calls.calls[ref]
    assert {p.number for p in call.parties} == {"0611111111", "4000"}  # the Sales voice mail
    assert cc.records[-1].outcome == "overflowed"


def test_support_overflows_to_sales_which_serves_it(pbx, cc):
    nadia = cc.operators["oxe2001"]
    cc.logon(nadia, "2101", "3010")
    cc.pause(nadia)
    ref = cc.customer_call("3100", caller="0611111111")
    pbx.clock.advance(cc.pilots["3100"].overflow_after + 1)
    assert pbx.calls.calls[ref].party("3000") is not None  # queued at Sales now
    cc.ready(nadia)
    assert pbx.calls.calls[ref].party("2101") is not None


def test_support_needs_the_technical_skill(pbx, cc):
    paula = cc.operators["oxe2003"]  # Paula has the technical skill; Simon too
    cc.logon(paula, "2103", "3110")
    cc.set_skills(paula, [2], False)
    ref = cc.customer_call("3100", caller="0611111111")
    assert pbx.calls.calls[ref].party("2103") is None
    cc.set_skills(paula, [2], True)
    assert pbx.calls.calls[ref].party("2103") is not None


def test_a_closed_pilot_sends_calls_to_its_overflow(pbx, cc):
    cc.pilots["3000"].open = False
    ref = cc.customer_call("3000", caller="0611111111")
    assert pbx.calls.calls[ref].party("4000") is not None


def test_supervisor_help_and_intrusion(pbx, cc):
    rec = Recorder(pbx.bus)
    nadia, tess = cc.operators["oxe2001"], cc.operators["oxe2090"]
    cc.logon(nadia, "2101", "3010")
    with pytest.raises(CcdError):
        cc.request_help(nadia)  # no supervisor logged on yet
    cc.logon(tess, "2190", None)
    assert sub(cc, "oxe2090") == "OUT_OF_PG"
    cc.request_help(nadia)
    helps = [(w, e["agentNumber"]) for p, w, e in rec.events if e["eventName"] == "OnSupervisorHelpRequested"]
    assert helps == [("oxe2001", "2090"), ("oxe2090", "2001")]
    cc.cancel_help(tess, "2001")
    assert [w for p, w, e in rec.events if e["eventName"] == "OnSupervisorHelpCancelled"] == ["oxe2001", "oxe2090"]
    ref = cc.customer_call("3000", caller="0611111111")
    pbx.calls.answer(ref, "2101")
    cc.intrude(tess, "2001", "DISCRETE")
    assert pbx.calls.calls[ref].party("2190").state == "ACTIVE"
    cc.change_intrusion(tess, "STOP")
    assert pbx.calls.calls[ref].party("2190") is None


def test_one_hour_of_traffic_runs_fast_and_adds_up(pbx, cc):
    cc.staff(True)
    cc.start_traffic()
    started = time.perf_counter()
    pbx.clock.advance(3600)
    cc.stop_traffic()
    pbx.clock.advance(1800)  # let the last calls end
    assert time.perf_counter() - started < 10
    outcomes = Counter(r.outcome for r in cc.records)
    offered = len(cc.records)
    assert offered > 30 and outcomes["served"] > 0
    assert offered == sum(outcomes.values()) == outcomes["served"] + outcomes["abandoned"] + \
        outcomes["overflowed"] + outcomes["dissuaded"]
    assert cc.acd_calls == {} and all(not q.waiting for q in cc.queues.values())
    for record in cc.records:
        assert record.arrived <= (record.distributed_at or record.ended_at) <= record.ended_at
        if record.outcome == "served":
            assert record.distributed_at <= record.answered_at <= record.ended_at <= record.wrapup_end
    for period in cc.periods:
        assert period.end is None or period.end >= period.start


def test_history_gives_a_past_day_of_records():
    pbx = Pbx(load("default"))
    records = pbx.ccd.records
    assert len(records) > 100
    assert max(r.arrived for r in records) < pbx.clock.now() - 3600


def test_pilot_calendars_open_and_close_the_pilot_on_the_clock(pbx, cc):
    from datetime import datetime, timedelta, timezone

    from o2gmentor.sim.model.ccd_calendar import WEEKDAYS, calendars_of

    calendars = calendars_of(cc)
    now = datetime.fromtimestamp(pbx.clock.now(), tz=timezone.utc)
    soon, later = now + timedelta(minutes=10), now + timedelta(minutes=30)
    if later.date() != now.date():  # keep both transitions on today's weekday
        pbx.clock.advance(3600)
        now = datetime.fromtimestamp(pbx.clock.now(), tz=timezone.utc)
        soon, later = now + timedelta(minutes=10), now + timedelta(minutes=30)
    today = WEEKDAYS[now.weekday()]
    calendars.add("3000", "normal", today, {"time": soon.strftime("%H:%M"), "ruleNumber": 2, "mode": "closed"})
    calendars.add("3000", "normal", today, {"time": later.strftime("%H:%M"), "ruleNumber": 1, "mode": "normal"})
    assert cc.pilots["3000"].open
    pbx.clock.advance(11 * 60)
    assert not cc.pilots["3000"].open
    ref = cc.customer_call("3000", caller="0611111111")
    assert pbx.calls.calls[ref].party("4000") is not None  # closed: to the overflow (voice mail)
    pbx.clock.advance(20 * 60)
    assert cc.pilots["3000"].open
    calendars.add("3000", "exception", (now + timedelta(days=1)).strftime("%Y%m%d"),
                  {"time": "00:00", "ruleNumber": 2, "mode": "closed"})
    pbx.clock.advance(86400)
    assert not cc.pilots["3000"].open  # the exception date replaced the normal day
