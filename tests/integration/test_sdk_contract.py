"""The exact exchange the official SDKs make (official-node-sdk-contract.md), replayed with raw HTTP.

Each request is sent the way the SDK sends it — headers, bodies, and the event channel opened
with no cookie — and each answer is checked for what the SDK needs to go on.
"""

from __future__ import annotations

import base64
import json
import threading
import time

import pytest
import requests

NODE_HEADERS = {"accept": "*/*", "user-agent": "node", "accept-encoding": "br, gzip, deflate",
                "accept-language": "*", "sec-fetch-mode": "cors"}


class Channel:
    """An event channel read in a thread, opened like the Node SDK (POST, no cookie, no body)."""

    def __init__(self, url: str, ca: str, method: str = "POST", headers: dict | None = None) -> None:
        self.lines: list[dict] = []
        self.raw: list[bytes] = []
        self.status: int | None = None
        self.ended = threading.Event()
        self._response = None
        headers = dict(NODE_HEADERS if headers is None else headers)
        self.thread = threading.Thread(target=self._read, args=(url, ca, method, headers), daemon=True)
        self.thread.start()

    def _read(self, url, ca, method, headers):
        try:
            with requests.request(method, url, verify=ca, stream=True, headers=headers, timeout=(5, 30)) as r:
                self._response = r
                self.status = r.status_code
                for line in r.iter_lines():
                    self.raw.append(line)
                    if line.strip():
                        self.lines.append(json.loads(line))
        except (requests.RequestException, AttributeError, ValueError):
            pass  # closed by the test (close() from another thread can race the reader)
        finally:
            self.ended.set()

    def wait(self, name: str, timeout: float = 5.0, **fields) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in list(self.lines):
                if event.get("eventName") == name and all(event.get(k) == v for k, v in fields.items()):
                    return event
            time.sleep(0.02)
        raise AssertionError(f"no {name} {fields} in {[e.get('eventName') for e in self.lines]}")

    def close(self):
        if self._response is not None:
            self._response.close()


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


@pytest.fixture()
def host(fresh_sim) -> str:
    return fresh_sim.info.address


@pytest.fixture()
def ca(fresh_sim) -> str:
    return str(fresh_sim.ca_path)


def login_like_node(host: str, ca: str, login: str = "oxe1001", password: str = "1001"):
    """R1–R3 as the Node SDK does them; returns (http session, session URL, SessionInfo)."""
    http = requests.Session()
    http.headers.update(NODE_HEADERS)
    r1 = http.get(f"https://{host}/api/rest", verify=ca)
    assert r1.status_code == 200
    version = next(v for v in r1.json()["versions"] if v["id"] == "1.0")
    r2 = http.get(version["internalUrl"], headers={"Authorization": basic(login, password)}, verify=ca)
    assert r2.status_code == 200
    sessions_url = r2.json()["internalUrl"]
    r3 = http.post(sessions_url, data=json.dumps({"applicationName": "sdk-scenario"}),
                   headers={"content-type": "application/json"}, verify=ca)
    assert r3.status_code == 200
    return http, sessions_url, r3.json()


def test_node_sdk_basic_scenario_end_to_end(host, ca):
    # R1 descriptor: every URL absolute https with the client's own host:port
    http = requests.Session()
    http.headers.update(NODE_HEADERS)
    r1 = http.get(f"https://{host}/api/rest", verify=ca)
    assert r1.status_code == 200
    descriptor = r1.json()
    assert {"productName", "productType", "productVersion"} <= set(descriptor["serverInfo"])
    v10 = next(v for v in descriptor["versions"] if v["id"] == "1.0")
    assert v10["status"] == "CURRENT"
    assert v10["internalUrl"] == f"https://{host}/api/rest/authenticate?version=1.0"

    # R2 authenticate: JSON body and a host-only AlcUserId cookie (no Domain), Path=/
    r2 = http.get(v10["internalUrl"], headers={"Authorization": basic("oxe1001", "1001")}, verify=ca)
    assert r2.status_code == 200
    auth = r2.json()
    cookie = r2.headers["Set-Cookie"]
    assert cookie.startswith(f"AlcUserId={auth['credential']};") and "Path=/" in cookie
    assert "domain" not in cookie.lower()
    assert auth["internalUrl"] == f"https://{host}/api/rest/1.0/sessions"

    # R3 session: services resolvable the SDK way (lower-cased name; /telephony prefix)
    r3 = http.post(auth["internalUrl"], data='{"applicationName":"sdk-scenario"}',
                   headers={"content-type": "application/json"}, verify=ca)
    assert r3.status_code == 200
    info = r3.json()
    assert info["admin"] is False and info["login"] == "oxe1001" and info["timeToLive"] > 0
    base = info["privateBaseUrl"]
    assert base == f"https://{host}/api/rest/1.0" and not base.endswith("/")
    services = {s["serviceName"].lower(): base + s["relativeUrl"] for s in info["services"]}
    assert all(s["relativeUrl"].startswith("/") for s in info["services"])
    assert {"subscriptions", "users", "routing", "eventsummary"} <= set(services)
    assert any(s["relativeUrl"].startswith("/telephony") for s in info["services"])
    telephony = base + "/telephony"

    # R4 subscribe, body exactly as Node sends it
    r4 = http.post(services["subscriptions"], headers={"content-type": "application/json"}, verify=ca,
                   data='{"filter":{"selectors":[{"ids":["oxe1001"],"names":["telephony"]},'
                        '{"ids":["oxe1001"],"names":["eventSummary"]}]},"version":"1.0","timeout":0}')
    assert r4.status_code == 200
    sub = r4.json()
    assert sub["status"] == "ACCEPTED" and sub["privatePollingUrl"].startswith(f"https://{host}/")

    # R5 channel: POST, no cookie, no body; OnChannelInformation first, one compact object per line
    channel = Channel(sub["privatePollingUrl"], ca)
    first = channel.wait("OnChannelInformation")
    assert channel.lines[0] is first and channel.status == 200
    assert all(b"\n" not in line for line in channel.raw)

    # R6 makeCall → 2xx, then OnCallCreated for A on the channel
    r6 = http.post(telephony + "/calls", data='{"deviceId":"1001","callee":"1002","autoAnswer":true}',
                   headers={"content-type": "application/json"}, verify=ca)
    assert r6.status_code == 201
    created = channel.wait("OnCallCreated", loginName="oxe1001")
    ref = created["callRef"]
    assert r6.headers["Location"].endswith(f"/calls/{ref}")
    for leg in created["legs"]:
        assert {"deviceId", "state"} <= set(leg)
    for participant in created["participants"]:
        assert "id" in participant["identity"]
    if "initialCalled" in created["callData"]:
        assert "id" in created["callData"]["initialCalled"]

    # R7 list calls
    r7 = http.get(telephony + "/calls", verify=ca)
    assert r7.status_code == 200 and ref in [c["callRef"] for c in r7.json()["calls"]]

    # R8 release → 2xx, then OnCallRemoved with the same callRef
    r8 = http.delete(f"{telephony}/calls/{ref}", verify=ca)
    assert r8.status_code // 100 == 2
    channel.wait("OnCallRemoved", callRef=ref, loginName="oxe1001")

    # R9 user, R10 routing state
    r9 = http.get(services["users"] + "/oxe1001", verify=ca)
    assert r9.status_code == 200
    user = r9.json()
    assert user["loginName"] == "oxe1001" and user["companyPhone"] == "1001"
    assert isinstance(user["devices"], list)
    r10 = http.get(services["routing"] + "/state", verify=ca)
    assert r10.status_code == 200 and isinstance(r10.json(), dict)

    # K keep-alive (Node: content-type JSON, empty body) and R11 close
    keepalive = http.post(auth["internalUrl"] + "/keepalive", headers={"content-type": "application/json"},
                          verify=ca)
    assert keepalive.status_code // 100 == 2
    channel.close()
    r11 = http.delete(auth["internalUrl"], verify=ca)
    assert r11.status_code // 100 == 2


def test_java_sdk_variant_is_accepted(host, ca, fresh_sim):
    """Java: no Accept, Content-Length 0 on GET/DELETE, no content type on empty POSTs, selectors
    without ids, makeCall with inhibitProgressTone, DELETE subscription before DELETE session."""
    http = requests.Session()
    http.headers.update({"User-Agent": "Java-http-client/17", "Accept": None, "Accept-Encoding": None})
    desc = http.get(f"https://{host}/api/rest", headers={"Content-Length": "0"}, verify=ca).json()
    auth = http.get(desc["versions"][0]["internalUrl"], headers={"Authorization": basic("oxe1002", "1002"),
                                                                 "Content-Length": "0"}, verify=ca).json()
    info = http.post(auth["internalUrl"], json={"applicationName": "java"}, verify=ca).json()
    base = info["privateBaseUrl"]
    sub = http.post(base + "/subscriptions", verify=ca, json={
        "version": "1.0", "timeout": 10, "filter": {"selectors": [{"names": ["telephony"]}]}}).json()
    assert sub["status"] == "ACCEPTED"
    channel = Channel(sub["privatePollingUrl"], ca, headers={"User-Agent": "Java-http-client/17"})
    channel.wait("OnChannelInformation")
    made = http.post(base + "/telephony/calls", verify=ca, json={
        "deviceId": "1002", "callee": "1001", "autoAnswer": True, "inhibitProgressTone": False})
    assert made.status_code == 201
    channel.wait("OnCallCreated", loginName="oxe1002")
    keepalive = http.post(auth["internalUrl"] + "/keepalive", data=b"", verify=ca)
    assert keepalive.status_code == 204
    assert http.delete(f"{base}/subscriptions/{sub['subscriptionId']}", headers={"Content-Length": "0"},
                       verify=ca).status_code == 204
    assert channel.ended.wait(5), "deleting the subscription closes its channel"
    assert http.delete(auth["internalUrl"], headers={"Content-Length": "0"}, verify=ca).status_code == 204


def test_channel_starts_with_the_monitored_users_state_and_sends_keepalive_lines(host, ca):
    http, _, info = login_like_node(host, ca)
    sub = http.post(info["privateBaseUrl"] + "/subscriptions", verify=ca,
                    json={"filter": {"selectors": [{"ids": [], "names": ["telephony"]}]}, "version": "1.0"}).json()
    channel = Channel(sub["privatePollingUrl"], ca)
    assert channel.wait("OnChannelInformation")["text"] == "Chunk started"
    device = channel.wait("OnDeviceStateModified", loginName="oxe1001")
    assert device["deviceStates"] == [{"deviceId": "1001", "state": "IN_SERVICE"}]
    assert channel.wait("OnUserStateModified", loginName="oxe1001")["state"] == "FREE"
    channel.wait("OnChannelInformation", timeout=4, text="keepalive")  # the test simulator: 1 s
    assert all(line.strip() for line in channel.raw), "never a blank line (it kills Java's reader)"
    channel.close()


def test_a_client_may_reattach_to_its_polling_url_and_gets_events_queued_meanwhile(host, ca):
    http, _, info = login_like_node(host, ca)
    sub = http.post(info["privateBaseUrl"] + "/subscriptions", verify=ca,
                    json={"filter": {"selectors": [{"ids": [], "names": ["telephony"]}]}, "version": "1.0"}).json()
    first = Channel(sub["privatePollingUrl"], ca)
    first.wait("OnChannelInformation")
    first.close()
    first.ended.wait(5)
    made = http.post(info["privateBaseUrl"] + "/telephony/calls", verify=ca,
                     json={"deviceId": "1001", "callee": "1002", "autoAnswer": True})
    ref = made.headers["Location"].rsplit("/", 1)[-1]
    second = Channel(sub["privatePollingUrl"], ca, method="GET")  # the tutorial opened it in a browser
    second.wait("OnChannelInformation")
    second.wait("OnCallCreated", callRef=ref)
    second.close()


def test_session_expires_after_ttl_plus_grace(host, ca, fresh_sim):
    http, sessions_url, info = login_like_node(host, ca)
    ttl = info["timeToLive"]
    fresh_sim.call(fresh_sim.state.sessions.clock.advance, ttl)  # exactly TTL: still alive (Java keeps alive at TTL)
    assert http.post(sessions_url + "/keepalive", verify=ca).status_code == 204
    fresh_sim.call(fresh_sim.state.sessions.clock.advance, ttl * 1.2)
    expired = http.post(sessions_url + "/keepalive", verify=ca)
    assert expired.status_code in (401, 403)
    assert expired.json()["code"] == expired.status_code


def test_advancing_the_pbx_clock_does_not_expire_sessions(host, ca, fresh_sim):
    """A lesson may play a day of contact-center traffic: sessions live in real time, not on that clock."""
    http, sessions_url, info = login_like_node(host, ca)
    fresh_sim.call(fresh_sim.state.pbx.clock.advance, info["timeToLive"] * 3)
    assert http.post(sessions_url + "/keepalive", verify=ca).status_code == 204
