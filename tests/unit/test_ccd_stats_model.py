"""Statistics from one simulated hour of traffic agree with the raw call records and state periods."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from o2gmentor.sim.clock import VirtualClock
from o2gmentor.sim.model.ccd_stats import StatsError, hms, statistics_of
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.scenario import load

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc).timestamp()


def seconds(text: str) -> int:
    h, m, s = (int(x) for x in text.split(":"))
    return h * 3600 + m * 60 + s


@pytest.fixture(scope="module")
def hour():
    """One hour of traffic with the simulated agents at work, then the statistics service."""
    pbx = Pbx(load("default"), clock=VirtualClock(start=START), with_history=False)
    pbx.ccd.staff(True)
    pbx.ccd.start_traffic()
    pbx.clock.advance(3600)
    stats = statistics_of(pbx.ccd)
    stats.set_requester({"supervisor": {"identifier": "super 1"}, "agents": []})
    return pbx, stats


def day_rows(stats, body, slot="aQuarterOfAnHour"):
    ctx = stats.add_context("super 1", body)
    data = stats.one_day("super 1", ctx.id, "2026-03-02", slot)
    return [row for s in data.get("pilotsStats") or data.get("agentsStats") for row in s["rows"]]


def test_pilot_figures_add_up_to_the_records(hour):
    pbx, stats = hour
    rows = day_rows(stats, {"filter": {"pilotFilter": {"numbers": [], "attributes": ["ALL"]}}})
    records = [r for r in pbx.ccd.records if START <= r.arrived < START + 3600]
    assert len(records) > 20
    for pilot in pbx.ccd.pilots:
        mine = [r for r in records if r.pilot == pilot]
        got = [r for r in rows if r["pilotNumber"] == pilot]
        total = {k: sum(r[k] for r in got) for k in ("nbCallsOpen", "nbCallsServedByAgent", "nbAbandons",
                                                     "nbOverflowInQueue", "nbCallsDissuaded", "nbAbandonsOnRinging",
                                                     "nbCallsWOQueuing", "nbCallsAfterQueuing")}
        assert total["nbCallsOpen"] == len(mine)
        assert total["nbCallsServedByAgent"] == sum(r.outcome == "served" for r in mine)
        assert total["nbAbandons"] == sum(r.outcome == "abandoned" for r in mine)
        assert total["nbCallsOpen"] == (total["nbCallsServedByAgent"] + total["nbAbandons"]
                                        + total["nbOverflowInQueue"] + total["nbCallsDissuaded"])
        assert total["nbCallsWOQueuing"] + total["nbCallsAfterQueuing"] == total["nbCallsServedByAgent"]
        for row in got:  # waiting + ringing + conversation = the served calls' whole time
            served = [r for r in mine if r.outcome == "served" and row["date"] == datetime.fromtimestamp(
                r.arrived // 900 * 900, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M")]
            whole = sum(round(r.ended_at) - round(r.arrived) for r in served)
            parts = sum(seconds(row[k]) for k in ("waitServedCallsTDur", "ringingTDur", "convTDur"))
            assert parts == whole
            conv = sum(round(r.ended_at) - round(r.answered_at) for r in served)
            assert row["convTDur"] == hms(conv)
            assert 0 <= float(row["serviceLevel"]) <= 100 and 0 <= float(row["efficiency"]) <= 100


def test_agent_figures_match_pilots_and_fill_each_slot(hour):
    pbx, stats = hour
    pilots = day_rows(stats, {"filter": {"pilotFilter": {"numbers": [], "attributes": ["nbCallsServedByAgent"]}}})
    agents = day_rows(stats, {"filter": {"agentFilter": {"numbers": [], "agentAttributes": ["ALL"],
                                                         "pilotAttributes": ["nbCallsServed", "convTDur"]}}})
    assert sum(r["nbAcdServedCalls"] for r in agents) == sum(r["nbCallsServedByAgent"] for r in pilots) > 0
    for row in agents:
        whole = sum(seconds(row[k]) for k in ("loggedOutPerTime", "notAssignedPerTime", "assignedPerTime"))
        assert whole == 900
        assert sum(s["nbCallsServed"] for s in row.get("pilotAgentStatsRows", [])) == row["nbAcdServedCalls"]
        assert seconds(row["withdrawPerTime"]) == sum(seconds(row[f"withdrawPerTimeCause{n}"]) for n in range(1, 10))
    conv = sum(seconds(r["convAcdTDur"]) for r in agents)
    served = [r for r in pbx.ccd.records if r.outcome == "served" and START <= r.arrived < START + 3600]
    assert conv == sum(round(r.ended_at) - round(r.answered_at) for r in served)


def test_only_completed_slots_and_selected_attributes(hour):
    _, stats = hour
    ctx = stats.add_context("super 1", {"filter": {"pilotFilter": {"numbers": ["3000"], "attributes": ["nbAbandons"]}}})
    data = stats.one_day("super 1", ctx.id, "2026-03-02 00:00", "anHour")
    assert [s["timeSlot"][-5:] for s in data["pilotsStats"]][-1] == "09:00"
    row = data["pilotsStats"][-1]["rows"][0]
    assert set(row) == {"date", "year", "month", "day", "hour", "minute", "pilotName", "pilotNumber", "queueName",
                        "nbAbandons"}
    days = stats.several_days("super 1", ctx.id, "2026-03-01 00:00", "2026-03-02 00:00")
    assert [s["rows"][0]["date"] for s in days["pilotsStats"]] == ["2026-03-01", "2026-03-02"]


@pytest.mark.parametrize(("call", "status"), [
    (lambda s, c: s.one_day("super 1", c, "02/03/2026", None), 400),
    (lambda s, c: s.one_day("super 1", c, "2026-03-02", "aDay"), 400),
    (lambda s, c: s.one_day("super 1", c, "2030-01-01", None), 400),
    (lambda s, c: s.several_days("super 1", c, "2026-01-01 00:00", "2026-03-01 00:00"), 400),
    (lambda s, c: s.several_days("super 1", c, "2026-03-02 00:00", "2026-03-01 00:00"), 400),
    (lambda s, c: s.one_day("nobody", c, "2026-03-02", None), 404),
    (lambda s, c: s.one_day("super 1", "ctx999", "2026-03-02", None), 404),
])
def test_bad_requests(hour, call, status):
    _, stats = hour
    ctx = stats.add_context("super 1", {"filter": {"pilotFilter": {"numbers": [], "attributes": ["ALL"]}}})
    with pytest.raises(StatsError) as err:
        call(stats, ctx.id)
    assert err.value.status == status
