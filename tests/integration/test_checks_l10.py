"""Lesson 10's exercise checks against the simulator: ✅ on a right answer, ❌ with the right hint, ⏳ on stubs."""

from __future__ import annotations

import pytest

from o2gmentor.course import Course
from o2gmentor.course.checks import FAILED, NOT_ATTEMPTED, PASSED, run_check
from o2gmentor.course.config import Settings
from o2gmentor.sim.control_client import SimControl

FULL, BASIC = "oxe1001", "oxe1012"


@pytest.fixture()
def course(fresh_sim) -> Course:
    """A course in sim mode on the test simulator."""
    info = fresh_sim.info
    return Course("sim", info.address, str(fresh_sim.ca_path), Settings(), sim=SimControl(info))


@pytest.fixture()
def real_course(fresh_sim) -> Course:
    """The same simulator seen as a real O2G: no control API, passwords from the settings."""
    settings = Settings(mode="real", host=fresh_sim.info.address, admin_login="admin", admin_password="admin-o2g",
                        passwords={"OXE1001": "1001", "OXE1012": "1012"})
    return Course("real", fresh_sim.info.address, str(fresh_sim.ca_path), settings)


# ------------------------------------------------------------------------------------------------ 10-1
def names(o2g) -> set[str]:
    return {entry["serviceName"].lower() for entry in o2g.session_info["services"]}


def missing_for(course: Course) -> set[str]:
    full, basic = course.connect(FULL), course.connect(BASIC)
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


def test_10_1_licence_variants_are_accepted(course):
    for name in ("ROXE_API_TEL_ADVANCED", "telephony_advanced", "Advanced Telephony"):
        assert check_10_1(course, licence=name).status == PASSED, name


def test_10_1_not_attempted_on_stubs(course):
    assert run_check(course, "10-1", names, None, None, full=FULL, basic=BASIC).status == NOT_ATTEMPTED


@pytest.mark.parametrize(("function", "hint"), [
    (lambda o2g: set(o2g.services), "o2g.services"),                               # the client's merged map
    (lambda o2g: o2g.services, "o2g.services"),
    (lambda o2g: o2g.session_info["services"], "serviceName"),                     # whole entries
    (lambda o2g: {e["relativeUrl"] for e in o2g.session_info["services"]}, "relativeUrl"),
    (lambda o2g: None, "return"),                                                  # forgot `return`
    (lambda o2g: {e["serviceName"].lower() for e in o2g.session_info["services"]} - {"users"}, "lacks ['users']"),
])
def test_10_1_service_names_mistakes_get_their_hint(course, function, hint):
    verdict = check_10_1(course, function=function)
    assert verdict.status == FAILED and hint in verdict.hint, verdict


def test_10_1_missing_mistakes_get_their_hint(course):
    full, basic, admin = course.connect(FULL), course.connect(BASIC), course.connect(admin=True)
    try:
        reversed_ = names(basic) - names(full)
        against_admin = names(admin) - names(basic)
    finally:
        for o2g in (full, basic, admin):
            o2g.close()
    assert check_10_1(course, missing=reversed_ or set()).status == FAILED
    assert "wrong way round" in check_10_1(course, missing=reversed_).hint
    assert "administrator" in check_10_1(course, missing=against_admin).hint
    assert "which O2G does not list" in check_10_1(course, missing=missing_for(course) | {"dance"}).hint


@pytest.mark.parametrize(("licence", "hint"), [
    ("TELEPHONY_BASIC", "need no licence"),
    ("MANAGEMENT", "other services"),
    ("GOLD", "not an O2G licence"),
    (42, "as a string"),
])
def test_10_1_licence_mistakes_get_their_hint(course, licence, hint):
    verdict = check_10_1(course, licence=licence)
    assert verdict.status == FAILED and hint in verdict.hint, verdict


# ------------------------------------------------------------------------------------------------ 10-2
def pick(descriptor: dict, lan: bool) -> str:
    version = next(v for v in descriptor["versions"] if v["id"] == "1.0")
    return version["internalUrl"] if lan else version["publicUrl"]


def destinations(course: Course) -> set[tuple[str, int]]:
    host, port = course.host.rsplit(":", 1)
    return {(host, int(port))}


def check_10_2(course: Course, function=pick, pairs=None, webhook="o2g"):
    pairs = destinations(course) if pairs is None else pairs
    return run_check(course, "10-2", function, pairs, webhook, user=FULL)


@pytest.mark.parametrize("which", ["course", "real_course"])
def test_10_2_passes_on_the_right_answer_in_both_modes(which, request):
    verdict = check_10_2(request.getfixturevalue(which))
    assert verdict.status == PASSED, verdict


def test_10_2_not_attempted_on_stubs(course):
    assert run_check(course, "10-2", pick, None, None, user=FULL).status == NOT_ATTEMPTED


@pytest.mark.parametrize(("function", "hint"), [
    (lambda d, lan: pick(d, not lan), "internalUrl"),                             # LAN and internet swapped
    (lambda d, lan: d["versions"][0]["internalUrl" if lan else "publicUrl"], "'1.0'"),  # versions[0]
    (lambda d, lan: None, "return"),
    (lambda d, lan: "https://o2g.example/api/rest", "login URL to follow"),
])
def test_10_2_url_mistakes_get_their_hint(course, function, hint):
    verdict = check_10_2(course, function=function)
    assert verdict.status == FAILED and hint in verdict.hint, verdict


def test_10_2_flow_mistakes_get_their_hint(course):
    (host, port), = destinations(course)
    cases = [
        ({(host, None)}, "443"),                                    # no default port
        ({f"https://{host}:{port}/api/rest"}, "hostname"),          # URLs, not (host, port)
        (set(), "event channel is missing"),
        ({(host, port), ("o2g.elsewhere.example", 8016)}, "not a destination"),
        ("127.0.0.1:8443", "(host, port) pairs"),
    ]
    for pairs, hint in cases:
        verdict = check_10_2(course, pairs=pairs)
        assert verdict.status == FAILED and hint in verdict.hint, (pairs, verdict)
    assert check_10_2(course, pairs={(host.upper(), str(port))}).status == PASSED   # case and "8443" tolerated


def test_10_2_webhook_direction(course):
    verdict = check_10_2(course, webhook="app")
    assert verdict.status == FAILED and "exposes" in verdict.hint
    assert check_10_2(course, webhook="maybe").status == FAILED
    assert check_10_2(course, webhook="O2G").status == PASSED
