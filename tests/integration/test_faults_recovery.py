"""Faults, and what the client and a live panel do about them: they recover — log in again, subscribe again,
refresh — and then show the right call and agent state, with nothing left wrong.

Each fault: the simulator killed (SIGKILL) mid-stream and restarted on the same port and state folder;
sessions expired; event channels dropped; O2G unavailable (503 with Retry-After); an HA switch; the CTI
link down and up. Watched by an ``O2G`` with its ``EventStream``, a ``PhonePanel`` and an ``AgentDesk``
(driven without a browser, as in tests/unit/test_widgets_*.py). Waits are bounded polls, never fixed sleeps.
"""

from __future__ import annotations

import time

import pytest

from o2gmentor.client import O2G, O2GConnectionError, O2GError
from o2gmentor.sim.control_client import SimControl
from o2gmentor.widgets import AgentDesk, PhonePanel
from tests.simprocess import SimProcess


def eventually(predicate, timeout: float = 10.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not hold within {timeout:g} s")
        time.sleep(0.02)


def ringing_ref(panel: PhonePanel) -> str | None:
    views = [v for v in panel.views() if v.get("state") == "RINGING_INCOMING"]
    return views[0]["callRef"] if views else None


def shows(panel: PhonePanel, label: str, refs: set[str] | None = None):
    """A predicate: the panel shows ``label`` (and exactly the calls ``refs``, when given)."""
    def check() -> bool:
        return panel.state_label == label and (refs is None or {v["callRef"] for v in panel.views()} == refs)
    return check


def phone_calls(ctl: SimControl, number: str) -> set[str]:
    return {c["callRef"] for c in ctl.phone(number)["calls"]}


def a_call_after_recovery_is_seen(ctl: SimControl, bruno: O2G, phone: PhonePanel) -> None:
    """Alice calls Bruno: his panel rings, answers from its button, hangs up; the O2G agrees at each step."""
    ctl.dial("1001", "1002")
    eventually(lambda: ringing_ref(phone) is not None, what="the new call ringing on the panel")
    ref = ringing_ref(phone)
    assert {c["callRef"] for c in bruno.telephony.calls()} == {ref} == phone_calls(ctl, "1002")
    assert phone.answer(ref), phone.message
    eventually(shows(phone, "Connected", {ref}), what="the answered call on the panel")
    assert phone.hang_up(ref), phone.message
    eventually(shows(phone, "Idle", set()), what="the idle panel")
    assert ctl.phone("1002")["state"] == "idle" and bruno.telephony.calls() == []


def the_desk_follows_the_agent(ctl: SimControl, nadia: O2G, desk: AgentDesk) -> None:
    """The desk logs the agent on and takes a customer call: the desk and the O2G agree at each step."""
    if desk.state_name == "LOG_OFF":
        assert desk.logon(), desk.message
    eventually(lambda: desk.state_name == "READY", what="the desk READY")
    assert nadia.agent.state()["subState"] == "READY"
    ctl.customer_call("3000")
    eventually(lambda: desk.customer_call() is not None and desk.state_name == "BUSY", what="a customer call")
    assert desk.answer(), desk.message
    eventually(lambda: (desk.customer_call() or {}).get("state") == "ACTIVE", what="the answered customer call")
    assert desk.hang_up(), desk.message
    eventually(lambda: desk.state_name == "WRAPUP" and desk.customer_call() is None, what="wrap-up")
    assert nadia.agent.state()["subState"] == "WRAPUP"


# ---------------------------------------------------------------------------------------------- SIGKILL
def test_killed_mid_stream_and_restarted_on_the_same_port_and_folder(tmp_path):
    sim = SimProcess(tmp_path / "sim-state")
    info = sim.start()
    port, ca = info.port, info.ca
    clients = [O2G(info.address, login, password, ca_bundle=ca).connect()
               for login, password in (("oxe1002", "1002"), ("oxe2001", "2001"))]
    bruno, nadia = clients
    phone, desk = PhonePanel(bruno), AgentDesk(nadia)
    try:
        ctl = sim.control
        ctl.dial("1001", "1002")
        eventually(lambda: ringing_ref(phone) is not None, what="the first call ringing")
        old_ref = ringing_ref(phone)
        assert desk.logon(), desk.message
        eventually(lambda: desk.state_name == "READY")
        assert phone.stream.connected.is_set() and desk.stream.connected.is_set()

        sim.kill()  # mid-stream: both channels are open, a call rings, the agent is ready
        eventually(lambda: not phone.stream.connected.is_set() and not desk.stream.connected.is_set(), 5,
                   "both streams noticing the loss")
        with pytest.raises(O2GConnectionError):
            bruno.telephony.calls()
        assert not phone.answer(old_ref) and "cannot reach O2G" in phone.message  # shown, never raised

        restarted = sim.start()  # same port, same state folder: the same course CA; a new O2G with no calls
        assert (restarted.port, restarted.ca) == (port, ca)
        ctl = sim.control
        eventually(lambda: phone.stream.connected.is_set() and desk.stream.connected.is_set(), 20,
                   "both streams back (logged in and subscribed again)")
        # refreshed: the call that died with the old process is gone, the agent is logged off as the new O2G says
        eventually(shows(phone, "Idle", set()), what="the panel without the dead call")
        eventually(lambda: desk.state_name == "LOG_OFF", what="the desk showing the agent logged off")
        assert nadia.agent.state()["mainState"] == "LOG_OFF" and bruno.telephony.calls() == []
        a_call_after_recovery_is_seen(ctl, bruno, phone)
        the_desk_follows_the_agent(ctl, nadia, desk)
    finally:
        desk.stop()
        phone.stop()
        for client in clients:
            try:
                client.close()
            except (O2GError, O2GConnectionError):
                pass
        sim.stop()


# ---------------------------------------------------------------------------------------------- in-process faults
@pytest.fixture()
def watched(connect, fresh_sim):
    """Bruno's phone panel and Nadia's agent desk, live, on the test simulator; and its control API."""
    bruno, nadia = connect("oxe1002"), connect("oxe2001")
    phone, desk = PhonePanel(bruno), AgentDesk(nadia)
    yield SimControl(fresh_sim.info), bruno, phone, nadia, desk
    desk.stop()
    phone.stop()


def reconnects(*panels) -> list[int]:
    return [panel.stream.reconnects for panel in panels]


def test_sessions_expired_under_a_call_and_a_ready_agent(watched):
    ctl, bruno, phone, nadia, desk = watched
    ctl.dial("1001", "1002")
    eventually(lambda: ringing_ref(phone) is not None)
    ref = ringing_ref(phone)
    assert desk.logon(), desk.message
    eventually(lambda: desk.state_name == "READY")
    before = reconnects(phone, desk)

    assert ctl.expire_sessions() >= 2  # every session: channels and subscriptions go with them
    eventually(lambda: all(a > b for a, b in zip(reconnects(phone, desk), before, strict=True)), 10,
               "both streams reconnecting")
    eventually(lambda: phone.stream.connected.is_set() and desk.stream.connected.is_set(), 10)
    ctl.hangup("1001")  # while logged in again: the caller gives up — the panel must see it
    eventually(shows(phone, "Idle", set()), what="the abandoned call gone from the panel")
    assert ref not in {c["callRef"] for c in bruno.telephony.calls()}
    assert desk.state_name == "READY" and nadia.agent.state()["subState"] == "READY"
    a_call_after_recovery_is_seen(ctl, bruno, phone)
    the_desk_follows_the_agent(ctl, nadia, desk)


def test_what_happened_while_the_session_was_gone_is_shown_once_back(watched, fresh_sim):
    """The session ends and, before the stream has logged in again, the caller hangs up: no subscription
    carried that event, so only pulling the state again after the reconnection can show it."""
    ctl, bruno, phone, nadia, desk = watched
    ctl.dial("1001", "1002")
    eventually(lambda: ringing_ref(phone) is not None)
    assert desk.logon(), desk.message
    eventually(lambda: desk.state_name == "READY")
    store, pbx = fresh_sim.state.sessions, fresh_sim.state.pbx

    def expire_then_change() -> None:  # one step on the simulator's loop: nothing can subscribe in between
        for session in list(store.sessions.values()):
            store.close(session, reason="expired")
        pbx.calls.hang_up_device("1001")
        pbx.ccd.logoff(pbx.ccd.operator("oxe2001"))

    fresh_sim.call(expire_then_change)
    eventually(shows(phone, "Idle", set()), what="the call that ended unseen gone from the panel")
    eventually(lambda: desk.state_name == "LOG_OFF", what="the logoff that happened unseen on the desk")
    assert "refreshed" in phone.message and "refreshed" in desk.message
    a_call_after_recovery_is_seen(ctl, bruno, phone)


def test_the_stream_tells_of_each_reconnection_not_of_its_start(connect, fresh_sim):
    alice = connect("oxe1001")
    told: list[object] = []
    events = alice.subscribe(["telephony"])
    events.on_reconnect(told.append)
    assert told == []
    SimControl(fresh_sim.info).drop_channels()
    eventually(lambda: len(told) == 1, what="one reconnection told")
    SimControl(fresh_sim.info).expire_sessions("oxe1001")
    eventually(lambda: len(told) == 2, what="a second one, after logging in again")
    assert told == [events, events] and events.connected.is_set()
    events.off_reconnect(told.append)
    events.drop_connection()
    eventually(lambda: events.reconnects >= 3 and events.connected.is_set())
    assert len(told) == 2


def test_channels_dropped_while_a_call_changes(watched):
    ctl, bruno, phone, nadia, desk = watched
    ctl.dial("1001", "1002")
    eventually(lambda: ringing_ref(phone) is not None)
    ref = ringing_ref(phone)
    assert ctl.drop_channels() >= 2
    ctl.answer("1002")  # events while the channels are down wait in the subscriptions
    eventually(shows(phone, "Connected", {ref}), what="the answered call after the channel came back")
    ctl.hangup("1001")
    eventually(shows(phone, "Idle", set()))
    assert bruno.telephony.calls() == []
    a_call_after_recovery_is_seen(ctl, bruno, phone)
    the_desk_follows_the_agent(ctl, nadia, desk)


def test_o2g_unavailable_with_retry_after_then_back(watched):
    ctl, bruno, phone, nadia, desk = watched
    assert desk.logon(), desk.message
    eventually(lambda: desk.state_name == "READY")
    started = time.monotonic()
    ctl.unavailable(2)  # 503 + Retry-After to every O2G request for 2 s; channels cut
    with pytest.raises(O2GError) as err:
        bruno.telephony.calls()
    assert err.value.status == 503 and err.value.retry_after
    assert not phone.make_call("1001") and "503" in phone.message  # the panel says it, never raises
    ctl.dial("1001", "1002")  # the PBX goes on while O2G restarts: this call rings now
    eventually(lambda: phone.stream.connected.is_set() and desk.stream.connected.is_set(), 10,
               "both streams back after Retry-After")
    assert time.monotonic() - started < 2 + 3, "the streams came back soon after the O2G did"
    eventually(lambda: ringing_ref(phone) is not None, what="the call that rang during the outage")
    ref = ringing_ref(phone)
    assert phone.answer(ref), phone.message
    eventually(shows(phone, "Connected", {ref}))
    assert phone.hang_up(ref), phone.message
    eventually(shows(phone, "Idle", set()))
    assert desk.state_name == "READY" and nadia.agent.state()["subState"] == "READY"
    a_call_after_recovery_is_seen(ctl, bruno, phone)


def test_ha_switch_during_a_call(watched):
    ctl, bruno, phone, nadia, desk = watched
    ctl.dial("1001", "1002")
    eventually(lambda: ringing_ref(phone) is not None)
    ref = ringing_ref(phone)
    assert phone.answer(ref)
    eventually(shows(phone, "Connected", {ref}))
    assert desk.logon(), desk.message
    eventually(lambda: desk.state_name == "READY")
    before = reconnects(phone, desk)

    ctl.ha_switch()  # every session and credential goes; the calls (on the OXE) stay
    eventually(lambda: all(a > b for a, b in zip(reconnects(phone, desk), before, strict=True)), 10)
    eventually(lambda: phone.stream.connected.is_set() and desk.stream.connected.is_set(), 10)
    assert {c["callRef"] for c in bruno.telephony.calls()} == {ref}, "the call survived the switch"
    eventually(shows(phone, "Connected", {ref}), what="the call still shown")
    assert phone.hang_up(ref), phone.message  # the panel's button works on the new session
    eventually(shows(phone, "Idle", set()))
    assert ctl.phone("1001")["state"] == "idle"
    assert desk.state_name == "READY"
    a_call_after_recovery_is_seen(ctl, bruno, phone)
    the_desk_follows_the_agent(ctl, nadia, desk)


def test_cti_link_down_then_up(watched):
    ctl, bruno, phone, nadia, desk = watched
    ctl.dial("1001", "1002")
    eventually(lambda: ringing_ref(phone) is not None)
    ref = ringing_ref(phone)
    ctl.cti_link(False)
    try:
        with pytest.raises(O2GError) as err:
            bruno.telephony.calls()
        assert err.value.status == 503
        assert not phone.answer(ref) and "503" in phone.message and "CTI link" in phone.message
        with pytest.raises(O2GError):
            phone.refresh()  # a refresh says why it cannot, and keeps what it showed
        assert {v["callRef"] for v in phone.views()} == {ref}
        ctl.hangup("1001")  # the caller gives up while O2G cannot see the phones
    finally:
        ctl.cti_link(True)
    phone.refresh()
    eventually(shows(phone, "Idle", set()), what="the panel idle once the link is back")
    assert bruno.telephony.calls() == []
    a_call_after_recovery_is_seen(ctl, bruno, phone)
    the_desk_follows_the_agent(ctl, nadia, desk)
