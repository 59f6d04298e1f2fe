"""The session rules of the client's ``O2G`` against a scripted plain-HTTP gateway: what discovery, login, the
session, the keep-alive, a lost session and logout put on the wire, what each refusal raises (type, URL, message,
hint), when the client logs in again and when it does not, and how the keep-alive thread runs and stops."""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from o2gmentor.client import O2G, O2GConnectionError, O2GError
from o2gmentor.client.events import EventStream

LOGIN = "oxe1001"
PASSWORD = "Scripted-Only-Secret-7"  # a made-up password: only the scripted gateway below ever sees it
JSON = {"Content-Type": "application/json"}
REST = "/api/rest"
AUTH = "/api/rest/authenticate"
SESSIONS = "/api/rest/1.0/sessions"
BASE = "/api/rest/1.0"
USER = BASE + "/users/" + LOGIN
LOGIN_HINT = (f"401 at login: O2G refused the login {LOGIN!r} or its password — check both (the password is "
              "case-sensitive)")
NO_SESSION_HINT = ("call connect() first — or, if the session was lost, logging in again failed: call connect() "
                   "again once the O2G answers")


# ------------------------------------------------------------------------------------------------ a scripted gateway
class Gateway(BaseHTTPRequestHandler):
    """Answers from ``server.script["METHOD /path"]``: a list of answers used in turn (the last one repeats); an
    answer is (status, headers, body), None to hang up without answering, or a callable returning one of these.
    Records every request it receives."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        path = self.path.split("?")[0]
        self.server.seen.append((self.command, path, list(self.headers.items()), body))
        answers = self.server.script.get(f"{self.command} {path}")
        if not answers:
            answer = (404, JSON, {"helpMessage": "not scripted"})
        else:
            answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if callable(answer):
            answer = answer()
        if answer is None:  # hang up without an answer
            self.close_connection = True
            return
        status, headers, payload = answer
        data = json.dumps(payload).encode() if isinstance(payload, (dict, list)) else payload
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def gateway_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    server.daemon_threads = True
    server.script, server.seen = {}, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture()
def gw(gateway_server):
    """The scripted gateway, emptied, scripted for a successful login with a session of ``ttl`` 0 by default."""
    gateway_server.script.clear()
    gateway_server.seen.clear()
    gateway_server.host = f"127.0.0.1:{gateway_server.server_address[1]}"
    gateway_server.url = "http://" + gateway_server.host
    script_login(gateway_server)
    clients: list[O2G] = []
    gateway_server.clients = clients
    yield gateway_server
    for client in clients:
        client._stop_keepalive()  # noqa: SLF001 - end any keep-alive thread without more traffic


def script_login(gw, *, ttl: int = 0, services: list | None = None, admin: bool = False, session: dict | None = None):
    url = gw.url
    gw.script[f"GET {REST}"] = [(200, JSON, {"versions": [{"id": "1.0", "internalUrl": url + AUTH}]})]
    gw.script[f"GET {AUTH}"] = [(200, JSON, {"credential": "c1", "internalUrl": url + SESSIONS})]
    if session is None:
        session = {"admin": admin, "timeToLive": ttl, "privateBaseUrl": url + BASE,
                   "services": services if services is not None else [
                       {"serviceName": "Users", "relativeUrl": "/users"},
                       {"serviceName": "Subscriptions", "relativeUrl": "/subscriptions"}]}
    gw.script[f"POST {SESSIONS}"] = [(200, JSON, session)]
    gw.script[f"DELETE {SESSIONS}"] = [(204, {}, b"")]
    gw.script[f"POST {SESSIONS}/keepalive"] = [(204, {}, b"")]


def client(gw, **kwargs) -> O2G:
    """An O2G for the scripted gateway: its transport speaks plain HTTP to it (the gateway has no TLS)."""
    o2g = O2G(gw.host, LOGIN, PASSWORD, **kwargs)
    send = o2g.transport.send
    o2g.transport.send = lambda method, url, **kw: send(method, url.replace("https://", "http://"), **kw)
    gw.clients.append(o2g)
    return o2g


def calls(gw) -> list[tuple[str, str]]:
    return [(method, path) for method, path, _, _ in gw.seen]


def eventually(check, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not within {timeout} s"
        time.sleep(0.01)


LOGGING_IN = [("GET", REST), ("GET", AUTH), ("POST", SESSIONS)]


# ------------------------------------------------------------------------------------------------ logging in
def test_login_sends_basic_credentials_with_the_canonical_header_and_names_the_application(gw):
    o2g = client(gw, application="my-dashboard").connect()
    assert calls(gw) == LOGGING_IN
    auth_headers = gw.seen[1][2]
    expected = "Basic " + base64.b64encode(f"{LOGIN}:{PASSWORD}".encode()).decode()
    named = [name for name, value in auth_headers if value == expected]
    assert named == ["Authorization"], "one Authorization header, spelled as the SDKs send it, with login:password"
    assert not any(name.lower() == "authorization" for name, _ in gw.seen[2][2]), "the session is opened by cookie"
    assert json.loads(gw.seen[2][3]) == {"applicationName": "my-dashboard"}
    assert o2g.connected and PASSWORD not in repr(o2g) and PASSWORD not in repr(vars(o2g))


def test_a_refused_login_names_the_login_and_keeps_where_the_refusal_came_from(gw):
    gw.script[f"GET {AUTH}"] = [(401, JSON, {"helpMessage": "bad credentials"})]
    with pytest.raises(O2GError) as err:
        client(gw).connect()
    assert err.value.status == 401 and err.value.hint == LOGIN_HINT
    assert str(err.value).endswith("hint: " + LOGIN_HINT)
    frames = [frame.filename for frame in traceback.extract_tb(err.value.__traceback__)]
    assert any(name.endswith("transport.py") for name in frames), "the traceback reaches the HTTP answer"
    assert calls(gw) == LOGGING_IN[:2], "no session is opened"


@pytest.mark.parametrize("descriptor", [{}, {"versions": [{"id": "2.0", "internalUrl": "http://127.0.0.1:9/x"}]}])
def test_a_gateway_without_api_1_0_is_refused_as_a_404_of_the_discovery_url(gw, descriptor):
    gw.script[f"GET {REST}"] = [(200, JSON, descriptor)]
    with pytest.raises(O2GError) as err:
        client(gw).connect()
    url = f"https://{gw.host}/api/rest"
    assert (err.value.status, err.value.method, err.value.url) == (404, "GET", url)
    assert err.value.message == "API version 1.0 is not offered by this O2G"
    assert str(err.value).startswith(f"GET {url} → 404: API version 1.0 is not offered")
    assert calls(gw) == LOGGING_IN[:1]


# ------------------------------------------------------------------------------------------------ services
def test_services_come_from_the_session_answer_entries_without_name_or_url_do_not_break_it(gw):
    script_login(gw, services=[
        {"serviceName": "TelephonyBasic", "relativeUrl": "/telephony/basicCall"},
        {"serviceName": "Telephony", "relativeUrl": "/telephony/calls"},
        {"serviceName": "Users", "relativeUrl": "/users"},
        {"serviceName": "Root"},  # no relativeUrl: the base URL itself
        {"relativeUrl": "/nameless"},  # no serviceName: no named service
    ])
    o2g = client(gw).connect()
    base = gw.url + BASE
    assert {key: url for key, url in o2g.services.items() if key} == {
        "telephony": base + "/telephony", "users": base + "/users", "logins": base + "/logins", "root": base}
    assert o2g.service_url("root") == base and o2g.service_url("users") == base + "/users"


def test_a_session_without_services_connects_and_refuses_each_service(gw):
    script_login(gw, session={"admin": False, "timeToLive": 0, "privateBaseUrl": gw.url + BASE})
    o2g = client(gw).connect()
    assert o2g.connected and o2g.services == {}
    with pytest.raises(O2GError) as err:
        o2g.service_url("users")
    assert err.value.status == 403 and "no 'users' service" in err.value.message


def test_a_client_without_a_session_says_how_to_get_one_and_sends_nothing():
    o2g = O2G("127.0.0.1:9", LOGIN, PASSWORD)  # nothing listens there, and nothing may be sent
    for attempt in (lambda: o2g.request("GET", "users", "/x"), lambda: o2g.user_info()):
        with pytest.raises(O2GConnectionError) as err:
            attempt()
        assert (err.value.url, err.value.reason, err.value.hint) == (
            "https://127.0.0.1:9/api/rest", "no open session", NO_SESSION_HINT)
        assert str(err.value) == f"cannot reach {err.value.url}: no open session\n  hint: {NO_SESSION_HINT}"


def test_subscribe_without_start_gives_a_stream_and_subscribes_nothing_yet(gw):
    o2g = client(gw).connect()
    got = []
    stream = o2g.subscribe(["telephony"], [LOGIN], on_event=got.append, start=False)
    assert isinstance(stream, EventStream) and stream.o2g is o2g
    assert stream.selectors == [{"ids": [LOGIN], "names": ["telephony"]}]
    assert stream.subscription_id is None and not stream.connected.is_set()
    assert calls(gw) == LOGGING_IN, "nothing subscribed"


# ------------------------------------------------------------------------------------------------ a lost session
def _user_answers(gw, *answers) -> None:
    gw.script[f"GET {USER}"] = list(answers)


USER_BODY = (200, JSON, {"loginName": LOGIN, "companyPhone": "1001"})


def test_a_401_logs_in_again_at_once_and_sends_the_request_again(gw, caplog):
    o2g = client(gw).connect()
    gw.script[f"GET {SESSIONS}"] = [(200, JSON, {"admin": False})]  # the session would look alive if asked
    _user_answers(gw, (401, JSON, {"helpMessage": "expired"}), USER_BODY)
    with caplog.at_level(logging.INFO, logger="o2gmentor.client"):
        assert o2g.user_info()["companyPhone"] == "1001"
    assert calls(gw)[3:] == [("GET", USER), *LOGGING_IN, ("GET", USER)], "no probe of the session: a new login"
    said = [r.getMessage() for r in caplog.records if r.name == "o2gmentor.client" and r.levelno == logging.INFO]
    assert any("session lost (401)" in text and "logging in again" in text for text in said), said


def test_a_403_with_the_session_gone_logs_in_again(gw):
    o2g = client(gw).connect()
    gw.script[f"GET {SESSIONS}"] = [(401, JSON, {"helpMessage": "no session"})]
    _user_answers(gw, (403, JSON, {"helpMessage": "forbidden"}), USER_BODY)
    assert o2g.user_info()["loginName"] == LOGIN
    assert calls(gw)[3:] == [("GET", USER), ("GET", SESSIONS), *LOGGING_IN, ("GET", USER)]


def test_a_403_with_the_session_alive_is_raised_as_it_is(gw):
    o2g = client(gw).connect()
    gw.script[f"GET {SESSIONS}"] = [(200, JSON, {"admin": False})]
    _user_answers(gw, (403, JSON, {"helpMessage": "not your resource"}), USER_BODY)
    with pytest.raises(O2GError) as err:
        o2g.user_info()
    assert err.value.status == 403 and err.value.message == "not your resource"
    assert calls(gw)[3:] == [("GET", USER), ("GET", SESSIONS)], "the session is kept: no new login"
    assert o2g.connected


def test_a_403_when_the_gateway_does_not_answer_the_session_probe_is_raised_as_it_is(gw):
    o2g = client(gw).connect()
    gw.script[f"GET {SESSIONS}"] = [None]
    _user_answers(gw, (403, JSON, {"helpMessage": "not your resource"}), USER_BODY)
    with pytest.raises(O2GError) as err:
        o2g.user_info()
    assert err.value.status == 403 and err.value.message == "not your resource"
    assert calls(gw)[3:] == [("GET", USER), ("GET", SESSIONS)], "no new login on a mere doubt"


def test_a_second_refusal_after_logging_in_again_is_raised_without_a_third_try(gw):
    o2g = client(gw).connect()
    _user_answers(gw, (401, JSON, {"helpMessage": "still not"}))
    with pytest.raises(O2GError) as err:
        o2g.request("GET", "users", "/" + LOGIN)
    assert err.value.status == 401 and err.value.message == "still not"
    assert calls(gw)[3:] == [("GET", USER), *LOGGING_IN, ("GET", USER)], "one login again, one more try"


# ------------------------------------------------------------------------------------------------ logout
def test_close_sends_one_delete_and_leaves_a_plain_disconnected_client(gw):
    script_login(gw, admin=True)
    o2g = client(gw).connect()
    assert o2g.is_admin
    o2g.close()
    o2g.close()  # nothing left to close
    assert calls(gw)[3:] == [("DELETE", SESSIONS)]
    assert not o2g.connected and not o2g.is_admin and "not connected" in repr(o2g)


@pytest.mark.parametrize("status", [401, 403])
def test_closing_a_session_the_gateway_already_ended_is_quiet(gw, status):
    o2g = client(gw).connect()
    gw.script[f"DELETE {SESSIONS}"] = [(status, JSON, {"helpMessage": "no session"})]
    o2g.close()
    assert not o2g.connected and calls(gw)[-1] == ("DELETE", SESSIONS)


def test_closing_fails_loudly_on_any_other_refusal(gw):
    o2g = client(gw).connect()
    gw.script[f"DELETE {SESSIONS}"] = [(404, JSON, {"helpMessage": "no such thing"})]
    with pytest.raises(O2GError) as err:
        o2g.close()
    assert (err.value.status, err.value.method) == (404, "DELETE")


# ------------------------------------------------------------------------------------------------ keep-alive
def _keepalive_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "o2g-keepalive"]


def test_the_keepalive_runs_in_a_named_daemon_thread_that_close_ends(gw):
    script_login(gw, ttl=600)
    before = set(_keepalive_threads())
    o2g = client(gw).connect()
    assert o2g.keepalive_period == pytest.approx(540.0)
    started = [t for t in _keepalive_threads() if t not in before]
    assert len(started) == 1 and started[0].daemon, "a forgotten client never keeps Python from exiting"
    o2g.close()
    assert not started[0].is_alive()


def test_a_failed_keepalive_is_noted_and_logged_and_the_keepalive_goes_on(gw, caplog):
    script_login(gw, ttl=1)
    checked = threading.Event()

    def after_the_check():
        checked.wait(3.0)  # the next keep-alive succeeds only once the failure has been looked at
        return (204, {}, b"")

    gw.script[f"POST {SESSIONS}/keepalive"] = [(500, JSON, {"helpMessage": "broken"}), after_the_check]

    def warned() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "o2gmentor.client" and r.levelno >= logging.WARNING]

    with caplog.at_level(logging.WARNING, logger="o2gmentor.client"):
        o2g = client(gw).connect()
        assert o2g.keepalive_period == 1.0
        eventually(warned, timeout=3.0)  # the error is noted, then logged
    error = o2g.last_keepalive_error
    assert isinstance(error, O2GError) and error.status == 500 and error.url.endswith(SESSIONS + "/keepalive")
    assert len(warned()) == 1 and "keep-alive failed" in warned()[0] and "O2GError" in warned()[0], warned()
    checked.set()
    eventually(lambda: calls(gw).count(("POST", SESSIONS + "/keepalive")) >= 2, timeout=3.0)
    eventually(lambda: o2g.last_keepalive_error is None, timeout=3.0)
    o2g.close()


def test_close_waits_for_a_keepalive_in_flight_before_logging_out(gw):
    script_login(gw, ttl=1)
    arrived = threading.Event()

    def slow_keepalive():
        arrived.set()
        time.sleep(0.6)
        return (204, {}, b"")

    gw.script[f"POST {SESSIONS}/keepalive"] = [slow_keepalive]
    before = set(_keepalive_threads())
    o2g = client(gw).connect()
    (thread,) = [t for t in _keepalive_threads() if t not in before]
    assert arrived.wait(3.0), "a keep-alive within the TTL"
    o2g.close()
    assert not thread.is_alive(), "no keep-alive outlives the session"
    assert calls(gw)[-1] == ("DELETE", SESSIONS)

