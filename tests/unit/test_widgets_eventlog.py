"""EventLog without a kernel: events newest first, filters by package and name, rows expandable to JSON."""

from __future__ import annotations

import json
import time

from o2gmentor.widgets import EventLog
from o2gmentor.widgets.eventlog import ALL, package_of

EVENTS = [
    {"eventName": "OnChannelInformation", "text": "keepalive"},
    {"eventName": "OnUserStateModified", "loginName": "oxe1002", "state": "FREE"},
    {"eventName": "OnCallCreated", "loginName": "oxe1002", "callRef": "a6aaea5b21000700",
     "callData": {"state": "RINGING_INCOMING"}, "legs": [], "participants": []},
    {"eventName": "OnCtiLinkDown", "nodeId": "1"},
    {"eventName": "OnRoutingStateChanged", "loginName": "oxe1002", "routingState": {"dndState": {"activate": True}}},
    {"eventName": "OnCallRemoved", "loginName": "oxe1002", "callRef": "a6aaea5b21000700", "cause": "CLEARED"},
]


def names(log):
    return [row["name"] for row in log.rows]


def test_newest_first_and_keepalives_skipped():
    log = EventLog(events=EVENTS, live=False)
    assert names(log) == ["OnCallRemoved", "OnRoutingStateChanged", "OnCtiLinkDown", "OnCallCreated",
                          "OnUserStateModified"]
    shown = log._list.value
    assert shown.index("OnCallRemoved") < shown.index("OnCallCreated")
    assert "5 of 5 events" in log._count.value
    assert "removed (CLEARED)" in shown and "node 1" in shown  # a summary of each event, and whose


def test_filters_by_package_and_name():
    log = EventLog(events=EVENTS, live=False)
    assert list(log.package_filter.options) == [ALL, "routingManagement", "system", "telephony"]
    assert ALL in log.name_filter.options and "OnCtiLinkDown" in log.name_filter.options
    log.package_filter.value = "telephony"
    assert names(log) == ["OnCallRemoved", "OnCallCreated", "OnUserStateModified"]
    assert "OnCtiLinkDown" not in log._list.value and "3 of 5 events" in log._count.value
    log.name_filter.value = "OnCallCreated"
    assert names(log) == ["OnCallCreated"]
    log.feed({"eventName": "OnCallCreated", "loginName": "oxe1003", "callRef": "b1", "callData": {"state": "ACTIVE"}})
    assert len(log.rows) == 2 and "oxe1003" in log._list.value  # new events pass the filters live
    log.package_filter.value = ALL
    log.name_filter.value = ALL
    assert len(log.rows) == 6


def test_each_row_expands_to_its_json():
    log = EventLog(events=EVENTS, live=False)
    shown = log._list.value
    assert shown.count("<details") == 5 and shown.count("<summary") == 5
    body = json.dumps(EVENTS[3], indent=2)
    assert body.replace('"', "&quot;") in shown  # the full event, escaped, inside the row


def test_pause_keeps_recording_but_freezes_the_list():
    log = EventLog(events=EVENTS[:3], live=False)
    log.pause.value = True
    log.feed(EVENTS[3])
    assert "OnCtiLinkDown" not in log._list.value and "paused" in log._count.value
    assert log.state["count"] == 3
    log.pause.value = False
    assert "OnCtiLinkDown" in log._list.value
    log.clear()
    assert log.rows == [] and "No event yet" in log._list.value


def test_package_of_names_and_reducer_is_pure():
    assert package_of({"eventName": "OnPbxLinkUp"}) == "system"
    assert package_of({"eventName": "OnComRecordCreated"}) == "unifiedComLog"
    state = EventLog(live=False).state
    after = EventLog.apply(state, EVENTS[1], at="10:00:00")
    assert state["rows"] == [] and after["rows"][0]["at"] == "10:00:00"


def test_snapshot_is_static():
    log = EventLog(events=EVENTS, live=False)
    markup = log.snapshot()._repr_html_()
    assert "<details" in markup and "<script" not in markup and "5 events, newest first" in markup


def test_live_log_of_a_subscription(connect):
    o2g = connect("oxe1002")
    log = EventLog(o2g, packages=["telephony"])
    try:
        o2g.telephony.make_call("1003")
        deadline = time.monotonic() + 5
        while "OnCallCreated" not in names(log) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert "OnCallCreated" in names(log)
        assert log.rows[0]["at"]  # stamped with the time it arrived
    finally:
        log.stop()
    assert not log.live
