"""Lesson 10's exercise checks against the simulator: ✅ on a right answer, ❌ with the right hint, ⏳ on stubs."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from o2gmentor.course import Course
from o2gmentor.course.checks import FAILED, NOT_ATTEMPTED, PASSED, run_check

FULL, BASIC = "oxe1001", "oxe1012"


# ------------------------------------------------------------------------------------------------ 10-1
def names(o2g) -> set[str]:
    return {entry["serviceName"].lower() for entry in o2g.session_info["services"]}


def sessions(course: Course, *logins: str, admin: bool = False):
    opened = [course.connect(login) for login in logins] + ([course.connect(admin=True)] if admin else [])
    return opened


def missing_for(course: Course) -> set[str]:
    full, basic = sessions(course, FULL, BASIC)
    try:
        return names(full) - names(basic)
    finally:
        full.close()
        basic.close()


def check_10_1(course: Course, function=names, missing=None, licence="TELEPHONY_ADVANCED"):
    missing = missing_for(course) if missing is None else missing
    return run_check(course, "10-1", function, missing, licence, full=FULL, basic=BASIC)


@pytest.mark.parametrize("which", ["course", "real_course"])
def test_10_1_passes_on_the_right_answer_in_both_modes(which, request):
    course = request.getfixturevalue(which)
    verdict = check_10_1(course)
    assert verdict.status == PASSED, verdict
    assert "telephony" in missing_for(course) and "basictelephony" not in missing_for(course)


def test_10_1_not_attempted_on_stubs_and_names_the_open_todo(course):
    def stub(o2g):          # the generated skeleton
        names = None  # TODO: your code
        return names

    nothing = run_check(course, "10-1", stub, None, None, full=FULL, basic=BASIC)
    assert nothing.status == NOT_ATTEMPTED and "TODO" in nothing.hint
    only_licence = run_check(course, "10-1", names, missing_for(course), None, full=FULL, basic=BASIC)
    assert only_licence.status == NOT_ATTEMPTED and "`call_control_licence`" in only_licence.hint, only_licence
    assert "`missing`" not in only_licence.hint and "TODO" in only_licence.hint
    only_function = run_check(course, "10-1", stub, {"telephony"}, "TELEPHONY_ADVANCED", full=FULL, basic=BASIC)
    assert only_function.status == NOT_ATTEMPTED and "`service_names()`" in only_function.hint, only_function


def test_10_1_a_body_written_under_its_todo_comment_is_judged(course):
    def filled_in(o2g):
        names = {entry["serviceName"].lower() for entry in o2g.session_info["services"]}  # TODO: your code
        return names

    assert check_10_1(course, function=filled_in).status == PASSED


@pytest.mark.parametrize(("function", "hint"), [
    (lambda o2g: set(o2g.services), "o2g.services"),                               # the client's merged map
    (lambda o2g: o2g.services, "o2g.services"),
    (lambda o2g: o2g.session_info["services"], "serviceName"),                     # whole entries
    (lambda o2g: {e["relativeUrl"] for e in o2g.session_info["services"]}, "relativeUrl"),
    (lambda o2g: {e["serviceName"] for e in o2g.session_info["services"]}, "lower-cased"),   # O2G's spelling
    (lambda o2g: {e["serviceName"].lower() for e in o2g.session_info["services"]} - {"users"}, "lacks ['users']"),
    (lambda o2g: {e["name"] for e in o2g.session_info["services"]}, "KeyError 'name'"),
    (lambda o2g: None, "forget `return`"),                            # written, but no `return`
])
def test_10_1_service_names_mistakes_get_their_hint(course, function, hint):
    verdict = check_10_1(course, function=function)
    assert verdict.status == FAILED and hint in verdict.hint, verdict


def test_10_1_missing_mistakes_get_their_hint(course):
    full, basic, admin = sessions(course, FULL, BASIC, admin=True)
    try:
        reversed_ = names(basic) - names(full)
        against_admin = names(admin) - names(basic)
        from_client_maps = set(full.services) - set(basic.services)
        spelled = {e["serviceName"] for e in full.session_info["services"]} \
            - {e["serviceName"] for e in basic.session_info["services"]}
    finally:
        for o2g in (full, basic, admin):
            o2g.close()
    assert check_10_1(course, missing=reversed_ or set()).status == FAILED
    assert "wrong way round" in check_10_1(course, missing=reversed_).hint
    assert "administrator" in check_10_1(course, missing=against_admin).hint
    assert "which O2G does not list" in check_10_1(course, missing=missing_for(course) | {"dance"}).hint
    client = check_10_1(course, missing=from_client_maps)
    assert client.status == FAILED and "folds" in client.hint and "['telephony']" in client.hint, client
    assert "O2G's spelling" in check_10_1(course, missing=spelled).hint


@pytest.mark.parametrize(("licence", "hint"), [
    ("TELEPHONY_BASIC", "need no licence"),
    ("MANAGEMENT", "not the licence of call control"),
    ("GOLD", "not a licence name the SDK documentation gives"),
    (42, "as a string"),
    ("telephony_advanced", "compared exactly"),                  # right licence, wrong spelling
    ("Telephony Advanced", "compared exactly"),
    ("ROXE_API_TEL_ADVANCED", "system status"),                  # the licence server's item, not the SDK name
    ("advanced telephony", "test fixtures"),
    ("not TELEPHONY_ADVANCED", "not a licence name"),            # no substring matching
    ("ROXE_API_TEL_ADVANCED_NOT", "not a licence name"),
    ("TELEPHONY_ADVANCED, MANAGEMENT", "exactly one name"),
    ("ROXE_API_MESSAGING", "not the licence of call control"),
])
def test_10_1_licence_mistakes_get_their_hint(course, licence, hint):
    verdict = check_10_1(course, licence=licence)
    assert verdict.status == FAILED and hint in verdict.hint, verdict


def test_10_1_licence_passes_only_as_the_sdk_docs_spell_it(course):
    assert check_10_1(course, licence=" TELEPHONY_ADVANCED ").status == PASSED   # surrounding blanks only


# ------------------------------------------------------------------------------------------------ 10-2
def pick(descriptor: dict, lan: bool) -> str:
    version = next(v for v in descriptor["versions"] if v["id"] == "1.0")
    return version["internalUrl"] if lan else version["publicUrl"]


def destination(url: str, default_https: int = 443) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname, parts.port or (default_https if parts.scheme == "https" else 80)


def flows(descriptor: dict, session: dict, subscription: dict) -> set[tuple[str, int]]:
    return {destination(url) for url in (pick(descriptor, True), session["privateBaseUrl"],
                                         subscription["privatePollingUrl"])}


def check_10_2(course: Course, function=pick, pairs=flows, webhook="o2g"):
    return run_check(course, "10-2", function, pairs, webhook, user=FULL)


@pytest.mark.parametrize("which", ["course", "real_course"])
def test_10_2_passes_on_the_right_answer_in_both_modes(which, request):
    verdict = check_10_2(request.getfixturevalue(which))
    assert verdict.status == PASSED, verdict


def test_10_2_not_attempted_on_stubs_and_names_the_open_todo(course):
    def stub(*args, **kwargs):   # the generated skeleton
        pairs = None  # TODO: your code
        return pairs

    nothing = run_check(course, "10-2", stub, stub, None, user=FULL)
    assert nothing.status == NOT_ATTEMPTED and "TODO" in nothing.hint
    half = run_check(course, "10-2", pick, stub, None, user=FULL)
    assert half.status == NOT_ATTEMPTED and "`app_to_o2g()` and `webhook_opened_by`" in half.hint, half
    assert "pick_login_url" not in half.hint
    assert "`webhook_opened_by`" in run_check(course, "10-2", pick, flows, None, user=FULL).hint


@pytest.mark.parametrize(("function", "hint"), [
    (lambda d, lan: pick(d, not lan), "internalUrl"),                             # LAN and internet swapped
    (lambda d, lan: d["versions"][0]["internalUrl" if lan else "publicUrl"], "'1.0'"),  # versions[0]
    (lambda d, lan: "https://o2g.example/api/rest", "not in the answer"),
    (lambda d, lan: next(v for v in d["versions"] if v["id"] == 1.0)["internalUrl"], "the number 1.0"),  # float id
    (lambda d, lan: d["versions"][0]["loginUrl"], "KeyError 'loginUrl'"),
    (lambda d, lan: ["https://o2g/x"], "as a string"),
    (lambda d, lan: None, "forget `return`"),
])
def test_10_2_url_mistakes_get_their_hint(course, function, hint):
    verdict = check_10_2(course, function=function)
    assert verdict.status == FAILED and hint in verdict.hint, verdict


def test_10_2_a_url_built_from_the_course_address_is_named_as_such(course):
    hard_coded = f"{course.url}/api/rest/authenticate?version=1.0"        # right on the simulator, by chance
    verdict = check_10_2(course, function=lambda d, lan: hard_coded)
    assert verdict.status == FAILED and "course.url" in verdict.hint and "internal URL" not in verdict.hint, verdict


def without_event_channel(descriptor, session, subscription):
    return {destination(url) for url in (pick(descriptor, True), session["privateBaseUrl"])}


def port_as_given(descriptor, session, subscription):
    return {(urlsplit(u).hostname, urlsplit(u).port) for u in (pick(descriptor, True), session["privateBaseUrl"],
                                                               subscription["privatePollingUrl"])}


@pytest.mark.parametrize(("function", "hint"), [
    (without_event_channel, "event channel is missing"),                   # passes on the simulator's own answers
    (port_as_given, "443"),                                                # `.port` is None without a port
    (lambda d, s, sub: {destination(u, default_https=80) for u in (pick(d, True), s["privateBaseUrl"],
                                                                   sub["privatePollingUrl"])}, "443"),
    (lambda d, s, sub: {destination(u) for u in (pick(d, False), s["publicBaseUrl"], sub["publicPollingUrl"])},
     "public URLs"),
    (lambda d, s, sub: {pick(d, True), s["privateBaseUrl"]}, "hostname"),            # URLs, not (host, port)
    (lambda d, s, sub: set(), "empty set"),
    (lambda d, s, sub: None, "forget `return`"),
    (lambda d, s, sub: next(iter(flows(d, s, sub))), "one pair"),                    # a tuple instead of a set
    (lambda d, s, sub: {(h, str(p)) for h, p in flows(d, s, sub)}, "as an int"),     # "33813"
    (lambda d, s, sub: "127.0.0.1:8443", "(host, port) pairs"),
    (lambda d, s, sub: flows(d, s, sub) | {(urlsplit(pick(d, True)).hostname, 8014)}, "none of the private URLs"),
    (lambda d, s, sub: flows(d, s, sub) | {("o2g.elsewhere.example", 8016)}, "in none of the answers"),
    (lambda d, s, sub: {destination(u) for u in (pick(d, True), s["privateUrl"])}, "KeyError 'privateUrl'"),
])
def test_10_2_flow_mistakes_get_their_hint(course, function, hint):
    verdict = check_10_2(course, pairs=function)
    assert verdict.status == FAILED and hint in verdict.hint, verdict


def test_10_2_a_set_hard_coded_from_the_course_address_fails_on_the_crafted_answers(course):
    host, port = course.host.rsplit(":", 1)
    verdict = check_10_2(course, pairs=lambda d, s, sub: {(host, int(port))})
    assert verdict.status == FAILED and "course.url" in verdict.hint, verdict


def test_10_2_upper_case_hosts_are_the_same_hosts(course):
    verdict = check_10_2(course, pairs=lambda d, s, sub: {(h.upper(), p) for h, p in flows(d, s, sub)})
    assert verdict.status == PASSED, verdict


def test_10_2_webhook_direction(course):
    verdict = check_10_2(course, webhook="app")
    assert verdict.status == FAILED and "exposes" in verdict.hint
    assert check_10_2(course, webhook="maybe").status == FAILED
    assert check_10_2(course, webhook="O2G").status == PASSED
