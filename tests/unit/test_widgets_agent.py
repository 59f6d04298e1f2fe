"""AgentDesk without a kernel: recorded events → what the desk shows; buttons → the agent's state on O2G."""

from __future__ import annotations

import time

import pytest

from o2gmentor.sim.control_client import SimControl
from o2gmentor.widgets.agent import AgentDesk


def state_event(sub: str | None, **extra) -> dict:
    state = {"mainState": "LOG_OFF"} if sub is None else {"mainState": "LOG_ON", "subState": sub,
                                                          "proAcdDeviceNumber": "2101", "pgNumber": "3010", **extra}
    return {"eventName": "OnAgentStateChanged", "loginName": "oxe2001", "state": state}


CUSTOMER_CALL = {
    "eventName": "OnCallCreated", "loginName": "oxe2001", "callRef": "c1", "cause": "DISTRIBUTED",
    "callData": {"state": "RINGING_INCOMING", "capabilities": {"terminate": True},
                 "acdCallData": {"pilotNumber": "3000", "callInfo": {"globalWaitingTime": 12}}},
    "legs": [{"deviceId": "2101", "state": "RINGING_INCOMING", "capabilities": {"answer": True}}],
    "participants": [{"participantId": "0611111111", "identity": {"id": {"phoneNumber": "0611111111"}},
                      "state": "RINGING_OUTGOING"}],
}


def test_recorded_events_drive_the_desk():
    desk = AgentDesk(login="oxe2001", config={"proacd": "2101", "processingGroups": {"preferred": "3010",
                                                                                    "groups": ["3010"]}})
    assert desk.state_label == "Logged off"
    assert not desk.buttons["logon"].disabled and desk.buttons["ready"].disabled
    desk.feed(state_event("READY"))
    assert desk.state_label == "Ready" and desk.buttons["logon"].disabled and not desk.buttons["pause"].disabled
    desk.feed(state_event("BUSY"))
    desk.feed(CUSTOMER_CALL)
    call = desk.customer_call()
    assert (call["caller"], call["pilot"], call["waited"], call["answer"]) == ("0611111111", "3000", 12, True)
    assert not desk.buttons["answer"].disabled
    html = desk.snapshot()._repr_html_()
    assert "Busy" in html and "via pilot 3000" in html and "waited 12 s" in html
    desk.feed({"eventName": "OnCallRemoved", "loginName": "oxe2001", "callRef": "c1"})
    desk.feed(state_event("WITHDRAW", withdrawReason=2, withdraw=True))
    assert desk.state_label == "Withdrawn" and "reason 2" in desk.snapshot()._repr_html_()
    assert desk.customer_call() is None and desk.buttons["answer"].disabled
    desk.feed({**state_event("READY"), "loginName": "oxe2002"})  # someone else's event: ignored
    assert desk.state_label == "Withdrawn"


def wait_until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the desk did not change in time")
        time.sleep(0.02)


@pytest.mark.usefixtures("fresh_sim")
def test_the_desk_drives_an_agent_through_a_customer_call(connect, fresh_sim):
    nadia = connect("oxe2001")
    desk = AgentDesk(nadia)
    try:
        assert desk.proacd.value == "2101" and desk.group.value == "3010"
        desk.buttons["logon"].click()
        wait_until(lambda: desk.state_name == "READY")
        assert [label.split(" · ")[1] for label, _ in desk.reason.options][:2] == ["Lunch", "Meeting"]
        SimControl(fresh_sim.info).customer_call("3000")
        wait_until(lambda: desk.customer_call() is not None and desk.state_name == "BUSY")
        desk.buttons["answer"].click()
        wait_until(lambda: desk.customer_call()["state"] == "ACTIVE")
        desk.buttons["hangup"].click()
        wait_until(lambda: desk.state_name == "WRAPUP" and desk.customer_call() is None)
        desk.buttons["ready"].click()
        wait_until(lambda: desk.state_name == "READY")
        desk.reason.value = 2
        desk.buttons["withdraw"].click()
        wait_until(lambda: desk.state_name == "WITHDRAW")
        assert nadia.agent.state()["withdrawReason"] == 2
        desk.buttons["logoff"].click()
        wait_until(lambda: desk.state_name == "LOG_OFF")
        assert "✔ log off" in desk.message
    finally:
        desk.stop()
