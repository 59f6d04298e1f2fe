"""CC Statistics over HTTPS: requesters, contexts, JSON data from yesterday's history, file export, schedules."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
import requests


def raw(client, method: str, path: str, **kwargs) -> requests.Response:
    return client.transport.http.request(method, client.base_url + path, verify=client.transport.verify, **kwargs)


def yesterday(sim) -> str:
    now = sim.call(sim.state.pbx.clock.now)
    return (datetime.fromtimestamp(now, tz=timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")


@pytest.fixture()
def admin(connect):
    client = connect("admin")
    client.statistics.create_requester("super 1", ["2001", "2002", "2003"])
    return client


def test_requester_encodings(admin):
    stats = admin.statistics
    assert stats.requester("super 1") == {"identifier": "super 1", "language": "EN", "timezone": "Europe/Paris"}
    assert raw(admin, "GET", "/acdstats/scope/super+1").json()["identifier"] == "super 1"  # Java's URLEncoder
    assert raw(admin, "GET", "/acdstats/scope/nobody").status_code == 404


def test_pilot_and_agent_data_from_history(admin, fresh_sim):
    stats, day = admin.statistics, yesterday(fresh_sim)
    pilots = stats.create_pilot_context("super 1", ["3000", "3100"])
    data = stats.day_data("super 1", pilots, day)
    assert data["supervisor"] == "super 1" and len(data["pilotsStats"]) == 24
    rows = [r for slot in data["pilotsStats"] for r in slot["rows"]]
    offered = sum(r["nbCallsOpen"] for r in rows)
    assert offered > 100
    assert offered == sum(r["nbCallsServedByAgent"] + r["nbAbandons"] + r["nbOverflowInQueue"] + r["nbCallsDissuaded"]
                          for r in rows)
    assert data["pilotsStats"][10]["selectedPeriod"]["periodType"] == "oneDay"
    agents = stats.create_agent_context("super 1", ["2001"], ["nbAcdServedCalls", "convAcdTDur"])
    days = stats.days_data("super 1", agents, day, day)
    row = days["agentsStats"][0]["rows"][0]
    assert row["login"] == "oxe2001" and row["date"] == day and row["nbAcdServedCalls"] > 0
    assert row["convAcdTDur"].count(":") == 2 and "assignedPerTime" not in row
    java = raw(admin, "GET", f"/acdstats/scope/super%201/ctx/{pilots}/oneday/data",
               params={"date": f"{day} 00:00", "format": "json", "shortHeader": ""})
    assert java.status_code == 200 and len(java.json()["pilotsStats"]) == 24
    assert [c["ctxId"] for c in stats.contexts("super 1")] == [pilots, agents]


def test_file_export(admin, fresh_sim):
    stats = admin.statistics
    stream = admin.subscribe({"acdstats": ["*"]})
    ctx = stats.create_pilot_context("super 1", [], ["nbCallsOpen", "serviceLevel"])
    stats.request_day_file("super 1", ctx, yesterday(fresh_sim))
    fresh_sim.call(fresh_sim.state.pbx.clock.advance, 3)
    assert stream.wait_for("OnAcdStatsProgress", step="COLLECT")["nbTotObjects"] > 0
    stream.wait_for("OnAcdStatsProgress", step="PROCESSED")
    done = stream.wait_for("OnAcdStatsProgress", step="FORMATED")
    assert done["supervisor"] == "super 1" and done["fullResPath"].endswith(".zip")
    name, content = stats.download(done["fullResPath"])
    table = list(csv.reader(io.StringIO(content.decode()), delimiter=";"))
    assert name == "statistics.csv" and "nbCallsOpen" in table[0] and len(table) == 1 + 24 * 2
    stats.request_day_file("super 1", ctx, yesterday(fresh_sim), "xls")
    stats.cancel_file_request("super 1")
    assert stream.wait_for("OnAcdStatsProgress", step="CANCELLED")["supervisor"] == "super 1"
    stream.stop()


def test_schedules(admin):
    stats = admin.statistics
    ctx = stats.create_pilot_context("super 1", ["3000"])
    report = {"name": "daily", "description": "Sales", "obsPeriod": {"periodType": "lastDays", "lastNb": 7},
              "frequency": {"periodicity": "weekly", "daysInWeek": ["monday"], "dayInMonth": -1},
              "recipients": ["sup@example.com"], "fileType": "csv"}
    assert stats.create_schedule("super 1", ctx, report) == "daily"
    assert stats.context("super 1", ctx)["isScheduled"] is True
    stats.enable_schedule("super 1", ctx, "daily", False)
    saved = stats.schedule("super 1", ctx, "daily")
    assert (saved["enable"], saved["state"], saved["fileType"]) == (False, "Not_executed", "csv")
    stats.update_schedule("super 1", ctx, "daily", {**report, "fileType": "xls"})
    assert stats.schedules("super 1", ctx)[0]["fileType"] == "xls"
    r = raw(admin, "POST", f"/acdstats/scope/super%201/ctx/{ctx}/schedule", json={**report, "recipients": []})
    assert r.status_code == 400
    stats.delete_schedule("super 1", ctx, "daily")
    assert stats.schedules("super 1", ctx) == []


@pytest.mark.parametrize(("method", "path", "params", "body", "status"), [
    ("POST", "/acdstats/scope", None, {"agents": []}, 400),
    ("POST", "/acdstats/scope", None, {"supervisor": {"identifier": "x"}, "agents": [{"number": "1001"}]}, 400),
    ("POST", "/acdstats/scope/super%201/ctx", None, {"filter": {}}, 400),
    ("POST", "/acdstats/scope/super%201/ctx", None, {"filter": {"pilotFilter": {"numbers": ["1"],
                                                                                "attributes": ["ALL"]}}}, 400),
    ("GET", "/acdstats/scope/super%201/ctx/ctx404", None, None, 404),
    ("GET", "/acdstats/scope/super%201/ctx/ctx404/oneday/data", {"date": "2026-01-01"}, None, 404),
])
def test_bad_input(admin, method, path, params, body, status):
    r = raw(admin, method, path, params=params, json=body)
    assert r.status_code == status and r.json()["code"] == status


def test_bad_dates(admin):
    ctx = admin.statistics.create_pilot_context("super 1", [])
    for params in ({"date": "yesterday"}, {"date": "2026-01-01", "slotType": "aWeek"}):
        assert raw(admin, "GET", f"/acdstats/scope/super%201/ctx/{ctx}/oneday/data", params=params).status_code == 400
    too_long = {"begindate": "2026-01-01 00:00", "enddate": "2026-03-01 00:00"}
    assert raw(admin, "GET", f"/acdstats/scope/super%201/ctx/{ctx}/days/data", params=too_long).status_code == 400


def test_user_session_refused(connect):
    assert raw(connect("oxe2090"), "POST", "/acdstats/scope", json={}).status_code == 403
