"""An agent's logoff costs the same after a long day: it used to look for the agent's open state period twice,
the second time through the whole history of periods (which grows with every agent action)."""

from __future__ import annotations

import time

from o2gmentor.sim.model.ccd import StatePeriod
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.scenario import load


def cycles_cost(pbx: Pbx, rounds: int = 60) -> float:
    ops = [op for op in pbx.ccd.operators.values() if op.kind == "AGENT"]
    start = time.process_time()
    for _ in range(rounds):
        for op in ops:
            pbx.ccd.logon(op, op.proacd, op.preferred)
            pbx.ccd.pause(op)
            pbx.ccd.logoff(op)
    return time.process_time() - start


def test_logoff_closes_the_period_once_and_costs_the_same_after_a_long_history():
    pbx = Pbx(load("default"), with_history=False)
    op = pbx.ccd.operators["oxe2001"]
    pbx.ccd.logon(op, op.proacd, op.preferred)
    pbx.clock.advance(30)
    pbx.ccd.logoff(op)
    mine = [p for p in pbx.ccd.periods if p.login == "oxe2001"]
    assert abs(mine[-1].end - mine[-1].start - 30) < 1 and all(p.end is not None for p in mine)
    before = min(cycles_cost(pbx) for _ in range(3))
    now = pbx.clock.now()
    pbx.ccd.periods[:0] = [StatePeriod("oxe2002", "READY", "3010", now - 1e6 + i, now - 1e6 + i + 1)
                           for i in range(100_000)]  # a long history of closed periods
    after = min(cycles_cost(pbx) for _ in range(3))
    assert after / before < 3, f"logon/pause/logoff got {after / before:.1f}× slower with 100 000 periods behind"
