"""CallFlow without a kernel: recorded call events → a ladder diagram (Mermaid text and SVG)."""

from __future__ import annotations

import time

from o2gmentor.sim.control_client import SimControl
from o2gmentor.widgets import CallFlow
from tests.unit.test_widgets_phone import CHLOE, INCOMING_CALL, created, modified, removed


def messages(flow):
    return [line.strip() for line in flow.mermaid().splitlines()[2:] if not line.strip().startswith("participant")]


def test_incoming_call_answered_then_caller_hangs_up():
    flow = CallFlow(INCOMING_CALL, live=False)
    text = flow.mermaid()
    assert text.startswith("sequenceDiagram\n    autonumber")
    assert "participant P0 as oxe1002 (1002)" in text
    assert "participant P1 as Customer mobile (0612345678)" in text
    assert messages(flow) == ["P1->>P0: calls", "P0-->>P1: answers", "P1-xP0: hangs up"]


def test_hold_consultation_transfer():
    events = INCOMING_CALL[2:4] + [
        modified("c1", "HELD", {"retrieve": True}),
        created("c2", "RINGING_OUTGOING", {"drop": True}, [CHLOE]),
        modified("c2", "ACTIVE", {"hold": True}),
        removed("c1", "TRANSFERRED"),
        removed("c2", "TRANSFERRED"),
    ]
    flow = CallFlow(events, live=False)
    assert messages(flow) == ["P1->>P0: calls", "P0-->>P1: answers", "P0->>P1: puts on hold", "P0->>P2: calls",
                              "P2-->>P0: answers", "P0-xP1: transferred", "P0-xP2: transferred"]
    svg = flow.svg()
    assert svg.startswith("<svg") and "Chloe Dubois" in svg and "5. answers" in svg and "<script" not in svg


def test_one_call_seen_by_both_users_is_drawn_once():
    caller = {"participantId": "1001", "identity": {"id": {"loginName": "oxe1001", "phoneNumber": "1001"},
                                                   "firstName": "Alice", "lastName": "Martin"}}
    callee = {"participantId": "1002", "identity": {"id": {"loginName": "oxe1002", "phoneNumber": "1002"},
                                                   "firstName": "Bruno", "lastName": "Lefevre"}}

    def leg(login, device, name, ref, state, others):
        event = {"eventName": name, "loginName": login, "callRef": ref, "callData": {"state": state}}
        if name == "OnCallCreated":
            event.update(legs=[{"deviceId": device, "state": state}], participants=others)
        else:
            event.update(modifiedLegs=[{"deviceId": device, "state": state}])
        return event

    events = [leg("oxe1001", "1001", "OnCallCreated", "r1", "RINGING_OUTGOING", [callee]),
              leg("oxe1002", "1002", "OnCallCreated", "r2", "RINGING_INCOMING", [caller]),
              leg("oxe1002", "1002", "OnCallModified", "r2", "ACTIVE", []),
              leg("oxe1001", "1001", "OnCallModified", "r1", "ACTIVE", []),
              {"eventName": "OnCallRemoved", "loginName": "oxe1001", "callRef": "r1"},
              {**leg("oxe1002", "1002", "OnCallModified", "r2", "RELEASING", []), "removedParticipantIds": ["1001"]},
              {"eventName": "OnCallRemoved", "loginName": "oxe1002", "callRef": "r2"}]
    flow = CallFlow(events, live=False)
    assert messages(flow) == ["P0->>P1: calls", "P1-->>P0: answers", "P0-xP1: hangs up"]
    only_r2 = CallFlow(events, calls=["r2"], live=False)  # one user's view of the call, chosen by its callRef
    assert messages(only_r2) == ["P1->>P0: calls", "P0-->>P1: answers", "P1-xP0: hangs up"]
    assert "oxe1002 (1002)" in only_r2.mermaid() and "oxe1001" not in only_r2.mermaid()


def test_markdown_block_and_static_snapshot():
    flow = CallFlow(INCOMING_CALL, live=False)
    markdown = flow.markdown().data
    assert markdown.startswith("```mermaid\nsequenceDiagram") and markdown.endswith("\n```")
    markup = flow.snapshot()._repr_html_()
    assert "<svg" in markup and "Mermaid source" in markup and "<script" not in markup
    assert "No call yet" in CallFlow(live=False).svg()


def test_mermaid_text_is_kept_plain():
    odd = {**INCOMING_CALL[2], "participants": [{"participantId": "99", "identity": {"displayName": "A;B #1: x"}}]}
    text = CallFlow([odd], live=False).mermaid()
    assert ";" not in text.split("participant P1 as ")[1] and "#" not in text


def test_live_flow_from_a_stream(connect, fresh_sim):
    o2g = connect("oxe1002")
    stream = o2g.subscribe(["telephony"])
    flow = CallFlow(stream=stream)
    try:
        sim = SimControl(fresh_sim.info)
        sim.outside_call("0612345678", "1002")
        sim.answer("1002")
        sim.hangup("1002")
        deadline = time.monotonic() + 5
        while len(flow.state["steps"]) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [s["text"] for s in flow.state["steps"]] == ["calls", "answers", "hangs up (cleared)"]
        assert "3. hangs up" in flow._diagram.value
    finally:
        flow.stop()
        stream.stop()


# the customer on hold, a consultation call to Chloe, then the two merged into a conference
CONFERENCE = INCOMING_CALL[2:4] + [
    modified("c1", "HELD", {"retrieve": True}),
    created("c2", "RINGING_OUTGOING", {"drop": True}, [CHLOE]),
    modified("c2", "ACTIVE", {"hold": True}),
    removed("c2", "CONFERENCED"),
    modified("c1", "ACTIVE", {"hold": True, "drop": True}, cause="CONFERENCED",
             addedParticipants=[{**CHLOE, "state": "ACTIVE"}]),
    removed("c1"),
]


def test_conference_is_one_note_across_the_lanes():
    flow = CallFlow(CONFERENCE, live=False)
    assert messages(flow)[-3:] == ["Note over P0,P2: conference", "P0-xP1: hangs up", "P0-xP2: hangs up"]
    assert "6. conference" in flow.svg()


def test_the_callee_side_of_a_call_the_caller_ends_has_no_phantom_lane():
    """The far end hangs up (RELEASING + removedParticipantIds), then OnCallRemoved with a cause."""
    peer = {"participantId": "1001", "identity": {"id": {"phoneNumber": "1001"}, "firstName": "Alice",
                                                  "lastName": "Martin"}}
    events = [
        {"eventName": "OnCallCreated", "loginName": "oxe1002", "callRef": "r1",
         "legs": [{"deviceId": "1002", "state": "RINGING_INCOMING"}], "participants": [peer]},
        {"eventName": "OnCallModified", "loginName": "oxe1002", "callRef": "r1",
         "modifiedLegs": [{"deviceId": "1002", "state": "ACTIVE"}]},
        {"eventName": "OnCallModified", "loginName": "oxe1002", "callRef": "r1", "cause": "CLEARED",
         "modifiedLegs": [{"deviceId": "1002", "state": "RELEASING"}], "removedParticipantIds": ["1001"]},
        {"eventName": "OnCallRemoved", "loginName": "oxe1002", "callRef": "r1", "cause": "CLEARED"},
    ]
    text = CallFlow(events, live=False).mermaid()
    assert "nobody" not in text
    assert [line.split(": ")[1] for line in text.splitlines() if ": " in line] == [
        "calls", "answers", "hangs up (cleared)"]
