"""A commit looks again only at the users of the calls that changed — and publishes exactly what looking at
every user would.

The call engine used to rebuild every user's view of every call after each operation (O(site)), which was
40 % of the simulator's CPU in a 30-trainee classroom. Now it rebuilds only the views of the parties of the
calls that appeared, ended or changed. This test drives two identical PBXs through the same 900
random operations (calls, answers, holds, transfers, conferences, redirects, forwards, DND, contact-center
traffic and timers): one as it is, one forced to look at every user at every commit, as before. The events,
the comlog and every user's view must be the same.
"""

from __future__ import annotations

import random

import pytest

from o2gmentor.sim.clock import VirtualClock
from o2gmentor.sim.model.bus import Recorder
from o2gmentor.sim.model.calls import ACTIVE, HELD, RINGING_IN, CallEngine, TelephonyError
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.scenario import load


class FrozenClock(VirtualClock):
    """Time moves only when the test says so: both PBXs see the same dates."""

    def now(self) -> float:
        return 1_800_000_000.0 + self._offset


def everyone(engine: CallEngine) -> set[str]:
    CallEngine._touched_logins(engine)  # noqa: SLF001 - keep its bookkeeping as in the real engine
    return set(engine.site.users)


def build(full: bool, monkeypatch: pytest.MonkeyPatch, contact_center: bool) -> tuple[Pbx, Recorder]:
    pbx = Pbx(load("default"), clock=FrozenClock(), with_history=False)
    if full:  # the old way: every user's views at every commit
        monkeypatch.setattr(pbx.calls, "_touched_logins", lambda: everyone(pbx.calls))
    rec = Recorder(pbx.bus)
    if contact_center:
        pbx.ccd.staff(True)
        pbx.ccd.start_traffic(rate_factor=20)
    return pbx, rec


def next_operation(pbx: Pbx, rng: random.Random):
    """A random operation chosen from ``pbx``'s state, as a function of a PBX (applied to both PBXs)."""
    site = pbx.site
    locals_ = [d.id for u in site.users.values() for d in u.devices]
    targets = locals_ + ["0472000001", "0612345678", "3000", "3100", site.voicemail_number or "4000", "9999"]
    calls = list(pbx.calls.calls.values())
    parties = [(c.ref, p.number, p.state) for c in calls for p in c.parties if p.number in locals_]
    kind = rng.choice(["make", "make", "consult", "consult", "outside", "answer", "answer", "answer",
                       "release", "release", "release", "drop_me", "hold", "retrieve", "transfer", "transfer",
                       "merge", "merge", "blind", "redirect", "advance", "forward", "dnd"])

    def pick(states: tuple[str, ...] | None = None):
        found = [p for p in parties if states is None or p[2] in states]
        return rng.choice(found) if found else None

    if kind == "make":
        device, callee, auto = rng.choice(locals_), rng.choice(targets), rng.random() < 0.8
        return kind, lambda x: x.calls.make_call(device, callee, auto)
    if kind == "consult":  # a second call from a set in a call: the first one is put on hold
        chosen = pick((ACTIVE,))
        if chosen is None:
            return "nothing", lambda x: None
        device, callee = chosen[1], rng.choice(targets)
        return kind, lambda x: x.calls.make_call(device, callee)
    if kind == "outside":
        caller, callee = rng.choice(["0472000001", "0145000002"]), rng.choice(locals_ + ["3000", "3100"])
        return kind, lambda x: x.calls.outside_call(caller, callee)
    if kind in ("answer", "release", "drop_me", "hold", "retrieve", "blind", "redirect"):
        wanted = {"answer": (RINGING_IN,), "hold": (ACTIVE,), "retrieve": (HELD,), "redirect": (RINGING_IN,)}
        chosen = pick(wanted.get(kind))
        if chosen is None:
            return "nothing", lambda x: None
        ref, device, _ = chosen
        target = rng.choice(targets)
        action = {
            "answer": lambda x: x.calls.answer(ref, device),
            "release": lambda x: x.calls.release(ref, device),
            "drop_me": lambda x: x.calls.drop_me(ref, device),
            "hold": lambda x: x.calls.hold(ref, device),
            "retrieve": lambda x: x.calls.retrieve(ref, device),
            "blind": lambda x: x.calls.blind_transfer(ref, device, target),
            "redirect": lambda x: x.calls.redirect(ref, device, target),
        }[kind]
        return kind, action
    if kind in ("transfer", "merge"):
        for device in rng.sample(locals_, len(locals_)):
            active = [c.ref for c in calls if (p := c.party(device)) and p.state == ACTIVE]
            held = [c.ref for c in calls if (p := c.party(device)) and p.state == HELD]
            if active and held:
                a, h = active[0], held[0]
                if kind == "transfer":
                    return kind, lambda x, a=a, h=h, d=device: x.calls.transfer(a, h, d)
                return kind, lambda x, a=a, h=h, d=device: x.calls.merge(a, h, d)
        return "nothing", lambda x: None
    if kind == "advance":
        seconds = rng.choice([0.5, 3, 12, 25, 60])
        return kind, lambda x: x.clock.advance(seconds)
    login = rng.choice(list(site.users))
    if kind == "forward":
        forward = rng.choice([None, {"forwardType": "IMMEDIATE", "destinations": [{"type": "VOICEMAIL"}]},
                              {"forwardType": "ON_NO_ANSWER", "destinations": [{"type": "VOICEMAIL"}]}])
        return kind, lambda x: setattr(x.routing[login], "forward", forward)
    on = rng.random() < 0.3
    return kind, lambda x: setattr(x.routing[login], "dnd", on)


def outcome(pbx: Pbx, action) -> str:
    try:
        result = action(pbx)
    except TelephonyError as exc:
        return f"refused {exc.status} {exc.error_type} {exc.cause}"
    return f"ok {result!r}" if isinstance(result, str | type(None)) else "ok"


@pytest.mark.parametrize("contact_center", [False, True])
def test_incremental_commit_publishes_what_a_full_one_does(monkeypatch, contact_center):
    fast, fast_events = build(False, monkeypatch, contact_center)
    full, full_events = build(True, monkeypatch, contact_center)
    rng = random.Random(20261206 + contact_center)
    kinds: dict[str, int] = {}
    for step in range(900):
        kind, action = next_operation(fast, rng)
        kinds[kind] = kinds.get(kind, 0) + 1
        assert outcome(fast, action) == outcome(full, action), f"step {step}: {kind}"
        assert fast_events.events == full_events.events, f"step {step}: {kind} published other events"
    assert sum(1 for e in fast_events.events if e[0] == "telephony") > 700  # the run did make calls
    assert kinds.get("transfer", 0) + kinds.get("merge", 0) > 5, kinds
    for login in fast.site.users:
        assert fast.calls.views_of(login) == full.calls.views_of(login)
        assert fast.calls.user_state(login) == full.calls.user_state(login)
        records = [[pbx.comlog.to_json(r) for r in pbx.comlog.of(login)] for pbx in (fast, full)]
        assert records[0] == records[1]
    assert [p.__dict__ for p in fast.calls.history.ended] == [p.__dict__ for p in full.calls.history.ended]
