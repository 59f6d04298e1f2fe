"""Deeply nested or huge JSON bodies: 400 when too deep, 413 when too large, the O2G error body, never a 5xx."""

from __future__ import annotations

import pytest

from o2gmentor.sim.api.control import TOKEN_HEADER
from o2gmentor.sim.api.requests_ import MAX_BODY_BYTES, MAX_JSON_DEPTH
from tests.integration.test_sdk_contract import login_like_node

DEEP_UNCLOSED = b"[" * 100_000
DEEP_VALID = (b'{"a":' * 2000) + b"1" + (b"}" * 2000)  # valid JSON, beyond the parser's recursion limit
JUST_TOO_DEEP = (b'{"a":' * MAX_JSON_DEPTH) + b"[1]" + (b"}" * MAX_JSON_DEPTH)
HUGE = b'{"applicationName": "' + b"x" * (MAX_BODY_BYTES + 10) + b'"}'


@pytest.fixture()
def routes(fresh_sim):
    host, ca = fresh_sim.info.address, str(fresh_sim.ca_path)
    http, sessions_url, info = login_like_node(host, ca)
    base = info["privateBaseUrl"]
    control = {TOKEN_HEADER: fresh_sim.state.control_token}
    return http, ca, [
        ("POST", sessions_url, {}),
        ("POST", f"{base}/telephony/calls", {}),
        ("POST", f"{base}/subscriptions", {}),
        ("PUT", f"{base}/comlog/records?acknowledge=true", {}),
        ("POST", f"{base}/routing/forwardroute", {}),
        ("POST", f"https://{host}/sim/clock/advance", control),
    ]


def _o2g_error(response, status: int) -> dict:
    assert response.status_code == status, f"{response.request.method} {response.url}: {response.status_code}"
    body = response.json()
    assert body["code"] == status and body["helpMessage"] and body["type"] == body["Type"]
    assert body["canRetry"] is False
    return body


@pytest.mark.parametrize("payload", [DEEP_UNCLOSED, DEEP_VALID, JUST_TOO_DEEP], ids=["unclosed", "deep", "depth+1"])
def test_too_deep_json_is_400_on_every_route(routes, payload):
    http, ca, targets = routes
    for method, url, headers in targets:
        response = http.request(method, url, data=payload, verify=ca,
                                headers={**headers, "Content-Type": "application/json"})
        body = _o2g_error(response, 400)
        assert "deep" in body["helpMessage"], body


def test_json_at_the_depth_limit_is_still_read(routes):
    http, ca, targets = routes
    nested = (b'{"a":' * (MAX_JSON_DEPTH - 1)) + b"1" + (b"}" * (MAX_JSON_DEPTH - 1))
    method, url, headers = targets[1]  # make call: a body without deviceId is an ordinary 400
    body = _o2g_error(http.request(method, url, data=nested, verify=ca,
                                   headers={"Content-Type": "application/json"}), 400)
    assert "deep" not in body["helpMessage"]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_too_large_bodies_are_413_with_the_o2g_body(routes, chunked):
    http, ca, targets = routes
    for method, url, headers in targets:
        data = iter([HUGE[:1000], HUGE[1000:]]) if chunked else HUGE
        response = http.request(method, url, data=data, verify=ca,
                                headers={**headers, "Content-Type": "application/json"})
        assert response.status_code == 413, (url, response.status_code, response.text[:200])
        _o2g_error(response, 413)
