"""The course's O2G client against the simulator over HTTPS: the same code a trainee takes home."""

from __future__ import annotations

import time

import pytest

from o2gmentor.client import O2G, O2GConnectionError, O2GError


def test_two_users_call_each_other_and_both_see_it(connect):
    alice, bruno = connect("oxe1001"), connect("oxe1002")
    ea, eb = alice.subscribe(["telephony", "eventSummary"]), bruno.subscribe(["telephony"])
    ref = alice.telephony.make_call("1002")
    assert eb.wait_for("OnCallCreated", callRef=ref)["callData"]["state"] == "RINGING_INCOMING"
    bruno.telephony.answer(ref)
    assert ea.wait_for("OnCallModified", callRef=ref)["callData"]["state"] == "ACTIVE"
    assert [c["callRef"] for c in alice.telephony.calls()] == [ref]
    assert alice.telephony.state()["userState"] == "BUSY"
    bruno.telephony.hold(ref)
    assert alice.telephony.participants(ref)[0]["state"] == "HELD"
    bruno.telephony.retrieve(ref)
    alice.telephony.release(ref)
    eb.wait_for("OnCallRemoved", callRef=ref)
    assert bruno.telephony.calls() == []


def test_user_info_routing_and_event_summary(connect):
    alice = connect("oxe1001")
    assert alice.users.get()["companyPhone"] == "1001"
    assert alice.users.logins() == ["oxe1001"]
    assert alice.users.devices()[0]["id"] == "1001"
    assert alice.routing.state()["dndState"] == {"activate": False}
    assert alice.routing.forward() is None
    assert alice.eventsummary.get()["missedCallsNb"] == 0


def test_a_missed_call_shows_in_the_event_summary(connect):
    alice, bruno = connect("oxe1001"), connect("oxe1002")
    events = bruno.subscribe(["eventSummary"])
    ref = alice.telephony.make_call("1002")
    alice.telephony.release(ref)
    update = events.wait_for("OnEventSummaryUpdated")
    assert update["eventSummary"]["missedCallsNb"] == 1
    assert bruno.eventsummary.get()["missedCallsNb"] == 1


def test_errors_are_o2g_errors_with_hints(connect):
    alice = connect("oxe1001")
    with pytest.raises(O2GError) as err:
        alice.telephony.answer("0000000000000000")
    assert err.value.status == 404 and err.value.error_type == "CALL_REFERENCE_NOT_FOUND"
    assert "hint:" in str(err.value)


def test_the_stream_reconnects_after_the_channel_drops(connect, fresh_sim):
    alice, bruno = connect("oxe1001"), connect("oxe1002")
    events = alice.subscribe(["telephony"])
    fresh_sim.call(fresh_sim.state.subscriptions.drop_channels)
    deadline = time.monotonic() + 5
    while events.reconnects == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert events.connected.wait(5)
    ref = bruno.telephony.make_call("1001")
    events.wait_for("OnCallCreated", callRef=ref)


def test_the_stream_logs_in_again_after_the_session_expired(connect, fresh_sim):
    alice, bruno = connect("oxe1001"), connect("oxe1002")
    events = alice.subscribe(["telephony"])
    first_subscription = events.subscription_id
    fresh_sim.call(fresh_sim.state.sessions.clock.advance, fresh_sim.state.session_ttl * 2)
    fresh_sim.call(fresh_sim.state.sessions.expire_all_due)
    bruno = connect("oxe1002")  # bruno's session expired too: a new one
    deadline = time.monotonic() + 10
    while (events.subscription_id == first_subscription or not events.connected.is_set()) \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert events.subscription_id != first_subscription
    ref = bruno.telephony.make_call("1001")
    events.wait_for("OnCallCreated", callRef=ref)
    assert alice.telephony.calls()[0]["callRef"] == ref  # the client's REST side logged in again too


def test_keepalive_keeps_a_short_session_alive(fresh_sim, monkeypatch):
    monkeypatch.setattr(fresh_sim.state, "session_ttl", 2)
    client = O2G(fresh_sim.info.address, "oxe1003", "1003", ca_bundle=str(fresh_sim.ca_path)).connect()
    try:
        assert client.session_info["timeToLive"] == 2
        time.sleep(3.5)  # past TTL + grace without keep-alive; the thread keeps it alive every 1.8 s
        assert client.users.get()["loginName"] == "oxe1003"
        assert client.last_keepalive_error is None
    finally:
        client.close()


def test_without_keepalive_the_same_session_expires(fresh_sim, monkeypatch):
    monkeypatch.setattr(fresh_sim.state, "session_ttl", 2)
    client = O2G(fresh_sim.info.address, "oxe1003", "1003", ca_bundle=str(fresh_sim.ca_path),
                 keepalive=False).connect()
    fresh_sim.call(fresh_sim.state.sessions.clock.advance, 7.5)  # TTL 2 s + grace 5 s, on the sessions clock
    generation = client._generation  # noqa: SLF001
    with pytest.raises(O2GError) as err:
        client.keepalive()  # the session is gone…
    assert err.value.status in (401, 403) and "login" in err.value.hint
    assert client.users.get()["loginName"] == "oxe1003"  # …and a request logs in again once (it has the password)
    assert client._generation == generation + 1  # noqa: SLF001
    client.close()


def test_the_course_ca_is_trusted_even_with_requests_ca_bundle_set(fresh_sim, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    client = O2G(fresh_sim.info.address, "oxe1004", "1004", ca_bundle=str(fresh_sim.ca_path)).connect()
    events = client.subscribe(["telephony"])  # the event channel too
    assert events.connected.is_set()
    events.stop()
    client.close()


def test_an_untrusted_certificate_is_refused_with_a_hint(fresh_sim):
    client = O2G(fresh_sim.info.address, "oxe1004", "1004", ca_bundle="/etc/ssl/certs/ca-certificates.crt")
    with pytest.raises(O2GConnectionError) as err:
        client.connect()
    assert "TLS" in str(err.value) and "never disable" not in err.value.reason


def test_nothing_listening_is_a_clear_connection_error():
    client = O2G("127.0.0.1:9", "oxe1001", "1001")
    with pytest.raises(O2GConnectionError) as err:
        client.connect()
    assert "running" in err.value.hint


def test_admin_acts_for_users_with_login_name(connect, fresh_sim):
    admin = connect("admin")
    assert admin.is_admin
    assert sorted(admin.users.logins()) == sorted(fresh_sim.state.pbx.site.users)
    events = admin.subscribe({"telephony": ["oxe1005", "oxe1006"]})
    ref = admin.telephony.make_call("1006", login="oxe1005")
    created = {e["loginName"] for e in [events.wait_for("OnCallCreated", callRef=ref),
                                        events.wait_for("OnCallCreated", callRef=ref)]}
    assert created == {"oxe1005", "oxe1006"}
    admin.telephony.answer(ref, login="oxe1006")
    assert admin.telephony.calls(login="oxe1005")[0]["callData"]["state"] == "ACTIVE"
    admin.telephony.release(ref, login="oxe1006")
