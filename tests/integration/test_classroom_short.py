"""A short classroom (``benchmarks/classroom.py``): 10 trainees for ~15 s on a simulator in its own process.

Each trainee has its own session and event stream; office trainees call each other in pairs (make, answer when
their stream shows the call ringing, release), agents log on, pause, get ready and log off. Every action must
bring its events to the right streams (errors 0), and no trainee may see another's events (cross-user 0).
The counts are printed in the test output; ``make bench`` runs the 30-trainee version and reports latency.
"""

from __future__ import annotations

import math

from benchmarks import harness
from benchmarks.classroom import THINK, describe, run_classroom


def test_ten_trainees_for_fifteen_seconds_without_an_error_or_a_leak(tmp_path, capsys):
    scenario = harness.classroom_scenario(tmp_path)
    with harness.simulator(tmp_path / "sim", scenario) as sim:
        result = run_classroom(sim.address, sim.ca, scenario, trainees=10, seconds=15, think=(0.2, 0.6))
        rss, peak = sim.rss_mb()
    with capsys.disabled():
        print("\nclassroom (short): " + describe(result).replace("\n", "\n  "))
        print(f"  simulator RSS {rss:.0f} MB (peak {peak:.0f} MB)")
    assert THINK == (0.5, 1.5)  # the bench's think time; the short run thinks less to do more in its 15 s
    assert result["trainees"] == 10 and result["office"] == 8 and result["agents"] == 2
    assert result["errors"] == 0, result["error_samples"]
    assert result["cross_user"] == 0, result["cross_user_samples"]
    assert result["refused_as_expected"] == 10, "each trainee's attempt at a neighbour's events is refused"
    assert result["calls"] >= 20 and result["agent_actions"] >= 20, result
    assert result["latency_samples"] == 6 * result["calls"] + result["agent_actions"]  # every expected event came
    # every action's events came: the bound only catches a stall (the bench measures the real latency)
    assert not math.isnan(result["p99_ms"]) and result["max_ms"] < 5000
