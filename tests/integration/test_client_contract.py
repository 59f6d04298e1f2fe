"""The client as an integrator's code uses it: what each call returns or raises, with which hint, how the session
is found, kept and given back, and what an event stream delivers, to whom, and when (the transport against a
scripted plain-HTTP server, the rest against the simulator over HTTPS)."""

from __future__ import annotations

import json
import re
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from o2gmentor.client import O2G, O2GConnectionError, O2GError
from o2gmentor.client import events as events_module
from o2gmentor.client.events import EventStream
from o2gmentor.client.transport import Transport, connection_failure, tls_failure, tls_hint
from o2gmentor.sim.control_client import SimControl


# ------------------------------------------------------------------------------------------------ a scripted server
class Scripted(BaseHTTPRequestHandler):
    """Answers what the test put in ``server.script[path]``: (status, headers, body bytes); records requests."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.seen.append((self.command, self.path, dict(self.headers), self.rfile.read(length)))
        status, headers, body = self.server.script.get(self.path.split("?")[0], (404, {}, b""))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def scripted():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    server.script, server.seen = {}, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture()
def web(scripted):
    scripted.script.clear()
    scripted.seen.clear()
    scripted.url = f"http://127.0.0.1:{scripted.server_address[1]}"
    return scripted


JSON = {"Content-Type": "application/json"}


# ------------------------------------------------------------------------------------------------ transport
def test_a_json_request_says_so_and_its_answer_is_parsed(web):
    web.script["/x"] = (200, {**JSON, "Location": "/x/1"}, b'{"a": 1}')
    transport = Transport()
    body, headers = transport.request("POST", web.url + "/x", json_body={"b": 2}, params={"p": "q"},
                                      with_headers=True)
    assert body == {"a": 1} and headers["Location"] == "/x/1"
    method, path, sent, data = web.seen[-1]
    assert (method, path, json.loads(data)) == ("POST", "/x?p=q", {"b": 2})
    assert sent["Accept"] == "application/json" and sent["Content-Type"] == "application/json"
    assert transport.request("GET", web.url + "/x") == {"a": 1}
    assert "Content-Type" not in web.seen[-1][2], "no body, no content type"


def test_an_empty_or_non_json_answer(web):
    web.script["/empty"] = (204, {}, b"")
    web.script["/text"] = (200, {"Content-Type": "text/plain"}, b"plain words")
    transport = Transport()
    assert transport.request("DELETE", web.url + "/empty") is None
    assert transport.request("GET", web.url + "/text") == "plain words"
    with pytest.raises(O2GError) as err:
        transport.request("GET", web.url + "/empty", expect_json=True, ok_empty=False)
    assert err.value.status == 204 and "expected a JSON body" in str(err.value)
    assert transport.request("GET", web.url + "/empty", expect_json=True) is None


def test_a_refusal_is_an_o2g_error_with_its_body_and_retry_after(web):
    web.script["/busy"] = (503, {**JSON, "Retry-After": "7"}, b'{"helpMessage": "restarting"}')
    web.script["/gone"] = (404, {"Content-Type": "text/plain"}, b"nothing here")
    with pytest.raises(O2GError) as err:
        Transport().request("PUT", web.url + "/busy")
    assert (err.value.status, err.value.method, err.value.retry_after) == (503, "PUT", 7.0)
    assert err.value.url == web.url + "/busy" and err.value.message == "restarting"
    with pytest.raises(O2GError) as err:
        Transport().request("GET", web.url + "/gone")
    assert err.value.status == 404 and err.value.body == "nothing here" and err.value.retry_after is None


def test_a_download_gives_the_bytes_or_the_o2g_error(web):
    web.script["/file.wav"] = (200, {"Content-Type": "audio/wav"}, b"RIFF\x00\x01")
    web.script["/missing.wav"] = (404, JSON, b'{"helpMessage": "no such message"}')
    transport = Transport()
    assert transport.download(web.url + "/file.wav", params={"format": "wav"}) == b"RIFF\x00\x01"
    assert web.seen[-1][1] == "/file.wav?format=wav" and web.seen[-1][2]["Accept"] == "*/*"
    with pytest.raises(O2GError) as err:
        transport.download(web.url + "/missing.wav")
    assert err.value.status == 404 and err.value.message == "no such message"


def test_a_server_that_never_answers_in_time_is_a_connection_error():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        transport = Transport(timeout=(2.0, 0.3))
        with pytest.raises(O2GConnectionError) as err:
            transport.request("GET", f"http://127.0.0.1:{listener.getsockname()[1]}/slow")
        assert err.value.reason == "no answer in time" and "slow or unreachable" in err.value.hint
    finally:
        listener.close()


def test_a_url_requests_cannot_send_is_a_connection_error_not_a_crash():
    with pytest.raises(O2GConnectionError) as err:
        Transport().request("GET", "nothttp://o2g.example/api")
    assert err.value.reason.startswith("the request failed (") and "check the URL" in err.value.hint


def test_reprs_say_what_they_are_and_hide_the_password(fresh_sim):
    from o2gmentor.client.session import Secret, SecretBasicAuth

    assert repr(Secret("pw")) == str(Secret("pw")) == "Secret('***')"
    assert repr(SecretBasicAuth("oxe1001", Secret("pw"))) == "SecretBasicAuth('oxe1001', ***)"
    assert repr(_client(fresh_sim)) == f"O2G(host='{fresh_sim.info.address}', login='oxe1001', not connected)"


def test_the_transport_verifies_with_its_bundle_or_the_system_store():
    assert Transport("ca.pem").verify == "ca.pem" and Transport().verify is True
    assert repr(Transport("ca.pem")) == "Transport(verify='ca.pem')"


DNS_HINT = "check the host name, your DNS or hosts file; O2G's FQDN must resolve for every client"
SIM_REFUSED = "nothing listens there — is the simulator running? Run setup() again (or `o2gmentor sim`)"
REFUSED = ("the host answers but nothing listens on that port — check the port (O2G's HTTPS is 443 by default) and "
           "that O2G is running")
UNREACHABLE = "check the address, the route and any firewall between you and the gateway"


def _caused(outer: BaseException, inner: BaseException) -> BaseException:
    outer.__cause__ = inner
    return outer


@pytest.mark.parametrize("host, exc, reason, hint", [
    ("o2g.example", socket.gaierror(-2, "no such name"), "the name o2g.example does not resolve (DNS)", DNS_HINT),
    ("o2g.example", requests.exceptions.ConnectionError("Failed to resolve: NameResolutionError"),
     "the name o2g.example does not resolve (DNS)", DNS_HINT),
    ("o2g.example", OSError("[Errno -2] Name or service not known"), "the name o2g.example does not resolve (DNS)",
     DNS_HINT),
    ("o2g.example", OSError("nodename nor servname provided, or not known"),
     "the name o2g.example does not resolve (DNS)", DNS_HINT),
    ("127.0.0.1", ConnectionRefusedError(111, "gone"), "connection refused on 127.0.0.1:8443", SIM_REFUSED),
    ("::1", OSError("[Errno 111] Connection refused"), "connection refused on ::1:8443", SIM_REFUSED),
    ("o2g.example", ConnectionRefusedError(111, "gone"), "connection refused on o2g.example:8443", REFUSED),
    ("o2g.example", _caused(RuntimeError("pool"), ConnectionRefusedError(111, "gone")),
     "connection refused on o2g.example:8443", REFUSED),
    ("o2g.example", OSError(113, "No route to host"), "o2g.example:8443 is unreachable", UNREACHABLE),
    ("localhost", OSError(113, "No route to host"), "localhost:8443 is unreachable",
     UNREACHABLE + " — for the simulator, run setup() again"),
])
def test_a_missing_answer_is_explained_by_its_cause(host, exc, reason, hint):
    wrapped = requests.exceptions.ConnectionError(exc)
    name = f"[{host}]" if ":" in host else host
    assert connection_failure(f"https://{name}:8443/api/rest", wrapped) == (reason, hint)


def test_a_long_chain_of_causes_is_read_only_so_far():
    error: BaseException = ConnectionRefusedError(111, "deep")
    for n in range(10):  # the refusal is the 11th cause: one too deep to be read
        error = _caused(RuntimeError(f"level {n}"), error)
    reason, _ = connection_failure("https://o2g.example/api/rest", error)
    assert reason == "o2g.example:443 is unreachable"


def test_an_unnamed_port_is_443_in_the_explanation():
    reason, _ = connection_failure("https://o2g.example/api/rest", ConnectionRefusedError(111, "refused"))
    assert reason == "connection refused on o2g.example:443"


def _verify_failure(code: int, message: str) -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, f"[SSL: CERTIFICATE_VERIFY_FAILED] {message}")
    error.verify_code, error.verify_message = code, message
    return error


EXPIRED = ("the customer's CA must issue a new certificate for O2G; if it should still be valid, check the clocks "
           "(NTP) of this machine and of the O2G — never disable checks")
NOT_YET = ("check the clocks (NTP) of this machine and of the O2G, or wait for the certificate's start date — never "
           "disable checks")
OTHER_NAME = ("connect with a name the certificate carries in its SAN (O2G's FQDN, not its IP address), or have it "
              "reissued with the name you use — never disable checks")


@pytest.mark.parametrize("code, reason, hint_start", [
    (10, "TLS check failed: the server's certificate has expired", EXPIRED),
    (9, "TLS check failed: the server's certificate is not valid yet", NOT_YET),
    (62, "TLS check failed: the server's certificate names another host", OTHER_NAME),
    (64, "TLS check failed: the server's certificate names another host", OTHER_NAME),
    (20, "TLS check failed: unable to get local issuer certificate",
     "the server's certificate chain does not lead to a CA in ca.pem"),
])
def test_each_certificate_verdict_has_its_reason_wherever_it_is_nested(code, reason, hint_start):
    verdict = _verify_failure(code, "unable to get local issuer certificate")
    nested = [requests.exceptions.SSLError(verdict), _caused(requests.exceptions.SSLError("outer"), verdict)]
    with_reason = requests.exceptions.SSLError("pool")
    with_reason.reason = verdict
    nested.append(with_reason)
    looped = requests.exceptions.SSLError("loop")
    looped.__context__ = _caused(RuntimeError("inner"), looped)  # a cycle must not hang the search
    looped.reason = verdict
    nested.append(looped)
    noisy = requests.exceptions.SSLError(RuntimeError("noise"))  # the verdict sits behind another branch
    noisy.__cause__ = verdict
    nested.append(noisy)
    for exc in nested:
        got_reason, got_hint = tls_failure("ca.pem", exc)
        assert got_reason == reason and got_hint.startswith(hint_start) and got_hint.endswith("never disable checks")


def test_tls_hints_name_the_bundle_or_ask_for_one():
    assert tls_hint("ca.pem") == ("the server's certificate chain does not lead to a CA in ca.pem: get the PEM of the "
                                  "CA that issued it (and any intermediate) — never disable checks")
    assert tls_hint(None) == ("give the CA bundle that signed the gateway's certificate (O2G_CA_BUNDLE) — never "
                              "disable checks")
    assert tls_failure("ca.pem", None) == (
        "TLS handshake failed (SSLError)",
        "check the host and port: the server there did not complete a TLS 1.2+ handshake — never disable checks")
    assert tls_failure("ca.pem", ValueError("x"))[0] == "TLS handshake failed (ValueError)"
    looped = requests.exceptions.SSLError("loop")  # causes that loop, and no verdict anywhere: it still ends
    looped.__context__ = _caused(RuntimeError("inner"), looped)
    assert tls_failure(None, looped)[0] == "TLS handshake failed (SSLError)"
    assert connection_failure("https:///api/rest", OSError("down")) == ("?:443 is unreachable", UNREACHABLE)


# ------------------------------------------------------------------------------------------------ the session
def _client(sim, login: str = "oxe1001", **kwargs) -> O2G:
    site = sim.state.pbx.site
    password = site.users[login].password if login in site.users else site.admins[login].password
    return O2G(sim.info.address, login, password, ca_bundle=str(sim.ca_path), **kwargs)


def test_connecting_finds_every_service_from_the_session_and_keeps_alive_within_the_ttl(fresh_sim):
    with _client(fresh_sim) as alice:
        assert alice.connected and not alice.is_admin
        assert repr(alice) == f"O2G(host='{fresh_sim.info.address}', login='oxe1001', connected)"
        base = alice.base_url
        assert base == alice.session_info["privateBaseUrl"] and base.startswith("https://")
        assert alice.services["telephony"] == base + "/telephony"
        assert alice.services["users"] == base + "/users" and alice.services["logins"] == base + "/logins"
        assert alice.services["eventsummary"] == base + "/eventsummary"
        assert alice.service_url("routing") == base + "/routing"
        assert alice.keepalive_period == pytest.approx(0.9 * alice.session_info["timeToLive"])
        assert alice.descriptor["versions"][0]["id"] == "1.0"
    assert not alice.connected and "not connected" in repr(alice)


def test_an_administrator_session_and_a_user_without_a_service(fresh_sim):
    with _client(fresh_sim, "admin") as admin:
        assert admin.is_admin and "maintenance" in admin.services and "pbxmanagement" in admin.services
    with _client(fresh_sim) as alice, pytest.raises(O2GError) as err:
        alice.service_url("maintenance")
    assert err.value.status == 403 and "no 'maintenance' service" in err.value.message


def test_without_keepalive_or_ttl_no_keepalive_runs(fresh_sim, monkeypatch):
    with _client(fresh_sim, keepalive=False) as alice:
        assert alice.keepalive_period is None and alice._keepalive_thread is None  # noqa: SLF001
    monkeypatch.setattr(fresh_sim.state, "session_ttl", 0)
    with _client(fresh_sim) as bruno:
        assert bruno.keepalive_period is None and bruno._keepalive_thread is None  # noqa: SLF001


def test_a_short_ttl_keeps_alive_at_least_every_second(fresh_sim, monkeypatch):
    monkeypatch.setattr(fresh_sim.state, "session_ttl", 1)
    with _client(fresh_sim) as alice:
        assert alice.keepalive_period == 1.0


def test_a_keepalive_and_a_close_go_to_the_sessions_url(fresh_sim):
    alice = _client(fresh_sim).connect()
    alice.keepalive()
    record = [r for r in SimControl(fresh_sim.info).sessions() if r["login"] == "oxe1001" and r["open"]][-1]
    assert record["keepalives"] == 1 and record["application"] == "o2gmentor"
    alice.close()
    alice.close()  # twice: nothing to close the second time
    closed = [r for r in SimControl(fresh_sim.info).sessions() if r["login"] == "oxe1001"][-1]
    assert closed["closedBy"] == "logout"


def test_closing_a_session_the_o2g_already_ended_is_quiet(fresh_sim):
    alice = _client(fresh_sim).connect()
    SimControl(fresh_sim.info).expire_sessions("oxe1001")
    alice.close()
    assert not alice.connected


def test_a_wrong_password_says_which_login_was_refused(fresh_sim):
    with pytest.raises(O2GError) as err:
        O2G(fresh_sim.info.address, "oxe1001", "wrong", ca_bundle=str(fresh_sim.ca_path)).connect()
    assert err.value.status == 401 and "refused the login 'oxe1001'" in err.value.hint


def test_a_gateway_without_api_1_0_is_refused_at_connect(web):
    web.script["/api/rest"] = (200, JSON, b'{"versions": [{"id": "2.0", "internalUrl": "x"}]}')
    client = O2G(web.url.removeprefix("http://"), "oxe1001", "1001")
    client.transport.request = lambda method, url, **kw: Transport.request(  # the scripted server speaks HTTP
        client.transport, method, url.replace("https://", "http://"), **kw)
    with pytest.raises(O2GError) as err:
        client.connect()
    assert err.value.status == 404 and "API version 1.0 is not offered" in err.value.message


def test_a_request_drops_empty_parameters_and_sends_the_rest(fresh_sim):
    with _client(fresh_sim, "admin") as admin:
        logins = admin.request("GET", "logins", params={"companyPhone": None}, expect_json=True)
        assert "oxe1002" in logins["loginNames"]
        answer = admin.request("GET", "users", params={"companyPhone": "1002", "unused": None}, expect_json=True)
        assert answer["loginName"] == "oxe1002"


def test_user_info_is_cached_until_the_next_session(fresh_sim):
    with _client(fresh_sim) as alice:
        first = alice.user_info()
        assert first["loginName"] == "oxe1001" and alice.user_info() is first
        assert alice.default_device() == "1001"
        alice.reconnect()
        assert alice.user_info() is not first and alice.connected


def test_the_default_device_is_the_first_set_else_the_company_phone(fresh_sim):
    with _client(fresh_sim) as alice:
        alice._user_cache["ghost"] = {"devices": [], "companyPhone": "1099"}  # noqa: SLF001
        assert alice.default_device("ghost") == "1099"
        alice._user_cache["agent"] = {"devices": [{"id": "2101"}, {"id": "2001"}], "companyPhone": "2001"}  # noqa: SLF001
        assert alice.default_device("agent") == "2101"


def test_entering_a_connected_client_keeps_its_session(fresh_sim):
    alice = _client(fresh_sim).connect()
    with alice as same:
        assert same is alice
        opened = [r for r in SimControl(fresh_sim.info).sessions() if r["login"] == "oxe1001" and r["open"]]
        assert len(opened) == 1


def test_a_refusal_other_than_401_403_never_logs_in_again(fresh_sim):
    alice = _client(fresh_sim).connect()
    with pytest.raises(O2GError) as err:
        alice.request("GET", "users", "/nobody-here", expect_json=True)
    assert err.value.status in (403, 404)
    with pytest.raises(O2GError) as err:
        alice.request("POST", "telephony", "/calls", json_body={"deviceId": "1001", "callee": "12"})
    assert err.value.status == 400
    assert len([r for r in SimControl(fresh_sim.info).sessions() if r["login"] == "oxe1001" and r["open"]]) == 1


def test_a_lone_client_without_a_password_does_not_log_in_again(fresh_sim):
    alice = _client(fresh_sim).connect()
    alice._password.value = ""  # noqa: SLF001 - as if no password had been given
    SimControl(fresh_sim.info).expire_sessions("oxe1001")
    with pytest.raises(O2GError) as err:
        alice.users.get()
    assert err.value.status in (401, 403) and "refused the login" not in err.value.hint
    assert alice.connected, "no attempt to log in again (which would have dropped the session's data)"


def test_a_failed_login_again_leaves_a_client_that_says_so(fresh_sim):
    alice = _client(fresh_sim).connect()
    alice._password.value = "no-longer-right"  # noqa: SLF001
    with pytest.raises(O2GError):
        alice.reconnect()
    assert not alice.connected and not alice.is_admin and "not connected" in repr(alice)


def test_every_service_facade_works_on_this_client(fresh_sim):
    names = ["users", "telephony", "routing", "eventsummary", "comlog", "voicemail", "directory", "phone_set",
             "system", "pbx_management", "user_management", "analytics", "agent", "pilots", "realtime",
             "statistics", "ccd_management", "rsi"]
    alice = _client(fresh_sim)
    for name in names:
        assert getattr(alice, name).o2g is alice, name


# ------------------------------------------------------------------------------------------------ the event stream
def _eventually(check, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not within 5 s"
        time.sleep(0.02)


def test_a_stream_watches_the_named_users_and_stops_cleanly(connect, fresh_sim):
    admin = connect("admin")
    with admin.subscribe({"telephony": ["oxe1001", "oxe1002"]}) as stream:
        assert stream.selectors == [{"ids": ["oxe1001", "oxe1002"], "names": ["telephony"]}]
        assert re.fullmatch(r"EventStream\(telephony; live; \d+ events\)", repr(stream)), repr(stream)
        SimControl(fresh_sim.info).dial("1001", "1002")
        stream.wait_for("OnCallCreated", loginName="oxe1001")
        stream.wait_for("OnCallCreated", loginName="oxe1002")
        polling = stream.polling_url
    assert stream.subscription_id is None and not stream.connected.is_set()
    assert repr(stream).startswith("EventStream(telephony; not connected; ")
    both = EventStream(admin, {"user": ["oxe1001"], "telephony": ["oxe1001"]})
    assert repr(both) == "EventStream(telephony, user; not connected; 0 events)"
    both.stop()  # never started: nothing to stop, no error
    assert requests.post(polling, verify=str(fresh_sim.ca_path)).status_code == 404, "the subscription is deleted"


def test_a_list_of_packages_applies_the_same_ids_to_each(connect):
    alice = connect("oxe1001")
    stream = EventStream(alice, ["telephony", "user"], ["oxe1001"])
    assert stream.selectors == [{"ids": ["oxe1001"], "names": ["telephony"]},
                                {"ids": ["oxe1001"], "names": ["user"]}]
    assert EventStream(alice, ["telephony"]).selectors == [{"ids": [], "names": ["telephony"]}]


def test_wait_for_returns_each_event_once_and_only_after_the_mark(connect, fresh_sim):
    alice = connect("oxe1001")
    control = SimControl(fresh_sim.info)
    stream = alice.subscribe(["telephony"])
    control.dial("1002", "1001")
    first = stream.wait_for("OnCallCreated")
    control.hangup("1002")
    stream.wait_for("OnCallRemoved")
    with pytest.raises(TimeoutError) as err:
        stream.wait_for("OnCallCreated", timeout=0.2)  # the one seen was already returned
    assert str(err.value) == "no OnCallCreated() within 0.2 s"
    stream.mark()
    control.dial("1003", "1001")
    second = stream.wait_for("OnCallCreated")
    assert second["callRef"] != first["callRef"]
    with pytest.raises(TimeoutError) as err:
        stream.wait_for("OnCallRemoved", timeout=0.1, callRef=first["callRef"])  # before the mark
    assert "callRef=" in str(err.value)
    assert "OnCallCreated" in stream.names() and stream.queue.qsize() == len(stream.events)
    stream.stop()


def test_callbacks_can_be_removed_and_a_broken_one_does_not_stop_the_others(connect, fresh_sim):
    alice = connect("oxe1001")
    got, removed = [], []

    def broken(event):
        raise RuntimeError("a bug in the application")

    stream = alice.subscribe(["telephony"], on_event=broken)
    stream.on(lambda e: got.append(e["eventName"]))
    stream.on(removed.append)
    stream.off(removed.append)
    stream.off(print)  # never registered: nothing happens
    SimControl(fresh_sim.info).dial("1002", "1001")
    stream.wait_for("OnCallCreated")
    _eventually(lambda: "OnCallCreated" in got)  # callbacks run just after the event is stored
    assert removed == []
    assert stream.connected.is_set()
    stream.stop()


def test_an_application_that_never_reads_the_queue_keeps_the_newest_events(connect, fresh_sim, monkeypatch):
    monkeypatch.setattr(events_module, "HISTORY", 3)
    alice = connect("oxe1001")
    stream = alice.subscribe(["telephony"])
    control = SimControl(fresh_sim.info)
    control.dial("1002", "1001")
    control.hangup("1002")
    stream.wait_for("OnCallRemoved")
    last = list(stream.events)
    assert len(last) == 3 and last[-1]["eventName"] == "OnCallRemoved"
    with pytest.raises(TimeoutError):
        stream.wait_for("OnDeviceStateModified", timeout=0.1)  # fell out of the history: not found, no crash
    queued = [stream.queue.get_nowait() for _ in range(stream.queue.qsize())]
    assert queued == last
    stream.stop()


def test_reconnect_callbacks_run_after_a_loss_not_at_the_start(connect, fresh_sim):
    alice = connect("oxe1001")
    stream = EventStream(alice, ["telephony"])
    back, gone = [], []
    stream.on_reconnect(back.append)
    stream.on_reconnect(gone.append)
    stream.off_reconnect(gone.append)
    stream.off_reconnect(print)

    def broken(_stream):
        raise RuntimeError("a bug in the application")

    stream.on_reconnect(broken)
    stream.start()
    assert back == [] and stream.reconnects == 0
    stream.drop_connection()
    deadline = time.monotonic() + 5
    while not back and time.monotonic() < deadline:
        time.sleep(0.02)
    assert back == [stream] and gone == [] and stream.reconnects >= 1
    SimControl(fresh_sim.info).dial("1002", "1001")
    stream.wait_for("OnCallCreated")
    stream.stop()


def test_a_refused_subscription_is_an_o2g_error(connect):
    alice = connect("oxe1001")
    with pytest.raises(O2GError) as err:
        alice.subscribe({"telephony": ["oxe1002"]})
    assert err.value.status == 403


def test_a_channel_that_never_opens_is_a_connection_error_and_the_subscription_is_removed(connect, fresh_sim,
                                                                                          monkeypatch):
    alice = connect("oxe1001")
    stream = EventStream(alice, ["telephony"])
    monkeypatch.setattr(stream, "_run", lambda: None)  # a reader that never sees OnChannelInformation
    with pytest.raises(O2GConnectionError) as err:
        stream.start(timeout=0.3)
    assert err.value.reason == "no OnChannelInformation within 0.3 s"
    assert err.value.hint == "the event channel did not open; check the gateway's event port/URL"
    assert err.value.url == stream.polling_url and stream.polling_url.startswith("https://")
    assert stream.subscription_id is None


def test_subscribe_passes_ids_and_the_callback_and_reads_in_a_background_thread(connect, fresh_sim):
    admin = connect("admin")
    got = []
    stream = admin.subscribe(["telephony"], ["oxe1002"], on_event=got.append)
    assert stream.selectors == [{"ids": ["oxe1002"], "names": ["telephony"]}]
    readers = [t for t in threading.enumerate() if t.name == "o2g-events"]
    assert readers and all(t.daemon for t in readers), "a forgotten stream never keeps Python from exiting"
    SimControl(fresh_sim.info).dial("1003", "1002")
    stream.wait_for("OnCallCreated", loginName="oxe1002")
    _eventually(lambda: any(e.get("eventName") == "OnCallCreated" for e in got))
    stream.stop()


class _ScriptedO2G:
    """Just enough of an O2G for an EventStream: subscribe answers what the test says; the channel is a URL of
    the scripted HTTP server."""

    connected = True

    def __init__(self, answer: dict) -> None:
        self.answer, self.sent = answer, []
        self.transport = Transport()

    def request(self, method, service, path="", **kwargs):
        self.sent.append((method, service, path, kwargs))
        return self.answer

    def service_url(self, key):
        return f"https://o2g.example/api/rest/1.0/{key}"


def test_the_stream_subscribes_as_the_sdks_do_and_reads_the_channel_without_a_cookie(web):
    lines = [{"eventName": "OnChannelInformation", "text": "Chunk started"}, "not json at all",
             {"eventName": "OnCallCreated", "n": 1}, {"eventName": "OnCallRemoved", "n": 2}]
    web.script["/events/s1"] = (200, JSON, b"\n".join(
        line.encode() if isinstance(line, str) else json.dumps(line).encode() for line in lines) + b"\n")
    o2g = _ScriptedO2G({"status": "ACCEPTED", "subscriptionId": "s1", "privatePollingUrl": web.url + "/events/s1"})
    stream = EventStream(o2g, {"telephony": ["oxe1001"]})
    stream.start()
    stream.wait_for("OnCallRemoved", n=2)
    assert stream.names()[:2] == ["OnCallCreated", "OnCallRemoved"], "a line that is not JSON is skipped, no more"
    method, service, path, kwargs = o2g.sent[0]
    assert (method, service, path) == ("POST", "subscriptions", "")
    assert kwargs["json_body"] == {"filter": {"selectors": [{"ids": ["oxe1001"], "names": ["telephony"]}]},
                                   "version": "1.0", "timeout": 0}
    channel_request = next(h for m, p, h, _ in web.seen if p == "/events/s1")
    assert channel_request["Accept"] == "application/json" and "Cookie" not in channel_request
    stream._stop.set()  # noqa: SLF001 - stop without deleting anything on the scripted O2G
    stream.stop()


def test_a_channel_answering_an_error_is_noted_with_its_status_and_url(web):
    web.script["/events/s2"] = (500, JSON, b'{"helpMessage": "broken"}')
    o2g = _ScriptedO2G({"status": "ACCEPTED", "subscriptionId": "s2", "privatePollingUrl": web.url + "/events/s2"})
    stream = EventStream(o2g, ["telephony"])
    with pytest.raises(O2GConnectionError):
        stream.start(timeout=0.5)
    assert stream.last_error.startswith(f"O2GError: POST {web.url}/events/s2 → 500")


def test_a_refused_subscription_says_why(web):
    o2g = _ScriptedO2G({"status": "REFUSED", "message": "too many subscriptions"})
    with pytest.raises(O2GError) as err:
        EventStream(o2g, ["telephony"]).start()
    assert (err.value.status, err.value.method, err.value.url) == (
        403, "POST", "https://o2g.example/api/rest/1.0/subscriptions")
    assert err.value.message == "subscription refused: REFUSED too many subscriptions"
