"""Soak: at least 50 000 calls on one simulated O2G, and how it serves at the start and at the end.

A simulator runs for days in a classroom and for months in a partner's CI, so what a call costs must not grow
with the calls before it. The soak starts ``o2gmentor sim`` in its own process, then:

1. **start**: call throughput (12 pairs of office users making and releasing calls as fast as the simulator
   answers, each user with its event stream open), a classroom probe (30 trainees thinking 0.5–1.5 s: event
   latency), the simulator's RSS;
2. **soak**: ``--calls`` (default 50 000) make+release pairs across the users — every other call answered
   before it is released, so the history (comlog, event summary, charging) fills as in class;
3. **end**: the same throughput window and classroom probe, and the RSS again (now and peak);
4. **against a fresh simulator**: a second, fresh simulator is started and the two are measured in turns
   (rounds of four windows: aged, fresh, fresh, aged), because the machine's own speed drifts over minutes —
   on a shared 2-core machine both the simulator's and the load generator's CPU time per call rose by half and
   fell back during one soak — so start and end, minutes apart, cannot show a slow-down by themselves.

It prints start and end side by side, then the rounds against the fresh simulator; the soaked simulator must
serve ≥ 90 % of the fresh one's calls per second (median of the rounds, wall clock and per CPU second of each
server), and every count of errors and cross-user access must be 0. Run:
``.venv/bin/python benchmarks/soak.py [--calls 50000] [--rounds 7]`` (about 3–5 min on 2 cores).
Everything is bounded: the soak stops at ``--calls`` or after ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import harness  # noqa: E402
from benchmarks.classroom import THINK, describe, run_classroom  # noqa: E402
from benchmarks.loadgen import LoadError, Stats, Trainee, client_ssl  # noqa: E402

PAIRS = 12
FAILURES = (LoadError, aiohttp.ClientError, asyncio.TimeoutError, KeyError)


async def call_load(address: str, ca: str, scenario: Path, *, calls: int | None = None,
                    seconds: float | None = None, pairs: int = PAIRS, answer_every: int = 2,
                    progress: bool = False) -> dict[str, Any]:
    """``pairs`` pairs of office users calling each other with no pause, until ``calls`` calls or ``seconds``.

    Each call is a make (``POST telephony/calls``), every ``answer_every``-th one answered by the callee, then
    a release (``DELETE``) by the caller. Every user has its event stream open (telephony, eventSummary), read
    and checked as in the classroom. Returns the calls done, their rate, the errors and the events seen.
    """
    assert calls or seconds, "bound the load by a count of calls or a time"
    accounts = harness.office_logins(scenario)[:2 * pairs]
    stats = Stats()
    context = client_ssl(ca)
    users = [Trainee(address, login, password, number, context, stats) for login, password, number in accounts]
    done = 0
    marks: list[tuple[int, float]] = []
    hard_stop = time.perf_counter() + (seconds or 3600.0)  # a count-bounded run still stops within the hour

    async def pair(a: Trainee, b: Trainee) -> None:
        nonlocal done
        caller, callee = a, b
        turn = 0
        while time.perf_counter() < hard_stop and (calls is None or done < calls):
            ref = None
            try:
                _, _, headers = await caller.request("POST", caller.services["telephony"] + "/calls", ok=(201,),
                                                     body={"deviceId": caller.number, "callee": callee.number})
                ref = headers["Location"].rstrip("/").rsplit("/", 1)[-1]
                if answer_every and turn % answer_every == 0:
                    await callee.request("POST", callee.services["telephony"] + f"/calls/{ref}/answer",
                                         body={"deviceId": callee.number})
                await caller.request("DELETE", caller.services["telephony"] + f"/calls/{ref}")
                ref = None
                done += 1
                stats.calls += 1
                if progress and done % 5000 == 0:
                    marks.append((done, time.perf_counter()))
                    rate = 5000 / (marks[-1][1] - (marks[-2][1] if len(marks) > 1 else started))
                    print(f"  {done:>6} calls, {rate:6.1f} calls/s over the last 5 000", flush=True)
            except FAILURES as exc:
                stats.error(f"{caller.login}→{callee.login}: {exc.__class__.__name__}: {exc}")
                if ref is not None:
                    try:
                        await caller.request("DELETE", caller.services["telephony"] + f"/calls/{ref}",
                                             ok=(204, 404))
                    except FAILURES:
                        pass
                await asyncio.sleep(0.05)
            caller, callee = callee, caller
            turn += 1

    try:
        await asyncio.gather(*(u.open(["telephony", "eventSummary"]) for u in users))
        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(pair(users[i], users[i + 1]) for i in range(0, len(users), 2))),
                               (seconds or 3600.0) + 60)
        elapsed = time.perf_counter() - started
    finally:
        await asyncio.gather(*(u.close() for u in users), return_exceptions=True)
    return {"calls": done, "seconds": elapsed, "calls_per_s": done / elapsed if elapsed else 0.0,
            "requests": stats.requests, "events": stats.events, "errors": len(stats.errors),
            "error_samples": stats.errors[:5], "cross_user": len(stats.cross_user),
            "cross_user_samples": stats.cross_user[:5]}


def call_rate(server: harness.Server, scenario: Path, seconds: float = 4.0) -> dict[str, Any]:
    """Calls per second over a window of ``seconds`` (the throughput compared at the start and the end)."""
    return asyncio.run(call_load(server.address, server.ca, scenario, seconds=seconds))


def probe(server: harness.Server, scenario: Path, seconds: float) -> dict[str, Any]:
    """A classroom of 30 trainees thinking 0.5–1.5 s, for ``seconds``: event latency, errors, RSS after it."""
    result = run_classroom(server.address, server.ca, scenario, 30, seconds, THINK)
    result["rss_mb"], result["peak_rss_mb"] = server.rss_mb()
    return result


def soak(server: harness.Server, scenario: Path, calls: int = 50_000, probe_seconds: float = 15.0,
         window: float = 4.0, max_seconds: float = 1800.0, quiet: bool = False) -> dict[str, Any]:
    """The whole soak on a running simulator; returns start, soak and end figures."""
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    say(f"soak: simulator pid {server.pid} on {server.url}; {calls:,} calls")
    start_rate = call_rate(server, scenario, window)
    start_probe = probe(server, scenario, probe_seconds)
    say(f"start: {start_rate['calls_per_s']:.1f} calls/s; classroom probe p99 {start_probe['p99_ms']:.1f} ms; "
        f"RSS {start_probe['rss_mb']:.0f} MB")
    bulk = asyncio.run(call_load(server.address, server.ca, scenario, calls=calls, seconds=max_seconds,
                                 progress=not quiet))
    say(f"soak: {bulk['calls']:,} calls in {bulk['seconds']:.0f} s ({bulk['calls_per_s']:.1f} calls/s), "
        f"{bulk['errors']} errors")
    end_rate = call_rate(server, scenario, window)
    end_probe = probe(server, scenario, probe_seconds)
    say(f"end: {end_rate['calls_per_s']:.1f} calls/s; classroom probe p99 {end_probe['p99_ms']:.1f} ms; "
        f"RSS {end_probe['rss_mb']:.0f} MB")
    return {"start_rate": start_rate, "start_probe": start_probe, "bulk": bulk, "end_rate": end_rate,
            "end_probe": end_probe}


def against_fresh(aged: harness.Server, scenario: Path, folder: Path, rounds: int = 9, window: float = 2.0,
                  say: Callable[[str], None] = print, priority: bool = False) -> tuple[list[float], list[float]]:
    """The soaked simulator against a fresh one: per round, the ratio (aged/fresh) of calls per second and of
    calls per CPU second of each server.

    A round is four windows of ``window`` s in the order aged, fresh, fresh, aged (the next round starts with
    fresh): a drift of the machine's speed that is steady over the round falls equally on both servers."""
    ratios, cpu_ratios = [], []
    with harness.simulator(folder, scenario, priority=priority) as fresh:
        call_rate(fresh, scenario, 1.0)  # warm up
        for index in range(rounds):
            order = [aged, fresh, fresh, aged] if index % 2 == 0 else [fresh, aged, aged, fresh]
            calls = {"aged": 0.0, "fresh": 0.0}
            seconds = {"aged": 0.0, "fresh": 0.0}
            cpu = {"aged": 0.0, "fresh": 0.0}
            for server in order:
                name = "aged" if server is aged else "fresh"
                spent = server.cpu_seconds()
                done = call_rate(server, scenario, window)
                cpu[name] += server.cpu_seconds() - spent
                calls[name] += done["calls"]
                seconds[name] += done["seconds"]
            rate = {name: calls[name] / seconds[name] for name in calls}
            per_cpu = {name: calls[name] / cpu[name] if cpu[name] else float("nan") for name in calls}
            ratios.append(rate["aged"] / rate["fresh"])
            cpu_ratios.append(per_cpu["aged"] / per_cpu["fresh"])
            say(f"  round {index + 1}: after the soak {rate['aged']:6.1f} calls/s, fresh {rate['fresh']:6.1f} "
                f"calls/s, ratio {ratios[-1]:.2f}; calls per CPU second of the server: after the soak "
                f"{per_cpu['aged']:.0f}, fresh {per_cpu['fresh']:.0f}, ratio {cpu_ratios[-1]:.2f}")
    return ratios, cpu_ratios


def describe_soak(result: dict[str, Any]) -> str:
    s, e = result["start_rate"], result["end_rate"]
    ps, pe = result["start_probe"], result["end_probe"]
    bulk = result["bulk"]
    errors = s["errors"] + e["errors"] + bulk["errors"] + ps["errors"] + pe["errors"]
    cross = s["cross_user"] + e["cross_user"] + bulk["cross_user"] + ps["cross_user"] + pe["cross_user"]
    ratio = e["calls_per_s"] / s["calls_per_s"] if s["calls_per_s"] else float("nan")
    return "\n".join([
        f"soak of {bulk['calls']:,} calls ({bulk['seconds']:.0f} s, {bulk['calls_per_s']:.1f} calls/s, "
        f"{bulk['events']:,} events read)",
        "                      start      end",
        f"  throughput calls/s  {s['calls_per_s']:8.1f} {e['calls_per_s']:8.1f}   end/start {ratio:.2f} "
        "(minutes apart: the judge is the comparison with a fresh simulator)",
        f"  latency p50 ms      {ps['p50_ms']:8.1f} {pe['p50_ms']:8.1f}   (30 trainees thinking 0.5–1.5 s)",
        f"  latency p99 ms      {ps['p99_ms']:8.1f} {pe['p99_ms']:8.1f}",
        f"  RSS MB              {ps['rss_mb']:8.0f} {pe['rss_mb']:8.0f}   peak {pe['peak_rss_mb']:.0f} MB",
        f"  errors {errors}, cross-user access {cross}"
        + (f" — {(bulk['error_samples'] + ps['error_samples'] + pe['error_samples'])[:3]}" if errors else ""),
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50_000)
    parser.add_argument("--probe-seconds", type=float, default=15.0, help="classroom probe at each end")
    parser.add_argument("--max-seconds", type=float, default=1800.0, help="stop the soak after this long")
    parser.add_argument("--rounds", type=int, default=9, help="windows against a fresh simulator")
    args = parser.parse_args()
    if not 1 <= args.calls <= 1_000_000:
        parser.error("--calls 1…1 000 000")
    folder = Path(tempfile.mkdtemp(prefix="o2g-soak-"))
    scenario = harness.classroom_scenario(folder)
    with harness.simulator(folder / "sim", scenario) as sim:
        result = soak(sim, scenario, args.calls, args.probe_seconds, max_seconds=args.max_seconds)
        print(describe_soak(result))
        print("start probe:", describe(result["start_probe"]), sep="\n")
        print("end probe:", describe(result["end_probe"]), sep="\n")
        print("against a fresh simulator (rounds of aged, fresh, fresh, aged):", flush=True)
        ratios, cpu_ratios = against_fresh(sim, scenario, folder / "fresh", args.rounds)
    ratio, cpu_ratio = harness.median(ratios), harness.median(cpu_ratios)
    ok = ratio >= 0.9 and cpu_ratio >= 0.9
    print(f"after the soak: {ratio:.0%} of a fresh simulator's calls/s (per CPU second {cpu_ratio:.0%}; "
          f"target ≥ 90 %: {'met' if ok else 'MISSED'})")
    ok = ok and not any(result[k]["errors"] or result[k]["cross_user"] for k in result)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
