"""RTI contexts and change events, and the RSI routing-point flow, on the model alone."""

from __future__ import annotations

import pytest

from o2gmentor.sim.model.bus import Recorder
from o2gmentor.sim.model.ccd_realtime import RtiError, realtime_of
from o2gmentor.sim.model.ccd_rsi import rsi_of
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.scenario import load


@pytest.fixture()
def pbx() -> Pbx:
    return Pbx(load("default"), with_history=False)


def rti_events(rec: Recorder) -> list[dict]:
    return [e for p, key, e in rec.events if p == "rti" and key == "session:s1"]


def context(**filters) -> dict:
    return {"obsPeriod": 15, "notifFrequency": 5, "filter": filters}


def test_snapshot_then_only_changes(pbx):
    rec = Recorder(pbx.bus)
    rti = realtime_of(pbx.ccd)
    rti.set_context("s1", context(pilotFilter={"numbers": ["3000"], "attributes": ["NbOfWaitingCalls", "State"]},
                                  teamFilter={"numbers": [], "attributes": ["ALL"]}))
    assert "teamFilter" in rti.context("s1").to_json()["filter"]
    rti.start("s1")
    first = rti_events(rec)
    assert [e["eventName"] for e in first] == ["OnPilotRtiChanged", "OnPGAgentRtiChanged", "OnPGAgentRtiChanged"]
    assert first[0] == {"eventName": "OnPilotRtiChanged", "name": "Sales", "number": "3000", "state": "Opened",
                        "nbOfWaitingCalls": 0}
    rec.clear()
    pbx.clock.advance(10)
    assert rti_events(rec) == []  # nothing changed
    pbx.ccd.customer_call("3000")  # nobody logged on: the call waits
    pbx.clock.advance(5)
    assert {"eventName": "OnPilotRtiChanged", "name": "Sales", "number": "3000", "nbOfWaitingCalls": 1} in \
        rti_events(rec)
    team = [e for e in rti_events(rec) if e["eventName"] == "OnPGAgentRtiChanged"]
    assert team[0]["consolidatedQueuesNbOfWaitingCalls"] == 1 and "nbOfLoggedOnAgents" not in team[0]


def test_agent_states_map_to_rti_vocabulary(pbx):
    rec = Recorder(pbx.bus)
    rti = realtime_of(pbx.ccd)
    rti.set_context("s1", context(agentFilter={"numbers": ["2001"], "attributes": ["ServiceState", "PhoneState"]}))
    rti.start("s1")
    assert rti_events(rec)[0]["serviceState"] == "LoggedOut" and rti_events(rec)[0]["phoneState"] == "LoggedOut"
    cc = pbx.ccd
    op = cc.operators["oxe2001"]
    cc.logon(op, op.proacd, "3010")
    cc.withdraw(op, 2)
    rec.clear()
    pbx.clock.advance(5)
    change = rti_events(rec)[0]
    assert (change["serviceState"], change["phoneState"], change["number"]) == ("Withdrawn", "Idle", "2001")
    assert "serviceStateDate" in change and "nbOfWithdrawals" not in change
    cc.ready(op)
    cc.customer_call("3000")
    rec.clear()
    pbx.clock.advance(1)
    pbx.clock.advance(4)
    assert rti_events(rec)[0]["phoneState"] in ("AcdRinging", "AcdConversation")


@pytest.mark.parametrize("body", [
    context(agentFilter={"numbers": [], "attributes": ["ALL"]}) | {"obsPeriod": 10},
    context(agentFilter={"numbers": [], "attributes": ["ALL"]}) | {"obsPeriod": 61},
    context(agentFilter={"numbers": [], "attributes": ["ALL"]}) | {"notifFrequency": 4},
    context(agentFilter={"numbers": [], "attributes": ["Colour"]}),
    context(agentFilter={"numbers": ["9999"], "attributes": ["ALL"]}),
    context(unknownFilter={"numbers": [], "attributes": ["ALL"]}),
    {"obsPeriod": 30, "notifFrequency": 5},
])
def test_bad_contexts_are_refused(pbx, body):
    with pytest.raises(RtiError) as err:
        realtime_of(pbx.ccd).set_context("s1", body)
    assert err.value.status == 400


def test_delete_stops_the_events(pbx):
    rec = Recorder(pbx.bus)
    rti = realtime_of(pbx.ccd)
    rti.set_context("s1", context(queueFilter={"numbers": [], "attributes": ["ALL"]}))
    rti.start("s1")
    rti.delete_context("s1")
    rec.clear()
    pbx.ccd.customer_call("3000")
    pbx.clock.advance(30)
    assert rti_events(rec) == []
    with pytest.raises(RtiError):
        rti.context("s1")


def test_rsi_route_request_and_select(pbx):
    """A call to an enabled RSI point is routed by the application that registered it."""
    rsi = rsi_of(pbx.ccd)
    rec = Recorder(pbx.bus)
    rsi.enable("3900", "s1", backup=False)
    ref = pbx.calls.outside_call("0612345678", "3900")
    request = next(e for p, k, e in rec.events if p == "rsi")
    assert request["eventName"] == "OnRouteRequest" and request["rsiPoint"] == "3900"
    assert request["request"]["routedCallRef"] == ref and request["request"]["callerType"] == "EXTERNAL"
    crid = request["request"]["routeCrid"]
    assert [s.route_crid for s in rsi.points["3900"].sessions.values()] == [crid]
    coll = rsi.collect("3900", ref, 5)
    pbx.clock.advance(5)
    collected = [e for p, k, e in rec.events if e["eventName"] == "OnDigitCollected"]
    assert collected[0]["dataCollected"] == {"collCrid": coll, "digits": "", "cause": "TIMEOUT"}
    rsi.route_select("3900", crid, "1002")
    assert pbx.calls.calls[ref].party("1002") is not None and not rsi.points["3900"].sessions
    assert any(e["eventName"] == "OnRouteEnd" for p, k, e in rec.events)
