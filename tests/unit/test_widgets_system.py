"""SystemHealth without a kernel: a status and system events → good/bad marks; live against the simulator."""

from __future__ import annotations

import copy
import datetime as dt
import time

from o2gmentor.sim.control_client import SimControl
from o2gmentor.widgets import SystemHealth

TODAY = dt.date(2026, 11, 26)
STATUS = {
    "ha": True, "primary": "o2g-a.example", "primaryVersion": "2.7.5.000", "secondary": "o2g-b.example",
    "secondaryVersion": "2.7.5.000", "configurationType": "FULL_SERVICES",
    "primaryServicesStatus": {"services": [{"name": "tomcat", "status": "STARTED"}]},
    "secondaryServicesStatus": {"services": [{"name": "tomcat", "status": "STARTED"}]},
    "pbxs": [{"name": "LYON-OXE1", "nodeId": 1, "version": "n4.513.9", "connected": True, "loaded": True,
              "ctiLinkState": "CONNECTED_MAIN", "monitoredUserNumber": 12}],
    "license": {"type": "FLEXLM", "currentServer": "o2g-a.example", "status": "NORMAL", "statusMessage": "",
                "lics": [{"name": "ROXE_API_TEL_ADVANCED", "total": 50, "currentUsed": 11, "expiration": "31-dec-2030"},
                         {"name": "ROXE_API_MESSAGING", "total": 50, "currentUsed": 0, "expiration": "31-dec-2030"}]},
}


def panel(status=STATUS):
    return SystemHealth(status=copy.deepcopy(status), today=TODAY, live=False)


def test_healthy_status_shows_marks_for_nodes_ha_and_licences():
    health = panel()
    assert health.verdict == "Healthy" and health.problems() == [] and health.warnings() == []
    banner, body = health._banner.value, health._body.value
    assert "✅ Healthy" in banner
    assert "LYON-OXE1" in body and "✅ connected main" in body and "✅ up" in body
    assert "✅ primary <b>o2g-a.example</b>" in body and "(current)" in body
    assert "✅ ROXE_API_TEL_ADVANCED" in body and "11 / 50" in body


def test_cti_link_events_turn_the_panel_red_and_back():
    health = panel()
    health.feed({"eventName": "OnCtiLinkDown", "nodeId": "1"})
    assert health.verdict == "Problem"
    assert "❌ Problem" in health._banner.value and "node 1 LYON-OXE1: CTI link down" in health._banner.value
    assert "❌ disconnected" in health._body.value
    assert "OnCtiLinkDown · node 1" in health._body.value  # in the recent system events
    health.feed({"eventName": "OnCtiLinkUp", "nodeId": "1"})
    assert health.verdict == "Healthy"
    health.feed({"eventName": "OnPbxLinkDown", "nodeId": "1"})
    assert "management link down" in health._banner.value and "❌ down" in health._body.value


def test_licences_expiring_soon_warn_and_expired_or_full_fail():
    status = copy.deepcopy(STATUS)
    status["license"]["lics"][0]["expiration"] = "10-dec-2026"
    health = panel(status)
    assert health.verdict == "Warning" and health.warnings() == ["licence ROXE_API_TEL_ADVANCED expires in 14 days"]
    assert "⚠️ Warning" in health._banner.value and "14 days left" in health._body.value
    status["license"]["lics"][0]["expiration"] = "01-nov-2026"
    status["license"]["lics"][1]["currentUsed"] = 50
    health = panel(status)
    assert health.problems() == ["licence ROXE_API_TEL_ADVANCED expired", "licence ROXE_API_MESSAGING: all 50 in use"]


def test_reducer_is_pure_and_snapshot_static():
    state = panel().state
    before = copy.deepcopy(state)
    after = SystemHealth.apply(state, {"eventName": "OnCtiLinkDown", "nodeId": "1"})
    assert state == before and after["status"]["pbxs"][0]["ctiLinkState"] == "DISCONNECTED"
    assert SystemHealth.apply(state, {"eventName": "OnCallCreated"}) is state
    markup = panel().snapshot()._repr_html_()
    assert "Healthy" in markup and "<table" in markup and "<script" not in markup


def test_without_status_the_panel_says_unknown():
    health = SystemHealth(live=False)
    assert health.verdict == "Unknown" and "No status yet" in health._body.value


def test_live_against_the_simulator(connect, fresh_sim):
    admin = connect("admin")
    sim = SimControl(fresh_sim.info)
    health = SystemHealth(admin)
    try:
        assert health.live and health.verdict == "Healthy"
        assert "LYON-OXE1" in health._body.value
        sim.cti_link(False)
        deadline = time.monotonic() + 5
        while health.verdict != "Problem" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert "CTI link down" in health._banner.value
        sim.cti_link(True)
        deadline = time.monotonic() + 5
        while health.verdict != "Healthy" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert health.verdict == "Healthy"
        assert [a.split(" ·")[0] for a in health.state["alerts"]] == ["OnCtiLinkUp", "OnCtiLinkDown"]
    finally:
        health.stop()


def test_a_user_session_gets_a_clear_message(connect):
    health = SystemHealth(connect("oxe1002"), live=False)
    assert health.verdict == "Unknown" and health.message.startswith("❌ 403")
