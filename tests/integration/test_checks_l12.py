"""Lesson 12's exercise checks on the simulator: right answers, the usual mistakes, and not attempted."""

from __future__ import annotations

import pytest
import requests

from o2gmentor.course import Course
from o2gmentor.course.checks import FAILED, NOT_ATTEMPTED, PASSED
from o2gmentor.course.config import Settings

PASSWORDS = {"oxe1001": "1001", "oxe1002": "1002"}


class Hand:
    """A session opened by hand with ``requests``, as the trainee does it."""

    def __init__(self, course: Course, login: str, *, open_session: bool = True) -> None:
        self.course = course
        self.ca = course.ca_bundle
        self.http = requests.Session()
        versions = self.http.get(f"{course.url}/api/rest", verify=self.ca).json()["versions"]
        auth = self.http.get(versions[0]["internalUrl"], auth=(login, PASSWORDS[login]), verify=self.ca)
        self.sessions_url = auth.json()["internalUrl"]
        self.session = None
        if open_session:
            self.session = self.http.post(self.sessions_url, json={"applicationName": "t"}, verify=self.ca).json()

    @property
    def cookie(self) -> str:
        return self.http.cookies["AlcUserId"]

    @property
    def names(self) -> list[str]:
        return [entry["serviceName"] for entry in self.session["services"]]

    def keepalive(self) -> int:
        return self.http.post(f"{self.sessions_url}/keepalive", verify=self.ca).status_code

    def logout(self) -> int:
        return self.http.delete(self.sessions_url, verify=self.ca).status_code


# --------------------------------------------------------------------------------------------- 12-1
def test_12_1_a_session_by_hand_passes(course):
    hand = Hand(course, "oxe1001")
    verdict = course.check("12-1", hand.cookie, hand.names, login="oxe1001")
    assert verdict.status == PASSED, verdict
    assert hand.logout() == 204


def test_12_1_the_whole_cookie_header_is_pointed_at(course):
    hand = Hand(course, "oxe1001")
    verdict = course.check("12-1", f"AlcUserId={hand.cookie}", hand.names, login="oxe1001")
    assert verdict.status == FAILED and "Cookie: AlcUserId=<credential>" in verdict.hint
    verdict = course.check("12-1", hand.http.cookies, hand.names, login="oxe1001")
    assert verdict.status == FAILED and "cookie jar" in verdict.hint


def test_12_1_another_logins_credential_is_pointed_at(course):
    bruno = Hand(course, "oxe1002")
    verdict = course.check("12-1", bruno.cookie, bruno.names, login="oxe1001")
    assert verdict.status == FAILED and "'oxe1002', not 'oxe1001'" in verdict.hint


def test_12_1_a_closed_session_or_no_session_is_pointed_at(course):
    hand = Hand(course, "oxe1001")
    names, cookie = hand.names, hand.cookie
    hand.logout()
    verdict = course.check("12-1", cookie, names, login="oxe1001")
    assert verdict.status == FAILED and "401" in verdict.hint and "closed" in verdict.hint
    lonely = Hand(course, "oxe1001", open_session=False)
    verdict = course.check("12-1", lonely.cookie, names, login="oxe1001")
    assert verdict.status == FAILED and "403" in verdict.hint and "POST" in verdict.hint


def test_12_1_services_typed_by_hand_are_pointed_at(course):
    hand = Hand(course, "oxe1001")
    verdict = course.check("12-1", hand.cookie, ["Users", "Telephony", "Subscriptions"], login="oxe1001")
    assert verdict.status == FAILED and "never type them" in verdict.hint and "Routing" in verdict.hint
    verdict = course.check("12-1", hand.cookie, [n.lower() for n in hand.names], login="oxe1001")
    assert verdict.status == FAILED and "spelled" in verdict.hint
    verdict = course.check("12-1", hand.cookie, hand.session["services"], login="oxe1001")
    assert verdict.status == FAILED and "serviceName" in verdict.hint
    verdict = course.check("12-1", hand.cookie, [s["relativeUrl"] for s in hand.session["services"]], login="oxe1001")
    assert verdict.status == FAILED and "relativeUrl" in verdict.hint


def test_12_1_stubs_are_not_attempted(course):
    assert course.check("12-1", None, None, login="oxe1001").status == NOT_ATTEMPTED


# --------------------------------------------------------------------------------------------- 12-2
def _kept_alive(course, hand: Hand, rounds: int = 3, *, let_time_pass: bool = True) -> list[int]:
    ttl = hand.session["timeToLive"]
    statuses = []
    for _ in range(rounds):
        if let_time_pass:
            course.sim.age_sessions("oxe1001", 0.9 * ttl)
        statuses.append(hand.keepalive())
    return statuses


def test_12_2_keep_alive_past_the_ttl_then_logout_passes(course):
    hand = Hand(course, "oxe1001")
    statuses = _kept_alive(course, hand)
    verdict = course.check("12-2", hand.cookie, statuses, hand.logout(), login="oxe1001")
    assert verdict.status == PASSED, verdict
    assert any("2.7 × its timeToLive" in line for line in verdict.good)


def test_12_2_a_session_left_open_is_pointed_at(course):
    hand = Hand(course, "oxe1001")
    statuses = _kept_alive(course, hand)
    verdict = course.check("12-2", hand.cookie, statuses, 204, login="oxe1001")
    assert verdict.status == FAILED and "still opens a live session" in verdict.hint
    hand.logout()


def test_12_2_a_late_keepalive_and_an_expired_session_are_pointed_at(course):
    hand = Hand(course, "oxe1001")
    course.sim.age_sessions("oxe1001", 2 * hand.session["timeToLive"])
    late = [hand.keepalive()]
    assert late == [401]
    verdict = course.check("12-2", hand.cookie, late, hand.logout(), login="oxe1001")
    assert verdict.status == FAILED and "already gone" in verdict.hint
    verdict = course.check("12-2", hand.cookie, [204], 401, login="oxe1001")
    assert verdict.status == FAILED and "refused (401)" in verdict.hint


def test_12_2_no_time_passing_on_the_simulator_is_pointed_at(course):
    hand = Hand(course, "oxe1001")
    statuses = _kept_alive(course, hand, let_time_pass=False)
    verdict = course.check("12-2", hand.cookie, statuses, hand.logout(), login="oxe1001")
    assert verdict.status == FAILED and "less than its timeToLive" in verdict.hint


def test_12_2_responses_instead_of_status_codes_are_pointed_at(course):
    hand = Hand(course, "oxe1001")
    answers = [hand.http.post(f"{hand.sessions_url}/keepalive", verify=hand.ca)]
    verdict = course.check("12-2", hand.cookie, answers, 204, login="oxe1001")
    assert verdict.status == FAILED and ".status_code" in verdict.hint
    hand.logout()


def test_12_2_stubs_are_not_attempted(course):
    assert course.check("12-2", None, None, None, login="oxe1001").status == NOT_ATTEMPTED


def test_12_2_in_real_mode_judges_from_o2g_answers_alone(fresh_sim):
    settings = Settings(mode="real", host=fresh_sim.info.address, login="oxe1001", password="1001")
    real = Course("real", fresh_sim.info.address, str(fresh_sim.ca_path), settings)
    hand = Hand(real, "oxe1001")
    statuses = [hand.keepalive(), hand.keepalive()]
    verdict = real.check("12-2", hand.cookie, statuses, hand.logout(), login="oxe1001")
    assert verdict.status == PASSED, verdict


# --------------------------------------------------------------------------------------------- 12-3
NEXT = {401: "authenticate again", 404: "check the identifier", 405: "use the right method"}


def explain_right(answer: requests.Response) -> str:
    line = f"{answer.status_code} {answer.reason}"
    try:
        body = answer.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("helpMessage"):
        line += f": {body['helpMessage']}"
    return f"{line} → {NEXT.get(answer.status_code, 'see the reference')}"


def test_12_3_a_defensive_one_liner_passes(course):
    verdict = course.check("12-3", explain_right)
    assert verdict.status == PASSED, verdict


@pytest.mark.parametrize(("explain", "hint"), [
    (lambda a: f"{a.status_code}: {a.json()['helpMessage']}", "not JSON"),
    (lambda a: f"{a.status_code}\n{explain_right(a)}", "one line"),
    (lambda a: f"{a.status_code} {a.reason}", "helpMessage"),
    (lambda a: a.reason, "does not say the status"),
    (lambda a: a.status_code, "return one line of text"),
])
def test_12_3_the_usual_mistakes_are_pointed_at(course, explain, hint):
    verdict = course.check("12-3", explain)
    assert verdict.status == FAILED and hint in verdict.hint, verdict


def test_12_3_stubs_are_not_attempted(course):
    assert course.check("12-3", None).status == NOT_ATTEMPTED
    assert course.check("12-3", lambda answer: None).status == NOT_ATTEMPTED
    verdict = course.check("12-3", "explain")
    assert verdict.status == FAILED and "the function itself" in verdict.hint
