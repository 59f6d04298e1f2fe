"""The client keeps its promises: only ``O2GError``/``O2GConnectionError``, ``Retry-After`` honoured, a lone
``O2G`` logs in again after its session is gone, TLS checked on every channel and download, keep-alives that
really keep a session alive (both sides)."""

from __future__ import annotations

import threading
import time

import pytest

from o2gmentor.client import O2G, O2GConnectionError, O2GError
from o2gmentor.client.events import EventStream
from o2gmentor.client.session import Secret
from o2gmentor.course.standins import start_standin
from o2gmentor.sim.api.sessions import COOKIE, Session
from o2gmentor.sim.control_client import SimControl


def _client(sim, login: str, **kwargs) -> O2G:
    password = sim.state.pbx.site.users[login].password
    return O2G(sim.info.address, login, password, ca_bundle=str(sim.ca_path), **kwargs)


# ------------------------------------------------------------------ only the promised exceptions
def test_a_request_during_a_relogin_waits_for_it_instead_of_a_bare_runtime_error(connect, monkeypatch):
    alice = connect("oxe1001")
    slow_discover = alice.discover

    def slow() -> dict:
        time.sleep(0.6)  # the relogin holds the session empty for a while
        return slow_discover()

    monkeypatch.setattr(alice, "discover", slow)
    relogin = threading.Thread(target=alice.reconnect)
    relogin.start()
    time.sleep(0.2)
    assert not alice.connected, "the relogin is under way"
    assert alice.users.get()["loginName"] == "oxe1001", "the request waited for the new session"
    relogin.join(5)


def test_a_client_that_never_connected_raises_a_connection_error_with_a_hint(fresh_sim):
    client = _client(fresh_sim, "oxe1002")
    with pytest.raises(O2GConnectionError) as err:
        client.users.get()
    assert "connect()" in err.value.hint


def test_rest_calls_while_the_stream_logs_in_again_raise_only_promised_errors(connect, fresh_sim):
    alice = connect("oxe1001")
    events = alice.subscribe(["telephony"])
    control = SimControl(fresh_sim.info)
    surprises: list[BaseException] = []
    done = threading.Event()

    def hammer() -> None:
        while not done.is_set():
            try:
                alice.users.get()
            except (O2GError, O2GConnectionError):
                pass
            except Exception as exc:  # noqa: BLE001 - exactly what must never happen
                surprises.append(exc)

    worker = threading.Thread(target=hammer)
    worker.start()
    try:
        for _ in range(3):
            control.expire_sessions("oxe1001")
            time.sleep(0.4)
    finally:
        done.set()
        worker.join(10)
    assert not surprises, f"not an O2GError/O2GConnectionError: {surprises[:3]!r}"
    assert events.connected.wait(10)
    assert alice.users.get()["loginName"] == "oxe1001"


# ------------------------------------------------------------------ Retry-After
def test_the_event_stream_comes_back_when_retry_after_says(connect, fresh_sim):
    alice = connect("oxe1001")
    events = alice.subscribe(["telephony"])
    control = SimControl(fresh_sim.info)
    start = time.monotonic()
    control.unavailable(2)  # 503 with Retry-After to everything for 2 s; channels cut
    deadline = start + 5
    while events.connected.is_set() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert events.connected.wait(10), "the stream came back"
    late = time.monotonic() - (start + 2)
    assert late < 0.8, f"the stream came back {late:.2f} s after the O2G did (Retry-After not honoured)"
    assert events.reconnects <= 3, "it waited as told instead of knocking again and again"
    ref = connect("oxe1002").telephony.make_call("1001")
    events.wait_for("OnCallCreated", callRef=ref)


def test_a_503_carries_retry_after_into_the_error(connect, fresh_sim):
    alice = connect("oxe1001")
    SimControl(fresh_sim.info).unavailable(3)
    with pytest.raises(O2GError) as err:
        alice.users.get()
    assert err.value.status == 503 and err.value.retry_after in (2.0, 3.0)


# ------------------------------------------------------------------ a lone O2G logs in again
def test_a_lone_o2g_logs_in_again_once_after_its_session_expired(fresh_sim):
    client = _client(fresh_sim, "oxe1003", keepalive=False).connect()
    try:
        first = client.session_info["creationDate"], client._generation  # noqa: SLF001
        SimControl(fresh_sim.info).expire_sessions("oxe1003")
        assert client.users.get()["loginName"] == "oxe1003"
        assert client._generation == first[1] + 1, "one new login"  # noqa: SLF001
    finally:
        client.close()


def test_a_lone_o2g_logs_in_again_on_a_403_for_a_session_that_is_gone(fresh_sim):
    client = _client(fresh_sim, "oxe1003", keepalive=False).connect()
    try:
        token = client.transport.http.cookies.get(COOKIE)
        store = fresh_sim.state.sessions
        fresh_sim.call(lambda: store.close(store.sessions[token], keep_credential=True, reason="expired"))
        generation = client._generation  # noqa: SLF001
        assert client.routing.state() is not None  # 403 "the session doesn't exist" → log in again → retried
        assert client._generation == generation + 1  # noqa: SLF001
    finally:
        client.close()


def test_a_refusal_is_not_taken_for_a_lost_session(connect):
    alice = connect("oxe1001")
    generation = alice._generation  # noqa: SLF001
    with pytest.raises(O2GError) as err:
        alice.telephony.make_call("1003", device="1002")  # another user's device: 403, the session is fine
    assert err.value.status == 403
    assert alice._generation == generation, "no new login for a refusal"  # noqa: SLF001


def test_a_changed_password_fails_once_with_the_login_hint_not_in_a_loop(fresh_sim, monkeypatch):
    client = _client(fresh_sim, "oxe1003", keepalive=False).connect()
    logins = []
    original = client.connect
    monkeypatch.setattr(client, "connect", lambda: logins.append(1) or original())
    client._password = Secret("not-the-password")  # noqa: SLF001 - as if it had changed on the O2G
    SimControl(fresh_sim.info).expire_sessions("oxe1003")
    with pytest.raises(O2GError) as err:
        client.users.get()
    assert err.value.status == 401 and "password" in err.value.hint
    assert len(logins) == 1, "one attempt to log in again, no loop"


# ------------------------------------------------------------------ the event stream logs in again on 403
class _FakeO2G:
    """Enough of an O2G for ``EventStream._recover_subscription``: the subscription is refused until a login."""

    def __init__(self, status: int) -> None:
        self.status, self.logins, self.connected = status, 0, True

    def request(self, method, service, path="", **kwargs):
        if self.logins == 0:
            raise O2GError(self.status, method, "https://o2g/api/rest/1.0/subscriptions", {"helpMessage": "gone"})
        return {"status": "ACCEPTED", "subscriptionId": "s2", "privatePollingUrl": "https://o2g/events/s2"}

    def reconnect(self):
        self.logins += 1
        return self

    def service_url(self, key):
        return "https://o2g/api/rest/1.0/subscriptions"


@pytest.mark.parametrize("status", [401, 403])
def test_the_stream_logs_in_again_when_subscribing_is_refused_for_a_lost_session(status):
    o2g = _FakeO2G(status)
    stream = EventStream(o2g, ["telephony"])
    stream._recover_subscription()  # noqa: SLF001
    assert o2g.logins == 1 and stream.subscription_id == "s2"


def test_the_stream_does_not_log_in_again_for_other_refusals():
    o2g = _FakeO2G(404)
    with pytest.raises(O2GError):
        EventStream(o2g, ["telephony"])._recover_subscription()  # noqa: SLF001
    assert o2g.logins == 0


# ------------------------------------------------------------------ TLS on every channel and download
@pytest.fixture(scope="module")
def stranger():
    """An HTTPS server whose certificate the course CA did not sign."""
    with start_standin("healthy") as server:
        yield server


def test_the_event_channel_refuses_a_certificate_its_ca_did_not_sign(connect, stranger):
    alice = connect("oxe1001")
    stream = EventStream(alice, ["telephony"])
    stream.polling_url = f"https://{stranger.host}/api/rest/1.0/events/abc"
    with pytest.raises(Exception) as err:  # noqa: PT011 - the reader turns any failure into a reconnect
        stream._read_channel()  # noqa: SLF001
    assert "SSL" in repr(err.value) or "certificate" in str(err.value).lower(), repr(err.value)


def test_voice_mail_downloads_refuse_a_certificate_their_ca_did_not_sign(connect, stranger, monkeypatch):
    from o2gmentor.client.voicemail import Voicemail

    bruno = connect("oxe1002")
    monkeypatch.setattr(Voicemail, "mailbox_id", lambda self, login=None: "VM4635_1002")  # only the download
    bruno.services["voicemail"] = f"https://{stranger.host}/api/rest/1.0/messaging/mailboxes"
    with pytest.raises(O2GConnectionError) as err:
        bruno.voicemail.download("1")
    assert "TLS" in str(err.value)


def test_statistics_downloads_refuse_a_certificate_their_ca_did_not_sign(connect, stranger):
    bruno = connect("oxe1002")
    bruno.services["acd statistics"] = f"https://{stranger.host}/api/rest/1.0/acdstats"
    with pytest.raises(O2GConnectionError) as err:
        bruno.statistics.download("/api/rest/1.0/acdstats/files/report.zip")
    assert "TLS" in str(err.value)


def test_without_a_ca_bundle_the_system_store_decides_and_refuses_the_course_ca(fresh_sim):
    client = O2G(fresh_sim.info.address, "oxe1004", "1004", ca_bundle=None)
    assert client.transport.verify is True
    with pytest.raises(O2GConnectionError) as err:
        client.connect()
    assert "TLS" in str(err.value)
    with pytest.raises(O2GConnectionError):
        client.transport.download(f"https://{fresh_sim.info.address}/api/rest")


# ------------------------------------------------------------------ keep-alive, both sides
def test_requests_and_keepalives_keep_a_session_alive_well_past_ttl_and_grace(fresh_sim):
    """The simulator's side: each keep-alive or request starts the TTL again (stepped sessions clock)."""
    client = _client(fresh_sim, "oxe1005", keepalive=False).connect()
    try:
        ttl = client.session_info["timeToLive"]
        generation = client._generation  # noqa: SLF001
        clock = fresh_sim.state.sessions.clock
        for _ in range(4):  # 3.6 × TTL in all: far beyond TTL + grace
            fresh_sim.call(clock.advance, 0.9 * ttl)
            client.keepalive()
        for _ in range(4):
            fresh_sim.call(clock.advance, 0.9 * ttl)
            client.users.get()
        assert client._generation == generation, "the same session all along"  # noqa: SLF001
        fresh_sim.call(clock.advance, 2 * ttl)
        with pytest.raises(O2GError):
            client.keepalive()  # and without them it does expire
    finally:
        client.close()


def test_the_client_keeps_alive_at_nine_tenths_of_the_ttl(fresh_sim, monkeypatch):
    """The client's side: the interval it uses, and a short-lived session kept alive through several TTLs
    with the simulator's grace margin cut to half a second (so the margin alone cannot save it)."""
    client = _client(fresh_sim, "oxe1006")
    client.connect()
    try:
        assert client.keepalive_period == pytest.approx(0.9 * client.session_info["timeToLive"])
    finally:
        client.close()
    monkeypatch.setattr(fresh_sim.state, "session_ttl", 2)
    monkeypatch.setattr(Session, "dead_at", lambda self: self.expires_at() + 0.5)
    client = _client(fresh_sim, "oxe1006").connect()
    try:
        assert client.keepalive_period == pytest.approx(1.8)
        generation = client._generation  # noqa: SLF001
        time.sleep(6)  # three TTLs idle: only keep-alives every 1.8 s keep it (it dies 2.5 s after the last)
        assert client.last_keepalive_error is None
        assert client.users.get()["loginName"] == "oxe1006"
        assert client._generation == generation, "kept alive, not logged in again"  # noqa: SLF001
    finally:
        client.close()
