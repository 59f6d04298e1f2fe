"""Functional tests of an installed O2G: a list of items, each run on its own, reported pass/fail/skip in a table.

The run that closes day one of the mentoring (lesson 14) checks, on the course's O2G (simulated or real):
discovery answers, an administrator and a user can log in, every service of their sessions answers a cheap
GET, every OXE node has its CTI link up, no licence has expired, a call from user A reaches user B with both
getting their events, the event channel delivers within N seconds, and the subscriber created today is
monitored.

An *item* is a function of a :class:`Context` that returns a short note of what it saw when all is well (``None``
is accepted; the table then says "no note"), and raises otherwise — ``ctx.fail("why")``, an ``O2GError``, a
``TimeoutError``, anything::

    def o2g_is_full_services(ctx: Context) -> str:
        '''O2G runs FULL_SERVICES'''                  # the first docstring line names the item
        kind = ctx.admin().system.status().get("configurationType")
        if kind != "FULL_SERVICES":
            ctx.fail(f"configurationType is {kind}: telephony and events need FULL_SERVICES")
        return "telephony and management"

    report = run(course, [*day_one("oxe1001", "oxe1002"), o2g_is_full_services])
    report            # an HTML table in a notebook; print(report) for text

The runner never stops at the first failure: each item runs, fails or is skipped on its own, with the reason.
Each result also keeps *how* the item ended (:attr:`Result.cause`): its own ``ctx.fail`` / ``ctx.skip``, an
O2G answer it did not catch, a lost connection, a timeout, another exception — or ``None`` when it returned.
Sessions the items open through ``ctx.session()`` / ``ctx.admin()`` are shared by the run and closed at its end.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from o2gmentor.client import O2GConnectionError, O2GError
from o2gmentor.client.transport import Transport

if TYPE_CHECKING:
    from o2gmentor.client import O2G
    from o2gmentor.course import Course

PASS, FAIL, SKIP = "pass", "fail", "skip"
# How an item ended (Result.cause): its own ctx.fail / ctx.skip, or an exception it let through.
BY_FAIL, BY_SKIP, BY_O2G, BY_CONNECTION, BY_TIMEOUT, BY_ERROR = "fail", "skip", "o2g", "connection", "timeout", "error"
NO_NOTE = "(no note: the item returned nothing)"
MARK = {PASS: "✅", FAIL: "❌", SKIP: "⏭"}
COLOUR = {PASS: "#2e7d32", FAIL: "#c62828", SKIP: "#8d6e00"}


class ItemFailed(Exception):
    """An item saw something wrong; the message is the reason shown in the report."""


class ItemSkipped(Exception):
    """An item does not apply here (e.g. no subscriber was created on this O2G); the message says why."""


# ----------------------------------------------------------------------------------------------- context
class Context:
    """What an item works with: the course, sessions shared by the run, and ``fail`` / ``skip``."""

    def __init__(self, course: Course, admin_login: str | None = None) -> None:
        self.course = course
        self.admin_login = admin_login
        self._sessions: dict[tuple[str | None, bool], O2G] = {}

    def session(self, login: str | None = None, *, admin: bool = False) -> O2G:
        """A session for ``login`` (or the administrator), opened on first use and reused by later items."""
        if admin:
            login = login or self.admin_login
        key = (login, admin)
        o2g = self._sessions.get(key)
        if o2g is None or not o2g.connected:
            o2g = self.course.connect(login, admin=admin, application="o2gmentor-functional")
            self._sessions[key] = o2g
        return o2g

    def admin(self) -> O2G:
        """The administrator's session."""
        return self.session(admin=True)

    def today(self) -> date:
        """The O2G's date: the simulator's own clock (lessons move it on), else this machine's date."""
        if self.course.sim is not None:
            clock = self.course.sim.status().get("clock")
            if isinstance(clock, int | float):
                return datetime.fromtimestamp(clock, tz=timezone.utc).date()
        return date.today()

    @staticmethod
    def fail(reason: str) -> None:
        """Stop this item: it failed, for ``reason``."""
        raise ItemFailed(reason)

    @staticmethod
    def skip(reason: str) -> None:
        """Stop this item: it does not apply, for ``reason``."""
        raise ItemSkipped(reason)

    def close(self) -> None:
        for o2g in self._sessions.values():
            try:
                o2g.close()
            except (O2GError, O2GConnectionError):
                pass
        self._sessions.clear()


# ----------------------------------------------------------------------------------------------- items
@dataclass
class Item:
    """One functional test: a name and a function of a :class:`Context`."""

    name: str
    test: Callable[[Context], str | None]


def as_item(entry: Item | Callable[[Context], str | None]) -> Item:
    """An :class:`Item` as is; a plain function named by its docstring's first line (else its name)."""
    if isinstance(entry, Item):
        return entry
    if not callable(entry):
        raise TypeError(f"an item is a function of the run's context, not {type(entry).__name__}")
    doc = (entry.__doc__ or "").strip().splitlines()
    name = doc[0].strip() if doc else getattr(entry, "__name__", "item").replace("_", " ")
    return Item(name, entry)


@dataclass
class Result:
    """The outcome of one item: its status, what it saw or why it failed, its time, and how it ended.

    ``cause`` is None when the item returned, else one of ``BY_FAIL`` (its own ``ctx.fail``), ``BY_SKIP``,
    ``BY_O2G`` (an ``O2GError`` it did not catch: the reason is O2G's text, not the item's), ``BY_CONNECTION``,
    ``BY_TIMEOUT`` or ``BY_ERROR`` (any other exception). ``returned`` is what the item returned.
    """

    name: str
    status: str
    detail: str = ""
    seconds: float = 0.0
    cause: str | None = None
    returned: Any = None

    @property
    def passed(self) -> bool:
        return self.status == PASS

    @property
    def shown(self) -> str:
        """The detail as the table shows it: a passed item that returned nothing says so."""
        return self.detail or (NO_NOTE if self.status == PASS else "")


@dataclass
class Report:
    """The results of a run, in the order the items ran; a table in a notebook, text in a terminal."""

    title: str
    results: list[Result] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """No item failed (skipped items do not count against the run)."""
        return all(r.status != FAIL for r in self.results)

    @property
    def failed(self) -> list[str]:
        """The names of the items that failed."""
        return [r.name for r in self.results if r.status == FAIL]

    def __getitem__(self, name: str) -> Result:
        for result in self.results:
            if result.name == name:
                return result
        raise KeyError(f"no item {name!r} in this run; items: {', '.join(r.name for r in self.results)}")

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    def summary(self) -> str:
        counts = {s: sum(1 for r in self.results if r.status == s) for s in (PASS, FAIL, SKIP)}
        words = [f"{counts[PASS]} passed", f"{counts[FAIL]} failed"]
        if counts[SKIP]:
            words.append(f"{counts[SKIP]} skipped")
        return f"{self.title}: {', '.join(words)}"

    def text(self) -> str:
        """A plain-text table: one line per item, the reason after a failure."""
        width = max([len(r.name) for r in self.results] + [4])
        lines = [self.summary()]
        for r in self.results:
            lines.append(f"{MARK[r.status]} {r.name:<{width}}  {r.seconds:5.2f} s  {r.shown}".rstrip())
        return "\n".join(lines)

    __str__ = text

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{MARK[r.status]}</td><td style='text-align:left'>{html.escape(r.name)}</td>"
            f"<td style='color:{COLOUR[r.status]}'>{r.status}</td><td>{r.seconds:.2f} s</td>"
            f"<td style='text-align:left'>{html.escape(r.shown)}</td></tr>"
            for r in self.results)
        verdict = COLOUR[PASS] if self.passed else COLOUR[FAIL]
        return (f"<p style='margin:4px 0'><b style='color:{verdict}'>{html.escape(self.summary())}</b></p>"
                "<table><thead><tr><th></th><th style='text-align:left'>item</th><th>result</th><th>time</th>"
                "<th style='text-align:left'>what was seen / why it failed</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>")


def run(course: Course, items: Iterable[Item | Callable[[Context], str | None]],
        *, title: str = "Functional tests", admin: str | None = None) -> Report:
    """Run every item against the course's O2G, each on its own; never stops at the first failure.

    ``admin`` is the administrator's login the items use (None: the course's, O2G_ADMIN_LOGIN).
    """
    report = Report(title)
    context = Context(course, admin)
    try:
        for entry in items:
            try:
                item = as_item(entry)
            except TypeError as exc:
                report.results.append(Result(repr(entry)[:40], FAIL, str(exc), cause=BY_ERROR))
                continue
            report.results.append(_run_one(item, context))
    finally:
        context.close()
    return report


def _run_one(item: Item, context: Context) -> Result:
    started = time.monotonic()
    seen, cause = None, None
    try:
        seen = item.test(context)
        status, detail = PASS, "" if seen is None else str(seen)
    except ItemSkipped as exc:
        status, detail, cause = SKIP, str(exc), BY_SKIP
    except ItemFailed as exc:
        status, detail, cause = FAIL, str(exc), BY_FAIL
    except O2GError as exc:
        what = exc.message or exc.hint
        status, detail, cause = FAIL, f"{exc.method} {_short(exc.url)} → {exc.status}: {what}", BY_O2G
    except O2GConnectionError as exc:
        status, detail, cause = FAIL, f"cannot reach {exc.url}: {exc.reason} — {exc.hint}", BY_CONNECTION
    except TimeoutError as exc:
        status, detail, cause = FAIL, f"timed out: {exc}", BY_TIMEOUT
    except Exception as exc:  # noqa: BLE001 - an item may fail in any way; the run goes on
        status, detail, cause = FAIL, f"{exc.__class__.__name__}: {exc}", BY_ERROR
    return Result(item.name, status, detail, time.monotonic() - started, cause, seen)


def _short(url: str) -> str:
    """``https://host/api/rest/1.0/telephony/calls?x`` → ``…/telephony/calls``."""
    path = url.split("?", 1)[0]
    marker = "/api/rest/1.0"
    return "…" + path.split(marker, 1)[1] if marker in path else path


# ----------------------------------------------------------------------------------------------- day one
def discovery() -> Item:
    """``GET /api/rest`` answers without credentials and offers API version 1.0."""
    def test(ctx: Context) -> str:
        course = ctx.course
        descriptor = Transport(course.ca_bundle).request("GET", f"{course.url}/api/rest", expect_json=True)
        versions = [v.get("id") for v in descriptor.get("versions", [])]
        if "1.0" not in versions:
            ctx.fail(f"API version 1.0 is not offered (versions: {versions or 'none'})")
        info = descriptor.get("serverInfo", {})
        return f"{info.get('productName', 'O2G')} {info.get('productVersion', {}).get('major', '')}".strip()
    return Item("Discovery answers", test)


def login(login: str | None = None, *, admin: bool = False) -> Item:
    """The account can authenticate and open a session (an administrator's session says ``admin: true``)."""
    who = "administrator" if admin else (login or "user")

    def test(ctx: Context) -> str:
        o2g = ctx.session(login, admin=admin)
        if admin and not o2g.is_admin:
            ctx.fail(f"{o2g.login} opened a session, but not an administrator's one (admin: false)")
        return f"{o2g.login}: session for {o2g.session_info.get('timeToLive')} s, {len(o2g.services)} services"
    return Item(f"{who.capitalize() if admin else who} can log in", test)


def _node_of(o2g: O2G, login: str | None) -> str | None:
    """The OXE node of ``login`` (else the first node PBX management knows; else None)."""
    if login:
        return str(o2g.users.get(login)["nodeId"])
    if "pbxmanagement" in o2g.services:
        ids = o2g.pbx_management.node_ids()
        return str(ids[0]) if ids else None
    return None


def _probes(o2g: O2G, who: str | None, agent: str | None,
            node: str | None) -> dict[str, Callable[[], Any] | None]:
    """A cheap read for each service key; ``None`` where the service has no read to probe."""
    from o2gmentor.client.directory import Directory

    return {
        "subscriptions": None,  # only POST/DELETE: the event-channel item exercises it
        "logins": None,  # derived from users: probed with it
        "telephony": lambda: o2g.telephony.calls(login=who),
        "users": lambda: o2g.users.logins(),
        "routing": lambda: o2g.routing.state(login=who),
        "eventsummary": lambda: o2g.eventsummary.get(login=who),
        "comlog": lambda: o2g.comlog.records(login=who, limit=1),
        "voicemail": lambda: o2g.voicemail.mailboxes(login=who),
        "directory": lambda: o2g.directory.search(Directory.criterion("lastName", "BEGIN_WITH", "a"),
                                                  limit=1, login=who),
        "phonesetprogramming": lambda: o2g.phone_set.devices(login=who or o2g.login),
        "maintenance": lambda: o2g.system.status(),
        "pbxmanagement": lambda: o2g.pbx_management.node_ids(),
        "usermanagement": lambda: o2g.user_management.logins(),
        "analytics": (lambda: o2g.analytics.incidents(node, last=1)) if node else None,
        "acdagent": (lambda: o2g.agent.config(login=agent if o2g.is_admin else None))
        if (agent or not o2g.is_admin) else None,
        "acdpilotmonitoring": None,  # start/stop only
        "acdrealtime": lambda: o2g.realtime.objects(),
        "acd statistics": None,  # reads need a requester created first
        "acdmanagement": (lambda: o2g.ccd_management.pilots(node)) if node else None,
        "acdrsi": lambda: o2g.rsi.points(),
    }


def services_answer(login: str | None = None, *, admin: bool = False, on_behalf_of: str | None = None,
                    agent: str | None = None) -> Item:
    """Every service the session lists answers one cheap GET.

    An administrator's session reads the user services ``on_behalf_of`` a user (``?loginName=``) and the
    agent service for ``agent`` (a CCD operator's login; not probed without one). Services with no cheap read
    to probe (subscriptions: only POST/DELETE, the event-channel item uses them; logins: read with users; the
    contact-center services that need a pilot, a requester or an agent first) are named as "listed, not probed".
    """
    who = "administrator" if admin else (login or "user")

    def test(ctx: Context) -> str:
        o2g = ctx.session(login, admin=admin)
        node = _node_of(o2g, on_behalf_of if admin else o2g.login)
        probes = _probes(o2g, on_behalf_of if admin else None, agent, node)
        answered, listed, broken = [], [], []
        for key in sorted(o2g.services):
            probe = probes.get(key)
            if probe is None:
                listed.append(key)
                continue
            try:
                probe()
                answered.append(key)
            except O2GError as exc:
                broken.append(f"{key} → {exc.status} {exc.message or exc.hint}".strip())
            except Exception as exc:  # noqa: BLE001 - a probe may fail in any way
                broken.append(f"{key} → {exc.__class__.__name__}: {exc}")
        if broken:
            ctx.fail("; ".join(broken))
        return f"{len(answered)} answered" + (f" (listed, not probed: {', '.join(listed)})" if listed else "")
    return Item(f"Services of the {who} session answer", test)


def cti_links_up() -> Item:
    """``system/status``: every OXE node has its CTI link up (``ctiLinkState`` not ``DISCONNECTED``).

    The management (CMIS) link (``connected``) is not part of it: exercise 14-3 writes that item.
    """
    def test(ctx: Context) -> str:
        pbxs = ctx.admin().system.status().get("pbxs", [])
        if not pbxs:
            ctx.fail("the system status lists no OXE node")
        down = [f"node {p.get('nodeId')} ({p.get('name')}): CTI link {p.get('ctiLinkState') or 'unknown'}"
                for p in pbxs if p.get("ctiLinkState") in (None, "DISCONNECTED")]
        if down:
            ctx.fail("; ".join(down))
        return ", ".join(f"node {p.get('nodeId')} {p.get('ctiLinkState')}, {p.get('monitoredUserNumber')} users"
                         for p in pbxs)
    return Item("CTI links up", test)


def _expiry(text: Any) -> date | None:
    """``"31-dec-2026"`` (the format in ALE's fixtures) → a date; anything else → None."""
    try:
        return datetime.strptime(str(text), "%d-%b-%Y").date()
    except ValueError:
        return None


def licences_valid(today: date | None = None) -> Item:
    """``system/status``: the licence status is NORMAL and no licence's expiry date has passed."""
    def test(ctx: Context) -> str:
        licence = ctx.admin().system.status().get("license", {})
        day = today or ctx.today()
        problems = []
        if licence.get("status") not in (None, "NORMAL"):
            problems.append(f"status {licence.get('status')} {licence.get('statusMessage', '')}".strip())
        lics = licence.get("lics", [])
        for lic in lics:
            ends = _expiry(lic.get("expiration"))
            if ends is not None and ends < day:
                problems.append(f"{lic.get('name')} expired on {lic.get('expiration')}")
        if problems:
            ctx.fail("; ".join(problems))
        return f"{licence.get('type', '?')}, {len(lics)} licences, status {licence.get('status', '?')}"
    return Item("No licence expired", test)


def call_reaches(caller: str, callee: str) -> Item:
    """``caller`` calls ``callee``: it rings at the callee, is answered (by a person, or the simulator),
    both sides see it ACTIVE, the caller hangs up and both get ``OnCallRemoved``."""
    def test(ctx: Context) -> str:
        course = ctx.course
        a, b = ctx.session(caller), ctx.session(callee)
        number = b.users.get()["companyPhone"]
        streams = []
        ref = None
        try:
            a_events = a.subscribe(["telephony"])
            streams.append(a_events)
            b_events = b.subscribe(["telephony"])
            streams.append(b_events)
            ref = a.telephony.make_call(number)
            ringing = b_events.wait_for("OnCallCreated", callRef=ref, timeout=course.patience)
            state = ringing.get("callData", {}).get("state")
            if state != "RINGING_INCOMING":
                ctx.fail(f"{callee}'s first event is {state}, not RINGING_INCOMING")
            course.person_answers(number)
            _wait_state(a_events, ref, "ACTIVE", course.patience)
            a.telephony.release(ref)
            a_events.wait_for("OnCallRemoved", callRef=ref, timeout=course.patience)
            b_events.wait_for("OnCallRemoved", callRef=ref, timeout=course.patience)
            ref = None
        finally:
            if ref is not None:
                try:
                    a.telephony.release(ref)
                except O2GError:
                    pass
            for stream in streams:
                stream.stop()
        return f"{caller} → {number}: rang, answered, released; both sides got their events"
    return Item(f"Call {caller} → {callee}", test)


def _wait_state(stream: Any, ref: str, state: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        event = stream.wait_for("OnCallModified", timeout=max(0.01, deadline - time.monotonic()), callRef=ref)
        if event.get("callData", {}).get("state") == state:
            return


def events_within(login: str | None = None, seconds: float = 5.0) -> Item:
    """The event channel delivers: a telephony-state snapshot asked for arrives as ``OnTelephonyState``
    within ``seconds``."""
    def test(ctx: Context) -> str:
        o2g = ctx.session(login)
        started = time.monotonic()
        stream = o2g.subscribe(["telephony"])
        try:
            opened = time.monotonic() - started
            stream.mark()
            asked = time.monotonic()
            o2g.telephony.request_snapshot()
            stream.wait_for("OnTelephonyState", timeout=seconds)
            took = time.monotonic() - asked
        finally:
            stream.stop()
        return f"channel open in {opened:.2f} s; snapshot event after {took:.2f} s (limit {seconds:g} s)"
    return Item(f"Events arrive within {seconds:g} s", test)


def subscriber_monitored(number: str | None) -> Item:
    """The subscriber created today is monitored: its ``ClickAndPh`` is not NONE and O2G has its user."""
    def test(ctx: Context) -> str:
        if number is None:
            ctx.skip("no subscriber was created on this O2G today (no test number given)")
        admin = ctx.admin()
        pm = admin.pbx_management
        node = pm.node_ids()[0]
        a4980 = pm.values(node, f"Subscriber/{number}", ["ClickAndPh"]).get("ClickAndPh")
        if a4980 in (None, "", "NONE"):
            ctx.fail(f"Subscriber {number} has ClickAndPh={a4980 or 'NONE'}: O2G does not monitor it")
        try:
            user = admin.users.by_number(str(number))
        except O2GError as exc:
            ctx.fail(f"ClickAndPh is {a4980}, but O2G has no user with company phone {number} ({exc.status})")
        return f"Subscriber {number}: ClickAndPh={a4980}; O2G user {user['loginName']}"
    return Item(f"Subscriber {number or '(today’s)'} monitored", test)


def day_one(user_a: str, user_b: str, *, agent: str | None = None, new_number: str | None = None,
            within: float = 5.0) -> list[Item]:
    """The items that close day one, in the order a mentor runs them."""
    return [
        discovery(),
        login(admin=True),
        login(user_a),
        services_answer(admin=True, on_behalf_of=user_a, agent=agent),
        services_answer(user_a),
        cti_links_up(),
        licences_valid(),
        call_reaches(user_a, user_b),
        events_within(user_a, within),
        subscriber_monitored(new_number),
    ]
