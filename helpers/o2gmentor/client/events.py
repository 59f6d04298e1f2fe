"""Receiving O2G events: a subscription and its chunked event channel, read in a background thread.

The channel is one long HTTP response carrying one JSON object per line (o2g-api-core.md §7.3).
Like the official SDKs, the reader opens it without the session cookie (the polling URL is the
credential), waits for ``OnChannelInformation``, and on any loss re-opens it; if the
subscription or the session is gone, it subscribes again, or logs in again first.
"""

from __future__ import annotations

import json
import logging
import queue
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import requests

from o2gmentor.client.errors import O2GConnectionError, O2GError, retry_after
from o2gmentor.logsafe import protect

log = logging.getLogger("o2gmentor.client.events")
protect("o2gmentor.client.events")  # no credential in a record made here (o2gmentor.logsafe)

Event = dict[str, Any]
HISTORY = 10_000
READ_TIMEOUT = 90.0  # a healthy channel sends a keep-alive line well within this


class EventStream:
    """A subscription with a live event channel.

    - ``events``: every event received (newest last), ``queue``: the same, to consume one by one;
    - ``on(callback)``: call ``callback(event)`` from the reader thread for each event;
    - ``on_reconnect(callback)``: call ``callback(stream)`` from the reader thread each time the channel is up
      again after a loss (events may have been missed meanwhile: a view should pull the state again);
    - ``wait_for(name, **fields)``: block until a matching event arrives (or has arrived);
    - ``stop()``: close the channel and delete the subscription.
    Callbacks run in the reader thread: in a notebook they should only set widget traits or
    store data — never print or display.
    """

    def __init__(self, o2g, packages: list[str] | dict[str, list[str]], ids: list[str] | None = None, *,
                 on_event: Callable[[Event], None] | None = None) -> None:
        self.o2g = o2g
        if isinstance(packages, dict):
            self.selectors = [{"ids": list(v), "names": [k]} for k, v in packages.items()]
        else:
            self.selectors = [{"ids": list(ids or []), "names": [name]} for name in packages]
        self.events: deque[Event] = deque(maxlen=HISTORY)
        self.queue: queue.Queue[Event] = queue.Queue(maxsize=HISTORY)
        self.subscription_id: str | None = None
        self.polling_url: str | None = None
        self.connected = threading.Event()
        self.reconnects = 0
        self.last_error: str | None = None
        self._callbacks: list[Callable[[Event], None]] = [on_event] if on_event else []
        self._reconnect_callbacks: list[Callable[[EventStream], None]] = []
        self._opened = False  # a channel was up once: the next one is a reconnection
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._response: requests.Response | None = None
        self._cond = threading.Condition()
        self._received = 0  # total events received: the positions wait_for counts in
        self._mark = 0
        self._returned: set[int] = set()

    def __repr__(self) -> str:
        state = "live" if self.connected.is_set() else "not connected"
        names = sorted({n for s in self.selectors for n in s["names"]})
        return f"EventStream({', '.join(names)}; {state}; {self._received} events)"

    # ---------------------------------------------------------------- lifecycle
    def on(self, callback: Callable[[Event], None]) -> Callable[[Event], None]:
        """Register a callback (usable as a decorator)."""
        self._callbacks.append(callback)
        return callback

    def off(self, callback: Callable[[Event], None]) -> None:
        """Stop calling ``callback`` (a panel that stops listening to a shared stream)."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def on_reconnect(self, callback: Callable[[EventStream], None]) -> Callable[[EventStream], None]:
        """Call ``callback(stream)`` each time the channel is back after a loss (not on the first start).

        It runs in the reader thread once the new channel is up and before any event it carries, so a view
        that pulls the state there sees the events that follow as newer than what it pulled."""
        self._reconnect_callbacks.append(callback)
        return callback

    def off_reconnect(self, callback: Callable[[EventStream], None]) -> None:
        if callback in self._reconnect_callbacks:
            self._reconnect_callbacks.remove(callback)

    def subscribe(self) -> str:
        """``POST subscriptions``; returns the polling URL."""
        body = {"filter": {"selectors": self.selectors}, "version": "1.0", "timeout": 0}
        answer = self.o2g.request("POST", "subscriptions", json_body=body, expect_json=True)
        if answer.get("status") != "ACCEPTED":
            raise O2GError(403, "POST", self.o2g.service_url("subscriptions"),
                           {"helpMessage": f"subscription refused: {answer.get('status')} {answer.get('message', '')}"})
        self.subscription_id = answer["subscriptionId"]
        self.polling_url = answer["privatePollingUrl"]
        return self.polling_url

    def start(self, timeout: float = 10.0) -> EventStream:
        """Subscribe, start the reader, and wait until the channel is up."""
        self.subscribe()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="o2g-events", daemon=True)
        self._thread.start()
        if not self.connected.wait(timeout):
            self.stop()
            raise O2GConnectionError(self.polling_url or "?", f"no OnChannelInformation within {timeout:g} s",
                                     "the event channel did not open; check the gateway's event port/URL")
        return self

    def stop(self) -> None:
        """Close the channel, end the reader thread and delete the subscription."""
        self._stop.set()
        self._abort_response()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)
        self.connected.clear()
        if self.subscription_id and self.o2g.connected:
            try:
                self.o2g.request("DELETE", "subscriptions", f"/{self.subscription_id}")
            except (O2GError, O2GConnectionError):
                pass  # the session may already be gone: the subscription went with it
        self.subscription_id = None

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def drop_connection(self) -> None:
        """Cut the channel as a network fault would (the reader reconnects by itself)."""
        self._abort_response()

    # ---------------------------------------------------------------- reading
    def _abort_response(self) -> None:
        response = self._response
        if response is None:
            return
        try:  # shut the socket so a blocked read returns at once
            sock = response.raw._connection.sock  # noqa: SLF001
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
        except (AttributeError, OSError):
            pass
        try:
            response.close()
        except Exception:  # noqa: BLE001 - closing from another thread may race; nothing to do
            pass

    def _run(self) -> None:
        resubscribe = False
        self._delay = 0.5
        while not self._stop.is_set():
            told: float | None = None  # how long the O2G said to wait (503 with Retry-After)
            try:
                if resubscribe:
                    self._recover_subscription()
                    resubscribe = False
                self._read_channel()
            except _ChannelGone:
                resubscribe = True
            except Exception as exc:  # noqa: BLE001 - any failure: wait, then reconnect
                if self._stop.is_set():
                    break
                self.last_error = f"{exc.__class__.__name__}: {exc}"[:300]
                log.info("event channel lost (%s); reconnecting", exc.__class__.__name__)
                if isinstance(exc, O2GError) and exc.status == 503 and exc.retry_after is not None:
                    told = exc.retry_after
            was_up = self.connected.is_set()
            self.connected.clear()
            if told is not None:  # wait what the O2G said, then come back at once
                wait, self._delay = told, 0.5
            elif was_up:  # a live channel just ended: try again at once, then back off
                wait = 0.05
            else:
                wait, self._delay = self._delay, min(self._delay * 2, 10.0)  # 0.5 s again once a channel is up
            if self._stop.wait(wait):
                break
            self.reconnects += 1

    def _read_channel(self) -> None:
        # The channel request carries no cookie, like the SDKs' (the polling URL is the credential).
        response = requests.post(self.polling_url, stream=True, verify=self.o2g.transport.verify,
                                 timeout=(10.0, READ_TIMEOUT), headers={"Accept": "application/json"})
        self._response = response
        try:
            if response.status_code in (401, 403, 404):
                raise _ChannelGone(response.status_code)
            if not response.ok:
                raise O2GError(response.status_code, "POST", self.polling_url, None,
                               retry_after=retry_after(response.headers.get("Retry-After")))
            for raw in response.iter_lines():
                if self._stop.is_set():
                    return
                line = raw.strip()
                if not line:
                    continue
                try:
                    event = json.loads(line)
                except ValueError:
                    log.warning("skipped a line that is not JSON on the event channel")
                    continue
                if event.get("eventName") == "OnChannelInformation":
                    back = self._opened and not self.connected.is_set()
                    self._opened = True
                    self.connected.set()
                    self._delay = 0.5
                    if back:
                        self._announce_reconnect()
                    continue
                self._deliver(event)
            raise ConnectionError("the event channel ended")
        finally:
            self._response = None
            response.close()

    def _announce_reconnect(self) -> None:
        for callback in list(self._reconnect_callbacks):
            try:
                callback(self)
            except Exception:  # a broken callback must not kill the channel
                log.exception("reconnect callback failed")

    def _recover_subscription(self) -> None:
        """The subscription is gone: subscribe again; if the session is gone too, log in again."""
        try:
            self.subscribe()
        except O2GError as exc:
            if exc.status in (401, 403):
                self.o2g.reconnect()
                self.subscribe()
            else:
                raise

    def _deliver(self, event: Event) -> None:
        with self._cond:
            self.events.append(event)
            self._received += 1
            self._cond.notify_all()
        while True:  # nobody reads the queue? keep the newest events
            try:
                self.queue.put_nowait(event)
                break
            except queue.Full:
                try:
                    self.queue.get_nowait()
                except queue.Empty:
                    pass
        for callback in list(self._callbacks):
            try:
                callback(event)
            except Exception:  # a broken callback must not kill the channel
                log.exception("event callback failed")

    # ---------------------------------------------------------------- waiting
    def mark(self) -> None:
        """From now on, ``wait_for`` only looks at events received after this call."""
        with self._cond:
            self._mark = self._received

    def wait_for(self, event_name: str, timeout: float = 5.0, **fields: Any) -> Event:
        """The first event named ``event_name`` whose top-level fields match ``fields``.

        Looks at the events received since the last ``mark()`` (or since the start) that no
        earlier ``wait_for`` returned, waiting for one to arrive; raises ``TimeoutError`` after
        ``timeout`` seconds. Example: ``stream.wait_for("OnCallCreated", loginName="oxe1002")``.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                first = self._received - len(self.events)
                for index in range(max(self._mark, first), self._received):
                    if index in self._returned:
                        continue
                    event = self.events[index - first]
                    if event.get("eventName") == event_name and all(event.get(k) == v for k, v in fields.items()):
                        self._returned.add(index)
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    wanted = ", ".join(f"{k}={v!r}" for k, v in fields.items())
                    raise TimeoutError(f"no {event_name}({wanted}) within {timeout:g} s")
                self._cond.wait(remaining)

    def names(self) -> list[str]:
        """The names of the events received so far, in order."""
        return [e.get("eventName", "?") for e in self.events]


class _ChannelGone(Exception):
    """The polling URL no longer names a live subscription (401/403/404)."""
