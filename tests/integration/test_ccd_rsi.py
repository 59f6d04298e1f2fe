"""RSI over HTTPS: points, enable (both backup forms), route sessions, bad input and rights."""

from __future__ import annotations

import requests


def raw(client, method: str, path: str, **kwargs) -> requests.Response:
    return client.transport.http.request(method, client.base_url + path, verify=client.transport.verify, **kwargs)


def test_points_enable_disable(connect):
    admin = connect("admin")
    points = admin.rsi.points()
    assert points[0] == {"number": "3900", "name": "IVR", "node": 1, "registered": False}
    admin.rsi.enable("3900")
    assert raw(admin, "POST", "/acdrsi/3901/enable", params={"backup": ""}).status_code == 204  # the Node form
    assert [p["registered"] for p in admin.rsi.points()] == [True, True]
    admin.rsi.disable("3901")
    admin.rsi.enable("3901", backup=True)  # the Java form
    assert admin.rsi.route_sessions("3900") == []
    admin.close()
    assert [p["registered"] for p in connect("admin").rsi.points()] == [False, False]  # freed with the session


def test_bad_input(connect):
    admin = connect("admin")
    assert raw(admin, "POST", "/acdrsi/1234/enable").status_code == 404
    assert raw(admin, "GET", "/acdrsi/3900/routeSessions/rc99").status_code == 404
    assert raw(admin, "POST", "/acdrsi/3900/routeSelect", json={"routeCrid": "rc99", "selectedRoute": "1001"}
               ).status_code == 404
    assert raw(admin, "POST", "/acdrsi/3900/routeSelect", json={}).status_code == 400
    assert raw(admin, "POST", "/acdrsi/3900/playTone", json={"callRef": "1", "tone": "JAZZ"}).status_code == 400
    assert raw(admin, "POST", "/acdrsi/3900/playTone", json={"callRef": "1", "type": "MUSIC"}).status_code == 404
    assert raw(admin, "POST", "/acdrsi/3900/collectDigits", json={"callRef": "1"}).status_code == 404


def test_user_session_refused(connect):
    assert raw(connect("oxe2090"), "GET", "/acdrsi").status_code == 403
