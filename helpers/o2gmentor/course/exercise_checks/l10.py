"""Lesson 10 — O2G's architecture: what a session may use, which URL to follow, which flows to open.

10-1 asks the O2G itself: the check opens the two accounts' sessions (and the administrator's) and compares the
trainee's function and answers with the ``services`` lists O2G really returns. 10-2 fetches the live discovery
answer, a session and a real subscription, and gives the trainee's functions those answers *and* answers crafted
for the check: on the simulator every URL is the same ``https://127.0.0.1:<port>``, so only crafted answers (public
and private URLs on other hosts, an event channel on its own port, https URLs without a port) show whether a
function really follows the URLs it is given, reads the event channel, and defaults the port.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import requests

from o2gmentor.course.checks import Failed, Trial, exercise
from o2gmentor.course.trainee_code import is_untouched_stub

TIMEOUT = 15.0
API_VERSION = "1.0"
# Services only an administrator session lists (o2g-domain.md §2.5; the simulator's list of admin-only services).
ADMIN_ONLY = {"maintenance", "pbxmanagement", "usermanagement", "analytics", "acdpilotmonitoring",
              "acdrealtime", "acd statistics", "acdmanagement", "acdrsi"}
# The licence of call control as the SDK documentation names it (JSDK/NSDK TelephonyService, o2g-domain.md §2.5).
# The SDK docs write it one way only and document no alias, so only that spelling is accepted.
CALL_CONTROL_LICENCE = "TELEPHONY_ADVANCED"
# Other licences the SDK docs name (o2g-domain.md §2.5), and licence items of the system status (the names in ALE's
# SDK test data, o2g-api-core.md §17): a trainee may give one of them, and each gets its own hint.
OTHER_SDK_LICENCES = {"MANAGEMENT", "ANALYTICS", "CONTACTCENTER_AGENT", "CONTACTCENTER_SERVICE", "CONTACTCENTER_SVCS",
                      "CONTACTCENTER_RSI"}
STATUS_ITEMS = {"ROXE_HA", "ROXE_API_TOKEN_MODE", "ROXE_API_TEL_BASIC", "ROXE_API_TEL_ADVANCED", "ROXE_API_MESSAGING",
                "ROXE_API_MANAGEMENT", "ROXE_API_PHONESETPROG", "ROXE_API_ANALYTICS", "ROXE_API_CONTACTCENTER_AGENT",
                "ROXE_API_CONTACTCENTER_RSI", "ROXE_API_CLOUD_CONNECTIVITY", "ROXE_API_CONTACTCENTER_SVCS"}
LICENCE_SECTION = "lesson 10, *Licences decide which services a session gets*"


def _copies(args: tuple[Any, ...]) -> list[Any]:
    """O2G's answers copied, so that a function that changes them cannot change the next case (sessions as is)."""
    return [copy.deepcopy(arg) if isinstance(arg, dict | list) else arg for arg in args]


def _unless_stub(function: Any, *args: Any, **kwargs: Any) -> Any:
    """None while ``function`` is the exercise's untouched stub, else ``function`` (for ``t.attempted``).

    The generated skeleton keeps ``def`` and ``return`` around ``… = None  # TODO: your code``, so the stub returns
    None. A function counts as the stub only when it still returns None *and* still holds that TODO line: a trainee
    who wrote the body but left the comment is judged, and one who forgot ``return`` gets ❌ from ``_call``.
    """
    if not callable(function):
        return function
    try:
        answer = function(*_copies(args), **kwargs)
    except Exception:  # noqa: BLE001 - judged again, with a pointed hint, by the checker
        return function
    return None if answer is None and is_untouched_stub(function) else function


def _call(function: Callable[..., Any], label: str, what: str, *args: Any, **kwargs: Any) -> Any:
    """Call the trainee's function on a copy of O2G's answers; an exception becomes a ❌ hint that names it."""
    try:
        answer = function(*_copies(args), **kwargs)
    except StopIteration:
        discovery = any(isinstance(arg, dict) and "versions" in arg for arg in args)
        why = (" The version ids in the discovery answer are strings: compare with \"1.0\" (the number 1.0 is never "
               "equal to \"1.0\")") if discovery else ""
        raise Failed(f"{label} raised StopIteration with {what}: a `next(…)` found no entry that matched.{why}") \
            from None
    except KeyError as exc:
        raise Failed(f"{label} raised KeyError {exc} with {what}: that answer has no key {exc} where your function "
                     "looked. Print the answer and read its keys") from None
    except Exception as exc:  # noqa: BLE001 - the trainee's code may raise anything
        raise Failed(f"{label} raised {exc.__class__.__name__}: {exc} with {what}") from None
    if answer is None:
        raise Failed(f"{label} returned None with {what} — did you forget `return`? (a function whose last line "
                     "computes a value without returning it gives None)")
    return answer


# ----------------------------------------------------------------------------------------------- 10-1
def listed_names(o2g: Any) -> set[str]:
    """What O2G really lists for this session: every ``serviceName``, lower-cased as the SDKs key them."""
    return {str(entry.get("serviceName", "")).lower() for entry in o2g.session_info.get("services", [])}


def spelled_names(o2g: Any) -> set[str]:
    """The same names as O2G spells them (``BasicTelephony``…)."""
    return {str(entry.get("serviceName", "")) for entry in o2g.session_info.get("services", [])}


def _names(value: Any, what: str, o2g: Any = None) -> set[str]:
    """The trainee's collection of service names, as given (not lower-cased), or a ❌ hint on its shape."""
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
    return set(items)


def _diff(mine: set[str], truth: set[str]) -> str:
    parts = []
    if truth - mine:
        parts.append(f"lacks {sorted(truth - mine)}")
    if mine - truth:
        parts.append(f"has {sorted(mine - truth)}, which O2G does not list")
    return " and ".join(parts)


def _not_lower_cased(mine: set[str], truth: set[str]) -> bool:
    return mine != truth and {name.lower() for name in mine} == truth


def _judge_service_names(t: Trial, service_names: Callable[[Any], Any], accounts: dict[str, Any]) -> None:
    for who, o2g in accounts.items():
        truth = listed_names(o2g)
        mine = _names(_call(service_names, "service_names()", f"{who}'s session", o2g),
                      f"service_names() for {who}", o2g)
        if mine == truth:
            continue
        if _not_lower_cased(mine, truth):
            raise Failed(f"for {who} your names keep O2G's spelling ({sorted(mine & spelled_names(o2g))[:3]}…). "
                         "The task asks for them lower-cased, as the SDKs key them ('basictelephony', 'telephony'…): "
                         "`.lower()` each serviceName")
        if "logins" in mine:
            raise Failed(f"for {who} your names come from the client's `o2g.services`, which merges every "
                         "/telephony entry into 'telephony' and adds 'logins'. Read `o2g.session_info['services']` "
                         "and take each entry's `serviceName`")
        if "telephony" in mine and "basictelephony" in truth and "basictelephony" not in mine:
            raise Failed(f"for {who} two services share the /telephony path (BasicTelephony and Telephony), and your "
                         "names keep only one 'telephony' — names made from URLs (or from the client's "
                         "`o2g.services`) merge them. Take each entry's `serviceName` from "
                         "`o2g.session_info['services']`")
        raise Failed(f"for {who}, O2G lists {sorted(truth)}; your function's answer {_diff(mine, truth)}")
    t.ok(f"service_names() gives the lower-cased names O2G lists for {', '.join(accounts)}")


def _judge_missing(t: Trial, missing: Any, accounts: dict[str, Any], full: str, basic: str) -> None:
    truth = listed_names(accounts[full]) - listed_names(accounts[basic])
    mine = _names(missing, "missing")
    if mine == truth:
        t.ok(f"missing: {basic} lacks {sorted(truth) or 'nothing'} compared with {full}, as O2G lists them")
        return
    if _not_lower_cased(mine, truth):
        t.fail("`missing` holds the right services but in O2G's spelling; build it from service_names(), which "
               "lower-cases them as the SDKs key them")
    lowered = {name.lower() for name in mine}
    if truth and lowered == listed_names(accounts[basic]) - listed_names(accounts[full]):
        t.fail(f"your difference is the wrong way round: it is what {basic} has and {full} has not. "
               f"Subtract {basic}'s services from {full}'s")
    if lowered & ADMIN_ONLY:
        t.fail(f"`missing` holds administrator services such as {sorted(lowered & ADMIN_ONLY)[0]!r}: you compared "
               f"with the administrator. The exercise compares two users: {full} (fully licensed) and {basic}")
    client_diff = set(accounts[full].services) - set(accounts[basic].services)
    if "logins" in lowered or (lowered == client_diff and lowered != truth):
        folded = sorted(truth - lowered)
        t.fail("`missing` is the difference of the client's `o2g.services` maps. The client (like the SDKs) folds "
               "every entry whose relativeUrl starts with /telephony into one 'telephony' key, so both users seem "
               f"to have 'telephony' and it drops out of the difference — yet O2G lists {folded} (call control) only "
               f"for {full}. Build `missing` from service_names() of both sessions")
    t.fail(f"{basic} lacks {sorted(truth) or 'nothing'} compared with {full}; your `missing` {_diff(lowered, truth)}")


def _licence_hint(licence: Any) -> str | None:
    """None when ``licence`` is the SDK documentation's name of the call-control licence, else what to look at."""
    if not isinstance(licence, str):
        return f"give the licence's name as a string, not a {type(licence).__name__}"
    text = licence.strip()
    if text == CALL_CONTROL_LICENCE:
        return None
    key = text.upper().replace(" ", "_").replace("-", "_")
    if key == CALL_CONTROL_LICENCE:
        return (f"{licence!r} is the right licence, but not written as the SDK documentation writes it. Licence "
                "names are identifiers, compared exactly: capitals, words joined by an underscore")
    if key == "ROXE_API_TEL_ADVANCED":
        return ("ROXE_API_TEL_ADVANCED is a licence item of the system status (the name the licence server counts). "
                "The task asks for the name the SDK documentation gives the Telephony service's licence, which is "
                "spelled differently; no public source says how the two sets of names map (see "
                f"{LICENCE_SECTION}, and *The licence items in the system status*)")
    if key == "ADVANCED_TELEPHONY":
        return ("'Advanced Telephony' is a display name in one of the Java SDK's test fixtures, not the licence name "
                f"the SDK documentation gives the Telephony service; see {LICENCE_SECTION}")
    if "BASIC" in key:
        return ("the basic calls (basicMakeCall, basicAnswerCall, basicDropMe) need no licence at all, and the basic "
                "user already has them. Call control (the Telephony service: make, answer, hold, transfer…) "
                f"needs another licence: see {LICENCE_SECTION}")
    if key in OTHER_SDK_LICENCES or key in STATUS_ITEMS:
        return (f"{licence!r} is not the licence of call control: it pays for other services (or is a licence item "
                "of the system status). Which licence does the SDK documentation give for the Telephony service? "
                f"See {LICENCE_SECTION}")
    return (f"{licence!r} is not a licence name the SDK documentation gives. Give exactly one name, spelled as the "
            f"SDK documentation spells it; see {LICENCE_SECTION}")


@exercise("10-1", "What may this account do?")
def services_and_licences(t: Trial, service_names: Any, missing: Any, call_control_licence: Any, *,
                          full: str | None = None, basic: str | None = None) -> None:
    """``service_names(o2g)``, the services ``basic`` lacks compared with ``full``, and the call-control licence."""
    if service_names is not None and not callable(service_names):
        t.fail("service_names should be a function that takes a connected O2G and returns its service names")
    if not full or not basic:
        t.fail("the check cell must name both accounts: course.check('10-1', …, full=FULL_USER, basic=BASIC_USER)")
    accounts = {full: t.session(full), basic: t.session(basic), "the administrator": t.session(admin=True)}
    t.attempted(**{"service_names()": _unless_stub(service_names, accounts[full]),
                   "missing": missing, "call_control_licence": call_control_licence})
    _judge_service_names(t, service_names, accounts)
    _judge_missing(t, missing, accounts, full, basic)
    hint = _licence_hint(call_control_licence)
    t.expect(hint is None, f"call control needs {CALL_CONTROL_LICENCE}, as the SDK documentation names it", hint or "")


# ----------------------------------------------------------------------------------------------- 10-2
def _descriptor(t: Trial) -> dict[str, Any]:
    answer = requests.get(f"{t.course.url}/api/rest", verify=t.course.ca_bundle or True, timeout=TIMEOUT)
    answer.raise_for_status()
    return answer.json()


def _version(descriptor: dict[str, Any]) -> dict[str, Any]:
    return next(v for v in descriptor["versions"] if v.get("id") == API_VERSION)


def _discovery(internal: str, public: str, *, other_first: bool = False) -> dict[str, Any]:
    """A discovery answer shaped as O2G's (o2g-api-core.md §1), crafted for the check."""
    versions = [{"id": API_VERSION, "status": "CURRENT", "publicUrl": f"{public}/api/rest/authenticate?version=1.0",
                 "internalUrl": f"{internal}/api/rest/authenticate?version=1.0"}]
    if other_first:
        versions.insert(0, {"id": "9.9", "status": "CHECK", "publicUrl": f"{public}/api/rest/authenticate?version=9.9",
                            "internalUrl": f"{internal}/api/rest/authenticate?version=9.9"})
    return {"serverInfo": {"productName": "O2G Solution", "productType": "O2G",
                           "productVersion": {"major": "2.7", "minor": "000.000"}, "haMode": False},
            "versions": versions}


# Crafted answers of a site whose LAN and internet URLs differ. The hosts are reserved names (never resolved).
LAN, WAN = "https://o2g.bluewave.example", "https://o2g.bluewave-public.example"
PICK_CASES = [
    ("a discovery answer whose internal and public URLs name different hosts", _discovery(LAN, WAN)),
    ("a discovery answer listing another API version before 1.0", _discovery(LAN, WAN, other_first=True)),
]


def _urls(doc: Any) -> set[str]:
    """Every string in an answer (to tell a URL the function read from one it made up)."""
    if isinstance(doc, dict):
        return set().union(*(_urls(v) for v in doc.values())) if doc else set()
    if isinstance(doc, list):
        return set().union(*(_urls(v) for v in doc)) if doc else set()
    return {doc} if isinstance(doc, str) else set()


def _judge_pick(t: Trial, pick: Callable[..., Any], descriptor: dict[str, Any]) -> None:
    for what, doc in [("this O2G's discovery answer", descriptor), *PICK_CASES]:
        version = _version(doc)
        for lan, key in ((True, "internalUrl"), (False, "publicUrl")):
            got = _call(pick, f"pick_login_url(descriptor, lan={lan})", what, doc, lan=lan)
            if got == version[key]:
                continue
            side = "on the LAN" if lan else "on the internet"
            if not isinstance(got, str):
                t.fail(f"pick_login_url() should return the login URL as a string, not {got!r}")
            if got not in _urls(doc):
                t.fail(f"with {what}, {side} your function returns {got!r}, which is not in the answer it was "
                       "given. Did you build the URL from the address you typed (`course.url`) or write it by hand? "
                       "Read it from `descriptor`: O2G's answer names its configured FQDN, which may not be the "
                       "address you connected to")
            if got == version["publicUrl" if lan else "internalUrl"]:
                t.fail(f"with {what}, {side} your function gives the {'public' if lan else 'internal'} URL. The LAN "
                       "(private address) follows `internalUrl`, the internet (through the reverse proxy) `publicUrl`")
            if got in (doc["versions"][0].get("internalUrl"), doc["versions"][0].get("publicUrl")):
                t.fail(f"with {what}, your function took `versions[0]`. Pick the entry whose `id` is '1.0', as the "
                       "SDKs do")
            t.fail(f"with {what}, {side} your function gives {got!r}; the login URL to follow is {version[key]!r}")
    t.ok("pick_login_url() reads the descriptor it is given: internalUrl on the LAN, publicUrl from the internet, "
         "for API version 1.0")


def _subscription_answer(o2g: Any) -> dict[str, Any]:
    """A real subscription's answer (the subscription is deleted at once: only its URLs are needed)."""
    answer = o2g.request("POST", "subscriptions", expect_json=True,
                         json_body={"filter": {"selectors": [{"names": ["telephony"], "ids": []}]}, "version": "1.0"})
    o2g.request("DELETE", "subscriptions", f"/{answer['subscriptionId']}")
    return answer


def destination(url: str) -> tuple[str, int]:
    """Where a connection to ``url`` goes: ``(host, port)``, the port defaulting to the scheme's."""
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


def _session_answer(private: str, public: str) -> dict[str, Any]:
    return {"admin": False, "timeToLive": 1800, "privateBaseUrl": f"{private}/api/rest/1.0",
            "publicBaseUrl": f"{public}/api/rest/1.0",
            "services": [{"serviceName": "Telephony", "serviceVersion": "1.0", "relativeUrl": "/telephony/calls"}]}


def _subscription(private: str, public: str) -> dict[str, Any]:
    return {"subscriptionId": "CHECK", "message": "", "format": "JSON", "status": "ACCEPTED", "version": "1.0",
            "privatePollingUrl": f"{private}/api/rest/1.0/events/CHECK",
            "publicPollingUrl": f"{public}/api/rest/1.0/events/CHECK"}


# (what, discovery, session, subscription): crafted so that each part of the answer leads somewhere else.
FLOW_CASES = [
    ("crafted answers of a site whose URLs carry no port (https: 443) and whose event channel has its own port 8016",
     _discovery(LAN, WAN), _session_answer(LAN, WAN),
     _subscription("https://o2g.bluewave.example:8016", "https://o2g.bluewave-public.example:8016")),
    ("crafted answers whose API is on port 8443 and whose event channel is on another host, with no port",
     _discovery("https://o2g.bluewave.example:8443", "https://o2g.bluewave-public.example:8443"),
     _session_answer("https://o2g.bluewave.example:8443", "https://o2g.bluewave-public.example:8443"),
     _subscription("https://o2g-events.bluewave.example", "https://o2g-events.bluewave-public.example")),
    ("crafted answers of an old lab whose event channel is plain http without a port (http: 80)",
     _discovery(LAN, WAN), _session_answer(LAN, WAN),
     _subscription("http://o2g-lab.bluewave.example", "http://o2g-lab.bluewave-public.example")),
]


def _lan_urls(discovery: dict[str, Any], session: dict[str, Any], subscription: dict[str, Any]) -> dict[str, str]:
    return {"login": _version(discovery)["internalUrl"], "services": session["privateBaseUrl"],
            "event channel": subscription["privatePollingUrl"]}


def _wan_urls(discovery: dict[str, Any], session: dict[str, Any], subscription: dict[str, Any]) -> dict[str, str]:
    return {"login": _version(discovery)["publicUrl"], "services": session["publicBaseUrl"],
            "event channel": subscription["publicPollingUrl"]}


def _pairs(value: Any) -> set[tuple[str, int]]:
    """The trainee's (host, port) pairs, or a ❌ hint on their shape."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) \
            and not isinstance(value[1], tuple | list):
        raise Failed(f"app_to_o2g() returns one pair {value!r}; return a set of (host, port) pairs, one per place "
                     "the application connects to: {(host, port), …}")
    if isinstance(value, str) or not isinstance(value, Iterable) or isinstance(value, dict):
        raise Failed("app_to_o2g() should return a set of (host, port) pairs, e.g. {('o2g.example.com', 443)}, "
                     f"not {value!r}")
    if not isinstance(value, set | frozenset):
        raise Failed(f"app_to_o2g() returns a {type(value).__name__}; return a set of (host, port) pairs — one "
                     "firewall rule per destination, each once (a list repeats a destination reached twice)")
    pairs = set()
    for item in value:
        if isinstance(item, str):
            if "://" in item:
                raise Failed(f"app_to_o2g() returns a URL ({item!r}); a firewall rule needs its (host, port): "
                             "`urlsplit(url).hostname` and `urlsplit(url).port`")
            raise Failed(f"app_to_o2g() returns the string {item!r} among its pairs; each item should be a "
                         "(host, port) tuple with an int port")
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise Failed(f"app_to_o2g() should return (host, port) pairs, not {item!r}")
        host, port = item
        if port is None:
            raise Failed(f"({host!r}, None): an https URL without a port goes to port 443 (http: 80). "
                         "`urlsplit(url).port` is None then, so default it")
        if isinstance(port, str):
            raise Failed(f"({host!r}, {port!r}): the port is a string. Give it as an int ({port.strip()}, not "
                         f"{port!r}): `urlsplit(url).port` already is one")
        if isinstance(port, bool) or not isinstance(port, int) or not isinstance(host, str):
            raise Failed(f"app_to_o2g() should return (host: str, port: int) pairs, not {item!r}")
        pairs.add((host.lower(), port))
    return pairs


def _judge_flow_case(what: str, mine: set[tuple[str, int]], answers: tuple[dict[str, Any], ...]) -> None:
    urls = _lan_urls(*answers)
    truth = {destination(url) for url in urls.values()}
    if mine == truth:
        return
    if not mine:
        raise Failed(f"with {what}, your function returns an empty set. It should hold one (host, port) pair for "
                     "each place an application on the LAN connects to: the login URL (discovery's internalUrl), "
                     "the services (the session's privateBaseUrl) and the event channel (the subscription's "
                     "privatePollingUrl)")
    if mine == {destination(url) for url in _wan_urls(*answers).values()}:
        raise Failed(f"with {what}, your pairs are those of the public URLs (publicUrl, publicBaseUrl, "
                     "publicPollingUrl). An application on the LAN follows the private ones: internalUrl, "
                     "privateBaseUrl, privatePollingUrl")
    known = {destination(url)[0] for url in _urls(list(answers)) if "://" in url}
    strangers = sorted(host for host, _ in mine if host not in known)
    if strangers:
        raise Failed(f"with {what}, your pairs name {strangers}, a host that is in none of the answers your function "
                     "was given. Did it use the address you typed (`course.url`) or a fixed value? Read every host "
                     "and port from the answers")
    hosts = {host for host, _ in mine}
    for name, url in urls.items():
        host, port = destination(url)
        if (host, port) not in mine and urlsplit(url).port is None and host in hosts:
            raise Failed(f"with {what}, the {name} URL {url!r} has no port, so it goes to ({host!r}, {port}): an "
                         "https URL without a port means 443 (http: 80). `urlsplit(url).port` is None then: default "
                         "it from the scheme")
    channel = destination(urls["event channel"])
    if channel not in mine:
        raise Failed(f"with {what}, the event channel is missing: the subscription's privatePollingUrl "
                     f"{urls['event channel']!r} goes to {channel}. Without that rule, logins and calls work but no "
                     "event ever arrives")
    lacking = sorted(truth - mine)
    if lacking:
        which = [name for name, url in urls.items() if destination(url) in lacking]
        raise Failed(f"with {what}, your pairs lack {lacking}, where the {' and '.join(which)} URL goes")
    raise Failed(f"with {what}, your pairs have {sorted(mine - truth)}, which none of the private URLs in the answers "
                 f"name; the application connects to {sorted(truth)}")


def _judge_flows(t: Trial, app_to_o2g: Callable[..., Any], live: tuple[dict[str, Any], ...]) -> None:
    cases = [("this O2G's answers", *live), *FLOW_CASES]
    for what, *answers in cases:
        got = _call(app_to_o2g, "app_to_o2g(descriptor, session, subscription)", what, *answers)
        _judge_flow_case(what, _pairs(got), tuple(answers))
    truth = sorted({destination(url) for url in _lan_urls(*live).values()})
    t.ok(f"app_to_o2g() follows the private login, services and event-channel URLs, with https defaulting to 443 "
         f"(on this O2G: {truth})")


@exercise("10-2", "Follow the right URL, open the right ports")
def urls_and_flows(t: Trial, pick_login_url: Any, app_to_o2g: Any, webhook_opened_by: Any, *,
                   user: str | None = None) -> None:
    """The login URL to follow after discovery, the app → O2G destinations, and the webhook's direction."""
    for name, value in (("pick_login_url", pick_login_url), ("app_to_o2g", app_to_o2g)):
        if value is not None and not callable(value):
            t.fail(f"{name} should be a function (def {name}(…): …), not a {type(value).__name__}")
    descriptor = _descriptor(t)
    o2g = t.session(user)
    live = (descriptor, o2g.session_info, _subscription_answer(o2g))
    t.attempted(**{"pick_login_url()": _unless_stub(pick_login_url, descriptor, lan=True),
                   "app_to_o2g()": _unless_stub(app_to_o2g, *live),
                   "webhook_opened_by": webhook_opened_by})
    _judge_pick(t, pick_login_url, descriptor)
    _judge_flows(t, app_to_o2g, live)

    side = str(webhook_opened_by).strip().lower() if isinstance(webhook_opened_by, str) else ""
    if side in ("app", "application", "my app", "your app", "client"):
        t.fail("in webhook mode there is no event channel to open: O2G POSTs each event to an HTTPS URL your "
               "application exposes. Who opens that connection, and which way must the firewall let it through?")
    t.expect(side == "o2g", "webhook mode: O2G opens the connection to your application (O2G → app)",
             "answer 'o2g' or 'app': which side opens the connection that carries events in webhook mode?")

