"""Lesson 00's exercise: Bruno calls Alice, Alice declines; the cause Bruno is given and Alice's missed calls."""

from __future__ import annotations

from typing import Any

from o2gmentor.course.checks import Trial, exercise

OTHER_CAUSES = {
    "CLEARED": "CLEARED is how the call ends when Bruno hangs up the busy tone (his OnCallRemoved); the cause you "
               "want is on the OnCallModified Bruno received at the moment Alice declined",
    "NORMAL": "NORMAL is the reason of an answered call in the call log; look at the OnCallModified Bruno received "
              "when Alice declined",
}


def _record(records: list[dict[str, Any]], ref: str) -> dict[str, Any] | None:
    return next((r for r in records if r.get("comRef") == ref), None)


def _party(record: dict[str, Any], login: str) -> dict[str, Any]:
    return next((p for p in record.get("participants", [])
                 if (p.get("identity", {}).get("id", {}) or {}).get("loginName") == login), {})


@exercise("00-1", "A declined call")
def declined_call(t: Trial, ref2: Any, cause: Any, missed_before: Any, missed_after: Any, *,
                  alice: str = "oxe1001", bruno: str = "oxe1002") -> None:
    """Bruno calls Alice, Alice declines; the cause Bruno saw and Alice's missed-call counter are read."""
    t.attempted(ref2, cause, missed_before, missed_after)
    t.expect(isinstance(ref2, str) and ref2, "ref2 is a callRef",
             f"ref2 should be the callRef string that make_call returned, not {ref2!r}")
    placed_by = t.session(bruno)
    if any(c.get("callRef") == ref2 for c in placed_by.telephony.calls(login=bruno)):
        t.fail(f"the call {ref2} is still there on Bruno's side: after Alice declines, Bruno hears the busy tone "
               f"until he hangs up — bruno.telephony.release(ref2)")
    declined_by = t.session(alice)
    record = _record(declined_by.comlog.records(login=alice).get("comHistoryRecords", []), ref2)
    if record is None:
        t.fail(f"Alice's call log ({alice}) has no call {ref2}: did Bruno call Alice "
               f"(bruno.telephony.make_call(alice_number)), and is ref2 the callRef it returned?")
    mine = _party(record, alice)
    t.expect(mine.get("role") == "CALLEE", f"Bruno ({bruno}) called Alice ({alice})",
             f"in that call Alice was the {str(mine.get('role', '?')).lower()}: the exercise wants Bruno to call "
             f"Alice — the other way round from the lesson")
    t.expect(not mine.get("answered"), "Alice did not answer it",
             "Alice answered that call: decline it instead — hang up her phone while it rings "
             "(course.person_hangs_up(alice_number)), before anyone answers")
    reason = mine.get("reason")
    if reason == "ABANDONED":
        t.fail("the call ended without Alice declining it: either Bruno hung up first, or an app released it with "
               "telephony.release (which ends the call, CLEARED, instead of declining). Decline as a person does: "
               "course.person_hangs_up(alice_number) while it rings, then read the cause Bruno is given")
    t.expect(reason, "O2G recorded why the call ended", "O2G recorded no reason for that call: place it again")
    t.ok("Alice declined it")
    given = str(cause).strip().upper()
    t.expect(given == reason, f"the call ended for Bruno with cause {reason}",
             OTHER_CAUSES.get(given, f"{cause!r} is not the cause O2G gave: show Bruno's events "
                                     f"(event_table(bruno_events.events)) and read the cause of the OnCallModified "
                                     f"that came when Alice declined"))
    t.expect(isinstance(missed_before, int) and isinstance(missed_after, int),
             "the two counters are numbers",
             "missed_before and missed_after should be the numbers eventsummary.get()['missedCallsNb'] gives")
    t.expect(missed_after == missed_before + 1, f"Alice's missed calls went from {missed_before} to "
             f"{missed_after}: a declined call counts as missed",
             f"the counter should go up by one ({missed_before} → {missed_after}): read "
             f"alice.eventsummary.get()['missedCallsNb'] once before the call and once after it ended")
