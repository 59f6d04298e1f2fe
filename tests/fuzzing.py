"""Fuzzing the simulated O2G from its own OpenAPI description, with schemathesis (on hypothesis).

For every operation of ``o2gmentor/sim/openapi.json``, logged in as a user or as an administrator (the
``AlcUserId`` cookie of a real login), requests are drawn three ways: valid requests on the site's real
identifiers (the agent oxe2001, its call, node 1, pilot 3000… so the handlers' own code runs), valid requests
on generated identifiers, and invalid requests (schemathesis' negative mode: wrong types, missing fields,
out-of-range values). Each answer must be:

* not a 5xx (a 503 is only allowed while the simulator is told to be down, never here), within ``TIMEOUT``;
* on a 4xx, the O2G error body (``Error`` in the description: httpStatus, code = the status, helpMessage…);
* conform to the description: a documented status, the documented content type, the documented schema.

``run(...)`` returns the counts; ``tests/integration/test_fuzz.py`` runs it short in ``make test`` and long
with ``O2G_FUZZ_EXAMPLES=…`` (``make fuzz``), then checks the site's invariants.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from o2gmentor.sim.openapi import BASE

TIMEOUT = 5.0  # seconds: an answer slower than this is a hang
# Never fuzzed: the event channel streams for ever on a live subscription (its 404 on unknown ids is covered
# by the bad-input tests), and logging out ends the fuzzer's own session (covered by the session tests).
SKIPPED = {("POST", BASE + "/events/{sub_id}"), ("GET", BASE + "/events/{sub_id}"), ("POST", "/OTEvents"),
           ("GET", "/OTEvents"), ("DELETE", BASE + "/sessions")}
# GET forwardroute / overflowroute: an empty 200 (no content type) means "none", as the description says
EMPTY_200 = {BASE + "/routing/forwardroute", BASE + "/routing/overflowroute"}
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class Account:
    login: str
    password: str
    admin: bool
    # the site's identifiers the "real values" requests use (an administrator names its user with loginName)
    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


def site_values(account: Account, call_ref: str | None) -> dict[str, str]:
    """Path values that exist on the default site, as ``account`` sees them."""
    values = {"login": "oxe2001", "device": "2001", "deviceId": "2001", "leg": "2001", "pid": "1002",
              "node": "1", "pilot": "3000", "box": "VM4635_2001", "position": "3", "rsi": "3900",
              "kind": "normal", "day": "monday", "n": "1", "rid": "super1", "cid": "ctx1", "sid": "report1",
              "path": "Subscriber/2001", "name": "Subscriber", "vid": "1", "crid": "rc1", "coll": "coll1",
              "sub_id": "none", "token": "none"}
    if call_ref:
        values["ref"] = call_ref
    return values


@dataclass
class Result:
    role: str
    operations: int = 0
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    slowest: float = 0.0
    seconds: float = 0.0

    def line(self) -> str:
        classes = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        return (f"fuzz as {self.role}: {self.operations} operations, {self.requests} requests ({classes}), "
                f"{len(self.failures)} failures, slowest answer {self.slowest * 1000:.0f} ms, "
                f"{self.seconds:.1f} s")


class Session:
    """A logged-in ``requests`` session that logs in again when the fuzzer ended its session itself."""

    def __init__(self, host: str, ca: str, account: Account, password_of) -> None:
        self.host, self.ca, self.account, self.password_of = host, ca, account, password_of
        self.http = requests.Session()
        self.login()

    def login(self) -> None:
        self.http.cookies.clear()
        password = self.password_of(self.account.login) or self.account.password
        r = self.http.get(f"https://{self.host}/api/rest/authenticate?version=1.0",
                          auth=(self.account.login, password), verify=self.ca, timeout=TIMEOUT)
        r.raise_for_status()
        r = self.http.post(f"https://{self.host}{BASE}/sessions", json={"applicationName": "fuzz"}, verify=self.ca,
                           timeout=TIMEOUT)
        r.raise_for_status()

    @property
    def token(self) -> str:
        return self.http.cookies.get("AlcUserId", "")

    def alive(self) -> bool:
        r = self.http.get(f"https://{self.host}{BASE}/sessions", verify=self.ca, timeout=TIMEOUT)
        return r.status_code == 200


def run(host: str, ca: str, document: dict[str, Any], account: Account, *, examples: int,
        password_of=lambda login: None, prepare=lambda: {}) -> Result:
    """Fuzz every operation of ``document`` as ``account``; ``prepare()`` → extra path values (a live call).

    Short runs (``examples`` ≤ 10) draw the same requests every time; longer ones explore anew each run."""
    schema = schemathesis.openapi.from_dict(document)
    components = document["components"]["schemas"]
    error = {**components["Error"], "components": {"schemas": components}}
    validator = jsonschema.Draft7Validator(error)
    session = Session(host, ca, account, password_of)
    result = Result("administrator" if account.admin else "user")
    started = time.monotonic()
    base_url = f"https://{host}"
    for result_ in schema.get_all_operations():
        operation = result_.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        result.operations += 1
        failures = _fuzz_operation(operation, session, account, result, validator, base_url, ca, examples,
                                   {**site_values(account, None), **prepare()})
        result.failures += failures[:3] + ([f"… and {len(failures) - 3} more on {operation.label}"]
                                           if len(failures) > 3 else [])
    result.seconds = time.monotonic() - started
    return result


def _fuzz_operation(operation, session: Session, account: Account, result: Result, validator, base_url: str,
                    ca: str, examples: int, values: dict[str, str]) -> list[str]:
    """``examples`` requests to one operation; returns what went wrong."""
    names = [p.name for p in operation.path_parameters]
    real_path = {n: values[n] for n in names if n in values}
    query = dict(account.query) if "loginName" in {p.name for p in operation.query} else {}
    strategies = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=real_path,
                                        query=query or None),
                  operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                  operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)]
    failures: list[str] = []
    secured = operation.definition.raw.get("security") != []

    @settings(max_examples=examples, deadline=None, database=None, derandomize=examples <= 10, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), report_multiple_bugs=True)
    @given(case=st.one_of(strategies))
    def fuzz(case) -> None:
        if secured or (case.cookies is not None and "AlcUserId" in case.cookies):
            case.cookies = {**(case.cookies or {}), "AlcUserId": session.token}  # a real login's, not a made-up one
        started_at = time.monotonic()
        try:
            response = case.call(base_url=base_url, session=session.http, verify=ca, timeout=TIMEOUT)
        except requests.Timeout:
            failures.append(f"{case.operation.label}: no answer within {TIMEOUT} s ({describe(case)})")
            return
        elapsed = time.monotonic() - started_at
        result.requests += 1
        result.slowest = max(result.slowest, elapsed)
        status = response.status_code
        result.statuses[f"{status // 100}xx"] += 1
        problems = []
        if status >= 500:
            problems.append(f"server error {status}: {response.text[:160]}")
        if 400 <= status < 500:
            try:
                body = response.json()
                errors = sorted(e.message for e in validator.iter_errors(body))
                if errors:
                    problems.append(f"{status} without the O2G error body: {errors[0]}")
                elif body.get("code") != status:
                    problems.append(f"{status} with an error body saying code {body.get('code')}")
            except ValueError:
                problems.append(f"{status} without a JSON error body: {response.text[:100]!r}")
        try:
            if not (status == 200 and not response.content and case.operation.path in EMPTY_200):
                case.validate_response(response, checks=CHECKS)
        except (AssertionError, FailureGroup) as exc:  # schemathesis' Failure and FailureGroup
            problems.append(_first_line(exc))
        if problems:
            mode = case.meta.generation.mode.value if case.meta else "?"
            failures.append(f"{case.operation.label} [{mode}] {describe(case)} → " + "; ".join(problems))
        if status in (401, 403) and not session.alive():  # the fuzz closed its own session (POST /sessions…)
            session.login()

    fuzz()
    return failures


def describe(case) -> str:
    parts = [case.formatted_path]
    if case.query:
        parts.append("?" + "&".join(f"{k}={str(v)[:20]}" for k, v in case.query.items()))
    if case.body is not None and not isinstance(case.body, type(schemathesis.core.NOT_SET)):
        parts.append("body=" + json.dumps(case.body, default=str)[:80])
    return " ".join(parts)


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, FailureGroup):
        return "; ".join(_first_line(e) for e in exc.exceptions[:2])
    title = getattr(exc, "title", None) or type(exc).__name__
    message = str(getattr(exc, "message", "") or exc).strip().splitlines()
    return f"{title}: {message[0][:160] if message else ''}"
