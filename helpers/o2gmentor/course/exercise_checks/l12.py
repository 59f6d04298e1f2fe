"""Lesson 12 — first contact in raw HTTP: a session by hand, keep-alive and logout, explaining errors.

Each check asks the O2G itself: does the trainee's cookie open a live session, is the session they closed
really closed, do their explanations fit O2G's real error answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from o2gmentor.course.checks import Trial, exercise
from o2gmentor.sim.api.sessions import credential_digest

COOKIE = "AlcUserId"
TIMEOUT = 15.0


def _verify(t: Trial) -> str | bool:
    return t.course.ca_bundle or True


def _login(t: Trial, login: str | None) -> str:
    return login or t.course._login(None, False)  # noqa: SLF001 - the course's default user account


def cookie_problem(cookie: Any) -> str | None:
    """A hint when ``cookie`` is not the bare value of the ``AlcUserId`` cookie, else None."""
    if isinstance(cookie, requests.Response):
        return ("you handed the whole response; hand only the cookie's value: "
                f"`http.cookies['{COOKIE}']` (or the `credential` field of the authenticate answer)")
    if isinstance(cookie, bytes):
        return "hand the cookie's value as a str, not bytes"
    if not isinstance(cookie, str):
        if hasattr(cookie, "get") and hasattr(cookie, "keys"):
            return (f"you handed the whole cookie jar (or a dict); hand only the value: "
                    f"`http.cookies['{COOKIE}']`")
        return f"the cookie should be a str (the value of {COOKIE}), not a {type(cookie).__name__}"
    value = cookie.strip()
    if not value:
        return f"the cookie is empty: take it from the authenticate answer — `http.cookies['{COOKIE}']`"
    if value.lower().startswith("basic "):
        return ("that is the Authorization header of the authenticate request — your login and password, "
                f"barely encoded! Hand the {COOKIE} cookie's value instead")
    if value.lower().startswith("cookie:") or f"{COOKIE}=" in value:
        return (f"your cookie is the whole header `{COOKIE}=<credential>`; O2G expects the header "
                f"`Cookie: {COOKIE}=<credential>`, and the check wants only the value after `{COOKIE}=`")
    if value.startswith("{") or value.startswith("http"):
        return f"that is not a credential; hand the value of the {COOKIE} cookie: `http.cookies['{COOKIE}']`"
    return None


def session_answer(t: Trial, sessions_url: str, cookie: str) -> requests.Response:
    """``GET {sessions}`` with only the trainee's cookie: 200 with SessionInfo while the session lives."""
    return requests.get(sessions_url, cookies={COOKIE: cookie}, verify=_verify(t), timeout=TIMEOUT)


def _status_list(values: Any, what: str) -> list[int]:
    if isinstance(values, int | requests.Response) or not isinstance(values, list | tuple):
        raise_hint = f"{what} should be a list of status codes, e.g. [204, 204]"
        raise _Hint(raise_hint)
    statuses = []
    for value in values:
        if isinstance(value, requests.Response):
            raise _Hint(f"{what} holds responses; keep their `.status_code` (an int) instead")
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Hint(f"{what} should hold ints (the `.status_code` of each answer), not {value!r}")
        statuses.append(value)
    return statuses


class _Hint(Exception):
    pass


def _fail_on_hint(t: Trial, action: Callable[[], Any]) -> Any:
    try:
        return action()
    except _Hint as hint:
        t.fail(str(hint))


# ---------------------------------------------------------------------------------------------- 12-1
@exercise("12-1", "Open a session by hand")
def open_by_hand(t: Trial, cookie: Any, service_names: Any, login: str | None = None) -> None:
    """The cookie opens a live session of ``login``; ``service_names`` are O2G's own list for it."""
    t.attempted(cookie, service_names)
    login = _login(t, login)
    problem = cookie_problem(cookie)
    if problem:
        t.fail(problem)
    own = t.session(login)  # the check's own session: where the sessions URL is
    answer = session_answer(t, own.sessions_url, cookie.strip())
    if answer.status_code == 401:
        t.fail("O2G does not know this credential (401): its session was closed (logout, expiry) or it comes "
               "from another O2G — run your cells again from discovery, then this check, without logging out")
    if answer.status_code == 403:
        t.fail("the credential is valid but opens no session (403): after authenticating, POST the sessions URL "
               "with {'applicationName': …} and the cookie")
    if answer.status_code != 200:
        t.fail(f"O2G answered {answer.status_code} to GET {own.sessions_url} with your cookie; 200 expected")
    info = answer.json()
    t.expect(info.get("login") == login, f"the cookie opens a live session of {login}",
             hint=f"this session belongs to {info.get('login')!r}, not {login!r}: authenticate with "
                  "`course.basic_auth(USER)`")
    if isinstance(service_names, str | bytes) or not isinstance(service_names, list | tuple):
        t.fail("service_names should be a list of names, e.g. ['Subscriptions', 'Users', …]")
    names = list(service_names)
    if any(isinstance(n, dict) for n in names):
        t.fail("you handed the service entries (dicts); hand their names: "
               "`[s['serviceName'] for s in session['services']]`")
    if names and all(isinstance(n, str) and n.startswith("/") for n in names):
        t.fail("those are the relativeUrl values; hand the serviceName of each entry")
    expected = [s["serviceName"] for s in info.get("services", [])]
    if sorted(map(str, names)) != sorted(expected):
        if sorted(str(n).lower() for n in names) == sorted(e.lower() for e in expected):
            t.fail("the same names, but not spelled as O2G spells them: take them from the session's answer "
                   "rather than typing them")
        missing = sorted(set(expected) - set(map(str, names)))
        extra = sorted(set(map(str, names)) - set(expected))
        said = []
        if missing:
            said.append(f"O2G also lists {', '.join(missing)}")
        if extra:
            said.append(f"O2G does not list {', '.join(extra)} for this account")
        if not missing and not extra:
            said.append("some names are repeated or left out")
        t.fail("; ".join(said) + " — take the names from the session's `services` list, never type them: "
               "what O2G offers depends on the account and its licences")
    t.ok(f"the {len(expected)} service names are exactly those O2G lists for this session")


# ---------------------------------------------------------------------------------------------- 12-2
@exercise("12-2", "Keep a session alive, then log out")
def keep_alive_and_log_out(t: Trial, cookie: Any, keepalive_statuses: Any, logout_status: Any,
                           login: str | None = None) -> None:
    """Keep-alives were accepted, the logout was, and the cookie is refused now (simulator: how it ended)."""
    t.attempted(cookie, keepalive_statuses, logout_status)
    login = _login(t, login)
    problem = cookie_problem(cookie)
    if problem:
        t.fail(problem)
    statuses = _fail_on_hint(t, lambda: _status_list(keepalive_statuses, "keepalive_statuses"))
    if not statuses:
        t.fail("keepalive_statuses is empty: POST …/sessions/keepalive at least once and keep each status")
    late = [s for s in statuses if not 200 <= s < 300]
    if late:
        t.fail(f"a keep-alive was answered {late[0]}: the session was already gone — send each keep-alive "
               "before timeToLive runs out (the official SDKs use 0.9 × timeToLive), with the cookie")
    t.ok(f"O2G accepted your {len(statuses)} keep-alive(s) ({', '.join(map(str, statuses))})")
    if isinstance(logout_status, requests.Response):
        t.fail("logout_status is a response; keep its `.status_code`")
    if isinstance(logout_status, bool) or not isinstance(logout_status, int):
        t.fail(f"logout_status should be the status code of your DELETE (an int), not {logout_status!r}")
    if logout_status in (401, 403):
        t.fail(f"your logout was refused ({logout_status}): the session was already closed — did it expire? "
               "Log out while the session lives")
    if logout_status == 405:
        t.fail("405: logging out is DELETE on the sessions URL (not POST or GET)")
    t.expect(200 <= logout_status < 300, f"the logout was accepted ({logout_status})",
             hint=f"your logout got {logout_status}: DELETE the sessions URL with the cookie (204 expected)")
    own = t.session(login)
    answer = session_answer(t, own.sessions_url, cookie.strip())
    if answer.status_code == 200:
        t.fail("this cookie still opens a live session: the session you logged out is another one — did you "
               "authenticate again after the logout, or DELETE with another cookie?")
    t.expect(answer.status_code in (401, 403), f"O2G now refuses the cookie ({answer.status_code}): the session "
             "is closed", hint=f"O2G answered {answer.status_code} to your cookie; 401 or 403 expected")
    if t.course.sim is None:
        return
    digest = credential_digest(cookie.strip())
    record = next((r for r in reversed(t.course.sim.sessions()) if r["credentialSha256"] == digest), None)
    if record is None:
        return  # too old to be in the simulator's table: what O2G answered above is enough
    if record["login"] != login:
        t.fail(f"that session was {record['login']}'s, not {login}'s: authenticate with course.basic_auth(USER)")
    how = record["closedBy"]
    if how == "expired":
        t.fail("O2G closed this session itself, by expiry, not by your logout: a keep-alive came too late")
    if how == "replaced":
        t.fail("this session ended because you POSTed /sessions again with the same cookie; DELETE it instead")
    t.expect(how == "logout", "the session ended by your logout (DELETE …/sessions)",
             hint=f"the session ended by {how!r}, not by your logout")
    t.expect(record["keepalives"] >= 1, f"O2G received {record['keepalives']} keep-alive(s) on this session",
             hint="O2G received no keep-alive on this session: POST …/sessions/keepalive with its cookie")
    if record["keepalives"] < len(statuses):
        t.fail(f"O2G received only {record['keepalives']} keep-alive(s) on this session, but you report "
               f"{len(statuses)}: were some sent with another cookie?")
    ttl, age = record["timeToLive"], record["age"]
    t.expect(age > ttl, f"the session lived {age / ttl:.1f} × its timeToLive ({ttl} s)",
             hint=f"the session lived {age:.0f} s, less than its timeToLive of {ttl} s: 🧪 let time pass with "
                  "course.sim.age_sessions(USER, seconds) between keep-alives, so it outlives its timeToLive")


# ---------------------------------------------------------------------------------------------- 12-3
def _error_answers(t: Trial) -> list[tuple[str, requests.Response]]:
    """Real error answers of this O2G (no wrong password: that could lock an account), plus a proxy's page."""
    verify = _verify(t)
    root = f"{t.course.url}/api/rest"
    answers = [("POST /api/rest", requests.post(root, verify=verify, timeout=TIMEOUT))]
    auth_url = requests.get(root, verify=verify, timeout=TIMEOUT).json()["versions"][0]["internalUrl"]
    answers.append(("authenticate without credentials", requests.get(auth_url, verify=verify, timeout=TIMEOUT)))
    own = t.session()
    http = own.transport.http  # carries the check's own AlcUserId cookie
    answers.append(("GET users/<unknown login>",
                    http.get(own.services["users"] + "/no-such-login-l12", verify=verify, timeout=TIMEOUT)))
    answers.append(("POST sessions without applicationName",
                    http.post(own.sessions_url, json={}, verify=verify, timeout=TIMEOUT)))
    answers.append(("GET users without a cookie",
                    requests.get(own.services["users"] + f"/{own.login}", verify=verify, timeout=TIMEOUT)))
    proxy = requests.Response()
    proxy.status_code = 502
    proxy._content = b"<html><body><h1>502 Bad Gateway</h1></body></html>"  # noqa: SLF001
    proxy.headers["Content-Type"] = "text/html"
    proxy.url = f"{root}/1.0/users"
    proxy.reason = "Bad Gateway"
    answers.append(("a reverse proxy's HTML error page", proxy))
    return [(what, r) for what, r in answers if r.status_code >= 400]


def _help_message(response: requests.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("helpMessage") if isinstance(body, dict) else None


@exercise("12-3", "Explain an O2G error in one line")
def explain_errors(t: Trial, explain: Any) -> None:
    """``explain(response)`` gives one line with the status and O2G's helpMessage, for real error answers."""
    t.attempted(explain)
    if not callable(explain):
        t.fail(f"hand the function itself (explain, without parentheses), not a {type(explain).__name__}")
    answers = _error_answers(t)
    for index, (what, response) in enumerate(answers):
        try:
            line = explain(response)
        except Exception as exc:  # noqa: BLE001 - the trainee's function may raise anything
            body = "its body is not JSON — " if _help_message(response) is None else ""
            t.fail(f"your function raised {exc.__class__.__name__} on the {response.status_code} answer to "
                   f"{what} ({body}wrap response.json() in try/except ValueError)")
        if line is None and index == 0:
            t.attempted(None)  # the generated stub: the function body still returns None
        if not isinstance(line, str):
            t.fail(f"your function returned {type(line).__name__} for {what}; return one line of text (a str)")
        if "\n" in line.strip():
            t.fail(f"for {what} your explanation takes several lines; make it one line")
        status = str(response.status_code)
        if status not in line:
            t.fail(f"for the {status} answer to {what} your line does not say the status {status}: {line!r}")
        message = _help_message(response)
        if message and message not in line:
            t.fail(f"for the {status} answer to {what} your line leaves out O2G's own helpMessage "
                   f"{message!r} — it says what went wrong better than any guess")
    statuses = ", ".join(str(r.status_code) for _, r in answers)
    t.ok(f"one line with the status and O2G's helpMessage for each real error answer ({statuses})")
    t.ok("a non-JSON error page (a proxy's 502) does not break it")
