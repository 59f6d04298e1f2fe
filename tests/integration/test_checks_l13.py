"""Lesson 13's exercise checks against the simulator: ✅ on a right answer, ❌ with the right hint, ⏳ on stubs."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from o2gmentor.client import O2GError
from o2gmentor.course import Course
from o2gmentor.course.checks import FAILED, NOT_ATTEMPTED, PASSED, run_check
from o2gmentor.course.exercise_checks.l13 import MONTHS, expiring, expiry_date, site_today


def lics_of(status):
    return (status.get("license") or {}).get("lics") or []


# ------------------------------------------------------------------------------------------------ 13-1
def right(status, within_days, today):
    names = []
    for lic in lics_of(status):
        if lic.get("expiration"):
            day, month, year = lic["expiration"].split("-")
            if (dt.date(int(year), MONTHS.index(month) + 1, int(day)) - today).days <= within_days:
                names.append(lic["name"])
    return names


def as_text(status, within_days, today):
    limit = today + dt.timedelta(days=within_days)
    limit_text = f"{limit.day:02d}-{MONTHS[limit.month - 1]}-{limit.year}"
    return [lic["name"] for lic in lics_of(status) if lic.get("expiration") and lic["expiration"] <= limit_text]


def crashes_without_expiry(status, within_days, today):
    return [lic["name"] for lic in lics_of(status)
            if (dt.datetime.strptime(lic.get("expiration"), "%d-%b-%Y").date() - today).days <= within_days]


def keeps_licences_without_expiry(status, within_days, today):
    return [lic["name"] for lic in lics_of(status)
            if not lic.get("expiration") or (expiry_date(lic["expiration"]) - today).days <= within_days]


def drops_expired(status, within_days, today):
    return [lic["name"] for lic in lics_of(status)
            if lic.get("expiration") and 0 <= (expiry_date(lic["expiration"]) - today).days <= within_days]


def strictly_before(status, within_days, today):
    return [lic["name"] for lic in lics_of(status)
            if lic.get("expiration") and (expiry_date(lic["expiration"]) - today).days < within_days]


def own_calendar(status, within_days, today):
    return right(status, within_days, dt.date.today())


def whole_licences(status, within_days, today):
    return [lic for lic in lics_of(status) if lic["name"] in right(status, within_days, today)]


def stub(status, within_days, today):
    """What the generated exercise leaves: the TODO line, then the return line kept outside the solution."""
    names = None  # TODO: your code
    return names


def forgets_return(status, within_days, today):
    names = right(status, within_days, today)  # noqa: F841 - the mistake: no `return names`


def code_below_return(status, within_days, today):
    names = None
    return names
    names = right(status, within_days, today)  # noqa: F841 - never runs


def test_13_1_passes_on_the_right_answer_with_the_prepared_licences(course):
    course.sim.licence_expiring("ROXE_API_PHONESETPROG", 10)
    course.sim.licence_expiring("ROXE_API_ANALYTICS", 60)
    verdict = run_check(course, "13-1", right)
    assert verdict.status == PASSED, verdict
    assert any("within 30 days ['ROXE_API_PHONESETPROG']" in line for line in verdict.good), verdict
    assert any("within 90 days ['ROXE_API_ANALYTICS', 'ROXE_API_PHONESETPROG']" in line for line in verdict.good)


def test_13_1_passes_on_a_real_o2g_without_the_control_api(real_course):
    assert run_check(real_course, "13-1", right).status == PASSED


@pytest.mark.parametrize(("mistake", "hint"), [
    (as_text, "compared the dates as text"),
    (crashes_without_expiry, "skip it, it never expires"),
    (keeps_licences_without_expiry, "never expires: leave it out"),
    (drops_expired, "keep expired licences"),
    (strictly_before, "days left <= within_days"),
    (own_calendar, "instead of the `today`"),
    (whole_licences, "return the licences' names"),
    (lambda status, within_days, today: "ROXE_API_TEL_ADVANCED", "return a list of licence names"),
    (forgets_return, "did you forget `return names`"),
    (code_below_return, "code below a `return` never runs"),
])
def test_13_1_points_at_the_mistake(course, mistake, hint):
    verdict = run_check(course, "13-1", mistake)
    assert verdict.status == FAILED and hint in verdict.hint, verdict


def test_13_1_waits_while_not_attempted(course):
    assert run_check(course, "13-1", None).status == NOT_ATTEMPTED
    assert run_check(course, "13-1", stub).status == NOT_ATTEMPTED
    assert run_check(course, "13-1", "licences_expiring").status == FAILED


def test_licence_dates_and_the_restore_of_the_scenario(course, connect):
    assert expiry_date("31-dec-2030") == dt.date(2030, 12, 31) and expiry_date("05-JAN-2031") == dt.date(2031, 1, 5)
    assert expiry_date(None) is None and expiry_date(" ") is None
    course.sim.licence_expiring("ROXE_API_PHONESETPROG", 10)
    course.sim.licence_expiring("ROXE_API_TEL_ADVANCED", -1)
    admin = connect("admin")
    status = admin.system.status()
    assert expiring(status, 30, site_today(course)) == ["ROXE_API_TEL_ADVANCED", "ROXE_API_PHONESETPROG"]
    with pytest.raises(O2GError) as refused:
        course.sim.restore_licences(["ROXE_API_PHONESETPROG", "NOT_A_LICENCE"])
    assert refused.value.status == 404 and "NOT_A_LICENCE" in str(refused.value)
    assert course.sim.restore_licences(["ROXE_API_PHONESETPROG", "ROXE_API_TEL_ADVANCED"]) == [
        "ROXE_API_PHONESETPROG", "ROXE_API_TEL_ADVANCED"]
    status = admin.system.status()
    assert {lic["expiration"] for lic in lics_of(status)} == {"31-dec-2030"}
    assert status["license"]["status"] == "NORMAL"
    assert connect("oxe1001").telephony.calls() == []


def test_restoring_every_licence_is_idempotent_and_sends_no_event(course, connect):
    """A lesson's clean start: all licences back to the scenario's dates, whatever an earlier run left."""
    admin = connect("admin")
    scenario_dates = {lic["name"]: lic["expiration"] for lic in lics_of(admin.system.status())}
    course.sim.licence_expiring("ROXE_API_ANALYTICS", 60)
    course.sim.advance(86400 * 3)
    with admin.subscribe(["system"]) as events:
        assert sorted(course.sim.restore_licences()) == sorted(scenario_dates)
        assert sorted(course.sim.restore_licences()) == sorted(scenario_dates)
        assert {lic["name"]: lic["expiration"] for lic in lics_of(admin.system.status())} == scenario_dates
        with pytest.raises(TimeoutError):
            events.wait_for("OnLicenseExpiration", timeout=0.3)


def test_licences_expire_on_the_sites_clock_even_when_it_runs_ahead(fresh_sim, course, connect):
    """Lessons move the simulated clock; a licence expired on that clock is expired for sessions too."""
    course.sim.advance(3600)
    course.sim.licence_expiring("ROXE_API_TEL_ADVANCED", -0.01)  # expired 15 minutes ago, on the site's clock
    alice = connect("oxe1001")
    assert "routing" not in alice.services
    assert course.sim.restore_licences(["ROXE_API_TEL_ADVANCED"]) == ["ROXE_API_TEL_ADVANCED"]
    assert "routing" in connect("oxe1001").services


# ------------------------------------------------------------------------------------------------ 13-2
def watch(admin):
    return admin.subscribe(["system"])


def first_down(stream, timeout):
    try:
        return int(stream.wait_for("OnCtiLinkDown", timeout=timeout)["nodeId"])
    except TimeoutError:
        return None


def first_down_as_text(stream, timeout):
    try:
        return stream.wait_for("OnCtiLinkDown", timeout=timeout)["nodeId"]
    except TimeoutError:
        return None


def first_down_raising(stream, timeout):
    return int(stream.wait_for("OnCtiLinkDown", timeout=timeout)["nodeId"])


def first_down_event(stream, timeout):
    try:
        return stream.wait_for("OnCtiLinkDown", timeout=timeout)
    except TimeoutError:
        return None


def marks_then_waits(stream, timeout):
    """Also right: only events from now on."""
    stream.mark()
    try:
        return int(stream.wait_for("OnCtiLinkDown", timeout=timeout)["nodeId"])
    except TimeoutError:
        return None


def forgets_to_return_node(stream, timeout):
    try:
        node = int(stream.wait_for("OnCtiLinkDown", timeout=timeout)["nodeId"])  # noqa: F841 - the mistake
    except TimeoutError:
        pass


def scans_old_events(stream, timeout):
    """Any OnCtiLinkDown in the stream's history, waiting only when there is none yet."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in list(stream.events):
            if event.get("eventName") == "OnCtiLinkDown":
                return int(event["nodeId"])
        time.sleep(0.02)
    return None


def sleeps_then_scans(stream, timeout):
    """The trainee's slow watcher: sleep the whole timeout, then look through everything received."""
    time.sleep(timeout)
    downs = [event for event in stream.events if event.get("eventName") == "OnCtiLinkDown"]
    return int(downs[-1]["nodeId"]) if downs else None


def never_waits(stream, timeout):
    downs = [event for event in stream.events if event.get("eventName") == "OnCtiLinkDown"]
    return int(downs[-1]["nodeId"]) if downs else None


def cti_state(course: Course) -> str:
    admin = course.connect(admin=True)
    try:
        return admin.system.status()["pbxs"][0]["ctiLinkState"]
    finally:
        admin.close()


@pytest.mark.parametrize("waiter", [first_down, marks_then_waits])
def test_13_2_passes_and_leaves_the_link_up(course, waiter):
    started = time.monotonic()
    verdict = run_check(course, "13-2", watch, waiter)
    assert verdict.status == PASSED, verdict
    assert sum("your watcher said node 1" in line for line in verdict.good) == 2, verdict
    assert time.monotonic() - started < 3
    assert cti_state(course) == "CONNECTED_MAIN"
    assert course.sim.status()["subscriptions"] == 0  # the check's stream was stopped


def test_13_2_on_a_real_o2g_judges_what_it_can(real_course):
    verdict = run_check(real_course, "13-2", watch, first_down)
    assert verdict.status == PASSED and "on a real O2G" in verdict.good[-1], verdict


@pytest.mark.parametrize(("watcher", "waiter", "hint"), [
    (watch, first_down_as_text, "a string"),
    (watch, first_down_raising, "TimeoutError"),
    (watch, first_down_event, "the whole event"),
    (lambda admin: admin.subscribe(["maintenance"]), first_down, "the event package is called `system`"),
    (lambda admin: admin.subscribe(["userManagement"]), first_down, "come in the `system`"),
    (lambda admin: admin.subscribe(["system"], start=False), first_down, "return a started stream"),
    (lambda admin: admin.system.status(), first_down, "return the stream"),
    (lambda admin: admin.subscribe(["system"]) and None, first_down, "did you forget `return stream`"),
    (watch, forgets_to_return_node, "did you forget `return node`"),
    (watch, scans_old_events, "an event it had already reported"),
    (watch, never_waits, "it must wait up to `timeout` seconds"),
])
def test_13_2_points_at_the_mistake(course, watcher, waiter, hint):
    verdict = run_check(course, "13-2", watcher, waiter)
    assert verdict.status == FAILED and hint in verdict.hint, verdict
    assert cti_state(course) == "CONNECTED_MAIN"


def test_13_2_a_user_session_is_refused_with_a_hint(course):
    user = course.connect("oxe1001")
    try:
        verdict = run_check(course, "13-2", lambda admin: user.subscribe(["system"]), first_down)
    finally:
        user.close()
    assert verdict.status == FAILED and "administrator" in verdict.hint, verdict


def test_13_2_a_watcher_that_sleeps_its_whole_timeout_fails(course, monkeypatch):
    monkeypatch.setattr(Course, "patience", property(lambda self: 1.5))
    verdict = run_check(course, "13-2", watch, sleeps_then_scans)
    assert verdict.status == FAILED and "slept its whole timeout" in verdict.hint, verdict
    assert cti_state(course) == "CONNECTED_MAIN"


def watch_stub(admin):
    """What the generated exercise leaves (the return line stays outside the solution block)."""
    stream = None  # TODO: your code
    return stream


def wait_stub(stream, timeout):
    node = None  # TODO: your code
    return node


def test_13_2_waits_while_not_attempted(course):
    assert run_check(course, "13-2", None, None).status == NOT_ATTEMPTED
    verdict = run_check(course, "13-2", watch_stub, wait_stub)
    assert verdict.status == NOT_ATTEMPTED and "TODO" in verdict.hint, verdict
    assert course.sim.status()["subscriptions"] == 0  # nothing was opened for a stub


def test_13_2_names_the_function_still_to_write(course):
    for watcher, waiter, todo in ((watch, wait_stub, "cti_down_node"), (watch_stub, first_down, "watch_system")):
        verdict = run_check(course, "13-2", watcher, waiter)
        assert verdict.status == NOT_ATTEMPTED and "TODO" in verdict.hint and f"`{todo}`" in verdict.hint, verdict
