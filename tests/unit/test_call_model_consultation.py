"""Consultation, transfer, conference and a second call, as the OXE does them (and the events each party sees).

- A transfer while the consulted phone still rings (o2g-api-core.md §9 #15, "transfer the active call to the
  held call" — the OXE's transfer on ringing): the transferring user drops out at once; the held party is
  NOT connected yet — it hears the consulted phone ring (RINGING_OUTGOING) until that phone answers; if it
  never does, the held party is not left talking to nobody.
- Answering a second call while talking (§9 #10, the OXE's call waiting): the conversation goes on hold
  first, as on a real set; the user is never ACTIVE in two calls.
- A merge (§9 #17) publishes to each party exactly what changed for them.
"""

from __future__ import annotations

import pytest

from o2gmentor.sim.model.bus import Recorder
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.scenario import load


@pytest.fixture()
def pbx() -> Pbx:
    return Pbx(load("default"), with_history=False)


def state(pbx: Pbx, ref: str, number: str) -> str:
    return pbx.calls.calls[ref].party(number).state


def talking(pbx: Pbx, caller: str, callee: str) -> str:
    ref = pbx.calls.make_call(caller, callee)
    pbx.calls.answer(ref, callee)
    return ref


def telephony(rec: Recorder) -> list[tuple]:
    """(login, eventName, which call, cause, call state, my leg states, added participants, removed ids)."""
    out = []
    for package, who, event in rec.events:
        if package != "telephony" or event["eventName"] == "OnUserStateModified":
            continue
        out.append((who, event["eventName"], event.get("callRef"), event.get("cause"),
                    event.get("callData", {}).get("state"),
                    [(leg["deviceId"], leg["state"]) for leg in event.get("modifiedLegs", event.get("legs", []))],
                    [p["participantId"] for p in event.get("addedParticipants", [])],
                    event.get("removedParticipantIds")))
    return out


def test_a_transfer_while_the_consulted_phone_rings_connects_nobody_until_it_answers(pbx):
    first = talking(pbx, "1001", "1002")  # Alice talks to Bruno
    enquiry = pbx.calls.make_call("1001", "1003")  # she consults Chloé: Bruno is held, Chloé's phone rings
    assert state(pbx, first, "1001") == "HELD" and state(pbx, enquiry, "1003") == "RINGING_INCOMING"
    rec = Recorder(pbx.bus)
    kept = pbx.calls.transfer(enquiry, first, "1001")
    call = pbx.calls.calls[kept]
    assert call.party("1001") is None, "Alice is out at once"
    assert state(pbx, kept, "1002") == "RINGING_OUTGOING", "Bruno hears Chloé's phone ring, he is not connected"
    assert state(pbx, kept, "1003") == "RINGING_INCOMING"
    assert not call.answered
    bruno = [e for who, *e in telephony(rec) if who == "oxe1002"]
    assert bruno and all(e[3] != "ACTIVE" for e in bruno), "no event tells Bruno he is talking yet"
    assert pbx.calls.user_state("oxe1002") == "BUSY" and pbx.calls.user_state("oxe1001") == "FREE"
    pbx.calls.answer(kept, "1003")
    assert state(pbx, kept, "1002") == "ACTIVE" and state(pbx, kept, "1003") == "ACTIVE"
    assert call.answered


def test_a_transfer_after_the_consulted_party_answered_connects_them_at_once(pbx):
    first = talking(pbx, "1001", "1002")
    enquiry = pbx.calls.make_call("1001", "1003")
    pbx.calls.answer(enquiry, "1003")
    kept = pbx.calls.transfer(enquiry, first, "1001")
    assert state(pbx, kept, "1002") == "ACTIVE" and state(pbx, kept, "1003") == "ACTIVE"
    assert pbx.calls.calls[kept].answered


def test_answering_a_second_call_puts_the_first_on_hold(pbx):
    first = talking(pbx, "1001", "1002")
    pbx.calls.hold(first, "1001")
    second = pbx.calls.make_call("1003", "1001")  # a held line frees the set: Chloé's call rings
    assert state(pbx, second, "1001") == "RINGING_INCOMING"
    pbx.calls.retrieve(first, "1001")  # back to Bruno while Chloé's call still rings (call waiting)
    assert state(pbx, first, "1001") == "ACTIVE"
    rec = Recorder(pbx.bus)
    pbx.calls.answer(second, "1001")
    assert state(pbx, second, "1001") == "ACTIVE"
    assert state(pbx, first, "1001") == "HELD", "answering puts the conversation on hold first"
    assert state(pbx, first, "1002") == "ACTIVE", "Bruno is still in his call, held by Alice"
    actives = [ref for ref in (first, second) if state(pbx, ref, "1001") == "ACTIVE"]
    assert actives == [second], "never ACTIVE in two calls"
    alice = [e for who, *e in telephony(rec) if who == "oxe1001"]
    assert ["OnCallModified", first, None, "HELD", [("1001", "HELD")], [], []] in alice


def test_answering_with_basic_call_answer_also_holds_the_first(pbx):
    first = talking(pbx, "1001", "1002")
    pbx.calls.hold(first, "1001")
    second = pbx.calls.make_call("1003", "1001")
    pbx.calls.retrieve(first, "1001")
    assert pbx.calls.answer_device("1001") == second
    assert state(pbx, first, "1001") == "HELD" and state(pbx, second, "1001") == "ACTIVE"


def test_a_merge_publishes_exactly_what_changed_for_each_party(pbx):
    first = talking(pbx, "1001", "1002")  # Alice ↔ Bruno
    enquiry = pbx.calls.make_call("1001", "1003")  # Alice consults Chloé, who answers
    pbx.calls.answer(enquiry, "1003")
    rec = Recorder(pbx.bus)
    conference = pbx.calls.merge(enquiry, first, "1001")
    assert conference == first
    assert telephony(rec) == [
        # Alice: the consultation call goes, the held call becomes the conference, she is back in it
        ("oxe1001", "OnCallRemoved", enquiry, "CONFERENCED", None, [], [], None),
        ("oxe1001", "OnCallModified", first, "CONFERENCED", "ACTIVE", [("1001", "ACTIVE")], ["1003"], []),
        # Bruno: Chloé joins his call
        ("oxe1002", "OnCallModified", first, "CONFERENCED", "ACTIVE", [], ["1003"], []),
        # Chloé: her call with Alice ends and she is in the conference call
        ("oxe1003", "OnCallRemoved", enquiry, "CONFERENCED", None, [], [], None),
        ("oxe1003", "OnCallCreated", first, "CONFERENCED", "ACTIVE", [("1003", "ACTIVE")], [], None),
    ]
    assert {p.number: p.state for p in pbx.calls.calls[first].parties} == {
        "1001": "ACTIVE", "1002": "ACTIVE", "1003": "ACTIVE"}


def test_a_merge_while_the_consulted_phone_rings_is_refused(pbx):
    first = talking(pbx, "1001", "1002")
    enquiry = pbx.calls.make_call("1001", "1003")
    with pytest.raises(Exception) as err:  # noqa: PT011 - the model's TelephonyError
        pbx.calls.merge(enquiry, first, "1001")
    assert getattr(err.value, "status", None) == 409
