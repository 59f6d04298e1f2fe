"""Subscriptions and the event channel, as a developer meets them: what is accepted, what is refused and why,
whose events reach which channel, and what happens to a channel when its subscription, its session or the
network goes away (o2g-api-core.md §7; o2g-api-ccd.md §1.4 for the contact-center packages)."""

from __future__ import annotations

import socket
import time

import pytest
import requests

from o2gmentor.sim.control_client import SimControl
from tests.integration.test_sdk_contract import Channel as SdkChannel
from tests.integration.test_sdk_contract import login_like_node

ADMIN = ("admin", "admin-o2g")


class Channel(SdkChannel):
    """The SDK-like channel reader, closed at once (its socket shut) instead of at the next line."""

    def close(self):
        response = self._response
        if response is None:
            return
        try:
            response.raw._connection.sock.shutdown(socket.SHUT_RDWR)  # noqa: SLF001
        except (AttributeError, OSError):
            pass
        super().close()


def _session(sim, login: str = "oxe1001", password: str = "1001") -> tuple[requests.Session, str, dict]:
    return login_like_node(sim.info.address, str(sim.ca_path), login, password)


def _subscribe(sim, http: requests.Session, info: dict, body: dict) -> requests.Response:
    return http.post(info["privateBaseUrl"] + "/subscriptions", json=body, verify=str(sim.ca_path))


def _selectors(*selectors: dict, **extra) -> dict:
    return {"filter": {"selectors": list(selectors)}, **extra}


def _refused(response: requests.Response, status: int, *words: str, exact: str | None = None) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == status
    for word in words:
        assert word in body["helpMessage"], (word, body["helpMessage"])
    if exact is not None:
        assert body["helpMessage"] == exact
    return body["helpMessage"]


def _names(channel: Channel) -> list[str]:
    return [e.get("eventName") for e in channel.lines]


# ------------------------------------------------------------------------------------------------ accepted
def test_an_accepted_subscription_gives_one_polling_url_for_the_chunked_json_channel(fresh_sim):
    http, _, info = _session(fresh_sim)
    r = _subscribe(fresh_sim, http, info, _selectors({"ids": [], "names": ["telephony"]}))
    assert r.status_code == 200
    answer = r.json()
    assert (answer["status"], answer["mode"], answer["format"], answer["message"]) == ("ACCEPTED", "CHUNK", "JSON", "")
    polling = f"{info['privateBaseUrl']}/events/{answer['subscriptionId']}"
    assert answer["privatePollingUrl"] == answer["publicPollingUrl"] == polling


@pytest.mark.parametrize("timeout", [0, 2.5, 10**6])
def test_a_timeout_in_minutes_up_to_a_million_is_accepted(fresh_sim, timeout):
    http, _, info = _session(fresh_sim)
    r = _subscribe(fresh_sim, http, info, _selectors({"ids": [], "names": ["telephony"]}, timeout=timeout))
    assert r.status_code == 200, r.text


SELECTORS = "'filter.selectors' must be a non-empty list"
SELECTOR = "a selector needs 'names' (a list of event packages) and 'ids' (a list)"
KNOWN = ("telephony, eventSummary, routingManagement, unifiedComLog, user, userManagement, system, pbxManagement, "
         "agent, pilot, rti, acdstats, rsi")
TIMEOUT = "'timeout' must be a number of minutes"


@pytest.mark.parametrize("body, says", [
    ({}, SELECTORS),
    ({"filter": []}, SELECTORS),
    ({"filter": {"selectors": "telephony"}}, SELECTORS),
    ({"filter": {"selectors": []}}, SELECTORS),
    (_selectors("telephony"), "each selector must be an object with 'names' and 'ids'"),
    (_selectors({"ids": []}), SELECTOR),
    (_selectors({"ids": [], "names": []}), SELECTOR),
    (_selectors({"ids": [], "names": "telephony"}), SELECTOR),
    (_selectors({"ids": "oxe1001", "names": ["telephony"]}), SELECTOR),
    (_selectors({"ids": [], "names": [7]}), f"unknown event package 7; known: {KNOWN}"),
    (_selectors({"ids": [], "names": ["phones"]}), f"unknown event package 'phones'; known: {KNOWN}"),
    (_selectors({"ids": [True], "names": ["telephony"]}), "the ids of telephony are logins"),
    (_selectors({"ids": [10.5], "names": ["user"]}), "the ids of user are logins"),
    (_selectors({"ids": ["ghost"], "names": ["telephony"]}), "unknown user 'ghost' in the ids of telephony"),
    (_selectors({"ids": [], "names": ["telephony"]}, timeout="5"), TIMEOUT),
    (_selectors({"ids": [], "names": ["telephony"]}, timeout=True), TIMEOUT),
    (_selectors({"ids": [], "names": ["telephony"]}, timeout=-1), TIMEOUT),
    (_selectors({"ids": [], "names": ["telephony"]}, timeout=10**6 + 1), TIMEOUT),
    (_selectors({"ids": [], "names": ["telephony"]}, webHookUrl="https://example.com/hook"),
     "webhook delivery is not simulated: use the chunked event channel"),
])
def test_a_bad_subscription_is_400_saying_what_is_wrong(fresh_sim, body, says):
    http, _, info = _session(fresh_sim)
    _refused(_subscribe(fresh_sim, http, info, body), 400, exact=says)


@pytest.mark.parametrize("names, ids, words", [
    (["telephony"], ["oxe1002"], ["cannot watch oxe1002's events"]),
    (["system"], [], ["system events are for administrator sessions only"]),
    (["pilot"], ["3000"], ["pilot events are for administrator sessions only"]),
    (["agent"], [], ["agent events need the CONTACTCENTER_AGENT licence"]),
])
def test_a_user_is_refused_other_peoples_and_admin_events_and_unlicensed_packages(fresh_sim, names, ids, words):
    http, _, info = _session(fresh_sim)
    _refused(_subscribe(fresh_sim, http, info, _selectors({"ids": ids, "names": names})), 403, *words)


def test_a_user_may_name_itself_by_login_or_number_and_gets_its_own_events(fresh_sim):
    http, _, info = _session(fresh_sim)
    for ids in (["oxe1001"], ["1001"], [1001], []):
        r = _subscribe(fresh_sim, http, info, _selectors({"ids": ids, "names": ["telephony"]}))
        assert r.status_code == 200, (ids, r.text)
        channel = Channel(r.json()["privatePollingUrl"], str(fresh_sim.ca_path))
        assert channel.wait("OnUserStateModified")["loginName"] == "oxe1001"
        channel.close()


def test_an_administrator_must_name_the_users_and_each_must_hold_the_licence(fresh_sim):
    http, _, info = _session(fresh_sim, *ADMIN)
    _refused(_subscribe(fresh_sim, http, info, _selectors({"ids": [], "names": ["telephony"]})), 400,
             "an administrator must list the users to watch in the ids of telephony")
    _refused(_subscribe(fresh_sim, http, info, _selectors({"ids": ["oxe1001", "oxe1012"], "names": ["telephony"]})),
             403, "telephony events need the TELEPHONY_ADVANCED licence, which oxe1012 does not have")
    _refused(_subscribe(fresh_sim, http, info, _selectors({"ids": ["oxe1002", "oxe1001", "oxe2001"],
                                                           "names": ["agent"]})),
             403, "which oxe1001, oxe1002 do not have")
    # a package that needs no licence of the watched user
    assert _subscribe(fresh_sim, http, info, _selectors({"ids": ["oxe1012"], "names": ["user"]})).status_code == 200


def test_a_licence_that_expired_on_the_o2g_refuses_its_events(fresh_sim):
    control = SimControl(fresh_sim.info)
    http, _, info = _session(fresh_sim)
    control.licence_expiring("ROXE_API_TEL_ADVANCED", -1)
    try:
        _refused(_subscribe(fresh_sim, http, info, _selectors({"ids": [], "names": ["telephony"]})), 403,
                 "TELEPHONY_ADVANCED")
        assert _subscribe(fresh_sim, http, info, _selectors({"ids": [], "names": ["user"]})).status_code == 200
    finally:
        control.restore_licences()


@pytest.mark.parametrize("ids, status, says", [
    (["3000"], 200, None),
    ([3100], 200, None),
    ([], 400, "the ids of pilot are pilot numbers (3000, 3100)"),
    (["3000", "9999", "8888"], 400, "the ids of pilot are pilot numbers (3000, 3100); unknown: 8888, 9999"),
    ([True], 400, "the ids of pilot are pilot numbers"),
    ([None], 400, "the ids of pilot are pilot numbers"),
])
def test_pilot_events_name_existing_pilots(fresh_sim, ids, status, says):
    http, _, info = _session(fresh_sim, *ADMIN)
    r = _subscribe(fresh_sim, http, info, _selectors({"ids": ids, "names": ["pilot"]}))
    if status == 200:
        assert r.status_code == 200, r.text
    else:
        _refused(r, status, exact=says)


# ------------------------------------------------------------------------------------------------ the channel
def test_selectors_for_the_same_package_add_up(fresh_sim):
    """Two selectors of telephony (one user each): the channel carries both users' state and calls."""
    http, _, info = _session(fresh_sim, *ADMIN)
    r = _subscribe(fresh_sim, http, info, _selectors({"ids": ["oxe1002"], "names": ["telephony"]},
                                                     {"ids": ["oxe1001"], "names": ["telephony", "user"]}))
    channel = Channel(r.json()["privatePollingUrl"], str(fresh_sim.ca_path))
    channel.wait("OnUserStateModified", loginName="oxe1002")
    burst = [(e["eventName"], e["loginName"]) for e in channel.lines[1:5]]
    assert burst == [("OnDeviceStateModified", "oxe1001"), ("OnUserStateModified", "oxe1001"),
                     ("OnDeviceStateModified", "oxe1002"), ("OnUserStateModified", "oxe1002")]
    SimControl(fresh_sim.info).dial("1001", "1002")
    channel.wait("OnCallCreated", loginName="oxe1001")
    channel.wait("OnCallCreated", loginName="oxe1002")
    channel.close()


def test_a_channel_carries_only_the_watched_users_events(fresh_sim):
    control = SimControl(fresh_sim.info)
    http, _, info = _session(fresh_sim)
    r = _subscribe(fresh_sim, http, info, _selectors({"ids": [], "names": ["telephony"]}))
    channel = Channel(r.json()["privatePollingUrl"], str(fresh_sim.ca_path))
    channel.wait("OnChannelInformation")
    control.dial("1002", "1003")  # two others call each other
    control.dial("1004", "1001")  # then someone calls the watcher
    channel.wait("OnCallCreated", loginName="oxe1001")
    assert {e.get("loginName") for e in channel.lines if "loginName" in e} == {"oxe1001"}
    channel.close()


def test_session_scoped_events_reach_only_their_own_session(fresh_sim):
    """rti/acdstats/rsi events belong to the session that asked for them: another administrator's channel on
    the same package never sees them."""
    ca = str(fresh_sim.ca_path)
    channels, session_ids = [], []
    for _ in range(2):
        http, _, info = _session(fresh_sim, *ADMIN)
        r = _subscribe(fresh_sim, http, info, _selectors({"ids": [], "names": ["rti"]}))
        channels.append(Channel(r.json()["privatePollingUrl"], ca))
        sub_id = r.json()["subscriptionId"]
        session_ids.append(fresh_sim.call(lambda s=sub_id: fresh_sim.state.subscriptions.subs[s].session.id))
    for channel in channels:
        channel.wait("OnChannelInformation")
    bus = fresh_sim.state.pbx.bus
    fresh_sim.call(bus.publish, "rti", f"session:{session_ids[0]}", {"eventName": "OnRtiTest", "n": 0})
    fresh_sim.call(bus.publish, "rti", None, {"eventName": "OnRtiTest", "n": 1})  # no session named: everyone's
    fresh_sim.call(bus.publish, "rti", "oxe1001", {"eventName": "OnRtiTest", "n": 2})  # keyed by a user: nobody's
    fresh_sim.call(bus.publish, "pilot", None, {"eventName": "OnRtiTest", "n": 3})  # another package
    channels[0].wait("OnRtiTest", n=1)
    channels[1].wait("OnRtiTest", n=1)
    time.sleep(0.2)
    assert [e["n"] for e in channels[0].lines if e["eventName"] == "OnRtiTest"] == [0, 1]
    assert [e["n"] for e in channels[1].lines if e["eventName"] == "OnRtiTest"] == [1]
    for channel in channels:
        channel.close()


@pytest.mark.parametrize("method, path", [("POST", "events"), ("GET", "events"), ("POST", "ot"), ("GET", "ot")])
def test_the_channel_opens_by_post_or_get_and_at_the_legacy_otevents_url(fresh_sim, method, path):
    http, _, info = _session(fresh_sim)
    sub = _subscribe(fresh_sim, http, info, _selectors({"ids": [], "names": ["telephony"]})).json()
    origin = info["privateBaseUrl"].split("/api/")[0]
    url = sub["privatePollingUrl"] if path == "events" else f"{origin}/OTEvents?subscriptionId={sub['subscriptionId']}"
    channel = Channel(url, str(fresh_sim.ca_path), method=method)
    assert channel.wait("OnChannelInformation")["text"] == "Chunk started"
    assert channel.status == 200
    channel.close()
    r = requests.request(method, url.replace(sub["subscriptionId"], "nope"), verify=str(fresh_sim.ca_path))
    _refused(r, 404)


def test_a_deleted_subscription_is_gone_for_its_session_only(fresh_sim):
    ca = str(fresh_sim.ca_path)
    alice, _, alice_info = _session(fresh_sim)
    bruno, _, bruno_info = _session(fresh_sim, "oxe1002", "1002")
    sub = _subscribe(fresh_sim, alice, alice_info, _selectors({"ids": [], "names": ["telephony"]})).json()
    url = f"{alice_info['privateBaseUrl']}/subscriptions/{sub['subscriptionId']}"
    _refused(bruno.delete(url, verify=ca), 404, exact="unknown subscription")  # someone else's: it lives on
    channel = Channel(sub["privatePollingUrl"], ca)
    channel.wait("OnChannelInformation")
    assert alice.delete(url, verify=ca).status_code == 204
    assert channel.ended.wait(5), "the channel of a deleted subscription ends"
    _refused(requests.post(sub["privatePollingUrl"], verify=ca), 404, exact="unknown or closed subscription")
    _refused(alice.delete(url, verify=ca), 404, exact="unknown subscription")
    assert bruno_info["login"] == "oxe1002"


def test_logging_out_ends_the_sessions_subscriptions(fresh_sim):
    ca = str(fresh_sim.ca_path)
    http, sessions_url, info = _session(fresh_sim)
    subs = [_subscribe(fresh_sim, http, info, _selectors({"ids": [], "names": [name]})).json()
            for name in ("telephony", "user")]
    assert http.delete(sessions_url, verify=ca).status_code == 204
    for sub in subs:
        _refused(requests.post(sub["privatePollingUrl"], verify=ca), 404)


def test_a_dropped_channel_keeps_its_subscription_and_a_new_one_replaces_the_old(fresh_sim):
    ca = str(fresh_sim.ca_path)
    control = SimControl(fresh_sim.info)
    http, _, info = _session(fresh_sim)
    sub = _subscribe(fresh_sim, http, info, _selectors({"ids": [], "names": ["telephony"]})).json()
    _subscribe(fresh_sim, http, info, _selectors({"ids": [], "names": ["user"]}))  # no channel open: not counted
    other = _subscribe(fresh_sim, http, info, _selectors({"ids": [], "names": ["routingManagement"]})).json()
    first = Channel(sub["privatePollingUrl"], ca)
    first.wait("OnChannelInformation")
    Channel(other["privatePollingUrl"], ca).wait("OnChannelInformation")
    assert control.drop_channels() == 2
    assert first.ended.wait(5)
    assert control.drop_channels() == 0
    second = Channel(sub["privatePollingUrl"], ca)
    second.wait("OnChannelInformation")
    third = Channel(sub["privatePollingUrl"], ca)  # a re-attach: the newest channel wins
    third.wait("OnChannelInformation")
    assert second.ended.wait(5), "the superseded channel is ended"
    control.dial("1002", "1001")
    third.wait("OnCallCreated", loginName="oxe1001")
    assert "OnCallCreated" not in _names(second)
    third.close()


# ------------------------------------------------------------------------------------------------ promptness
@pytest.fixture(scope="module")
def quiet_sim(tmp_path_factory):
    """A simulator whose channels send a keep-alive line only every 30 s: whatever arrives came by itself."""
    from o2gmentor.sim.server import SimServer

    server = SimServer(port=0, state_dir=tmp_path_factory.mktemp("quiet-sim"), keepalive_interval=30.0).start()
    yield server
    server.stop()


def test_an_event_reaches_the_open_channel_at_once_not_with_the_next_keepalive(quiet_sim):
    ca = str(quiet_sim.ca_path)
    http, _, info = _session(quiet_sim)
    sub = _subscribe(quiet_sim, http, info, _selectors({"ids": [], "names": ["telephony"]})).json()
    channel = Channel(sub["privatePollingUrl"], ca)
    channel.wait("OnUserStateModified")
    started = time.monotonic()
    http.post(info["privateBaseUrl"] + "/telephony/calls", json={"deviceId": "1001", "callee": "1002"}, verify=ca)
    channel.wait("OnCallCreated", timeout=10)
    assert time.monotonic() - started < 5
    channel.close()


def test_several_packages_in_one_selector_all_count(fresh_sim):
    """A selector naming a global package, then a per-user one (or a pilot, then a session package): each named
    package is watched, not only the first; pilots of two selectors add up."""
    ca = str(fresh_sim.ca_path)
    http, _, info = _session(fresh_sim, *ADMIN)
    users = _subscribe(fresh_sim, http, info, _selectors({"ids": ["oxe1001"], "names": ["system", "telephony"]}))
    channel = Channel(users.json()["privatePollingUrl"], ca)
    channel.wait("OnUserStateModified", loginName="oxe1001")
    pilots = _subscribe(fresh_sim, http, info, _selectors({"ids": ["3000"], "names": ["pilot", "rti"]},
                                                          {"ids": ["3100"], "names": ["pilot"]}))
    watching = Channel(pilots.json()["privatePollingUrl"], ca)
    watching.wait("OnChannelInformation")
    bus = fresh_sim.state.pbx.bus
    fresh_sim.call(bus.publish, "rti", None, {"eventName": "OnRtiTest", "n": 1})
    for pilot in ("3000", "3999", "3100"):
        fresh_sim.call(bus.publish, "pilot", pilot, {"eventName": "OnPilotTest", "pilot": pilot})
    watching.wait("OnRtiTest", n=1)
    watching.wait("OnPilotTest", pilot="3100")
    time.sleep(0.2)
    assert [e["pilot"] for e in watching.lines if e["eventName"] == "OnPilotTest"] == ["3000", "3100"]
    channel.close()
    watching.close()


def test_events_before_the_first_channel_ever_opened_wait_for_it(tmp_path):
    """On a simulator that has not opened any channel yet, an event for a subscription is kept (not a crash of
    the request that caused it) and comes when the channel opens."""
    from o2gmentor.sim.server import SimServer

    sim = SimServer(port=0, state_dir=tmp_path, keepalive_interval=30.0).start()
    try:
        ca = str(sim.ca_path)
        http, _, info = _session(sim)
        sub = _subscribe(sim, http, info, _selectors({"ids": [], "names": ["telephony"]})).json()
        made = http.post(info["privateBaseUrl"] + "/telephony/calls", json={"deviceId": "1001", "callee": "1002"},
                         verify=ca)
        assert made.status_code == 201, made.text
        channel = Channel(sub["privatePollingUrl"], ca)
        channel.wait("OnCallCreated")
        channel.close()
    finally:
        sim.stop()


def test_a_dropped_superseded_or_deleted_channel_ends_at_once(quiet_sim):
    """Even with keep-alive lines 30 s apart, the reader of a channel that is gone learns it at once."""
    ca = str(quiet_sim.ca_path)
    http, _, info = _session(quiet_sim)
    sub = _subscribe(quiet_sim, http, info, _selectors({"ids": [], "names": ["telephony"]})).json()
    first = Channel(sub["privatePollingUrl"], ca)
    first.wait("OnChannelInformation")
    assert SimControl(quiet_sim.info).drop_channels() >= 1  # (an earlier test's reader may still count)
    assert first.ended.wait(5), "dropped"
    second = Channel(sub["privatePollingUrl"], ca)
    second.wait("OnChannelInformation")
    third = Channel(sub["privatePollingUrl"], ca)
    third.wait("OnChannelInformation")
    assert second.ended.wait(5), "superseded"
    url = f"{info['privateBaseUrl']}/subscriptions/{sub['subscriptionId']}"
    assert http.delete(url, verify=ca).status_code == 204
    assert third.ended.wait(5), "deleted"


def test_the_channel_is_an_uncached_json_stream(fresh_sim):
    ca = str(fresh_sim.ca_path)
    http, _, info = _session(fresh_sim)
    sub = _subscribe(fresh_sim, http, info, _selectors({"ids": [], "names": ["telephony"]})).json()
    with requests.post(sub["privatePollingUrl"], stream=True, verify=ca, timeout=(5, 5)) as r:
        assert r.status_code == 200
        assert r.headers["Content-Type"].startswith("application/json")
        assert r.headers["Cache-Control"] == "no-cache"
        assert r.headers.get("Transfer-Encoding") == "chunked"


def test_a_watched_user_removed_since_leaves_the_others_in_the_opening_state(fresh_sim):
    ca = str(fresh_sim.ca_path)
    http, _, info = _session(fresh_sim, *ADMIN)
    sub = _subscribe(fresh_sim, http, info, _selectors({"ids": ["oxe1001", "oxe1002"], "names": ["telephony"]}))
    fresh_sim.call(fresh_sim.state.pbx.remove_user, "oxe1001")
    channel = Channel(sub.json()["privatePollingUrl"], ca)
    channel.wait("OnUserStateModified", loginName="oxe1002")
    assert "oxe1001" not in {e.get("loginName") for e in channel.lines}
    channel.close()
