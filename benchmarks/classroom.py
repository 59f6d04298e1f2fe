"""Classroom load test: N trainees (default 30) on one simulated O2G, each with a session and an event stream.

Office trainees work in pairs: one makes a call to the other, the other answers when its event stream shows
the call ringing, then the caller hangs up; next time the roles swap. Agent trainees (oxe2001…oxe2006) log on
to their pro-ACD set, pause, get ready again and log off. Between two actions a trainee thinks 0.5–1.5 s
(``--no-think``: no pause, for throughput). Every action waits for the event it causes on the event stream
of each party, and its latency — from sending the REST request to reading the event — is recorded.

It reports errors (unexpected HTTP statuses, lost events or channels: must be 0), cross-user access (an event
of another user on a trainee's stream, an event of a call the trainee was not in, or another user's events
granted to a user session: must be 0), event latency percentiles and throughput.

Run: ``.venv/bin/python benchmarks/classroom.py [--trainees 30] [--seconds 60] [--no-think]``: it starts its own
simulator (``o2gmentor sim``, in its own process, on 127.0.0.1 with the default site plus office users
for a classroom) and stops it at the end. Everything is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import harness  # noqa: E402
from benchmarks.loadgen import LoadError, Stats, Trainee, client_ssl, settle  # noqa: E402

THINK = (0.5, 1.5)
OFFICE_PACKAGES = ["telephony", "eventSummary"]
AGENT_PACKAGES = ["telephony", "agent"]
FAILURES = (LoadError, aiohttp.ClientError, asyncio.TimeoutError, KeyError, ValueError)


def split(trainees: int, agents_available: int) -> tuple[int, int]:
    """(office trainees — an even number, in calling pairs —, agent trainees) for a class of ``trainees``."""
    if trainees < 2:
        raise ValueError("a classroom needs at least 2 trainees (one calling pair)")
    agents = min(agents_available, trainees // 5)
    if (trainees - agents) % 2:
        agents = agents + 1 if agents < agents_available else agents - 1
    return trainees - agents, agents


class Classroom:
    """A class of trainees on one simulator, run for a bounded time."""

    def __init__(self, address: str, ca: str, scenario: Path, trainees: int = 30,
                 think: tuple[float, float] | None = THINK, seed: int = 1) -> None:
        self.address, self.ca, self.scenario = address, ca, scenario
        self.think, self.seed = think, seed
        office, agents = split(trainees, len(harness.agent_logins(scenario)))
        self.office_accounts = harness.office_logins(scenario)[:office]
        if len(self.office_accounts) < office:
            raise ValueError(f"the scenario has {len(self.office_accounts)} office users; {office} are needed "
                             "(use harness.classroom_scenario)")
        self.agent_accounts = harness.agent_logins(scenario)[:agents]
        self.stats = Stats()
        self.pair_refs: dict[str, set[str]] = {}  # login → call refs of the calls its pair made

    async def _pause(self, rng: random.Random) -> None:
        await asyncio.sleep(rng.uniform(*self.think) if self.think else 0)

    # ---------------------------------------------------------------- what trainees do
    async def pair(self, a: Trainee, b: Trainee, deadline: float, rng: random.Random) -> None:
        stats = self.stats
        refs = self.pair_refs.setdefault(a.login, set())
        self.pair_refs[b.login] = refs
        caller, callee = a, b
        while time.perf_counter() < deadline:
            await self._pause(rng)
            ref = None
            try:
                on_caller, on_callee = caller.expect("OnCallCreated"), callee.expect("OnCallCreated")
                started = time.perf_counter()
                _, _, headers = await caller.request("POST", caller.services["telephony"] + "/calls", ok=(201,), body={
                    "deviceId": caller.number, "callee": callee.number, "autoAnswer": True})
                ref = headers["Location"].rstrip("/").rsplit("/", 1)[-1]
                refs.add(ref)
                _, ringing = await settle(started, stats, (caller, on_caller, "OnCallCreated"),
                                          (callee, on_callee, "OnCallCreated"))
                if not ringing:
                    raise LoadError(f"{callee.login} never saw the call ring")
                await self._pause(rng)  # the callee sees it ring and picks up, by the callRef of its event
                answer_ref = ringing["callRef"]
                on_caller = caller.expect("OnCallModified", call_ref=ref, call_state="ACTIVE")
                on_callee = callee.expect("OnCallModified", call_ref=answer_ref, call_state="ACTIVE")
                started = time.perf_counter()
                await callee.request("POST", callee.services["telephony"] + f"/calls/{answer_ref}/answer",
                                     body={"deviceId": callee.number})
                await settle(started, stats, (caller, on_caller, "OnCallModified ACTIVE"),
                             (callee, on_callee, "OnCallModified ACTIVE"))
                await self._pause(rng)
                on_caller, on_callee = caller.expect("OnCallRemoved", call_ref=ref), callee.expect(
                    "OnCallRemoved", call_ref=answer_ref)
                started = time.perf_counter()
                await caller.request("DELETE", caller.services["telephony"] + f"/calls/{ref}")
                ref = None
                await settle(started, stats, (caller, on_caller, "OnCallRemoved"), (callee, on_callee, "OnCallRemoved"))
                stats.calls += 1
            except FAILURES as exc:
                stats.error(f"{caller.login}→{callee.login}: {exc.__class__.__name__}: {exc}")
                if ref is not None:  # leave no call behind
                    try:
                        await caller.request("DELETE", caller.services["telephony"] + f"/calls/{ref}",
                                             ok=(204, 404))
                    except FAILURES:
                        pass
            caller, callee = callee, caller

    async def agent(self, trainee: Trainee, deadline: float, rng: random.Random) -> None:
        stats = self.stats
        url = trainee.services["acdagent"]
        try:
            _, config, _ = await trainee.request("GET", url + "/config")
            _, state, _ = await trainee.request("GET", url + "/state")
            if state.get("mainState") == "LOG_ON":  # left logged on by an earlier run
                await trainee.request("POST", url + "/logoff")
        except FAILURES as exc:
            stats.error(f"{trainee.login}: {exc.__class__.__name__}: {exc}")
            return
        logon = {"proAcdDeviceNumber": config["proacd"], "pgGroupNumber": config["processingGroups"]["preferred"]}
        steps = [("/logon", logon, ("LOG_ON", "READY")), ("/pause", None, ("LOG_ON", "PAUSE")),
                 ("/ready", None, ("LOG_ON", "READY")), ("/logoff", None, ("LOG_OFF", None))]
        while time.perf_counter() < deadline:
            for path, body, expected in steps:  # a whole cycle, so the agent ends logged off
                await self._pause(rng)
                try:
                    waiting = trainee.expect("OnAgentStateChanged", agent_state=expected)
                    started = time.perf_counter()
                    await trainee.request("POST", url + path, body=body)
                    await settle(started, stats, (trainee, waiting, f"OnAgentStateChanged {expected}"))
                    stats.agent_actions += 1
                except FAILURES as exc:
                    stats.error(f"{trainee.login} {path}: {exc.__class__.__name__}: {exc}")
                    break

    # ---------------------------------------------------------------- the run
    async def run(self, seconds: float) -> dict[str, Any]:
        context = client_ssl(self.ca)
        office = [Trainee(self.address, login, password, number, context, self.stats)
                  for login, password, number in self.office_accounts]
        agents = [Trainee(self.address, login, password, number, context, self.stats)
                  for login, password, number in self.agent_accounts]
        everyone = office + agents
        try:
            await asyncio.gather(*(t.open(OFFICE_PACKAGES) for t in office),
                                 *(t.open(AGENT_PACKAGES) for t in agents))
            # Each trainee once asks for its neighbour's events: a user session must be refused (403)
            await asyncio.gather(*(t.try_other_users_events(everyone[(i + 1) % len(everyone)].login)
                                   for i, t in enumerate(everyone)))
            started = time.perf_counter()
            deadline = started + seconds
            rng = random.Random(self.seed)
            tasks = [self.pair(office[i], office[i + 1], deadline, random.Random(rng.random()))
                     for i in range(0, len(office), 2)]
            tasks += [self.agent(t, deadline, random.Random(rng.random())) for t in agents]
            # bounded: a cycle is at most 4 thinks and 4 event waits past the deadline
            await asyncio.wait_for(asyncio.gather(*tasks), seconds + 4 * (max(self.think or (0, 0)) + 6) + 30)
            elapsed = time.perf_counter() - started
        finally:
            await asyncio.gather(*(t.close() for t in everyone), return_exceptions=True)
        for trainee in office:
            foreign = trainee.call_refs_seen - self.pair_refs.get(trainee.login, set())
            for ref in sorted(foreign):
                self.stats.cross_user.append(f"{trainee.login} received events of call {ref}, not its own")
        return self.report(len(everyone), len(office), len(agents), elapsed)

    def report(self, trainees: int, office: int, agents: int, elapsed: float) -> dict[str, Any]:
        s = self.stats
        lat = s.latencies_ms
        return {
            "trainees": trainees, "office": office, "agents": agents, "seconds": elapsed,
            "think": self.think, "calls": s.calls, "agent_actions": s.agent_actions, "requests": s.requests,
            "events": s.events, "errors": len(s.errors), "error_samples": s.errors[:5],
            "cross_user": len(s.cross_user), "cross_user_samples": s.cross_user[:5],
            "refused_as_expected": s.refused_as_expected, "latency_samples": len(lat),
            "p50_ms": harness.percentile(lat, 50), "p90_ms": harness.percentile(lat, 90),
            "p99_ms": harness.percentile(lat, 99), "max_ms": max(lat) if lat else float("nan"),
            "calls_per_s": s.calls / elapsed if elapsed else 0.0,
            "requests_per_s": s.requests / elapsed if elapsed else 0.0,
        }


def run_classroom(address: str, ca: str, scenario: Path, trainees: int = 30, seconds: float = 30.0,
                  think: tuple[float, float] | None = THINK, seed: int = 1) -> dict[str, Any]:
    """One classroom run against a running simulator (whose site is ``scenario``); returns its counts."""
    return asyncio.run(Classroom(address, ca, scenario, trainees, think, seed).run(seconds))


def describe(result: dict[str, Any]) -> str:
    think = "thinking {:g}–{:g} s".format(*result["think"]) if result["think"] else "without think time"
    lines = [
        f"{result['trainees']} trainees ({result['office']} office in pairs, {result['agents']} agents), {think}, "
        f"{result['seconds']:.1f} s",
        f"  calls {result['calls']}, agent actions {result['agent_actions']}, requests {result['requests']}, "
        f"events {result['events']}",
        f"  throughput: {result['calls_per_s']:.1f} calls/s, {result['requests_per_s']:.1f} requests/s",
        f"  event latency (REST action → event at the trainee's stream), {result['latency_samples']} samples: "
        f"p50 {result['p50_ms']:.1f} ms, p90 {result['p90_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
        f"max {result['max_ms']:.1f} ms",
        f"  errors: {result['errors']}" + (f" — {result['error_samples']}" if result["errors"] else ""),
        f"  cross-user access: {result['cross_user']}"
        + (f" — {result['cross_user_samples']}" if result["cross_user"] else "")
        + f" (another user's events asked for and refused: {result['refused_as_expected']})",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the trainees work (default 60)")
    parser.add_argument("--no-think", action="store_true", help="no think time between actions (throughput)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 2 <= args.trainees <= 36 or not 0 < args.seconds <= 3600:
        parser.error("--trainees 2…36 and --seconds up to 3600")
    folder = Path(tempfile.mkdtemp(prefix="o2g-classroom-"))
    scenario = harness.classroom_scenario(folder, office_users=max(24, args.trainees))
    with harness.simulator(folder / "sim", scenario) as sim:
        result = run_classroom(sim.address, sim.ca, scenario, args.trainees, args.seconds,
                               None if args.no_think else THINK, args.seed)
        rss, peak = sim.rss_mb()
    print(describe(result))
    print(f"  simulator RSS: {rss:.0f} MB (peak {peak:.0f} MB)")
    return 0 if result["errors"] == 0 and result["cross_user"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
