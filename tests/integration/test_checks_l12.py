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


def test_12_1_a_shortened_credential_is_pointed_at(course):
    hand = Hand(course, "oxe1001")
    verdict = course.check("12-1", hand.cookie[:6] + "…", hand.names, login="oxe1001")  # as the lesson prints it
    assert verdict.status == FAILED and "shortened credential" in verdict.hint, verdict
    verdict = course.check("12-1", hand.cookie[:6], hand.names, login="oxe1001")
    assert verdict.status == FAILED and "whole value" in verdict.hint, verdict
    hand.logout()


def test_12_1_a_post_without_the_cookie_is_pointed_at(course):
    """requests.get for authenticate keeps no cookie: the POST is refused, the credential opens no session."""
    hand = Hand(course, "oxe1001", open_session=False)
    refused = requests.post(hand.sessions_url, json={"applicationName": "t"}, verify=hand.ca)
    assert refused.status_code == 401 and "admin" not in refused.json()
    verdict = course.check("12-1", hand.cookie, ["Users"], login="oxe1001")
    assert verdict.status == FAILED and "403" in verdict.hint and "requests.Session" in verdict.hint, verdict


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
    assert verdict.status == FAILED and "still has this session open" in verdict.hint
    hand.logout()


def test_12_2_a_late_keepalive_and_an_expired_session_are_pointed_at(course):
    hand = Hand(course, "oxe1001")
    course.sim.age_sessions("oxe1001", 2 * hand.session["timeToLive"])
    late = [hand.keepalive()]
    assert late == [401]
    verdict = course.check("12-2", hand.cookie, late, hand.logout(), login="oxe1001")
    assert verdict.status == FAILED and "already expired" in verdict.hint and "too late" in verdict.hint, verdict
    verdict = course.check("12-2", hand.cookie, [204], 401, login="oxe1001")
    assert verdict.status == FAILED and "refused (401)" in verdict.hint and "expired" in verdict.hint, verdict


def test_12_2_keepalives_without_the_cookie_are_pointed_at(course):
    hand = Hand(course, "oxe1001")
    ttl = hand.session["timeToLive"]
    statuses = []
    for _ in range(3):  # the session expires on the way: none of these reached it
        course.sim.age_sessions("oxe1001", 0.9 * ttl)
        statuses.append(requests.post(f"{hand.sessions_url}/keepalive", verify=hand.ca).status_code)
    assert statuses == [401, 401, 401]
    verdict = course.check("12-2", hand.cookie, statuses, hand.logout(), login="oxe1001")
    assert verdict.status == FAILED and "cookie was not sent" in verdict.hint, verdict


def test_12_2_a_keepalive_with_the_wrong_method_is_pointed_at(course):
    hand = Hand(course, "oxe1001")
    wrong = [hand.http.get(f"{hand.sessions_url}/keepalive", verify=hand.ca).status_code]
    assert wrong == [405]
    verdict = course.check("12-2", hand.cookie, wrong, hand.logout(), login="oxe1001")
    assert verdict.status == FAILED and "POST <sessions URL>/keepalive" in verdict.hint, verdict
    assert "already" not in verdict.hint


def test_12_2_a_typed_in_204_without_a_delete_is_not_a_logout(course):
    hand = Hand(course, "oxe1001")
    statuses = _kept_alive(course, hand)
    verdict = course.check("12-2", hand.cookie, statuses, 204, login="oxe1001")
    assert verdict.status == FAILED and "no DELETE reached it" in verdict.hint, verdict
    assert not any("logout" in line or "DELETE" in line for line in verdict.good), verdict
    hand.logout()


def test_12_2_a_delete_without_the_cookie_is_pointed_at(course):
    hand = Hand(course, "oxe1001")
    statuses = _kept_alive(course, hand)
    bare = requests.delete(hand.sessions_url, verify=hand.ca).status_code
    assert bare == 401
    verdict = course.check("12-2", hand.cookie, statuses, bare, login="oxe1001")
    assert verdict.status == FAILED and "cookie was not sent" in verdict.hint, verdict
    assert "expire" not in verdict.hint
    hand.logout()


def test_12_2_a_logout_run_twice_is_pointed_at(course):
    hand = Hand(course, "oxe1001")
    statuses = _kept_alive(course, hand)
    assert hand.logout() == 204
    verdict = course.check("12-2", hand.cookie, statuses, hand.logout(), login="oxe1001")
    assert verdict.status == FAILED and "ran twice" in verdict.hint and "from the top" in verdict.hint, verdict


def test_12_2_one_round_of_silence_asks_for_more_rounds(course):
    hand = Hand(course, "oxe1001")
    statuses = _kept_alive(course, hand, rounds=1)
    verdict = course.check("12-2", hand.cookie, statuses, hand.logout(), login="oxe1001")
    assert verdict.status == FAILED and "several rounds" in verdict.hint and "0.9 ×" in verdict.hint, verdict


def test_12_2_no_time_passing_on_the_simulator_is_pointed_at(course):
    hand = Hand(course, "oxe1001")
    statuses = _kept_alive(course, hand, let_time_pass=False)
    verdict = course.check("12-2", hand.cookie, statuses, hand.logout(), login="oxe1001")
    assert verdict.status == FAILED and "less than its timeToLive" in verdict.hint and "age_sessions" in verdict.hint


def test_12_2_responses_instead_of_status_codes_are_pointed_at(course):
    hand = Hand(course, "oxe1001")
    answers = [hand.http.post(f"{hand.sessions_url}/keepalive", verify=hand.ca)]
    verdict = course.check("12-2", hand.cookie, answers, 204, login="oxe1001")
    assert verdict.status == FAILED and ".status_code" in verdict.hint
    hand.logout()


def test_12_2_stubs_are_not_attempted(course):
    assert course.check("12-2", None, None, None, login="oxe1001").status == NOT_ATTEMPTED


def _real(fresh_sim) -> Course:
    settings = Settings(mode="real", host=fresh_sim.info.address, login="oxe1001", password="1001")
    return Course("real", fresh_sim.info.address, str(fresh_sim.ca_path), settings)


def test_12_2_in_real_mode_judges_from_o2g_answers_alone(fresh_sim):
    real = _real(fresh_sim)
    hand = Hand(real, "oxe1001")
    statuses = [hand.keepalive(), hand.keepalive()]
    verdict = real.check("12-2", hand.cookie, statuses, hand.logout(), login="oxe1001")
    assert verdict.status == PASSED, verdict
    assert any("cannot see how the session ended" in line for line in verdict.good), verdict


def test_12_2_in_real_mode_a_typed_204_or_a_bare_delete_is_pointed_at(fresh_sim):
    real = _real(fresh_sim)
    hand = Hand(real, "oxe1001")
    statuses = [hand.keepalive()]
    verdict = real.check("12-2", hand.cookie, statuses, 204, login="oxe1001")
    assert verdict.status == FAILED and "no DELETE reached it" in verdict.hint, verdict
    bare = requests.delete(hand.sessions_url, verify=hand.ca).status_code
    verdict = real.check("12-2", hand.cookie, statuses, bare, login="oxe1001")
    assert verdict.status == FAILED and "cookie was not sent" in verdict.hint, verdict
    assert hand.logout() == 204
    verdict = real.check("12-2", hand.cookie, statuses, hand.logout(), login="oxe1001")
    assert verdict.status == FAILED and "from the top" in verdict.hint, verdict


# --------------------------------------------------------------------------------------------- 12-3
NEXT = {400: "fix the body", 401: "authenticate again", 404: "check the identifier", 405: "use the right method",
        500: "read O2G's logs", 502: "check the proxy and O2G", 503: "wait and retry"}


def explain_right(answer: requests.Response) -> str:
    line = f"{answer.status_code} {answer.reason}"
    try:
        body = answer.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("helpMessage"):
        line += f": {body['helpMessage']}"
    return f"{line} → {NEXT.get(answer.status_code, 'see the reference')}"


def _message(answer: requests.Response) -> str:
    try:
        return answer.json()["helpMessage"]
    except ValueError:
        return ""


def _safe_message(answer: requests.Response) -> str | None:
    try:
        body = answer.json()
    except ValueError:
        return None
    return body.get("helpMessage") if isinstance(body, dict) else None


def _strict_table(answer: requests.Response) -> str:
    return f"{answer.status_code} {_safe_message(answer) or ''} → {NEXT_WITHOUT_502[answer.status_code]}"


NEXT_WITHOUT_502 = {k: v for k, v in NEXT.items() if k != 502}


def explain_stub(answer: requests.Response) -> str:
    line = None  # TODO: your code
    return line


def test_12_3_a_defensive_one_liner_passes(course):
    verdict = course.check("12-3", explain_right)
    assert verdict.status == PASSED, verdict


@pytest.mark.parametrize(("explain", "hint"), [
    (lambda a: f"{a.status_code}: {a.json()['helpMessage']} → {NEXT[a.status_code]}", "not JSON"),
    (_strict_table, "your own table has no entry for 502"),
    (lambda a: f"{a.status_code}: {_message(a)} → {NEXT[a.status_code]}", "has no 'helpMessage'"),
    (lambda a: f"{a.status_code}\n{explain_right(a)}", "one line"),
    (lambda a: f"{a.status_code} {a.reason}: {_safe_message(a) or ''}", "gives no next step"),
    (lambda a: f"{a.status_code} {_safe_message(a) or ''} → {NEXT_WITHOUT_502.get(a.status_code)}", "says None"),
    (lambda a: f"{a.status_code}: {_safe_message(a)} → {NEXT[a.status_code]}", "says None"),
    (lambda a: f"{a.status_code} {_safe_message(a) or a.text} → {NEXT[a.status_code]}", "several lines"),
    (lambda a: f"{a.status_code} {_safe_message(a) or ' '.join(a.text.split())} → {NEXT[a.status_code]}", "raw HTML"),
    (lambda a: f"{a.status_code} {_safe_message(a) or ''} → see the docs", "same for every status"),
    (lambda a: f"{a.reason} → {NEXT[a.status_code]}", "does not say the status"),
    (lambda a: a.status_code, "return one line of text"),
    (lambda a: print(explain_right(a)), "forget `return`"),
])
def test_12_3_the_usual_mistakes_are_pointed_at(course, explain, hint):
    verdict = course.check("12-3", explain)
    assert verdict.status == FAILED and hint in verdict.hint, verdict


def test_12_3_a_missing_helpmessage_is_not_blamed_on_json(course):
    verdict = course.check("12-3", _strict_table)
    assert "ValueError" not in verdict.hint and "response.json()" not in verdict.hint, verdict


def test_12_3_stubs_are_not_attempted(course):
    assert course.check("12-3", None).status == NOT_ATTEMPTED
    assert course.check("12-3", explain_stub).status == NOT_ATTEMPTED
    verdict = course.check("12-3", "explain")
    assert verdict.status == FAILED and "the function itself" in verdict.hint


# --------------------------------------------------------------------------------------------- the simulator
def test_the_session_table_counts_requests_that_came_after_a_session_closed(course):
    """/sim/sessions' lateRequests tells a late keep-alive (with the cookie) from one sent without any cookie."""
    from o2gmentor.sim.api.sessions import credential_digest

    hand = Hand(course, "oxe1001")
    assert hand.logout() == 204
    assert requests.post(f"{hand.sessions_url}/keepalive", verify=hand.ca).status_code == 401  # no cookie
    assert hand.keepalive() == 401  # the closed session's cookie
    record = next(r for r in course.sim.sessions() if r["credentialSha256"] == credential_digest(hand.cookie))
    assert record["closedBy"] == "logout" and record["lateRequests"] == 1
