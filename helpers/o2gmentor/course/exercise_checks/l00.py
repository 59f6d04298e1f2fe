"""Lesson 00's exercise: a call the callee declines, its cause, and the missed-call counter."""

from __future__ import annotations

from typing import Any

from o2gmentor.course.checks import Trial, exercise

CAUSES_SEEN_ELSEWHERE = {
    "CLEARED": "CLEARED is how the call ends when the callee hangs up the busy tone (OnCallRemoved); the cause "
               "you want is on the OnCallModified the callee received at the moment the other side declined",
    "NORMAL": "NORMAL is the reason of an answered call in the call log; look at the callee's OnCallModified "
              "event when the call was declined",
}


def _record(records: list[dict[str, Any]], ref: str) -> dict[str, Any] | None:
    return next((r for r in records if r.get("comRef") == ref), None)


@exercise("00-1", "A declined call")
def declined_call(t: Trial, ref2: Any, cause: Any, missed_before: Any, missed_after: Any, *,
                  caller: str = "oxe1001", callee: str = "oxe1002") -> None:
    """The callee calls the caller, the caller declines; the cause and the missed-call counter are read."""
    t.attempted(ref2, cause, missed_before, missed_after)
    t.expect(isinstance(ref2, str) and ref2, "ref2 is a callRef",
             f"ref2 should be the callRef string that make_call returned, not {ref2!r}")
    declined_by = t.session(caller)
    records = declined_by.comlog.records(login=caller).get("comHistoryRecords", [])
    record = _record(records, ref2)
    if record is None:
        placed_by = t.session(callee)
        if any(c.get("callRef") == ref2 for c in placed_by.telephony.calls(login=callee)):
            t.fail(f"the call {ref2} is still in progress on {callee}'s side: after the decline, {callee} hears "
                   f"the busy tone until they hang up — callee.telephony.release(ref2)")
        t.fail(f"{caller}'s call log has no call {ref2}: did {callee} call {caller} "
               f"(callee.telephony.make_call(<{caller}'s number>)), and is ref2 the callRef it returned?")
    t.ok(f"{callee} called {caller} (the call is in {caller}'s call log)")
    mine = next((p for p in record.get("participants", [])
                 if (p.get("identity", {}).get("id", {}) or {}).get("loginName") == caller), {})
    t.expect(mine.get("role") == "CALLEE", f"{caller} was the one called",
             f"in that call {caller} was the {mine.get('role', '?').lower()}: the exercise wants {callee} to call "
             f"{caller}, the other way round from the lesson")
    t.expect(not mine.get("answered"), f"{caller} did not answer it",
             f"{caller} answered that call: decline it instead — hang up the phone while it rings "
             f"(course.person_hangs_up(<{caller}'s number>)), before anyone answers")
    real_cause = mine.get("reason") or "BUSY"
    given = str(cause).strip().upper()
    t.expect(given == real_cause, f"the call ended for {callee} with cause {real_cause}",
             CAUSES_SEEN_ELSEWHERE.get(given, f"{cause!r} is not the cause O2G gave: print the events "
                                              f"{callee} received (event_table(callee_events.events)) and read "
                                              f"the cause of the OnCallModified after the decline"))
    t.expect(isinstance(missed_before, int) and isinstance(missed_after, int),
             "the two counters are numbers",
             "missed_before and missed_after should be the numbers eventsummary.get()['missedCallsNb'] gives")
    t.expect(missed_after == missed_before + 1, f"{caller}'s missed calls went from {missed_before} to "
             f"{missed_after}: a declined call counts as missed",
             f"the counter should go up by one ({missed_before} → {missed_after}): read "
             f"caller.eventsummary.get()['missedCallsNb'] once before the call and once after it ended")
