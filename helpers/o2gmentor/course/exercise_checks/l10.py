"""Lesson 10 — O2G's architecture: what a session may use, which URL to follow, which flows to open.

Each check asks the O2G itself. It opens the accounts' sessions and compares the trainee's answers with the
``services`` lists O2G really returns. It fetches the live discovery document and a real subscription's polling
URL, and compares them with the trainee's choice of URL and firewall destinations.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from o2gmentor.course.checks import Failed, Trial, exercise

TIMEOUT = 15.0
API_VERSION = "1.0"
# Services only an administrator session lists (o2g-domain.md §2.5; the simulator's list of admin-only services).
ADMIN_ONLY = {"maintenance", "pbxmanagement", "usermanagement", "analytics", "acdpilotmonitoring",
              "acdrealtime", "acd statistics", "acdmanagement", "acdrsi"}


def listed_names(o2g: Any) -> set[str]:
    """What O2G really lists for this session: every ``serviceName``, lower-cased as the SDKs key them."""
    return {str(entry.get("serviceName", "")).lower() for entry in o2g.session_info.get("services", [])}


def _names(value: Any, what: str, o2g: Any = None) -> set[str]:
    """The trainee's collection of service names, lower-cased, or a ❌ hint on its shape."""
    if value is None:
        raise Failed(f"{what} is None: did the function end without `return`?")
    if isinstance(value, str):
        raise Failed(f"{what} is one string ({value!r}); give a set of names, e.g. {{'users', 'telephony'}}")
    if isinstance(value, dict):
        keys = {str(k).lower() for k in value}
        if (o2g is not None and keys == set(o2g.services)) or "logins" in keys:
            raise Failed(f"{what} holds the keys of the client's `o2g.services`. That is the client's own map: it "
                         "folds every /telephony entry into one 'telephony' key (as the SDKs do) and adds "
                         "'logins'. Read what O2G lists instead: `o2g.session_info['services']`")
        raise Failed(f"{what} is a dict; give a set of service names (the `serviceName` of each entry)")
    if not isinstance(value, Iterable):
        raise Failed(f"{what} should be a set of service names, not a {type(value).__name__}")
    items = list(value)
    if any(isinstance(item, dict) for item in items):
        raise Failed(f"{what} holds whole entries of the services list; keep only each entry's `serviceName`")
    if not all(isinstance(item, str) for item in items):
        raise Failed(f"{what} should hold strings (service names), not {items!r}")
    if any(item.startswith("/") for item in items):
        raise Failed(f"{what} holds relative URLs such as {next(i for i in items if i.startswith('/'))!r}; "
                     "the exercise wants each entry's `serviceName`, not its `relativeUrl`")
    return {item.lower() for item in items}


def _diff(mine: set[str], truth: set[str]) -> str:
    parts = []
    if truth - mine:
        parts.append(f"lacks {sorted(truth - mine)}")
    if mine - truth:
        parts.append(f"has {sorted(mine - truth)}, which O2G does not list")
    return " and ".join(parts)


def _judge_service_names(t: Trial, service_names: Callable[[Any], Any], accounts: dict[str, Any]) -> None:
    for who, o2g in accounts.items():
        truth = listed_names(o2g)
        mine = _names(service_names(o2g), f"service_names() for {who}", o2g)
        if mine == truth:
            continue
        if "logins" in mine or ("telephony" in mine and "basictelephony" in truth and "basictelephony" not in mine):
            raise Failed(f"for {who} your names come from the client's `o2g.services`, which merges every "
                         "/telephony entry into 'telephony' and adds 'logins'. Read `o2g.session_info['services']` "
                         "and take each entry's `serviceName`")
        raise Failed(f"for {who}, O2G lists {sorted(truth)}; your function's answer {_diff(mine, truth)}")
    t.ok(f"service_names() matches what O2G lists for {', '.join(accounts)}")


def _licence_hint(licence: Any) -> str | None:
    """None when ``licence`` names the advanced telephony licence, else what to look at."""
    if not isinstance(licence, str):
        return f"give the licence's name as a string, not a {type(licence).__name__}"
    name = licence.strip().upper().replace(" ", "_").replace("-", "_")
    if "ADVANCED" in name and "TEL" in name:
        return None
    if "BASIC" in name:
        return ("the basic calls (basicMakeCall, basicAnswerCall, basicDropMe) need no licence at all, and the basic "
                "user already has them. Call control (the Telephony service: make, answer, hold, transfer…) "
                "needs another licence: see the licence table in lesson 10")
    if "MANAGEMENT" in name or "CONTACT" in name or "ANALYTICS" in name or "RSI" in name:
        return (f"{licence!r} pays for other services (PBX management, contact center, analytics). Which licence does "
                "the SDK documentation give for the Telephony service? See the licence table in lesson 10")
    return f"{licence!r} is not an O2G licence name the SDKs document; see the licence table in lesson 10"


@exercise("10-1", "What may this account do?")
def services_and_licences(t: Trial, service_names: Any, missing: Any, call_control_licence: Any, *,
                          full: str | None = None, basic: str | None = None) -> None:
    """``service_names(o2g)``, the services ``basic`` lacks compared with ``full``, and the call-control licence."""
    t.attempted(service_names, missing, call_control_licence)
    if not callable(service_names):
        t.fail("service_names should be a function that takes a connected O2G and returns its service names")
    if not full or not basic:
        t.fail("the check cell must name both accounts: course.check('10-1', …, full=FULL_USER, basic=BASIC_USER)")
    accounts = {full: t.session(full), basic: t.session(basic), "the administrator": t.session(admin=True)}
    _judge_service_names(t, service_names, accounts)

    truth = listed_names(accounts[full]) - listed_names(accounts[basic])
    mine = _names(missing, "missing")
    if mine != truth:
        if truth and mine == listed_names(accounts[basic]) - listed_names(accounts[full]):
            t.fail(f"your difference is the wrong way round: it is what {basic} has and {full} has not. "
                   f"Subtract {basic}'s services from {full}'s")
        if mine & ADMIN_ONLY:
            t.fail(f"`missing` holds administrator services such as {sorted(mine & ADMIN_ONLY)[0]!r}: you compared "
                   f"with the administrator. The exercise compares two users: {full} (fully licensed) and {basic}")
        if "logins" in mine or ("telephony" in mine and not {"telephony", "basictelephony"} & truth):
            t.fail("`missing` was built from the client's `o2g.services`; "
                   "build it from service_names() of both sessions")
        t.fail(f"{basic} lacks {sorted(truth) or 'nothing'} compared with {full}; "
               f"your `missing` {_diff(mine, truth)}")
    t.ok(f"missing: {basic} lacks {sorted(truth) or 'nothing'} compared with {full}, as O2G lists them")

    hint = _licence_hint(call_control_licence)
    t.expect(hint is None, f"call control needs the advanced telephony licence: {call_control_licence!r}", hint or "")


# ----------------------------------------------------------------------------------------------- 10-2
def _descriptor(t: Trial) -> dict[str, Any]:
    answer = requests.get(f"{t.course.url}/api/rest", verify=t.course.ca_bundle or True, timeout=TIMEOUT)
    answer.raise_for_status()
    return answer.json()


def _version(descriptor: dict[str, Any]) -> dict[str, Any]:
    return next(v for v in descriptor["versions"] if v.get("id") == API_VERSION)


def _with_host(url: str, host: str) -> str:
    parts = urlsplit(url)
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def public_variant(descriptor: dict[str, Any]) -> dict[str, Any]:
    """This O2G's answer, with the public login URL naming another host (as behind a reverse proxy)."""
    variant = copy.deepcopy(descriptor)
    version = _version(variant)
    version["publicUrl"] = _with_host(version["publicUrl"], "o2g-public.check.invalid")
    return variant


def future_variant(descriptor: dict[str, Any]) -> dict[str, Any]:
    """This O2G's answer with another API version listed before 1.0 (the check's own test case)."""
    variant = public_variant(descriptor)
    other = copy.deepcopy(_version(variant))
    other.update(id="9.9", status="CHECK", internalUrl=other["internalUrl"].replace("version=1.0", "version=9.9"),
                 publicUrl=other["publicUrl"].replace("version=1.0", "version=9.9"))
    variant["versions"] = [other, *variant["versions"]]
    return variant


def _judge_pick(t: Trial, pick: Callable[..., Any], descriptor: dict[str, Any]) -> None:
    cases = [("this O2G's discovery answer", descriptor),
             ("a copy of it whose public URL names another host (a reverse proxy)", public_variant(descriptor)),
             ("a copy of it listing another API version first", future_variant(descriptor))]
    for what, doc in cases:
        version = _version(doc)
        for lan, key in ((True, "internalUrl"), (False, "publicUrl")):
            got = pick(copy.deepcopy(doc), lan=lan)
            if got is None:
                t.fail("pick_login_url() returns None: did it end without `return`?")
            if got == version[key]:
                continue
            side = "on the LAN" if lan else "on the internet"
            if got == version["publicUrl" if lan else "internalUrl"]:
                t.fail(f"{side} your function gives the {'public' if lan else 'internal'} URL. The LAN (private "
                       "address) follows `internalUrl`, the internet (through the reverse proxy) `publicUrl`")
            if got in (doc["versions"][0].get("internalUrl"), doc["versions"][0].get("publicUrl")):
                t.fail(f"with {what}, your function took `versions[0]`. Pick the entry whose `id` is '1.0', as the "
                       "SDKs do")
            t.fail(f"with {what}, {side} your function gives {got!r}; the login URL to follow is {version[key]!r}")
    t.ok("pick_login_url() follows internalUrl on the LAN and publicUrl from the internet, for API version 1.0")


def _polling_url(t: Trial, o2g: Any) -> str:
    """A real subscription's polling URL (the subscription is deleted at once)."""
    answer = o2g.request("POST", "subscriptions", expect_json=True,
                         json_body={"filter": {"selectors": [{"names": ["telephony"], "ids": []}]}, "version": "1.0"})
    o2g.request("DELETE", "subscriptions", f"/{answer['subscriptionId']}")
    return answer["privatePollingUrl"]


def destination(url: str) -> tuple[str, int]:
    """Where a connection to ``url`` goes: ``(host, port)``, the port defaulting to the scheme's."""
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


def _pairs(value: Any) -> set[tuple[str, int]]:
    if isinstance(value, str) or not isinstance(value, Iterable) or isinstance(value, dict):
        raise Failed("app_to_o2g should be a set of (host, port) pairs, e.g. {('o2g.example.com', 443)}")
    pairs = set()
    for item in value:
        if isinstance(item, str):
            if "://" in item:
                raise Failed(f"app_to_o2g holds a URL ({item!r}); a firewall rule needs its (host, port): "
                             "`urlsplit(url).hostname` and `urlsplit(url).port`")
            raise Failed(f"app_to_o2g holds the string {item!r}; give (host, port) pairs with an int port")
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise Failed(f"app_to_o2g should hold (host, port) pairs, not {item!r}")
        host, port = item
        if port is None:
            raise Failed(f"({host!r}, None): an https URL without a port goes to port 443 (http: 80). "
                         "`urlsplit(url).port` is None then, so default it")
        if isinstance(port, str) and port.isdigit():
            port = int(port)
        if isinstance(port, bool) or not isinstance(port, int) or not isinstance(host, str):
            raise Failed(f"app_to_o2g should hold (host: str, port: int) pairs, not {item!r}")
        pairs.add((host.lower(), port))
    return pairs


def _judge_flows(t: Trial, app_to_o2g: Any, descriptor: dict[str, Any], o2g: Any) -> None:
    polling = _polling_url(t, o2g)
    urls = {"discovery": f"{t.course.url}/api/rest", "login": _version(descriptor)["internalUrl"],
            "sessions": o2g.sessions_url, "services": o2g.base_url, "event channel": polling}
    truth = {destination(url) for url in urls.values()}
    mine = _pairs(app_to_o2g)
    if mine != truth:
        if destination(polling) not in mine:
            t.fail(f"the event channel is missing: its polling URL goes to {destination(polling)}. Without that "
                   "rule, logins and calls work but no event ever arrives")
        lacking = sorted(truth - mine)
        if lacking:
            which = [name for name, url in urls.items() if destination(url) in lacking]
            t.fail(f"missing {lacking}, where the {', '.join(which)} URL(s) from O2G's answers go")
        t.fail(f"{sorted(mine - truth)} is not a destination named by this O2G's answers (on the LAN: discovery, "
               f"internalUrl, the session's URLs, the polling URL); O2G names {sorted(truth)}")
    t.ok(f"the app host must reach {sorted(truth)}: the API and the event channel, as this O2G's URLs say")


@exercise("10-2", "Follow the right URL, open the right ports")
def urls_and_flows(t: Trial, pick_login_url: Any, app_to_o2g: Any, webhook_opened_by: Any, *,
                   user: str | None = None) -> None:
    """The login URL to follow after discovery, the app → O2G destinations, and the webhook's direction."""
    t.attempted(pick_login_url, app_to_o2g, webhook_opened_by)
    if not callable(pick_login_url):
        t.fail("pick_login_url should be a function: pick_login_url(descriptor, lan=True) → the URL to log in at")
    descriptor = _descriptor(t)
    _judge_pick(t, pick_login_url, descriptor)
    _judge_flows(t, app_to_o2g, descriptor, t.session(user))

    side = str(webhook_opened_by).strip().lower() if isinstance(webhook_opened_by, str) else ""
    if side in ("app", "application", "my app", "your app", "client"):
        t.fail("in webhook mode there is no event channel to open: O2G POSTs each event to an HTTPS URL your "
               "application exposes. Who opens that connection, and which way must the firewall let it through?")
    t.expect(side == "o2g", "webhook mode: O2G opens the connection to your application (O2G → app)",
             "answer 'o2g' or 'app': which side opens the connection that carries events in webhook mode?")
