"""Lesson 12 — first contact in raw HTTP: a session by hand, keep-alive and logout, explaining errors.

Each check asks the O2G itself: does the trainee's cookie open a live session, is the session they closed
really closed (on the simulator: by their logout, after how many keep-alives), do their explanations fit
O2G's real error answers and the answers a proxy or an O2G in trouble may give.
"""

from __future__ import annotations

import re
from typing import Any

import requests

from o2gmentor.course.checks import Failed, NotAttempted, Trial, exercise
from o2gmentor.course.trainee_code import call_trainee
from o2gmentor.sim.api.sessions import credential_digest

COOKIE = "AlcUserId"
TIMEOUT = 15.0
FROM_THE_JAR = f"`http.cookies['{COOKIE}']`"
SAME_SESSION = ("use the same `requests.Session` that authenticated (`http.post(…)`, `http.delete(…)`): a bare "
                "`requests.post(…)` or `requests.delete(…)` keeps no cookie, so O2G cannot know whose session it is")
FROM_THE_TOP = ("run the notebook from the top (Kernel → Restart Kernel and Run All Cells): a new session, "
                "new keep-alives, one logout, then the check")


def _verify(t: Trial) -> str | bool:
    return t.course.ca_bundle or True


def _login(t: Trial, login: str | None) -> str:
    return login or t.course._login(None, False)  # noqa: SLF001 - the course's default user account


def cookie_problem(cookie: Any) -> str | None:
    """A hint when ``cookie`` is not the bare value of the ``AlcUserId`` cookie, else None."""
    if isinstance(cookie, requests.Response):
        return ("you handed the whole response; hand only the cookie's value: "
                f"{FROM_THE_JAR} (or the `credential` field of the authenticate answer)")
    if isinstance(cookie, bytes):
        return "hand the cookie's value as a str, not bytes"
    if not isinstance(cookie, str):
        if hasattr(cookie, "get") and hasattr(cookie, "keys"):
            return f"you handed the whole cookie jar (or a dict); hand only the value: {FROM_THE_JAR}"
        return f"the cookie should be a str (the value of {COOKIE}), not a {type(cookie).__name__}"
    value = cookie.strip()
    if not value:
        return f"the cookie is empty: take it from the authenticate answer — {FROM_THE_JAR}"
    if "…" in value or value.endswith("..."):
        return ("you passed a shortened credential (it ends with '…'): the lesson prints only the first "
                "characters of a credential, so as not to leak it. Hand the whole value, straight from the jar: "
                f"{FROM_THE_JAR}")
    if value.lower().startswith("basic "):
        return ("that is the Authorization header of the authenticate request — your login and password, "
                f"barely encoded! Hand the {COOKIE} cookie's value instead")
    if value.lower().startswith("cookie:") or f"{COOKIE}=" in value:
        return (f"your cookie is the whole header `{COOKIE}=<credential>`; O2G expects the header "
                f"`Cookie: {COOKIE}=<credential>`, and the check wants only the value after `{COOKIE}=`")
    if value.startswith("{") or value.startswith("http"):
        return f"that is not a credential; hand the value of the {COOKIE} cookie: {FROM_THE_JAR}"
    if not value.isascii() or any(c.isspace() or c in ';,"\\' for c in value):
        return ("that is not a cookie value as O2G sent it (a credential has no spaces, quotes, ';' or "
                f"non-ASCII characters): hand {FROM_THE_JAR} untouched")
    return None


def session_answer(t: Trial, sessions_url: str, cookie: str) -> requests.Response:
    """``GET {sessions}`` with only the trainee's cookie: 200 with SessionInfo while the session lives."""
    return requests.get(sessions_url, cookies={COOKIE: cookie}, verify=_verify(t), timeout=TIMEOUT)


def sim_records(t: Trial, cookie: str) -> list[dict[str, Any]]:
    """🧪 The simulator's records of the sessions opened with ``cookie``, open ones first (none in real mode)."""
    if t.course.sim is None:
        return []
    digest = credential_digest(cookie)
    records = [r for r in t.course.sim.sessions() if r["credentialSha256"] == digest]
    return sorted(records, key=lambda r: not r["open"])  # stable: closed ones stay oldest first


def _own_credential_length(own: Any) -> int | None:
    value = own.transport.http.cookies.get(COOKIE)
    return len(value) if value else None


def _status_list(values: Any, what: str) -> list[int]:
    if isinstance(values, int | requests.Response) or not isinstance(values, list | tuple):
        raise Failed(f"{what} should be a list of status codes, e.g. [204, 204, 204]")
    statuses = []
    for value in values:
        if isinstance(value, requests.Response):
            raise Failed(f"{what} holds responses; keep their `.status_code` (an int) instead")
        if isinstance(value, bool) or not isinstance(value, int):
            raise Failed(f"{what} should hold ints (the `.status_code` of each answer), not {value!r}")
        statuses.append(value)
    return statuses


# ---------------------------------------------------------------------------------------------- 12-1
def _unknown_credential(t: Trial, own: Any, cookie: str) -> str:
    """Why O2G answered 401 to the trainee's cookie: a closed session, or a value O2G never issued."""
    records = sim_records(t, cookie)
    if records:
        how = records[-1]["closedBy"]
        why = {"logout": "a logout (did the clean-up cell run before the check?)",
               "expired": "expiry (too long without a request)"}.get(how, repr(how))
        return (f"O2G no longer accepts this credential (401): its session was closed by {why}. Run your cells "
                "again from discovery, then this check, before logging out")
    theirs = _own_credential_length(own)
    whole = f"is it the whole value? Hand {FROM_THE_JAR} untouched"
    if theirs and len(cookie) != theirs:
        return (f"O2G does not know this credential (401): it has {len(cookie)} characters, the credentials this "
                f"O2G issues have {theirs} — {whole}")
    if t.course.sim is not None:
        return (f"O2G never issued this credential (401) — {whole} (or it comes from a simulator that has "
                "restarted since: run your cells again from discovery)")
    return (f"O2G does not know this credential (401) — {whole}. Else its session was closed (logout, expiry) or "
            "it comes from another O2G: run your cells again from discovery, then this check, without logging out")


@exercise("12-1", "Open a session by hand")
def open_by_hand(t: Trial, cookie: Any, service_names: Any, login: str | None = None) -> None:
    """The cookie opens a live session of ``login``; ``service_names`` are O2G's own list for it."""
    t.attempted(session_cookie=cookie, service_names=service_names)
    login = _login(t, login)
    problem = cookie_problem(cookie)
    if problem:
        t.fail(problem)
    cookie = cookie.strip()
    own = t.session(login)  # the check's own session: where the sessions URL is
    answer = session_answer(t, own.sessions_url, cookie)
    if answer.status_code == 401:
        t.fail(_unknown_credential(t, own, cookie))
    if answer.status_code == 403:
        t.fail("the credential is valid but opens no session (403): POST the sessions URL with "
               "{'applicationName': …} — and with the cookie: authenticate and POST with the same "
               "`requests.Session` (`http.get`, `http.post`); `requests.get` keeps no cookie")
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
            t.fail("the same names, but not spelled as O2G spells them (upper and lower case matter): hand them "
                   "exactly as the session's answer gives them — don't lower-case or retype them")
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
def _refused_keepalive(t: Trial, status: int, statuses: list[int], record: dict[str, Any] | None,
                       logout_status: int) -> str:
    """Why a keep-alive was refused: the method, a cookie not sent, or a session already expired."""
    if status == 405:
        return ("a keep-alive was answered 405 Method Not Allowed: the keep-alive is `POST <sessions URL>/keepalive` "
                "(not GET or PUT) — `http.post(f\"{sessions_url}/keepalive\", …)`")
    if status == 404:
        return ("a keep-alive was answered 404: its URL is the sessions URL + `/keepalive`, taken from the "
                "authenticate answer, not typed by hand")
    if status not in (401, 403):
        return f"a keep-alive was answered {status}; `POST <sessions URL>/keepalive` with the cookie answers 204"
    if record is None and t.course.sim is not None:  # a cookie the simulator never issued
        return (f"a keep-alive was answered {status}: O2G does not know this cookie. Was it sent with the "
                f"keep-alives? {SAME_SESSION}")
    if record is None:  # a real O2G: the check cannot see which keep-alive reached the session
        return (f"a keep-alive was answered {status}: O2G found no live session for it. The exercise sends them at "
                f"once, so the session cannot have expired in between: the cookie was not sent — {SAME_SESSION}")
    # 🧪 the simulator counts the keep-alives that reached the session and the requests that came after it closed
    late = record["lateRequests"] - (1 if logout_status in (401, 403) else 0)
    if record["keepalives"] + max(0, late) < len(statuses):
        return (f"a keep-alive was answered {status}, and O2G never saw it with this session's cookie: the cookie "
                f"was not sent — {SAME_SESSION}")
    if record["closedBy"] == "expired":
        return (f"a keep-alive was answered {status}: the session had already expired, so it came too late. Send "
                "each one before timeToLive runs out: 0.9 × timeToLive of silence, then the keep-alive")
    return (f"a keep-alive was answered {status}: the session was already closed by {record['closedBy']!r} "
            f"when it came — {FROM_THE_TOP}")


def _refused_logout(status: int, alive: bool, record: dict[str, Any] | None) -> str:
    """Why the trainee's DELETE was refused: no cookie, a second logout, or a session already expired."""
    if alive:
        return (f"your logout was refused ({status}) and the session is still open: the cookie was not sent "
                f"with your DELETE — {SAME_SESSION}")
    if record is None:
        return (f"your logout was refused ({status}): the session was already closed when your DELETE came. Did "
                f"the logout cell run twice? Then {FROM_THE_TOP}. (On a real O2G the check cannot tell that from "
                "an expiry.)")
    if record["closedBy"] == "logout":
        return (f"your logout was refused ({status}) because O2G had already closed this session by a logout: "
                f"the logout cell ran twice, and the second DELETE found nothing to close — {FROM_THE_TOP}")
    if record["closedBy"] == "expired":
        return (f"your logout was refused ({status}): the session had expired before it — a keep-alive came too "
                f"late. Keep it alive with 0.9 × timeToLive of silence before each keep-alive, then {FROM_THE_TOP}")
    return (f"your logout was refused ({status}): the session was closed by {record['closedBy']!r} before it — "
            f"{FROM_THE_TOP}")


def _still_open(logout_status: int, cookie_records: list[dict[str, Any]]) -> str:
    """The session is alive although the trainee reports a 2xx logout: say what happened instead."""
    if any(r["closedBy"] == "replaced" for r in cookie_records):
        return ("this cookie still opens a live session: you POSTed the sessions URL again, which opens a new "
                "session on the same cookie — logging out is `http.delete(sessions_url, …)`")
    return (f"O2G still has this session open: no DELETE reached it. logout_status ({logout_status}) must be the "
            "`.status_code` of `http.delete(sessions_url, …)` sent with this session's cookie — a status typed in, "
            "a GET or POST on the sessions URL, or a DELETE after a new login (another cookie) closes nothing here")


@exercise("12-2", "Keep a session alive, then log out")
def keep_alive_and_log_out(t: Trial, cookie: Any, keepalive_statuses: Any, logout_status: Any,
                           login: str | None = None) -> None:
    """Keep-alives were accepted, the logout really closed the session (simulator: how long it lived)."""
    t.attempted(session_cookie=cookie, keepalive_statuses=keepalive_statuses, logout_status=logout_status)
    login = _login(t, login)
    problem = cookie_problem(cookie)
    if problem:
        t.fail(problem)
    cookie = cookie.strip()
    statuses = _status_list(keepalive_statuses, "keepalive_statuses")
    if not statuses:
        t.fail("keepalive_statuses is empty: POST …/sessions/keepalive at least once and keep each status")
    if isinstance(logout_status, requests.Response):
        t.fail("logout_status is a response; keep its `.status_code`")
    if isinstance(logout_status, bool) or not isinstance(logout_status, int):
        t.fail(f"logout_status should be the status code of your DELETE (an int), not {logout_status!r}")

    # Is the session alive now? The simulator's table says it without a request (a probe with a closed
    # session's cookie would count as a late request); a real O2G is asked with the cookie.
    cookie_records = sim_records(t, cookie)
    record = None
    if cookie_records:  # the open session of this cookie, else the last one it had
        record = cookie_records[0] if cookie_records[0]["open"] else cookie_records[-1]
    if record is not None:
        alive = record["open"]
        if record["login"] != login:
            t.fail(f"that session was {record['login']}'s, not {login}'s: authenticate with "
                   "course.basic_auth(USER)")
    else:
        answer = session_answer(t, t.session(login).sessions_url, cookie)
        alive = answer.status_code == 200
        if alive and answer.json().get("login") != login:
            t.fail(f"that session is {answer.json().get('login')}'s, not {login}'s: authenticate with "
                   "course.basic_auth(USER)")

    refused = [s for s in statuses if not 200 <= s < 300]
    if refused:
        t.fail(_refused_keepalive(t, refused[0], statuses, record, logout_status))
    t.ok(f"O2G accepted your {len(statuses)} keep-alive(s) ({', '.join(map(str, statuses))})")

    if logout_status == 405:
        t.fail("405 Method Not Allowed: logging out is DELETE on the sessions URL (not POST or GET)")
    if logout_status in (401, 403):
        t.fail(_refused_logout(logout_status, alive, record))
    if not 200 <= logout_status < 300:
        t.fail(f"your logout got {logout_status}: DELETE the sessions URL with the cookie (204 expected)")
    if alive:
        t.fail(_still_open(logout_status, cookie_records))

    if record is None:
        if t.course.sim is not None:  # too old to be in the simulator's table: what O2G answered is enough
            t.ok(f"O2G refuses the cookie now: the session is closed (logout answered {logout_status})")
            return
        t.ok(f"O2G refuses the cookie now: the session is closed (your logout_status: {logout_status})")
        t.ok("on a real O2G the check cannot see how the session ended (your DELETE or an expiry), how long it "
             "lived or how many keep-alives it received: it trusts that your logout_status is your DELETE's")
        return

    how = record["closedBy"]
    if how == "replaced":
        t.fail("this session ended because you POSTed the sessions URL again with the same cookie; DELETE it "
               "instead")
    if how == "expired":
        t.fail(f"O2G closed this session itself, by expiry: your logout_status ({logout_status}) did not come from a "
               "DELETE on this session (a DELETE after expiry gets 401). Keep the `.status_code` of "
               f"`http.delete(sessions_url, …)`, and {FROM_THE_TOP}")
    t.expect(how == "logout", f"O2G's session table: your DELETE closed the session ({logout_status})",
             hint=f"the session ended by {how!r}, not by your logout — {FROM_THE_TOP}")
    t.expect(record["keepalives"] >= 1, f"O2G received {record['keepalives']} keep-alive(s) on this session",
             hint="O2G received no keep-alive on this session: POST …/sessions/keepalive with its cookie")
    if record["keepalives"] < len(statuses):
        t.fail(f"O2G received only {record['keepalives']} keep-alive(s) on this session, but you report "
               f"{len(statuses)}: were some sent with another cookie?")
    ttl, age = record["timeToLive"], record["age"]
    if age <= ttl:
        if age < 0.5 * ttl:
            t.fail(f"the session lived {age:.0f} s, less than its timeToLive of {ttl} s: 🧪 let time pass with "
                   "`course.sim.age_sessions(USER, 0.9 * ttl)` before each keep-alive")
        t.fail(f"the session lived {age / ttl:.1f} × its timeToLive ({age:.0f} s of {ttl} s): not past it yet. "
               "One round of silence is not enough — do several rounds (the task asks three) of "
               "`course.sim.age_sessions(USER, 0.9 * ttl)` then a keep-alive")
    t.ok(f"the session lived {age / ttl:.1f} × its timeToLive ({ttl} s)")


# ---------------------------------------------------------------------------------------------- 12-3
NGINX_502 = b"""<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


def _made_up(url: str, status: int, reason: str, body: bytes, content_type: str | None) -> requests.Response:
    """An error answer O2G's own API will not give on request, but a proxy or an O2G in trouble may."""
    answer = requests.Response()
    answer.status_code, answer.reason, answer.url = status, reason, url
    answer._content = body  # noqa: SLF001 - the body, as requests stores it
    answer.encoding = "utf-8"
    if content_type:
        answer.headers["Content-Type"] = content_type
    return answer


def _error_answers(t: Trial) -> list[tuple[str, requests.Response]]:
    """Real error answers of this O2G (no wrong password: that could lock an account), then three made up."""
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
    users = f"{root}/1.0/users"
    answers.append(("GET users through a reverse proxy that cannot reach O2G", _made_up(
        users, 502, "Bad Gateway", NGINX_502, "text/html")))
    answers.append(("GET users through a load balancer while O2G restarts", _made_up(
        users, 503, "Service Unavailable", b"", None)))
    answers.append(("GET users on an O2G in trouble", _made_up(
        users, 500, "Internal Server Error", b'{"httpStatus": "INTERNAL_SERVER_ERROR", "code": 500, "canRetry": false}',
        "application/json")))
    # a status the exercise's NEXT_STEP table does not list: the function needs a default next step
    answers.append(("GET users through a proxy whose wait for O2G ran out", _made_up(
        users, 504, "Gateway Timeout", b"", None)))
    return [(what, r) for what, r in answers if r.status_code >= 400]


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _kind(response: requests.Response) -> str:
    body = _body(response)
    if isinstance(body, dict):
        return "its body is JSON with a helpMessage" if body.get("helpMessage") else "its JSON body has no helpMessage"
    if not response.content:
        return "its body is empty"
    if "html" in response.headers.get("Content-Type", "") or response.text.lstrip().startswith("<"):
        return "its body is an HTML page, not JSON"
    return "its body is not an O2G error body"


def _crash_hint(exc: Exception, what: str, response: requests.Response) -> str:
    """Point at the real cause of an exception the trainee's function raised on one answer."""
    head = (f"your function raised {exc.__class__.__name__}: {exc} on the {response.status_code} answer to {what} "
            f"({_kind(response)})")
    body = _body(response)
    if isinstance(exc, KeyError):
        key = exc.args[0] if exc.args else None
        if isinstance(key, int):
            return (f"{head} — your own table has no entry for {key}: use `NEXT_STEP.get(status, '<a default next "
                    "step>')`, so a status the table does not list still gets a next step")
        if isinstance(body, dict) and key not in body:
            return f"{head} — this JSON body has no {key!r}: read optional fields with `body.get({key!r})`"
        return f"{head} — a lookup failed: read what may be missing with `.get(…)`"
    if isinstance(exc, ValueError):  # json.JSONDecodeError and requests' JSONDecodeError are ValueErrors
        return f"{head} — wrap `response.json()` in try/except ValueError: not every error answer is JSON"
    if isinstance(exc, TypeError | AttributeError) and not isinstance(body, dict):
        return f"{head} — when the body is not JSON there is no dict to read: check before you use it"
    return head


def _rest(line: str, response: requests.Response) -> str:
    """What is left of a line once the status, the reason and everything from the body is taken out."""
    rest = line.replace(str(response.status_code), " ")
    if response.reason:
        rest = re.sub(re.escape(response.reason), " ", rest, flags=re.IGNORECASE)
    body = _body(response)
    if isinstance(body, dict):
        pieces = [str(k) for k in body] + [str(v) for v in body.values() if isinstance(v, str | int | float)]
        for piece in sorted(pieces, key=len, reverse=True):
            if len(piece) > 1:
                rest = re.sub(rf"(?<!\w){re.escape(piece)}(?!\w)", " ", rest)
    return re.sub(r"\b(?:HTTP|True|False|true|false)\b", " ", rest)


TAG = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")


@exercise("12-3", "Explain an O2G error in one line")
def explain_errors(t: Trial, explain: Any) -> None:
    """``explain(response)`` gives one line: the status, O2G's helpMessage when there is one, what to do next."""
    t.attempted(explain)
    if not callable(explain):
        t.fail(f"hand the function itself (explain, without parentheses), not a {type(explain).__name__}")
    answers = _error_answers(t)
    rests: dict[int, str] = {}
    for what, response in answers:
        status = str(response.status_code)
        try:
            line = call_trainee(explain, response, name="explain")
        except (Failed, NotAttempted):
            raise
        except Exception as exc:  # noqa: BLE001 - the trainee's function may raise anything
            t.fail(_crash_hint(exc, what, response))
        if not isinstance(line, str):
            t.fail(f"your function returned {type(line).__name__} for {what}; return one line of text (a str)")
        if "\n" in line.strip() or "\r" in line.strip():
            t.fail(f"for {what} your explanation takes several lines; make it one line")
        body = _body(response)
        message = body.get("helpMessage") if isinstance(body, dict) else None
        own = line.replace(message, " ") if isinstance(message, str) and message else line  # the trainee's part
        if TAG.search(own):
            t.fail(f"for the {status} answer to {what} your line holds raw HTML ({line[:60]!r}…): the page is for a "
                   "browser — say the status and what to do next, without the page")
        if re.search(r"\bNone\b", own):
            if not message:
                cause = (f"{_kind(response)}, so there is no helpMessage to print: leave it out when the body has "
                         "none (e.g. `body.get('helpMessage') or ''`)")
            else:
                cause = (f"O2G's helpMessage is there, so the None is your next step: does your table give one for "
                         f"{status}? Give every status a next step (a default for those your table does not list)")
            t.fail(f"for the {status} answer to {what} your line says None: {line!r} — {cause}")
        if status not in line:
            t.fail(f"for the {status} answer to {what} your line does not say the status {status}: {line!r}")
        if message and message not in line:
            t.fail(f"for the {status} answer to {what} your line leaves out O2G's own helpMessage "
                   f"{message!r} — it says what went wrong better than any guess")
        rest = " ".join(re.findall(r"[A-Za-z][A-Za-z'-]+", _rest(line, response)))
        if len(rest.split()) < 2:
            t.fail(f"for the {status} answer to {what} your line gives no next step: {line!r} — add what to do "
                   f"next (NEXT_STEP[{status}], or a default for statuses your table does not list)")
        rests[response.status_code] = rest.lower()
    if len(rests) > 1 and len(set(rests.values())) == 1:
        t.fail(f"your next step is the same for every status ({next(iter(rests.values()))!r}): what to do depends "
               "on the status — a 401 asks for a new login, a 405 for another method. Use your NEXT_STEP table")
    statuses = ", ".join(str(r.status_code) for _, r in answers)
    t.ok(f"one line for each error answer ({statuses}): the status, O2G's helpMessage when there is one, "
         "and a next step that depends on the status")
    t.ok("a JSON body without helpMessage, an empty body, a proxy's HTML page over several lines and a status your "
         "table does not list (504) do not break it")
