"""Discovery, authentication and sessions: ``/api/rest``, ``authenticate``, ``sessions`` (§2–5).

Credentials and sessions are indexed by credential (the ``AlcUserId`` cookie) and by login, and their
deadlines wait in two heaps, so checking a request costs O(log n) amortised however many logins came
before: a credential nobody opened a session with is dropped ``CREDENTIAL_LIFETIME`` (600 s) after it was
issued, a session ``timeToLive`` plus a grace margin after its last request. A login holds at most
``CREDENTIALS_PER_LOGIN`` (64) credentials: a 65th drops the oldest one without a session (or, when all 64
have one, the oldest session, closed as ``evicted``). ``POST /sim/reset`` and an HA switch drop them all.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import heapq
import itertools
import re
import secrets
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from aiohttp import web

from o2gmentor.sim.api.errors import O2GHttpError, bad_request, forbidden
from o2gmentor.sim.api.requests_ import API_ROOT, BASE_PATH, base_url, json_body, origin
from o2gmentor.sim.clock import VirtualClock

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

COOKIE = "AlcUserId"
_PLAIN_TOKEN = re.compile(r"[A-Za-z0-9_-]+")  # a credential as secrets.token_urlsafe makes it
CREDENTIAL_LIFETIME = 600  # seconds a credential may wait for its session (inferred)
CREDENTIALS_PER_LOGIN = 64  # credentials one login may hold at once, in sessions or not (a simulator choice)


@dataclass
class Credential:
    token: str
    login: str
    role: str
    created: float


@dataclass
class Session:
    """An open O2G session: who, since when, until when, and its subscriptions."""

    id: str
    credential: str
    login: str
    admin: bool
    application: str
    created: float
    last_activity: float
    ttl: int
    subscriptions: set[str] = field(default_factory=set)
    keepalives: int = 0
    closed: float | None = None
    closed_by: str | None = None  # logout, expired, replaced, closed (reset, fault…)
    late_requests: int = 0  # requests that came with its cookie after it closed (control API only)

    def expires_at(self) -> float:
        return self.last_activity + self.ttl

    def dead_at(self) -> float:
        """Expiry plus a grace margin, so a client that keeps alive exactly every TTL stays in."""
        return self.expires_at() + max(5.0, 0.1 * self.ttl)

    def record(self, now: float) -> dict[str, Any]:
        """The session as the control API shows it: never the credential, only a digest of it."""
        end = self.closed if self.closed is not None else now
        return {"login": self.login, "admin": self.admin, "application": self.application, "timeToLive": self.ttl,
                "creationDate": iso(self.created), "age": round(end - self.created, 3),
                "idle": round(end - self.last_activity, 3), "keepalives": self.keepalives,
                "open": self.closed is None, "closedBy": self.closed_by, "lateRequests": self.late_requests,
                "credentialSha256": credential_digest(self.credential)}


def credential_digest(token: str) -> str:
    """A short SHA-256 of a credential: enough to find a session, useless to open one."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# Services a session lists (o2g-api-core.md §5): (serviceName, relativeUrl, licence needed, admin only).
# The SDKs look the serviceName up lower-cased; any relativeUrl starting with /telephony is the one
# telephony service, which is why basic and advanced telephony can be listed apart.
SERVICES = [
    ("Subscriptions", "/subscriptions", None, False),
    ("BasicTelephony", "/telephony/basicCall", None, False),
    ("Telephony", "/telephony/calls", "TELEPHONY_ADVANCED", False),
    ("Users", "/users", None, False),
    ("Routing", "/routing", "TELEPHONY_ADVANCED", False),
    ("EventSummary", "/eventsummary", "TELEPHONY_ADVANCED", False),
    ("Comlog", "/comlog/records", "TELEPHONY_ADVANCED", False),
    ("Voicemail", "/messaging/mailboxes", "TELEPHONY_ADVANCED", False),
    ("Directory", "/directory", "TELEPHONY_ADVANCED", False),
    ("PhoneSetProgramming", "/users", None, False),
    ("Maintenance", "/system", None, True),
    ("PbxManagement", "/pbxs", "MANAGEMENT", True),
    ("UserManagement", "/usermanagement", None, True),
    ("Analytics", "/analytics", "ANALYTICS", True),
    # the contact center (o2g-api-ccd.md §1.1: the keys the SDKs look up; relative URLs inferred)
    ("AcdAgent", "/acdagent", "CONTACTCENTER_AGENT", False),
    ("AcdPilotMonitoring", "/acdpilotmonitoring", "CONTACTCENTER_SERVICE", True),
    ("AcdRealtime", "/acdrealtime", "CONTACTCENTER_SERVICE", True),
    ("Acd Statistics", "/acdstats", "CONTACTCENTER_SERVICE", True),
    ("AcdManagement", "/acdmanagement", "CONTACTCENTER_SERVICE", True),
    ("AcdRsi", "/acdrsi", "CONTACTCENTER_RSI", True),
]


class SessionStore:
    """Credentials and sessions, keyed by the ``AlcUserId`` cookie value."""

    def __init__(self, state: SimState) -> None:
        self.state = state
        # Sessions live in real time, on a clock of their own: advancing the simulated PBX clock (a day of
        # contact-center traffic in a lesson) never expires them; tests step this one to check expiry.
        self.clock = VirtualClock()
        self.credentials: dict[str, Credential] = {}
        self.sessions: dict[str, Session] = {}  # credential token → session
        self.closed: deque[Session] = deque(maxlen=200)  # the latest closed sessions, for the control API
        self.on_close: list[Callable[[Session], None]] = []
        self._of_login: dict[str, OrderedDict[str, None]] = {}  # login → its credential tokens, oldest first
        self._cred_deadlines: list[tuple[float, int, str]] = []  # (drop at, n, token): credentials w/o session
        self._session_deadlines: list[tuple[float, int, str]] = []  # (dead at, n, token), re-checked when due
        self._seq = itertools.count()

    def now(self) -> float:
        return self.clock.now()

    def licences_of(self, login: str, admin: bool) -> set[str]:
        """What the account may use: an administrator, every licence of the site; a user, its own —
        less any licence that has expired on the O2G server."""
        system = self.state.pbx.system
        now = self.state.pbx.clock.now()  # licence dates are on the site's clock (the one faults and lessons move)
        if admin:
            granted = {lic.grants for lic in system.licences.values()}
        else:
            user = self.state.pbx.site.users.get(login)
            granted = set(user.licences) if user else set()
        return {g for g in granted if not system.expired(g, now)}

    def services(self, session: Session) -> list[dict[str, str]]:
        owned = self.licences_of(session.login, session.admin)
        return [
            {"serviceName": name, "serviceVersion": "1.0", "relativeUrl": url}
            for name, url, licence, admin_only in SERVICES
            if (licence is None or licence in owned) and (session.admin or not admin_only)
        ]

    def session_info(self, request: web.Request, session: Session) -> dict[str, Any]:
        base = base_url(request)
        others = [
            {"sessionId": s.id, "creationDate": iso(s.created), "timeToLive": s.ttl}
            for s in self.sessions_of(session.login) if s is not session
        ]
        return {
            "admin": session.admin,
            "login": session.login,
            "timeToLive": session.ttl,
            "publicBaseUrl": base,
            "privateBaseUrl": base,
            "services": self.services(session),
            "creationDate": iso(session.created),
            "expirationDate": iso(session.expires_at()),
            "otherSessions": others,
        }

    # ---------------------------------------------------------------- lifecycle
    def sessions_of(self, login: str) -> list[Session]:
        """The open sessions of ``login`` (at most ``CREDENTIALS_PER_LOGIN``)."""
        return [self.sessions[t] for t in self._of_login.get(login, ()) if t in self.sessions]

    def authenticate(self, login: str, password: str) -> Credential | None:
        role = self.state.pbx.site.check_password(login, password)
        if role is None:
            return None
        self.expire_all_due()
        cred = Credential(secrets.token_urlsafe(24), login, role, self.now())
        self.credentials[cred.token] = cred
        tokens = self._of_login.setdefault(login, OrderedDict())
        tokens[cred.token] = None
        self._push(self._cred_deadlines, cred.created + CREDENTIAL_LIFETIME, cred.token)
        if len(tokens) > CREDENTIALS_PER_LOGIN:  # the oldest without a session goes, else the oldest session
            oldest = next((t for t in tokens if t not in self.sessions and t != cred.token), next(iter(tokens)))
            if oldest in self.sessions:
                self.close(self.sessions[oldest], reason="evicted")
            else:
                self._forget(oldest)
        return cred

    def _push(self, heap: list[tuple[float, int, str]], when: float, token: str) -> None:
        heapq.heappush(heap, (when, next(self._seq), token))
        if len(heap) > 64 and len(heap) > 4 * (len(self.credentials) + 16):
            self._compact()

    def _compact(self) -> None:
        """Rebuild the heaps from what is still alive (entries of dropped credentials pile up otherwise)."""
        self._cred_deadlines = [(c.created + CREDENTIAL_LIFETIME, next(self._seq), t)
                                for t, c in self.credentials.items() if t not in self.sessions]
        self._session_deadlines = [(s.dead_at(), next(self._seq), t) for t, s in self.sessions.items()]
        heapq.heapify(self._cred_deadlines)
        heapq.heapify(self._session_deadlines)

    def _forget(self, token: str) -> None:
        """Drop a credential from every index (its heap entry goes when it comes due)."""
        cred = self.credentials.pop(token, None)
        if cred is not None:
            tokens = self._of_login.get(cred.login)
            if tokens is not None:
                tokens.pop(token, None)
                if not tokens:
                    del self._of_login[cred.login]

    def open(self, cred: Credential, application: str) -> Session:
        if cred.token in self.sessions:  # opening again replaces the session; the credential stays valid
            self.close(self.sessions[cred.token], keep_credential=True, reason="replaced")
        now = self.now()
        session = Session(
            id=secrets.token_hex(8), credential=cred.token, login=cred.login, admin=cred.role == "admin",
            application=application, created=now, last_activity=now, ttl=int(self.state.session_ttl),
        )
        self.sessions[cred.token] = session
        self._push(self._session_deadlines, session.dead_at(), cred.token)
        return session

    def close(self, session: Session, keep_credential: bool = False, reason: str = "closed") -> None:
        if self.sessions.pop(session.credential, None) is session:
            session.closed, session.closed_by = self.now(), reason
            self.closed.append(session)
        if not keep_credential:
            self._forget(session.credential)
        for callback in self.on_close:
            callback(session)

    def clear(self) -> None:
        """Close every session and drop every credential (``/sim/reset``, an HA switch)."""
        for session in list(self.sessions.values()):
            self.close(session)
        self.credentials.clear()
        self._of_login.clear()
        self._cred_deadlines.clear()
        self._session_deadlines.clear()

    def expire_all_due(self) -> None:
        """Close every session past its grace period, and forget stale credentials: O(log n) amortised."""
        now = self.now()
        heap = self._session_deadlines
        while heap and heap[0][0] < now:
            _, _, token = heapq.heappop(heap)
            session = self.sessions.get(token)
            if session is None:
                continue  # closed already
            if session.dead_at() < now:
                self.close(session, reason="expired")
            else:  # it was used since: wait for its new deadline
                heapq.heappush(heap, (session.dead_at(), next(self._seq), token))
        heap = self._cred_deadlines
        while heap and heap[0][0] < now:
            _, _, token = heapq.heappop(heap)
            cred = self.credentials.get(token)
            if cred is None or token in self.sessions:
                continue  # gone, or in a session (it lives as long as the session)
            if cred.created + CREDENTIAL_LIFETIME < now:
                self._forget(token)
            else:
                heapq.heappush(heap, (cred.created + CREDENTIAL_LIFETIME, next(self._seq), token))

    def age(self, login: str, seconds: float) -> int:
        """🧪 ``seconds`` pass for the sessions of ``login`` without a request from them (then expiry runs).

        Only that login's sessions and credentials grow older, so other sessions on the simulator live on.
        """
        aged = self.sessions_of(login)
        for session in aged:
            session.created -= seconds
            session.last_activity -= seconds
            self._push(self._session_deadlines, session.dead_at(), session.credential)
        for token in list(self._of_login.get(login, ())):
            cred = self.credentials[token]
            cred.created -= seconds
            self._push(self._cred_deadlines, cred.created + CREDENTIAL_LIFETIME, token)
        self.expire_all_due()
        return len(aged)

    def records(self) -> list[dict[str, Any]]:
        """Open sessions, then the latest closed ones (newest last)."""
        now = self.now()
        return [s.record(now) for s in [*self.sessions.values(), *self.closed]]

    # ---------------------------------------------------------------- request checks
    def credential_of(self, request: web.Request) -> Credential:
        token = cookie_token(request)
        if not token:
            raise O2GHttpError(401, "no AlcUserId cookie: authenticate first")
        cred = self.credentials.get(token)
        if cred is None:
            self._note_late(token)
            raise O2GHttpError(401, "unknown or expired credential: authenticate again")
        return cred

    def _note_late(self, token: str) -> None:
        """Count a request that came with the cookie of a session already closed (a late keep-alive, a second
        logout), so an exercise check can tell it from a request sent without any cookie."""
        for session in reversed(self.closed):
            if session.credential == token:
                session.late_requests += 1
                return

    def session_of(self, request: web.Request) -> Session:
        """The live session of the request's cookie; activity keeps it alive."""
        self.expire_all_due()
        cred = self.credential_of(request)
        session = self.sessions.get(cred.token)
        if session is None:
            raise forbidden("The session doesn't exist: open one with POST /sessions")
        session.last_activity = self.now()
        return session


def cookie_token(request: web.Request) -> str | None:
    """The ``AlcUserId`` cookie of a request.

    Every SDK sends this cookie alone (``Cookie: AlcUserId=<token>``): that header is read directly. Anything
    else (several cookies, quotes, spaces) goes through aiohttp's full parser, whose ``request.cookies`` builds
    a ``Morsel`` per cookie — a third of the simulator's own cost on an authenticated GET when used for all.
    """
    header = request.headers.get("Cookie", "")
    name, sep, value = header.partition("=")
    if sep and name == COOKIE and _PLAIN_TOKEN.fullmatch(value):
        return value
    return request.cookies.get(COOKIE)


# -------------------------------------------------------------------- handlers
def routes(state: SimState) -> list[web.RouteDef]:
    store = state.sessions

    async def descriptor(request: web.Request) -> web.Response:
        auth_url = f"{origin(request)}{API_ROOT}/authenticate?version=1.0"
        server = dict(state.pbx.scenario.get("server", {}))
        server.setdefault("haMode", False)
        return web.json_response({
            "serverInfo": server,
            "versions": [{"id": "1.0", "status": "CURRENT", "publicUrl": auth_url, "internalUrl": auth_url}],
            "custoFeatures": [],
        })

    async def authenticate(request: web.Request) -> web.Response:
        version = request.query.get("version", "1.0")
        if version != "1.0":
            raise bad_request(f"API version {version} is not supported")
        challenge = {"WWW-Authenticate": 'Basic realm="O2G"'}
        header = request.headers.get("Authorization", "")
        if not header.lower().startswith("basic "):
            raise O2GHttpError(401, "Basic authentication is required", headers=challenge)
        try:
            login, _, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise O2GHttpError(401, "malformed Basic credentials", headers=challenge) from None
        cred = store.authenticate(login, password)
        if cred is None:
            raise O2GHttpError(401, "wrong login or password", headers=challenge)
        sessions_url = base_url(request) + "/sessions"
        response = web.json_response({"credential": cred.token, "internalUrl": sessions_url,
                                      "publicUrl": sessions_url, "loginName": login})
        response.set_cookie(COOKIE, cred.token, path="/", secure=True, httponly=True)
        return response

    async def open_session(request: web.Request) -> web.Response:
        store.expire_all_due()
        cred = store.credential_of(request)
        body = await json_body(request)
        app_name = next((body[k] for k in body if k.lower() == "applicationname"), None)
        if not isinstance(app_name, str) or not app_name.strip():
            raise bad_request("'applicationName' is missing")
        supervised = body.get("supervisedAccount")
        if supervised is not None and cred.role != "admin":
            raise forbidden("only an administrator may open a session for another account")
        session = store.open(cred, app_name.strip())
        return web.json_response(store.session_info(request, session))

    async def get_session(request: web.Request) -> web.Response:
        return web.json_response(store.session_info(request, store.session_of(request)))

    async def keepalive(request: web.Request) -> web.Response:
        store.session_of(request).keepalives += 1
        return web.Response(status=204)

    async def close_session(request: web.Request) -> web.Response:
        store.close(store.session_of(request), reason="logout")
        return web.Response(status=204)

    return [
        web.get(API_ROOT, descriptor, allow_head=False),
        web.get(API_ROOT + "/authenticate", authenticate, allow_head=False),
        web.post(BASE_PATH + "/sessions", open_session),
        web.get(BASE_PATH + "/sessions", get_session, allow_head=False),
        web.delete(BASE_PATH + "/sessions", close_session),
        web.post(BASE_PATH + "/sessions/keepalive", keepalive),
    ]


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
