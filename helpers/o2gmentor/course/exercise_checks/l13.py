"""Lesson 13 — system management discovery: licences that expire soon (13-1), a CTI-link watcher (13-2).

Both checks judge what the trainee's functions *do*: 13-1 runs ``licences_expiring`` on statuses crafted to
catch the classic mistakes (dates compared as text, licences without an expiry, the boundary day, expired
licences, ``date.today()`` instead of the given day) and on the O2G's live status; 13-2 opens the trainee's
``system`` subscription, and on the simulator takes a CTI link down twice while the watcher waits, timing its
answer (a watcher that sleeps its whole timeout, or answers with an event it has already reported, fails).

The exercises' functions keep their ``return`` line outside the solution block, so the generated stub is
``names = None  # TODO: your code`` then ``return names``: ⏳ "not attempted" is kept for that untouched stub
(:func:`_stub`); a function the trainee filled in that returns None gets "did you forget `return`?".
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import types
from collections.abc import Callable, Iterable
from typing import Any

from o2gmentor.client import O2GError
from o2gmentor.course.checks import NotAttempted, Trial, exercise

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
FORMAT_HINT = ("O2G writes licence dates as dd-mon-yyyy, e.g. '31-dec-2030' (day, a 3-letter English month, "
               "year): split on '-' and look the month up in a table, or datetime.strptime(text, '%d-%b-%Y')")


def expiry_date(text: str | None) -> dt.date | None:
    """``"31-dec-2030"`` → ``date(2030, 12, 31)``; None when the licence has no expiry date."""
    if not text or not str(text).strip():
        return None
    day, month, year = str(text).strip().split("-")
    return dt.date(int(year), MONTHS.index(month.lower()) + 1, int(day))


def expiring(status: dict[str, Any], within_days: int, today: dt.date) -> list[str]:
    """The reference answer of 13-1: licences expiring at most ``within_days`` after ``today`` (expired too)."""
    names = []
    for lic in (status.get("license") or {}).get("lics") or []:
        day = expiry_date(lic.get("expiration"))
        if day is not None and (day - today).days <= within_days:
            names.append(lic["name"])
    return names


def site_today(course: Any) -> dt.date:
    """Today for the O2G: the simulator's own clock (lessons move it forward), else the real date."""
    if course.sim is not None:
        return dt.datetime.fromtimestamp(course.sim.status()["clock"], tz=dt.timezone.utc).date()
    return dt.date.today()


def _stub(fn: Any, *args: Any) -> bool:
    """True for a function still as the generated exercise left it: its body uses no name at all (it calls
    nothing, reads no attribute, defines no inner function) and it returns None — ``x = None`` then ``return x``.

    Anything the trainee writes to solve the exercise uses a name (``lic.get``, ``stream.wait_for``…).
    """
    code = getattr(fn, "__code__", None)
    if code is None or code.co_names or any(isinstance(const, types.CodeType) for const in code.co_consts):
        return False
    try:
        return fn(*args) is None
    except Exception:  # noqa: BLE001 - a body that uses its arguments this way is the trainee's own
        return False


def _still_todo(*functions: tuple[str, Any, tuple[Any, ...]]) -> None:
    """⏳ when some of the exercise's functions are still their stubs (named when only some are)."""
    todo = [name for name, fn, args in functions if _stub(fn, *args)]
    if todo and len(todo) < len(functions):
        raise NotAttempted(f"`{todo[0]}` is still the stub: fill in its line marked `# TODO: your code`, run the "
                           "cell, then run this cell again")
    if todo:
        raise NotAttempted


# ---------------------------------------------------------------------------------------------------- 13-1
PROBE_DAY = dt.date(2030, 12, 20)


def _status(*lics: dict[str, Any]) -> dict[str, Any]:
    return {"license": {"type": "FLEXLM", "status": "NORMAL", "lics": [
        {"total": 10, "currentUsed": 1, **lic} for lic in lics]}}


def _as_text_answer(status: dict[str, Any], within_days: int, today: dt.date) -> list[str]:
    """The classic mistake: dd-mon-yyyy compared as text with the limit written the same way."""
    limit = today + dt.timedelta(days=within_days)
    limit_text = f"{limit.day:02d}-{MONTHS[limit.month - 1]}-{limit.year}"
    lics = status["license"]["lics"]
    return [lic["name"] for lic in lics if lic.get("expiration") and lic["expiration"] <= limit_text]


def _names(answer: Any, where: str) -> set[str]:
    if answer is None:
        raise _Wrong(f"{where}: your function returned None — did you forget `return names` at its end? "
                     "(keep it as the last line: a function without `return` returns None, and code below a "
                     "`return` never runs)")
    if isinstance(answer, str | bytes | dict) or not isinstance(answer, Iterable):
        raise _Wrong(f"{where}: your function returned {answer!r}; return a list of licence names, "
                     "e.g. ['ROXE_API_TEL_ADVANCED']")
    items = list(answer)
    if not all(isinstance(item, str) for item in items):
        raise _Wrong(f"{where}: return the licences' names (strings), not {type(items[0]).__name__} objects — "
                     "lic['name']")
    return set(items)


class _Wrong(Exception):
    pass


def _run(fn: Callable[..., Any], status: dict[str, Any], within: int, today: dt.date, where: str,
         crash_hint: str) -> set[str]:
    try:
        answer = fn(status, within, today)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise _Wrong(f"{where}: your function raised {exc.__class__.__name__}: {exc} — {crash_hint}") from exc
    return _names(answer, where)


@exercise("13-1", "Licences that expire soon")
def check_licences_expiring(t: Trial, licences_expiring: Any) -> None:
    t.attempted(licences_expiring)
    if not callable(licences_expiring):
        t.fail(f"pass your function itself, `licences_expiring`, not {type(licences_expiring).__name__}")
    day = PROBE_DAY
    _still_todo(("licences_expiring", licences_expiring, (_status(), 30, day)))
    try:
        # 1. dates across a month and a year end: text comparison gets them wrong both ways
        across = _status({"name": "A_IN_8_DAYS", "expiration": "28-dec-2030"},
                         {"name": "B_IN_2032", "expiration": "02-mar-2032"},
                         {"name": "C_IN_26_DAYS", "expiration": "15-jan-2031"},
                         {"name": "D_IN_36_DAYS", "expiration": "25-jan-2031"})
        got = _run(licences_expiring, across, 30, day, "on 20-dec-2030, within 30 days", FORMAT_HINT)
        want = set(expiring(across, 30, day))
        if got != want:
            if got == set(_as_text_answer(across, 30, day)):
                t.fail(f"you compared the dates as text: '28-dec-2030' sorts after '19-jan-2031' and '02-mar-2032' "
                       f"before it. Turn each expiration into a date first ({FORMAT_HINT}), then compare dates")
            if got == set(expiring(across, 30, dt.date.today())):
                t.fail("your function found nothing: did it count from date.today() instead of the `today` it "
                       "is given? Compute the days left from the `today` argument (the O2G's calendar, which on "
                       "the simulator is not your computer's)")
            t.fail(f"on 20-dec-2030, within 30 days, the answer is {sorted(want)}; yours is {sorted(got)}. "
                   f"Licence dates are dd-mon-yyyy: {FORMAT_HINT}")
        t.ok("dates across a month and a year end compared as dates (28-dec-2030 is 8 days away, 02-mar-2032 is not)")

        # 2. licences without an expiry date
        forever = _status({"name": "NO_FIELD"}, {"name": "NULL_DATE", "expiration": None},
                          {"name": "EMPTY_DATE", "expiration": ""},
                          {"name": "H_IN_11_DAYS", "expiration": "31-dec-2030"})
        got = _run(licences_expiring, forever, 30, day, "a status with licences that have no expiration",
                   "a licence may come without an expiration (missing, null or empty: the Node SDK leaves it "
                   "null): skip it, it never expires")
        if got & {"NO_FIELD", "NULL_DATE", "EMPTY_DATE"}:
            t.fail("a licence without an expiration date never expires: leave it out of the answer "
                   f"(yours has {sorted(got & {'NO_FIELD', 'NULL_DATE', 'EMPTY_DATE'})})")
        t.expect(got == {"H_IN_11_DAYS"}, "licences without an expiration date are skipped, not fatal",
                 f"with licences that have no expiration, the answer is ['H_IN_11_DAYS']; yours is {sorted(got)}")

        # 3. the boundary day and a licence that has already expired
        edge = _status({"name": "I_IN_10_DAYS", "expiration": "30-dec-2030"},
                       {"name": "J_IN_11_DAYS", "expiration": "31-dec-2030"},
                       {"name": "K_EXPIRED", "expiration": "15-dec-2030"})
        got = _run(licences_expiring, edge, 10, day, "on 20-dec-2030, within 10 days", FORMAT_HINT)
        if "K_EXPIRED" not in got:
            t.fail("a licence that expired 5 days ago is the most urgent of all: keep expired licences "
                   "(days left < 0) in the answer")
        if "I_IN_10_DAYS" not in got:
            t.fail("'within 10 days' includes a licence that expires on day 10: days left <= within_days")
        t.expect(got == {"I_IN_10_DAYS", "K_EXPIRED"}, "the boundary day counts, and expired licences are kept",
                 f"on 20-dec-2030, within 10 days, the answer is ['I_IN_10_DAYS', 'K_EXPIRED']; yours is "
                 f"{sorted(got)}")

        # 4. the O2G's own status, on its own calendar
        status = t.session(admin=True).system.status()
        today = site_today(t.course)
        for within in (30, 90):
            got = _run(licences_expiring, status, within, today, f"on this O2G's status, within {within} days",
                       FORMAT_HINT)
            want = set(expiring(status, within, today))
            t.expect(got == want, f"on this O2G on {today}: within {within} days {sorted(want) or 'none'}",
                     f"on this O2G's live status (today {today}), within {within} days, the answer is "
                     f"{sorted(want)}; yours is {sorted(got)}")
    except _Wrong as wrong:
        t.fail(str(wrong))


# ---------------------------------------------------------------------------------------------------- 13-2
FAULT_AFTER = 0.3  # seconds into the watcher's wait when the check takes a link down


def _packages(stream: Any) -> set[str]:
    return {name for selector in getattr(stream, "selectors", []) or [] for name in selector.get("names", [])}


def _while_waiting(t: Trial, cti_down_node: Callable[..., Any], stream: Any, node: str,
                   timeout: float) -> tuple[Any, float]:
    """🧪 Run the watcher while the CTI link to ``node`` goes down ``FAULT_AFTER`` s into its wait, then put the
    link back. Returns its answer and when it came, in seconds after the link went down (negative: before)."""
    from o2gmentor.sim.control_client import SimControl

    control = SimControl(t.course.sim.info)  # its own connection: the fault is pulled from another thread
    fired: dict[str, Any] = {}

    def pull() -> None:
        fired["at"] = time.monotonic()
        try:
            control.cti_link(False, node)
        except Exception as exc:  # noqa: BLE001 - reported once the watcher returns
            fired["error"] = exc

    fault = threading.Timer(FAULT_AFTER, pull)
    fault.start()
    try:
        got = cti_down_node(stream, timeout)
        returned = time.monotonic()
    finally:
        fault.join()
        t.course.sim.cti_link(True, node)
    if "error" in fired:
        raise fired["error"]
    return got, returned - fired["at"]


def _judge_down(t: Trial, got: Any, node: str, lag: float, timeout: float, earlier: str | None) -> None:
    """One fault: ``got`` must be int(node), returned soon after the link went down (``lag`` seconds)."""
    if isinstance(got, dict):
        t.fail("cti_down_node returned the whole event: return its node, as a number (int(event['nodeId']))")
    if got is None:
        if lag < 0:
            t.fail(f"your cti_down_node returned None at once, before the CTI link to node {node} went down "
                   f"{FAULT_AFTER:g} s into its wait: it must wait up to `timeout` seconds for the event — "
                   "stream.wait_for('OnCtiLinkDown', timeout=timeout)")
        if lag < timeout / 2:
            t.fail(f"the CTI link to node {node} went down and your cti_down_node returned None {lag:.1f} s later: "
                   "did you forget `return node` at its end? (keep it as the last line: a function without `return` "
                   "returns None, and code below a `return` never runs)")
        t.fail(f"the CTI link to node {node} went down {FAULT_AFTER:g} s into the wait, and your cti_down_node "
               f"returned None after its whole timeout: it did not see the event. Wait for it by name, "
               "stream.wait_for('OnCtiLinkDown', timeout=timeout), on the stream you are given")
    if lag < 0:
        t.fail(f"your cti_down_node returned {got!r} {-lag:.1f} s before the CTI link to node {node} went down: "
               f"it answered with an event it had already reported{' (node ' + earlier + ')' if earlier else ''}"
               " — stream.events keeps every event since the subscription. Wait for a new one: "
               "stream.wait_for never returns the same event twice")
    if got == node:
        t.fail(f"you returned {got!r}, a string: events carry nodeId as text ('1') but system/status lists "
               "nodes with a number (1) — return int(event['nodeId']) so the two compare equal")
    if not (isinstance(got, int) and not isinstance(got, bool) and got == int(node)):
        t.fail(f"the CTI link to node {node} went down (OnCtiLinkDown, nodeId '{node}'), and your function "
               f"returned {got!r}; wait for the OnCtiLinkDown event and return int(event['nodeId'])")
    if lag > timeout / 2:
        t.fail(f"your cti_down_node said node {got}, but {lag:.1f} s after the link went down, although the event "
               "came at once: it slept its whole timeout instead of waiting for the event. "
               "stream.wait_for('OnCtiLinkDown', timeout=timeout) returns as soon as the event arrives")
    if earlier is None:
        t.ok(f"the CTI link to node {node} went down {FAULT_AFTER:g} s into the wait: your watcher said node {got}, "
             f"{lag:.2f} s later")
    else:
        t.ok(f"the CTI link to node {node} went down again: your watcher said node {got}, {lag:.2f} s later — "
             "from the new event, not the one it had already reported")


@exercise("13-2", "Watch the CTI links")
def check_cti_watch(t: Trial, watch_system: Any, cti_down_node: Any) -> None:
    t.attempted(watch_system, cti_down_node)
    if not callable(watch_system) or not callable(cti_down_node):
        t.fail("pass your two functions themselves: course.check('13-2', watch_system, cti_down_node)")
    _still_todo(("watch_system", watch_system, (None,)), ("cti_down_node", cti_down_node, (None, 0)))
    admin = t.session(admin=True)
    try:
        stream = watch_system(admin)
    except O2GError as exc:
        if exc.status == 400:
            t.fail(f"O2G refused the subscription ({exc.message}): the event package is called `system` "
                   "(the REST service is Maintenance, at /system; its events come in the package `system`)")
        if exc.status == 403:
            t.fail(f"O2G refused the subscription ({exc.message}): the system events are for an administrator "
                   "session — subscribe with the `admin` session you are given")
        raise
    if stream is None:
        t.fail("your watch_system returned None — did you forget `return stream` at its end? "
               "(keep it as the last line: a function without `return` returns None, and code below a "
               "`return` never runs)")
    try:
        if not hasattr(stream, "wait_for"):
            t.fail(f"watch_system returned {type(stream).__name__}; return the stream admin.subscribe([...]) gives")
        t.expect("system" in _packages(stream), "your stream subscribes to the `system` event package",
                 f"your stream listens to {sorted(_packages(stream))}; the CTI link events come in the `system` "
                 "package")
        t.expect(stream.connected.is_set(), "its event channel is open",
                 "the stream's channel is not open: return a started stream (admin.subscribe() starts it)")
        try:
            quiet = cti_down_node(stream, 0.3)
        except TimeoutError:
            t.fail("with no fault, your cti_down_node raised TimeoutError: catch it and return None — a watcher "
                   "that dies when all is well pages nobody when it matters")
        t.expect(quiet is None, "with every link up, cti_down_node returns None after its timeout",
                 f"with every CTI link up, cti_down_node returned {quiet!r} instead of None")
        if t.course.sim is None:
            t.ok("on a real O2G the check pulls no link: run this exercise on the simulator to judge the fault")
            return
        nodes = [str(pbx["nodeId"]) for pbx in admin.system.status()["pbxs"]]
        timeout = t.course.patience
        # 1. a fault while it waits: the right node, as a number, as soon as the event comes
        got, lag = _while_waiting(t, cti_down_node, stream, nodes[0], timeout)
        _judge_down(t, got, nodes[0], lag, timeout, None)
        # 2. the link came back; another fault (on another node when there is one): a new event, not the old one
        again = nodes[1] if len(nodes) > 1 else nodes[0]
        got, lag = _while_waiting(t, cti_down_node, stream, again, timeout)
        _judge_down(t, got, again, lag, timeout, nodes[0])
    finally:
        stop = getattr(stream, "stop", None)
        if callable(stop):
            stop()
