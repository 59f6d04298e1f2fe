"""Charging model: tickets from finished calls, the tariff, files, valuable tickets and top callers."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from o2gmentor.sim import scenario
from o2gmentor.sim.clock import VirtualClock
from o2gmentor.sim.model import charging
from o2gmentor.sim.model.incidents import incident_log
from o2gmentor.sim.model.pbx import Pbx

T0 = datetime(2026, 3, 9, 9, 30, tzinfo=timezone.utc).timestamp()


@pytest.fixture()
def pbx() -> Pbx:
    return Pbx(scenario.load("default"), clock=VirtualClock(start=T0))


def talk(pbx: Pbx, caller: str, callee: str, seconds: float, *, answer: bool = True) -> None:
    calls = pbx.calls
    ref = calls.outside_call(caller, callee) if not pbx.site.device(caller) else calls.make_call(caller, callee)
    if answer:
        calls.answer(ref, callee)
    pbx.clock.advance(seconds)
    calls.release(ref)


def node_tickets(pbx: Pbx) -> list[charging.Ticket]:
    return charging.tickets(pbx.site, pbx.calls.history.ended, "1")


@pytest.mark.parametrize(("number", "seconds", "units"), [
    ("0472000001", 0, 0), ("0472000001", 1, 1), ("0472000001", 60, 1), ("0472000001", 61, 2),
    ("0612345678", 61, 4), ("00441234567", 30, 5),
])
def test_tariff(pbx, number, seconds, units):
    assert charging.units_for(pbx.site, number, seconds) == units


def test_outgoing_public_call_is_charged(pbx):
    talk(pbx, "1001", "0472000001", 125)
    [ticket] = node_tickets(pbx)
    body = ticket.to_json()
    assert body["callType"] == "PublicNetworkCall"
    assert (body["caller"], body["name"], body["called"]) == ("1001", "Alice Martin", "0472000001")
    assert (body["chargingUnits"], body["cost"]) == (3, 0.3)
    assert (body["duration"], body["effectiveCallDuration"]) == (125, 125)
    assert body["startDate"] == "20260309 09:30:00"
    assert body["actingExtensionNumberNode"] == 1
    assert body["externalFacilities"] == {"facilities": ["BasicCall"]}
    assert ticket.file == "tax1_20260309_09" and ticket.valuable


def test_incoming_and_internal_calls_cost_nothing(pbx):
    talk(pbx, "0612345678", "1002", 30)
    talk(pbx, "1003", "1005", 40)
    incoming, local = node_tickets(pbx)
    assert (incoming.call_type, incoming.caller, incoming.called, incoming.cost) \
        == ("PublicNetworkIncomingCall", "1002", "0612345678", 0)
    assert (local.call_type, local.caller, local.called, local.cost) == ("LocalNetworkCall", "1003", "1005", 0)
    assert len(pbx.calls.history.ended) == 3  # the internal call's callee side leaves no ticket


def test_unanswered_calls_are_not_valuable(pbx):
    talk(pbx, "0145000002", "1006", 20, answer=False)
    [missed] = node_tickets(pbx)
    assert not missed.valuable and missed.effective == 0
    names = {missed.file}
    assert charging.report(node_tickets(pbx), names)["chargings"] == []
    full = charging.report(node_tickets(pbx), names, everything=True)
    assert (len(full["chargings"]), full["totalTicketNb"], full["valuableTicketNb"]) == (1, 1, 0)


def test_files_are_hourly_and_top_keeps_the_costliest_callers(pbx):
    talk(pbx, "1001", "0472000001", 50)  # 1 unit, ends in the 09 file
    pbx.clock.advance(3600)
    talk(pbx, "1002", "0612345678", 200)  # 8 units, 10 file
    talk(pbx, "1005", "0145000002", 130)  # 3 units
    all_tickets = node_tickets(pbx)
    files = charging.files(all_tickets)
    assert files == [{"name": "tax1_20260309_09", "date": "09/03/26", "time": "09:00:00"},
                     {"name": "tax1_20260309_10", "date": "09/03/26", "time": "10:00:00"}]
    every = {f["name"] for f in files}
    result = charging.report(all_tickets, every, top=2)
    assert [c["caller"] for c in result["chargings"]] == ["1002", "1005"]
    assert (result["nbChargingFiles"], result["totalTicketNb"], result["fromDate"]) == (2, 3, "20260309")
    assert charging.files(all_tickets, datetime(2026, 3, 10).date(), datetime(2026, 3, 10).date()) == []


def test_incident_log_is_seeded_and_reset_with_the_site(pbx):
    log = incident_log(pbx)
    seeded = [i.value for i in log.of_node("1")]
    assert seeded == ["2321", "5011", "3606", "1312", "0025"]
    assert [i.value for i in log.of_node("1", last=2)] == ["1312", "0025"]
    log.add_incident("2000", 1, "Injected fault")
    log.add_incident("2000", 1, "Injected fault")
    assert log.of_node("1")[-1].nb_occurs == 2
    first = log.of_node("1")[0].to_json()
    assert first["date"] == "08/03/26" and first["hour"] == "09:30:00" and first["node"] == "1"
    pbx.reset()
    assert [i.value for i in incident_log(pbx).of_node("1")] == seeded
