"""The event stream's rules, against a scripted plain-HTTP event channel: which lines are events, how a lost
channel is reopened (the pauses between attempts, Retry-After, subscribing again after a 401/403/404), what
``last_error``/``reconnects``/the reconnect callbacks say, how ``stop()``/``drop_connection()`` end a silent
channel, and what ``wait_for``/``names()`` give back."""

from __future__ import annotations

import json
import logging
import select
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from o2gmentor.client import O2GConnectionError
from o2gmentor.client import events as events_module
from o2gmentor.client.events import EventStream
from o2gmentor.client.transport import Transport

INFO = {"eventName": "OnChannelInformation", "text": "Chunk started"}


# ------------------------------------------------------------------------------------------------ a scripted channel
def opened(*steps, then: str = "hold") -> dict:
    """A 200 channel sending ``steps`` (events, raw lines, or threading.Event gates to wait for), then either
    holding the channel open and silent (``hold``) or ending it (``end``)."""
    return {"status": 200, "steps": steps, "then": then}


def refused(status: int, **headers: str) -> dict:
    return {"status": status, "headers": headers}


class Channel(BaseHTTPRequestHandler):
    """Plays the plans the test put in ``server.plans[path]``, one per request (the last one repeats)."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with server.lock:
            server.seen.append((time.monotonic(), self.command, self.path, dict(self.headers)))
            plans = server.plans.get(self.path) or [refused(404)]
            plan = plans.pop(0) if len(plans) > 1 else plans[0]
            closing = server.closing
        self.close_connection = True
        try:
            self._play(plan, closing)
        except OSError:  # the client went away
            pass

    def _play(self, plan: dict, closing: threading.Event) -> None:
        self.send_response(plan["status"])
        for key, value in plan.get("headers", {}).items():
            self.send_header(key.replace("_", "-"), value)
        if plan["status"] != 200:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for step in plan["steps"]:
            if isinstance(step, threading.Event):
                step.wait(5)
                continue
            data = (step if isinstance(step, str) else json.dumps(step)).encode() + b"\n"
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        if plan["then"] == "hold":  # silent until the client hangs up (or the test ends)
            while not closing.is_set():
                readable, _, _ = select.select([self.connection], [], [], 0.05)
                if readable and not self.connection.recv(1):
                    return
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def channel_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Channel)
    server.daemon_threads = True
    server.lock, server.plans, server.seen, server.closing = threading.Lock(), {}, [], threading.Event()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.closing.set()
    server.shutdown()


@pytest.fixture()
def gw(channel_server):
    """The scripted channel server, with no plan and no request of an earlier test."""
    with channel_server.lock:
        channel_server.plans.clear()
        channel_server.seen.clear()
        channel_server.closing = threading.Event()
    yield channel_server
    channel_server.closing.set()  # releases any channel still held


def requests_to(server, path: str) -> list[tuple]:
    with server.lock:
        return [seen for seen in server.seen if seen[2] == path]


class FakeO2G:
    """Just enough of an O2G for an EventStream: each ``POST subscriptions`` is accepted with the next id of
    ``ids`` (the last one repeats), its polling URL on the scripted server; every request is noted."""

    connected = True

    def __init__(self, base: str, ids=("s1",), polling_url: str | None = None) -> None:
        self.base, self.ids, self.polling_url, self.sent = base, list(ids), polling_url, []
        self.transport = Transport()

    def request(self, method, service, path="", **kwargs):
        self.sent.append((method, service, path))
        if method != "POST":
            return None
        sid = self.ids[min(len(self.subscriptions()), len(self.ids)) - 1]
        url = self.polling_url if self.polling_url is not None else f"{self.base}/events/{sid}"
        return {"status": "ACCEPTED", "subscriptionId": sid, "privatePollingUrl": url}

    def subscriptions(self) -> list[tuple]:
        return [sent for sent in self.sent if sent[:2] == ("POST", "subscriptions")]

    def service_url(self, key):
        return f"https://o2g.example/api/rest/1.0/{key}"


class PauseRecorder(threading.Event):
    """Stands in for a stream's stop event: notes each pause the reader takes between two attempts and skips it
    (so a test sees the whole schedule at once); after ``limit`` pauses it stops the reader."""

    def __init__(self, limit: int = 40) -> None:
        super().__init__()
        self.pauses: list[float | None] = []
        self.limit = limit

    def wait(self, timeout: float | None = None) -> bool:
        if not self.is_set():
            self.pauses.append(timeout)
            if len(self.pauses) >= self.limit:
                self.set()
        return self.is_set()


@pytest.fixture()
def make_stream(gw):
    """``make_stream(ids=..., fake_pauses=...)`` → (stream, o2g); every stream is stopped after the test."""
    made: list[EventStream] = []

    def make(ids=("s1",), *, fake_pauses: bool = False, polling_url: str | None = None, **kwargs):
        o2g = FakeO2G(gw.url, ids, polling_url)
        stream = EventStream(o2g, {"telephony": ["oxe1001"]}, **kwargs)
        if fake_pauses:
            stream._stop = PauseRecorder()  # noqa: SLF001 - the reader's clock, to read its pauses
        made.append(stream)
        return stream, o2g

    yield make
    for stream in made:
        stream.stop()


def eventually(check, timeout: float = 5.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.01)


# ------------------------------------------------------------------------------------------------ state and lines
def test_a_stream_not_started_has_no_subscription_url_or_error_and_stopping_it_sends_nothing(make_stream):
    stream, o2g = make_stream()
    assert stream.subscription_id is None and stream.polling_url is None and stream.last_error is None
    assert stream.reconnects == 0 and stream.names() == [] and not stream.connected.is_set()
    stream.stop()
    assert o2g.sent == [], "nothing to delete on the O2G"
    assert stream.subscription_id is None


def test_blank_lines_are_skipped_and_an_event_without_a_name_is_listed_as_a_question_mark(gw, make_stream):
    gw.plans["/events/s1"] = [opened(INFO, "", {"eventName": "OnCallCreated", "n": 1}, "   ", {"callRef": "c1"},
                                     "", {"eventName": "OnCallRemoved", "n": 2})]
    stream, o2g = make_stream()
    stream.start(timeout=5)
    assert stream.last_error is None, "a healthy channel leaves no error"
    stream.wait_for("OnCallRemoved", n=2)
    assert stream.names() == ["OnCallCreated", "?", "OnCallRemoved"]
    assert stream.reconnects == 0 and len(requests_to(gw, "/events/s1")) == 1, "a blank line is no end of channel"
    assert len(o2g.subscriptions()) == 1, "one subscription for one start"


def test_a_stream_without_a_callback_logs_no_error_for_its_events(gw, make_stream, caplog):
    gw.plans["/events/s1"] = [opened(INFO, {"eventName": "OnCallCreated"}, {"eventName": "OnCallRemoved"})]
    stream, _ = make_stream()
    with caplog.at_level(logging.DEBUG, logger="o2gmentor.client.events"):
        stream.start(timeout=5)
        stream.wait_for("OnCallRemoved")
        stream.stop()  # the reader is done with both events
    problems = [r for r in caplog.records if r.name == "o2gmentor.client.events" and r.levelno >= logging.WARNING]
    assert problems == []


# ------------------------------------------------------------------------------------------------ losses and pauses
def test_failed_attempts_back_off_doubling_up_to_ten_seconds_and_a_live_channel_is_reopened_at_once(gw,
                                                                                                  make_stream):
    back = threading.Event()
    gw.plans["/events/s1"] = [refused(500)] * 7 + [opened(INFO, then="end"), refused(500), opened(INFO)]
    stream, o2g = make_stream(fake_pauses=True)
    stream.on_reconnect(lambda s: back.set())
    stream.start(timeout=5)
    assert back.wait(5), "the channel came back"
    assert stream._stop.pauses == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0,  # noqa: SLF001
                                   0.05,  # a live channel ended: at once
                                   0.5]  # a failure after a live channel: the back-off starts again
    assert stream.reconnects == 9 and len(requests_to(gw, "/events/s1")) == 10
    assert len(o2g.subscriptions()) == 1, "a 500 is no reason to subscribe again"


def test_retry_after_is_waited_as_told_then_the_back_off_starts_again(gw, make_stream):
    gw.plans["/events/s1"] = [refused(500), refused(500), refused(503, Retry_After="0.25"), refused(500),
                              opened(INFO)]
    stream, _ = make_stream(fake_pauses=True)
    stream.start(timeout=5)
    assert stream._stop.pauses == [0.5, 1.0, 0.25, 0.5]  # noqa: SLF001
    assert stream.reconnects == 4


def test_the_end_of_a_channel_is_noted_and_counted_each_time(gw, make_stream):
    gw.plans["/events/s1"] = [opened(INFO, then="end"), opened(INFO, then="end"), opened(INFO)]
    stream, _ = make_stream()
    calls = []
    stream.on_reconnect(calls.append)
    stream.start(timeout=5)
    eventually(lambda: len(calls) == 2, what="two reconnections")
    assert stream.reconnects == 2 and calls == [stream, stream]
    assert stream.last_error == "ConnectionError: the event channel ended"
    started = [t for t, *_ in requests_to(gw, "/events/s1")]
    assert started[2] - started[1] < 0.4, "a live channel that ended is reopened at once"


def test_last_error_is_kept_to_300_characters(gw, make_stream):
    long_path = "/events/" + "x" * 400
    gw.plans[long_path] = [refused(500), opened(INFO)]
    stream, _ = make_stream(fake_pauses=True, polling_url=gw.url + long_path)
    stream.start(timeout=5)
    assert stream.last_error.startswith(f"O2GError: POST {gw.url}/events/xxx")
    assert len(stream.last_error) == 300


@pytest.mark.parametrize("status", [401, 403, 404])
def test_a_channel_refused_as_gone_subscribes_again_then_keeps_the_new_subscription(gw, make_stream, status):
    gw.plans["/events/s1"] = [refused(status)]
    gw.plans["/events/s2"] = [opened(INFO, then="end"), opened(INFO, {"eventName": "OnCallCreated"})]
    stream, o2g = make_stream(ids=("s1", "s2", "s3"), fake_pauses=True)
    stream.start(timeout=5)
    assert stream.subscription_id == "s2" and stream.polling_url == gw.url + "/events/s2"
    stream.wait_for("OnCallCreated")
    assert len(requests_to(gw, "/events/s2")) == 2
    assert len(o2g.subscriptions()) == 2, "the lost live channel is reopened on the same subscription"
    assert len(requests_to(gw, "/events/s1")) == 1


def test_a_channel_that_stays_silent_past_the_read_timeout_is_reopened(gw, make_stream, monkeypatch):
    monkeypatch.setattr(events_module, "READ_TIMEOUT", 0.3)
    gw.plans["/events/s1"] = [opened(INFO)]
    stream, _ = make_stream()
    stream.start(timeout=5)
    eventually(lambda: len(requests_to(gw, "/events/s1")) >= 2, what="a second channel")
    eventually(lambda: stream.last_error is not None, what="the error noted")
    assert stream.last_error.startswith("ConnectionError: ") and "timed out" in stream.last_error


def test_a_gateway_accepting_without_a_polling_url_is_a_connection_error_naming_no_url(make_stream):
    stream, _ = make_stream(polling_url="")
    with pytest.raises(O2GConnectionError) as err:
        stream.start(timeout=0.3)
    assert err.value.url == "?" and err.value.reason == "no OnChannelInformation within 0.3 s"


# ------------------------------------------------------------------------------------------------ reconnect callbacks
def test_reconnect_callbacks_run_once_per_new_channel_before_its_events_and_not_for_a_repeated_information(
        gw, make_stream):
    gw.plans["/events/s1"] = [opened(INFO, INFO, {"eventName": "A"}, then="end"), opened(INFO, {"eventName": "B"})]
    order = []
    stream, _ = make_stream(on_event=lambda e: order.append(e["eventName"]))
    stream.on_reconnect(lambda s: order.append("reconnected"))
    stream.start(timeout=5)
    stream.wait_for("B")
    eventually(lambda: "B" in order, what="the callback for B")
    assert order == ["A", "reconnected", "B"]


# ------------------------------------------------------------------------------------------------ stopping, dropping
def test_drop_connection_cuts_a_silent_channel_at_once_and_stop_ends_it_promptly(gw, make_stream):
    gw.plans["/events/s1"] = [opened(INFO)]
    stream, o2g = make_stream()
    stream.start(timeout=5)
    stream.drop_connection()
    eventually(lambda: len(requests_to(gw, "/events/s1")) == 2, timeout=2, what="the channel reopened")
    eventually(stream.connected.is_set, timeout=2, what="the channel up again")
    began = time.monotonic()
    stream.stop()
    assert time.monotonic() - began < 2, "stop() does not wait for the silent channel's next line"
    assert not stream.connected.is_set() and stream.subscription_id is None
    assert o2g.sent[-1] == ("DELETE", "subscriptions", "/s1")


def test_stop_waits_for_a_running_callback_to_finish(gw, make_stream):
    gw.plans["/events/s1"] = [opened(INFO, {"eventName": "Slow"})]
    started, release, finished = threading.Event(), threading.Event(), []

    def slow(event):
        started.set()
        release.wait(2)
        finished.append(event["eventName"])

    stream, _ = make_stream(on_event=slow)
    stream.start(timeout=5)
    assert started.wait(5)
    threading.Timer(0.3, release.set).start()
    stream.stop()
    assert finished == ["Slow"], "stop() returned while the callback was still running"


def test_a_callback_can_stop_its_own_stream(gw, make_stream):
    gw.plans["/events/s1"] = [opened(INFO, {"eventName": "Enough"}, {"eventName": "After"})]
    stream, o2g = make_stream()
    done = threading.Event()

    def stop_here(event):
        stream.stop()
        done.set()

    stream.on(stop_here)
    stream.start(timeout=5)
    assert done.wait(5), "stop() from the reader thread returned"
    assert ("DELETE", "subscriptions", "/s1") in o2g.sent and stream.subscription_id is None
    assert not stream.connected.is_set()
    eventually(lambda: not stream._thread.is_alive(), timeout=2, what="the reader ended")  # noqa: SLF001
    assert stream.names() == ["Enough"], "nothing read after the stop"


# ------------------------------------------------------------------------------------------------ wait_for
def test_wait_for_ignores_what_came_before_the_mark(gw, make_stream):
    gate = threading.Event()
    gw.plans["/events/s1"] = [opened(INFO, {"eventName": "Tick", "n": 1}, gate, {"eventName": "Tick", "n": 2})]
    stream, _ = make_stream()
    stream.start(timeout=5)
    eventually(lambda: stream.names() == ["Tick"], what="the first tick")
    stream.mark()
    with pytest.raises(TimeoutError):
        stream.wait_for("Tick", timeout=0.1)
    gate.set()
    assert stream.wait_for("Tick", timeout=5)["n"] == 2


def test_wait_for_waits_its_whole_timeout_and_says_what_it_looked_for(gw, make_stream):
    gate = threading.Event()
    gw.plans["/events/s1"] = [opened(INFO, gate, {"eventName": "Late", "n": 1})]
    stream, _ = make_stream()
    stream.start(timeout=5)
    threading.Timer(0.2, gate.set).start()
    assert stream.wait_for("Late", timeout=0.9)["n"] == 1, "an event arriving within the timeout is found"
    began = time.monotonic()
    with pytest.raises(TimeoutError) as err:
        stream.wait_for("Never", timeout=0.4, a=1, b="two")
    assert time.monotonic() - began >= 0.4
    assert str(err.value) == "no Never(a=1, b='two') within 0.4 s"


def test_wait_for_gives_up_after_five_seconds_by_default(gw, make_stream):
    gw.plans["/events/s1"] = [opened(INFO)]
    stream, _ = make_stream()
    stream.start(timeout=5)
    began = time.monotonic()
    with pytest.raises(TimeoutError) as err:
        stream.wait_for("Never")
    assert 5.0 <= time.monotonic() - began < 5.8
    assert str(err.value) == "no Never() within 5 s"
