"""Connecting to an O2G: discovery → authenticate → session, keep-alive, services, logout.

The same steps the official SDKs take (o2g-api-core.md §2–5): only ``https://{host}/api/rest``
is fixed; every other URL comes from the gateway's answers.
"""

from __future__ import annotations

import base64
import logging
import threading
from typing import Any

import requests

from o2gmentor.client.errors import O2GConnectionError, O2GError, with_hint
from o2gmentor.client.transport import Transport
from o2gmentor.logsafe import protect

log = logging.getLogger("o2gmentor.client")
protect("o2gmentor.client")  # no credential in a record made here (o2gmentor.logsafe)


class Secret:
    """A value that never shows in a repr, a str or a traceback's locals."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


class SecretBasicAuth(requests.auth.AuthBase):
    """HTTP Basic authentication whose password stays inside a ``Secret`` until the header is built."""

    def __init__(self, login: str, password: Secret) -> None:
        self.login = login
        self.password = password

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        token = base64.b64encode(f"{self.login}:{self.password.value}".encode()).decode("ascii")
        request.headers["Authorization"] = f"Basic {token}"
        return request

    def __repr__(self) -> str:
        return f"SecretBasicAuth({self.login!r}, ***)"

API_VERSION = "1.0"


class O2G:
    """One O2G session for one account.

    >>> o2g = O2G("127.0.0.1:8443", "oxe1001", password, ca_bundle="ca.pem").connect()
    >>> o2g.telephony.make_call("1002")

    ``host`` is ``host[:port]`` without a scheme, as the SDKs take it. The password is kept only
    to log in again after a session loss; it never appears in a repr or a log line: a request answered
    401/403 because the session is gone (expired, ended by the O2G) logs in again once and is sent again.
    Every failure is an ``O2GError`` or an ``O2GConnectionError``.
    """

    def __init__(self, host: str, login: str, password: str, *, ca_bundle: str | None = None,
                 application: str = "o2gmentor", keepalive: bool = True) -> None:
        if "://" in host:
            raise ValueError("give the host as 'host[:port]', without https://")
        self.host = host
        self.login = login
        self._password = Secret(password)
        self.application = application
        self.transport = Transport(ca_bundle)
        self.keepalive_enabled = keepalive
        self.descriptor: dict[str, Any] = {}
        self.session_info: dict[str, Any] = {}
        self.sessions_url: str | None = None
        self.services: dict[str, str] = {}
        self.last_keepalive_error: Exception | None = None
        self.keepalive_period: float | None = None  # seconds between keep-alives, once connected
        self._keepalive_stop = threading.Event()
        self._keepalive_thread: threading.Thread | None = None
        self._user_cache: dict[str, dict[str, Any]] = {}
        self._lock = threading.RLock()  # held while logging in: other threads' requests wait for it
        self._generation = 0  # sessions opened so far: a request knows whether the session changed under it

    def __repr__(self) -> str:
        state = "connected" if self.connected else "not connected"
        return f"O2G(host={self.host!r}, login={self.login!r}, {state})"

    # ---------------------------------------------------------------- connection
    @property
    def connected(self) -> bool:
        return bool(self.session_info)

    @property
    def is_admin(self) -> bool:
        return bool(self.session_info.get("admin"))

    @property
    def base_url(self) -> str:
        return self.session_info["privateBaseUrl"]

    def discover(self) -> dict[str, Any]:
        """``GET https://{host}/api/rest``: the server's identity and its API versions."""
        self.descriptor = self.transport.request("GET", f"https://{self.host}/api/rest", expect_json=True)
        return self.descriptor

    def connect(self) -> O2G:
        """Discover, authenticate, open the session, start the keep-alive. Returns ``self``."""
        with self._lock:
            descriptor = self.discover()
            version = next((v for v in descriptor.get("versions", []) if v.get("id") == API_VERSION), None)
            if version is None:
                raise O2GError(404, "GET", f"https://{self.host}/api/rest",
                               {"helpMessage": f"API version {API_VERSION} is not offered by this O2G"})
            try:
                answer = self.transport.request("GET", version["internalUrl"], expect_json=True,
                                                auth=SecretBasicAuth(self.login, self._password))
            except O2GError as exc:
                if exc.status != 401:
                    raise
                hinted = with_hint(exc, f"401 at login: O2G refused the login {self.login!r} or its password — "
                                        "check both (the password is case-sensitive)")
                raise hinted.with_traceback(exc.__traceback__) from None
            self.sessions_url = answer["internalUrl"]
            info = self.transport.request("POST", self.sessions_url,
                                          json_body={"applicationName": self.application}, expect_json=True)
            self._open(info)
        return self

    def _open(self, info: dict[str, Any]) -> None:
        self.session_info = info
        base = info["privateBaseUrl"]
        services: dict[str, str] = {}
        for entry in info.get("services", []):
            relative = entry.get("relativeUrl", "")
            if relative.startswith("/telephony"):
                services["telephony"] = base + "/telephony"  # one telephony service, as the SDKs do
            else:
                services[entry.get("serviceName", "").lower()] = base + relative
        if "users" in services:
            services.setdefault("logins", services["users"].replace("/users", "/logins"))
        self.services = services
        self._generation += 1
        self._user_cache.clear()
        self._start_keepalive(int(info.get("timeToLive") or 0))

    def reconnect(self) -> O2G:
        """Log in again after a session loss (new credential, new session)."""
        with self._lock:
            self._stop_keepalive()
            self.session_info = {}
            return self.connect()

    def close(self) -> None:
        """Stop the keep-alive and close the session (``DELETE /sessions``)."""
        self._stop_keepalive()
        if self.connected and self.sessions_url:
            try:
                self.transport.request("DELETE", self.sessions_url)
            except O2GError as exc:
                if exc.status not in (401, 403):  # already gone
                    raise
        self.session_info = {}

    def __enter__(self) -> O2G:
        return self if self.connected else self.connect()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---------------------------------------------------------------- keep-alive
    def keepalive(self) -> None:
        """``POST {sessions}/keepalive`` once."""
        self.transport.request("POST", f"{self.sessions_url}/keepalive")

    def _start_keepalive(self, ttl: int) -> None:
        self._stop_keepalive()
        if not self.keepalive_enabled or ttl <= 0:
            return
        self._keepalive_stop = threading.Event()
        period = self.keepalive_period = max(1.0, 0.9 * ttl)  # within the TTL, whatever the server's grace

        def loop(stop: threading.Event) -> None:
            while not stop.wait(period):
                try:
                    self.keepalive()
                    self.last_keepalive_error = None
                except Exception as exc:  # noted for the user; the event stream recovers the session
                    self.last_keepalive_error = exc
                    log.warning("keep-alive failed: %s", exc.__class__.__name__)

        self._keepalive_thread = threading.Thread(target=loop, args=(self._keepalive_stop,),
                                                  name="o2g-keepalive", daemon=True)
        self._keepalive_thread.start()

    def _stop_keepalive(self) -> None:
        self._keepalive_stop.set()
        thread, self._keepalive_thread = self._keepalive_thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(2)

    # ---------------------------------------------------------------- services
    def service_url(self, key: str) -> str:
        """The URL of a service by its lower-case ``serviceName`` key (telephony: ``telephony``)."""
        if not self.connected:
            with self._lock:  # another thread may be logging in again (the event stream): wait for it
                pass
        if not self.connected:
            raise O2GConnectionError(f"https://{self.host}/api/rest", "no open session",
                                     "call connect() first — or, if the session was lost, logging in again "
                                     "failed: call connect() again once the O2G answers")
        url = self.services.get(key)
        if url is None:
            raise O2GError(403, "-", key, {"helpMessage": f"this session has no {key!r} service — the account "
                                                          "lacks the licence or right, or the gateway lacks it"})
        return url

    def request(self, method: str, service: str, path: str = "", *, json_body: Any = None,
                params: dict[str, Any] | None = None, expect_json: bool = False,
                with_headers: bool = False) -> Any:
        """Send a request to ``{service URL}{path}``; returns the parsed JSON body.

        If the session is gone (401, or 403 with the session no longer there), log in again once — with the
        password given — and send it again; a wrong password or a second refusal is raised as it is.
        """
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        for attempt in (1, 2):
            generation = self._generation
            url = self.service_url(service) + path
            try:
                return self.transport.request(method, url, json_body=json_body, params=clean or None,
                                              expect_json=expect_json, with_headers=with_headers)
            except O2GError as exc:
                if attempt == 2 or not self._session_lost(exc, generation):
                    raise
                log.info("session lost (%s); logging in again", exc.status)
                with self._lock:
                    if self._generation == generation:  # nobody logged in again meanwhile
                        self.reconnect()
        raise AssertionError("unreachable")

    def _session_lost(self, exc: O2GError, generation: int) -> bool:
        """True if a 401/403 came because the session is gone (not a right or licence refused)."""
        if exc.status not in (401, 403) or not self._password.value or not self.sessions_url:
            return False
        if self._generation != generation or exc.status == 401:
            return True
        try:  # 403: does the session still exist? (a refusal of this one request leaves it alive)
            self.transport.request("GET", self.sessions_url)
        except O2GError as probe:
            return probe.status in (401, 403)
        except O2GConnectionError:
            return False
        return False

    def user_info(self, login: str | None = None) -> dict[str, Any]:
        """The O2G user object of ``login`` (default: the session's own user), cached."""
        login = login or self.login
        if login not in self._user_cache:
            self._user_cache[login] = self.request("GET", "users", f"/{login}", expect_json=True)
        return self._user_cache[login]

    def default_device(self, login: str | None = None) -> str:
        """The first device of the user, the one calls are made from when none is named."""
        info = self.user_info(login)
        devices = info.get("devices") or []
        return devices[0]["id"] if devices else info["companyPhone"]

    # facades, created on first use
    @property
    def users(self):
        from o2gmentor.client.users import Users

        return Users(self)

    @property
    def telephony(self):
        from o2gmentor.client.telephony import Telephony

        return Telephony(self)

    @property
    def routing(self):
        from o2gmentor.client.routing import Routing

        return Routing(self)

    @property
    def eventsummary(self):
        from o2gmentor.client.eventsummary import EventSummary

        return EventSummary(self)

    @property
    def comlog(self):
        from o2gmentor.client.comlog import Comlog

        return Comlog(self)

    @property
    def voicemail(self):
        from o2gmentor.client.voicemail import Voicemail

        return Voicemail(self)

    @property
    def directory(self):
        from o2gmentor.client.directory import Directory

        return Directory(self)

    @property
    def phone_set(self):
        from o2gmentor.client.phonesetprogramming import PhoneSetProgramming

        return PhoneSetProgramming(self)

    @property
    def system(self):
        from o2gmentor.client.maintenance import Maintenance

        return Maintenance(self)

    @property
    def pbx_management(self):
        from o2gmentor.client.pbxmanagement import PbxManagement

        return PbxManagement(self)

    @property
    def user_management(self):
        from o2gmentor.client.usermanagement import UserManagement

        return UserManagement(self)

    @property
    def analytics(self):
        from o2gmentor.client.analytics import Analytics

        return Analytics(self)

    @property
    def agent(self):
        from o2gmentor.client.ccd_agent import CallCenterAgent

        return CallCenterAgent(self)

    @property
    def pilots(self):
        from o2gmentor.client.ccd_pilot import CallCenterPilot

        return CallCenterPilot(self)

    @property
    def realtime(self):
        from o2gmentor.client.ccd_realtime import CallCenterRealtime

        return CallCenterRealtime(self)

    @property
    def statistics(self):
        from o2gmentor.client.ccd_statistics import CallCenterStatistics

        return CallCenterStatistics(self)

    @property
    def ccd_management(self):
        from o2gmentor.client.ccd_management import CallCenterManagement

        return CallCenterManagement(self)

    @property
    def rsi(self):
        from o2gmentor.client.ccd_rsi import Rsi

        return Rsi(self)

    def subscribe(self, packages: list[str] | dict[str, list[str]], ids: list[str] | None = None,
                  *, on_event=None, start: bool = True):
        """Subscribe to event packages and open the event channel (an ``EventStream``).

        ``packages`` is a list of package names (all for ``ids``, default: this user) or a mapping
        package → ids. ``on_event`` is called from the reader thread for every event.
        """
        from o2gmentor.client.events import EventStream

        stream = EventStream(self, packages, ids, on_event=on_event)
        return stream.start() if start else stream
