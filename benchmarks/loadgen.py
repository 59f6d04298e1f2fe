"""An async O2G load generator (aiohttp): trainees with their own session, connections and event stream.

Each ``Trainee`` goes the way the official SDKs go — discovery, ``GET authenticate`` with Basic credentials
(the ``AlcUserId`` cookie), ``POST sessions``, the service URLs from the session, a subscription for its own
events and the chunked event channel read line by line — but with asyncio, so one process drives a whole
classroom without the threads of the course client competing for its lock. Only 127.0.0.1 is ever a target.

Latency is measured from just before a REST request is sent to the moment the event it causes is read from
the trainee's event channel (``expect()`` is registered before the request, so an event that comes before the
HTTP answer still counts).
"""

from __future__ import annotations

import asyncio
import base64
import json
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

Event = dict[str, Any]
EVENT_TIMEOUT = 5.0  # an expected event later than this is an error (a lost event)
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=15)


class LoadError(Exception):
    """A request answered with an unexpected status, or an expected event that never came."""


@dataclass
class Stats:
    """What a load run counts: shared by all its trainees (one event loop, no locks needed)."""

    requests: int = 0
    calls: int = 0  # completed make → (answer) → release cycles
    agent_actions: int = 0
    events: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cross_user: list[str] = field(default_factory=list)  # an event or a right that belonged to someone else
    refused_as_expected: int = 0  # attempts at another user's events, refused (403) as they must be

    def error(self, text: str) -> None:
        if len(self.errors) < 1000:
            self.errors.append(text)
        else:
            self.errors[-1] = f"… and more ({text})"


def client_ssl(ca: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca)  # TLS checked against the course CA, as trainees do


class Trainee:
    """One trainee: a login, a session, its own HTTP connections and its own event stream."""

    def __init__(self, address: str, login: str, password: str, number: str, ca_context: ssl.SSLContext,
                 stats: Stats) -> None:
        self.address, self.login, self.number = address, login, number
        self._password = password
        self.ssl = ca_context
        self.stats = stats
        self.http: aiohttp.ClientSession | None = None
        self.channel_http: aiohttp.ClientSession | None = None
        self.base = ""
        self.services: dict[str, str] = {}
        self.subscription = ""
        self.polling_url = ""
        self.reader: asyncio.Task | None = None
        self.connected = asyncio.Event()
        self.waiters: list[tuple[Callable[[Event], bool], asyncio.Future]] = []
        self.call_refs_seen: set[str] = set()
        self.closing = False

    # ---------------------------------------------------------------- HTTP
    async def request(self, method: str, url: str, *, body: Any = None, ok: tuple[int, ...] = (200, 201, 204),
                      headers: dict[str, str] | None = None) -> tuple[int, Any, dict[str, str]]:
        assert self.http is not None
        self.stats.requests += 1
        async with self.http.request(method, url, json=body, headers=headers, timeout=REQUEST_TIMEOUT) as response:
            text = await response.text()
            if response.status not in ok:
                raise LoadError(f"{self.login} {method} {url.split('/api/rest', 1)[-1]} → {response.status} "
                                f"{text[:160]}")
            data = json.loads(text) if text and response.content_type == "application/json" else None
            return response.status, data, dict(response.headers)

    async def open(self, packages: list[str]) -> None:
        """Log in, open the session, subscribe to the trainee's own events and start reading the channel."""
        connector = aiohttp.TCPConnector(ssl=self.ssl, limit=4)
        self.http = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True))
        # The channel request carries no cookie (the polling URL is the credential), like the SDKs'
        self.channel_http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=self.ssl, limit=2),
                                                  cookie_jar=aiohttp.DummyCookieJar())
        _, descriptor, _ = await self.request("GET", f"https://{self.address}/api/rest")
        version = next(v for v in descriptor["versions"] if v.get("id") == "1.0")
        basic = base64.b64encode(f"{self.login}:{self._password}".encode()).decode("ascii")
        _, answer, _ = await self.request("GET", version["internalUrl"], headers={"Authorization": f"Basic {basic}"})
        _, info, _ = await self.request("POST", answer["internalUrl"], body={"applicationName": "loadgen"})
        self.base = info["privateBaseUrl"]
        self.services = {e["relativeUrl"].split("/")[1]: self.base + "/" + e["relativeUrl"].split("/")[1]
                         for e in info.get("services", []) if e.get("relativeUrl")}
        _, sub, _ = await self.request("POST", self.base + "/subscriptions", body={
            "filter": {"selectors": [{"ids": [self.login], "names": packages}]}, "version": "1.0"})
        self.subscription, self.polling_url = sub["subscriptionId"], sub["publicPollingUrl"]
        self.reader = asyncio.create_task(self._read_channel(), name=f"channel {self.login}")
        try:
            await asyncio.wait_for(self.connected.wait(), 10)
        except asyncio.TimeoutError as exc:
            raise LoadError(f"{self.login}: the event channel did not open within 10 s") from exc

    async def try_other_users_events(self, other: str) -> None:
        """A user session asking for another user's events must be refused (403): anything else is a leak."""
        status, _, _ = await self.request("POST", self.base + "/subscriptions", ok=(200, 201, 400, 403), body={
            "filter": {"selectors": [{"ids": [other], "names": ["telephony"]}]}, "version": "1.0"})
        if status == 403:
            self.stats.refused_as_expected += 1
        else:
            self.stats.cross_user.append(f"{self.login} could subscribe to {other}'s events ({status})")

    async def close(self) -> None:
        self.closing = True
        try:
            if self.http is not None and self.base:
                await self.request("DELETE", self.base + "/sessions", ok=(200, 204, 401, 403, 404))
        except (aiohttp.ClientError, asyncio.TimeoutError, LoadError):
            pass
        if self.reader is not None:
            self.reader.cancel()
            await asyncio.gather(self.reader, return_exceptions=True)
        for http in (self.http, self.channel_http):
            if http is not None:
                await http.close()

    # ---------------------------------------------------------------- events
    async def _read_channel(self) -> None:
        assert self.channel_http is not None
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=120)
        try:
            async with self.channel_http.post(self.polling_url, timeout=timeout,
                                              headers={"Accept": "application/json"}) as response:
                if response.status != 200:
                    raise LoadError(f"{self.login}: event channel answered {response.status}")
                async for raw in response.content:
                    arrived = time.perf_counter()
                    line = raw.strip()
                    if not line:
                        continue
                    event = json.loads(line)
                    if event.get("eventName") == "OnChannelInformation":
                        self.connected.set()
                        continue
                    self._deliver(event, arrived)
            if not self.closing:
                self.stats.error(f"{self.login}: the event channel ended")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any loss of the channel is an error of the run
            if not self.closing:
                self.stats.error(f"{self.login}: event channel lost ({exc.__class__.__name__}: {exc})")

    def _deliver(self, event: Event, arrived: float) -> None:
        self.stats.events += 1
        owner = event.get("loginName")
        if owner is not None and owner != self.login:
            self.stats.cross_user.append(f"{self.login} received {event.get('eventName')} of {owner}")
        if "callRef" in event:
            self.call_refs_seen.add(str(event["callRef"]))
        for index, (wanted, future) in enumerate(self.waiters):
            if not future.done() and wanted(event):
                future.set_result((arrived, event))
                del self.waiters[index]
                break

    def expect(self, name: str, *, call_ref: str | None = None, call_state: str | None = None,
               agent_state: tuple[str, str | None] | None = None) -> asyncio.Future:
        """A future for the next event ``name`` (of that call, in that call state or agent main/sub state)."""
        def wanted(event: Event) -> bool:
            if event.get("eventName") != name:
                return False
            if call_ref is not None and event.get("callRef") != call_ref:
                return False
            if call_state is not None and (event.get("callData") or {}).get("state") != call_state:
                return False
            if agent_state is not None:
                state = event.get("state") if isinstance(event.get("state"), dict) else {}
                main, sub = agent_state
                if state.get("mainState") != main or (sub is not None and state.get("subState") != sub):
                    return False
            return True

        future = asyncio.get_running_loop().create_future()
        self.waiters.append((wanted, future))
        return future

    def forget(self, *futures: asyncio.Future) -> None:
        self.waiters = [(w, f) for w, f in self.waiters if f not in futures]


async def settle(started: float, stats: Stats, *pending: tuple[Trainee, asyncio.Future, str]) -> list[Event]:
    """Wait for each expected event; record its latency from ``started``; a missing one is an error."""
    events: list[Event] = []
    for trainee, future, what in pending:
        try:
            arrived, event = await asyncio.wait_for(asyncio.shield(future), EVENT_TIMEOUT)
        except asyncio.TimeoutError:
            trainee.forget(future)
            stats.error(f"{trainee.login}: no {what} within {EVENT_TIMEOUT:g} s")
            events.append({})
            continue
        stats.latencies_ms.append((arrived - started) * 1000)
        events.append(event)
    return events


# ------------------------------------------------------------------ REST throughput without wrk
async def rest_rate(url: str, ca: str, *, cookie: str | None, connections: int = 16,
                    seconds: float = 3.0) -> dict[str, float]:
    """GET ``url`` from ``connections`` connections for ``seconds``: requests per second (wrk's stand-in)."""
    headers = {"Cookie": cookie} if cookie else {}
    done = bad = 0
    connector = aiohttp.TCPConnector(ssl=client_ssl(ca), limit=connections)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as http:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done, bad
            while time.perf_counter() < deadline:
                async with http.get(url, headers=headers) as response:
                    await response.read()
                    done += 1
                    bad += response.status >= 400

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - start
    return {"rps": done / elapsed, "non_2xx": float(bad), "socket_errors": 0.0}
