"""Lesson 13 — system management discovery: licences that expire soon (13-1), a CTI-link watcher (13-2).

Both checks judge what the trainee's functions *do*: 13-1 runs ``licences_expiring`` on statuses crafted to
catch the classic mistakes (dates compared as text, licences without an expiry, the boundary day, expired
licences, ``date.today()`` instead of the given day) and on the O2G's live status; 13-2 opens the trainee's
``system`` subscription, and on the simulator takes a CTI link down and back up while it listens.
"""

from __future__ import annotations

import datetime as dt
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


def restore_licences(course: Any, names: Iterable[str] | None = None) -> list[str]:
    """🧪 Put licences back to their expiry date in the simulator's scenario (all when ``names`` is None).

    The control API moves a licence's expiry ``days`` from the simulated now; the scenario dates are read
    from the scenario file and turned into that many days. Returns the names restored.
    """
    if course.sim is None:
        return []
    from o2gmentor.sim import scenario

    sim_status = course.sim.status()
    dates = {raw["name"]: raw["expiration"] for raw in scenario.load(sim_status["scenario"]).get("licences", [])}
    wanted = list(dates) if names is None else [n for n in names if n in dates]
    for name in wanted:
        end = dt.datetime.combine(expiry_date(dates[name]), dt.time(23, 59, 59), tzinfo=dt.timezone.utc)
        course.sim.licence_expiring(name, (end.timestamp() - course.sim.status()["clock"]) / 86400)
    return wanted


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
        raise NotAttempted
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
def _packages(stream: Any) -> set[str]:
    return {name for selector in getattr(stream, "selectors", []) or [] for name in selector.get("names", [])}


@exercise("13-2", "Watch the CTI links")
def check_cti_watch(t: Trial, watch_system: Any, cti_down_node: Any) -> None:
    t.attempted(watch_system, cti_down_node)
    if not callable(watch_system) or not callable(cti_down_node):
        t.fail("pass your two functions themselves: course.check('13-2', watch_system, cti_down_node)")
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
    t.attempted(stream)
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
        node = str(admin.system.status()["pbxs"][0]["nodeId"])
        t.course.sim.cti_link(False, node)
        try:
            got = cti_down_node(stream, t.course.patience)
        finally:
            t.course.sim.cti_link(True, node)
        if isinstance(got, dict):
            t.fail("cti_down_node returned the whole event: return its node, as a number (int(event['nodeId']))")
        if got == node:
            t.fail(f"you returned {got!r}, a string: events carry nodeId as text ('1') but system/status lists "
                   "nodes with a number (1) — return int(event['nodeId']) so the two compare equal")
        t.expect(got == int(node) and isinstance(got, int),
                 f"the CTI link to node {node} went down: your watcher said node {got}",
                 f"the CTI link to node {node} went down (OnCtiLinkDown, nodeId '{node}'), and your function "
                 f"returned {got!r}; wait for the OnCtiLinkDown event and return int(event['nodeId'])")
    finally:
        stop = getattr(stream, "stop", None)
        if callable(stop):
            stop()
