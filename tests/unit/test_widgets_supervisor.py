"""SupervisorBoard: pilot and realtime events → the board; live against the simulator's contact center."""

from __future__ import annotations

import time

import pytest

from o2gmentor.client import O2GError
from o2gmentor.sim.control_client import SimControl
from o2gmentor.widgets import SupervisorBoard

OBJECTS = {"eventName": "_Objects", "pilots": [{"number": "3000", "name": "Sales"}],
           "queues": [{"number": "3001", "name": "Sales queue"}],
           "agents": [{"number": "2001", "name": "Roux", "firstName": "Nadia"}]}


def test_recorded_events_fill_the_board():
    board = SupervisorBoard(live=False)
    board.feed(OBJECTS)
    board.feed({"eventName": "OnPilotCallCreated", "pilot": "3000", "callRef": "c1", "_at": 100.0})
    board.feed({"eventName": "OnPilotCallQueued", "pilot": "3000", "callRef": "c1", "numberOfQueued": 1,
                "_at": 100.0})
    board.feed({"eventName": "OnPilotCallCreated", "pilot": "3000", "callRef": "c2", "_at": 130.0})
    (sales,) = board.pilot_rows(now=160.0)
    assert (sales["name"], sales["waiting"], sales["longest"]) == ("Sales", 2, 60.0)
    board.feed({"eventName": "OnPilotCallRemoved", "pilot": "3000", "callRef": "c1", "cause": "DISTRIBUTED"})
    assert board.pilot_rows(now=160.0)[0]["waiting"] == 1
    board.feed({"eventName": "OnQueueRtiChanged", "number": "3001", "name": "Sales queue", "nbOfWaitingCalls": 1,
                "longestWaitingTimeInList": 75})
    board.feed({"eventName": "OnAgentRtiChanged", "number": "2001", "serviceState": "Assigned",
                "phoneState": "AcdConversation", "nbOfServedACDCalls": 4, "pilotName": "Sales"})
    (queue,) = board.queue_rows()
    assert (queue["waiting"], queue["longest"]) == (1, 75)
    (agent,) = board.agent_rows()
    assert (agent["name"], agent["phone"], agent["served"]) == ("Nadia Roux", "AcdConversation", 4)
    html = board.snapshot()._repr_html_()
    assert "Customer call" in html and "1:15" in html and "Sales queue" in html


def wait_until(predicate, timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the board did not change in time")
        time.sleep(0.05)


def test_the_board_follows_the_simulated_contact_center(connect, fresh_sim):
    admin = connect("admin")
    board = SupervisorBoard(admin)
    try:
        assert {r["number"] for r in board.pilot_rows()} == {"3000", "3100"}
        wait_until(lambda: len(board.agent_rows()) >= 6 and board.agent_rows()[0]["service"] == "LoggedOut")
        sim = SimControl(fresh_sim.info)
        sim.customer_call("3000")  # nobody is logged on: it waits
        wait_until(lambda: board.pilot_rows()[0]["waiting"] == 1)
        sim.advance(6)  # the next realtime notification (every 5 s of simulated time)
        wait_until(lambda: board.queue_rows()[0]["waiting"] == 1)
        sim.staff(True)  # simulated agents log on: the call is distributed at once
        wait_until(lambda: board.pilot_rows()[0]["waiting"] == 0)
        sim.advance(6)
        wait_until(lambda: any(r["phone"] in ("AcdRinging", "AcdConversation") for r in board.agent_rows()))
    finally:
        board.stop()
    with pytest.raises(O2GError) as err:  # stopping the board ends its realtime context
        admin.request("GET", "acdrealtime", "/ctx")
    assert err.value.status == 404
