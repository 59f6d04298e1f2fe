"""Subscriptions and the chunked event channel (o2g-api-core.md §7, node contract R4/R5).

The channel is one long HTTP response: ``OnChannelInformation`` first, then the current state
of the monitored users, then one JSON object per line as events happen, with a keep-alive
line when idle. It is never ended cleanly while the subscription lives (the Java and C# SDKs
spin on a clean end): a superseded or dropped channel is reset instead.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from o2gmentor.sim.api.errors import O2GHttpError, bad_request, forbidden
from o2gmentor.sim.api.requests_ import BASE_PATH, base_url, json_body
from o2gmentor.sim.api.sessions import Session

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

USER, GLOBAL, PILOT, SESSION = "user", "global", "pilot", "session"
# package → (whose events: users, everyone's, pilots or this session's own; admin only?; the licence the
# session — and each watched user — must hold, o2g-api-core.md §7.4 and o2g-api-ccd.md §1.4)
PACKAGES: dict[str, tuple[str, bool, str | None]] = {
    "telephony": (USER, False, "TELEPHONY_ADVANCED"),
    "eventSummary": (USER, False, "TELEPHONY_ADVANCED"),
    "routingManagement": (USER, False, "TELEPHONY_ADVANCED"),
    "unifiedComLog": (USER, False, "TELEPHONY_ADVANCED"),
    "user": (USER, False, None),
    "userManagement": (GLOBAL, True, None),
    "system": (GLOBAL, True, None),
    "pbxManagement": (GLOBAL, True, "MANAGEMENT"),
    "agent": (USER, False, "CONTACTCENTER_AGENT"),  # o2g-api-ccd.md §1.4
    "pilot": (PILOT, True, "CONTACTCENTER_SERVICE"),
    "rti": (SESSION, True, "CONTACTCENTER_SERVICE"),
    "acdstats": (SESSION, True, "CONTACTCENTER_SERVICE"),
    "rsi": (SESSION, True, "CONTACTCENTER_RSI"),
}
QUEUE_LIMIT = 5000


@dataclass
class Subscription:
    id: str
    session: Session
    filter: dict[str, set[str] | None]  # package → logins (None: a global package)
    version: str
    timeout: int
    queue: deque = field(default_factory=lambda: deque(maxlen=QUEUE_LIMIT))
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    channel: web.StreamResponse | None = None
    closed: bool = False

    def wants(self, package: str, key: str | None) -> bool:
        """``key``: the user (per-user packages), the pilot (``pilot``), ``session:<id>`` or None."""
        if package not in self.filter:
            return False
        keys = self.filter[package]
        if keys is None:
            return key is None or key == f"session:{self.session.id}"
        return key in keys


class SubscriptionStore:
    def __init__(self, state: SimState) -> None:
        self.state = state
        self.subs: dict[str, Subscription] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        state.pbx.bus.listen(self.dispatch)
        state.sessions.on_close.append(self.close_session)

    # ---------------------------------------------------------------- filters
    def parse_filter(self, session: Session, body: dict[str, Any]) -> dict[str, set[str] | None]:
        """Validate ``filter.selectors`` and turn it into package → logins (duplicates merge)."""
        flt = body.get("filter")
        if not isinstance(flt, dict) or not isinstance(flt.get("selectors"), list) or not flt["selectors"]:
            raise bad_request("'filter.selectors' must be a non-empty list")
        site = self.state.pbx.site
        result: dict[str, set[str] | None] = {}
        for selector in flt["selectors"]:
            if not isinstance(selector, dict):
                raise bad_request("each selector must be an object with 'names' and 'ids'")
            names, ids = selector.get("names"), selector.get("ids") or []
            if not isinstance(names, list) or not names or not isinstance(ids, list):
                raise bad_request("a selector needs 'names' (a list of event packages) and 'ids' (a list)")
            for name in names:
                if not isinstance(name, str) or name not in PACKAGES:
                    raise bad_request(f"unknown event package {name!r}; known: {', '.join(PACKAGES)}")
                kind, admin_only, licence = PACKAGES[name]
                if admin_only and not session.admin:
                    raise forbidden(f"the {name} events are for administrator sessions only")
                if licence and licence not in self.state.sessions.licences_of(session.login, session.admin):
                    raise forbidden(f"{name} events need the {licence} licence")
                if kind in (GLOBAL, SESSION):
                    result[name] = None
                    continue
                if kind == PILOT:
                    if not all(isinstance(i, str | int) and not isinstance(i, bool) for i in ids):
                        raise bad_request("the ids of pilot are pilot numbers")
                    pilots = {str(i) for i in ids}
                    unknown = sorted(p for p in pilots if not self.state.pbx.ccd.is_pilot(p))
                    if not pilots or unknown:
                        raise bad_request(f"the ids of pilot are pilot numbers ({', '.join(self.state.pbx.ccd.pilots)})"
                                          + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
                    result[name] = pilots | (result.get(name) or set())
                    continue
                logins: set[str] = set()
                for raw in ids:
                    if not isinstance(raw, str | int) or isinstance(raw, bool):
                        raise bad_request(f"the ids of {name} are logins")
                    user = site.user(str(raw))
                    if user is None:
                        raise bad_request(f"unknown user {raw!r} in the ids of {name}")
                    if not session.admin and user.login != session.login:
                        raise forbidden(f"a user session cannot watch {user.login}'s events")
                    logins.add(user.login)
                if not logins:
                    if session.admin:
                        raise bad_request(f"an administrator must list the users to watch in the ids of {name}")
                    logins = {session.login}
                if licence:
                    self._require_user_licence(name, licence, logins)
                current = result.get(name)
                result[name] = logins | (current or set())
        return result

    def _require_user_licence(self, package: str, licence: str, logins: set[str]) -> None:
        users = self.state.pbx.site.users
        lacking = sorted(login for login in logins if licence not in users[login].licences)
        if lacking:
            raise forbidden(f"{package} events need the {licence} licence, which {', '.join(lacking)} "
                            f"{'does' if len(lacking) == 1 else 'do'} not have")

    # ---------------------------------------------------------------- lifecycle
    def create(self, session: Session, body: dict[str, Any]) -> Subscription:
        flt = self.parse_filter(session, body)
        timeout = body.get("timeout", 0)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 <= timeout <= 10**6:
            raise bad_request("'timeout' must be a number of minutes")
        sub = Subscription(secrets.token_urlsafe(18), session, flt, str(body.get("version", "1.0")), int(timeout))
        self.subs[sub.id] = sub
        session.subscriptions.add(sub.id)
        return sub

    def close(self, sub: Subscription) -> None:
        sub.closed = True
        self.subs.pop(sub.id, None)
        sub.session.subscriptions.discard(sub.id)
        self._reset_channel(sub)
        sub.wake.set()

    def close_session(self, session: Session) -> None:
        for sub_id in list(session.subscriptions):
            if sub_id in self.subs:
                self.close(self.subs[sub_id])

    def drop_channels(self) -> int:
        """Reset every open event channel (a network fault); the subscriptions stay."""
        count = 0
        for sub in self.subs.values():
            if sub.channel is not None:
                self._reset_channel(sub)
                count += 1
        return count

    @staticmethod
    def _reset_channel(sub: Subscription) -> None:
        channel, sub.channel = sub.channel, None
        if channel is not None:
            transport = channel._req.transport if channel._req is not None else None  # noqa: SLF001
            if transport is not None:
                transport.abort()

    # ---------------------------------------------------------------- events
    def dispatch(self, package: str, key: str | None, event: dict[str, Any]) -> None:
        for sub in list(self.subs.values()):
            if sub.wants(package, key):
                sub.queue.append(event)
                self._wake(sub)

    def _wake(self, sub: Subscription) -> None:
        if self.loop is not None and self.loop.is_running():
            self.loop.call_soon_threadsafe(sub.wake.set)
        else:
            sub.wake.set()

    def state_burst(self, sub: Subscription) -> list[dict[str, Any]]:
        """What the channel sends right after opening: each watched user's device and user state."""
        events: list[dict[str, Any]] = []
        site, calls = self.state.pbx.site, self.state.pbx.calls
        for login in sorted(sub.filter.get("telephony") or ()):
            user = site.users.get(login)
            if user is None:
                continue
            events.append({"eventName": "OnDeviceStateModified", "loginName": login,
                           "deviceStates": [{"deviceId": d.id, "state": d.state} for d in user.devices]})
            events.append({"eventName": "OnUserStateModified", "loginName": login,
                           "state": calls.user_state(login)})
        return events


def _line(event: dict[str, Any]) -> bytes:
    return (json.dumps(event, separators=(",", ":")) + "\n").encode("utf-8")


def routes(state: SimState) -> list[web.RouteDef]:
    store: SubscriptionStore = state.subscriptions

    async def create(request: web.Request) -> web.Response:
        session = state.sessions.session_of(request)
        body = await json_body(request)
        if "webHookUrl" in body:
            raise bad_request("webhook delivery is not simulated: use the chunked event channel")
        sub = store.create(session, body)
        polling = f"{base_url(request)}/events/{sub.id}"
        return web.json_response({
            "subscriptionId": sub.id, "message": "", "status": "ACCEPTED", "mode": "CHUNK", "format": "JSON",
            "publicPollingUrl": polling, "privatePollingUrl": polling,
        })

    async def delete(request: web.Request) -> web.Response:
        session = state.sessions.session_of(request)
        sub = store.subs.get(request.match_info["sub_id"])
        if sub is None or sub.session is not session:
            raise O2GHttpError(404, "unknown subscription")
        store.close(sub)
        return web.Response(status=204)

    async def channel(request: web.Request) -> web.StreamResponse:
        sub_id = request.match_info.get("sub_id") or request.query.get("subscriptionId", "")
        state.sessions.expire_all_due()
        sub = store.subs.get(sub_id)
        if sub is None:
            raise O2GHttpError(404, "unknown or closed subscription")
        store.loop = asyncio.get_running_loop()
        store._reset_channel(sub)  # a re-attach replaces the previous channel  # noqa: SLF001
        response = web.StreamResponse(status=200, headers={"Content-Type": "application/json",
                                                           "Cache-Control": "no-cache"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        sub.channel = response
        try:
            await response.write(_line({"eventName": "OnChannelInformation", "text": "Chunk started"}))
            for event in store.state_burst(sub):
                await response.write(_line(event))
            while not sub.closed and sub.channel is response:
                while sub.queue and sub.channel is response:
                    if request.transport is None or request.transport.is_closing():
                        raise ConnectionResetError("the client left")
                    await response.write(_line(sub.queue[0]))
                    sub.queue.popleft()  # only once written: a client that left gets it on re-attach
                sub.wake.clear()
                if sub.queue:
                    continue
                try:
                    await asyncio.wait_for(sub.wake.wait(), timeout=state.keepalive_interval)
                except asyncio.TimeoutError:
                    if sub.channel is response:
                        await response.write(_line({"eventName": "OnChannelInformation", "text": "keepalive"}))
        except (ConnectionError, asyncio.CancelledError, RuntimeError):
            pass
        finally:
            if sub.channel is response:
                sub.channel = None
        return response

    return [
        web.post(BASE_PATH + "/subscriptions", create),
        web.delete(BASE_PATH + "/subscriptions/{sub_id}", delete),
        web.post(BASE_PATH + "/events/{sub_id}", channel),
        web.get(BASE_PATH + "/events/{sub_id}", channel, allow_head=False),
        web.post("/OTEvents", channel),
        web.get("/OTEvents", channel, allow_head=False),
    ]
