"""A day of contact-center history, so statistics have something to show from the first minute.

The previous day (08:00–18:00 UTC) is played through the same call model and contact center as the
live simulator — simulated agents answering simulated customers on the simulated clock — so its
records obey the same rules as today's. It is computed once per scenario and day, then reused.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

OPEN_HOUR, CLOSE_HOUR = 8, 18
_CACHE: dict[tuple[str, str], tuple[list, list]] = {}


def day_start(ts: float, days_back: int) -> float:
    """Midnight UTC of the day ``days_back`` days before ``ts``."""
    day = datetime.fromtimestamp(ts, tz=timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return (day - timedelta(days=days_back)).timestamp()


def history(scenario: dict[str, Any], now: float) -> tuple[list, list]:
    """(call records, state periods) of the scenario's past ``history_days`` days, oldest first."""
    from o2gmentor.sim.clock import VirtualClock
    from o2gmentor.sim.model.pbx import Pbx

    days = int(scenario.get("ccd", {}).get("history_days", 0))
    records: list = []
    periods: list = []
    for back in range(days, 0, -1):
        start = day_start(now, back)
        key = (scenario.get("name", "?"), datetime.fromtimestamp(start, tz=timezone.utc).date().isoformat())
        if key not in _CACHE:
            past = Pbx(scenario, clock=VirtualClock(start=start + OPEN_HOUR * 3600), with_history=False)
            cc = past.ccd
            cc.staff(True)
            cc.start_traffic()
            past.clock.advance((CLOSE_HOUR - OPEN_HOUR) * 3600)
            cc.stop_traffic()
            past.clock.advance(1800)  # the last calls end
            cc.staff(False)
            _CACHE[key] = ([r for r in cc.records if r.outcome is not None], list(cc.periods))
        day_records, day_periods = _CACHE[key]
        records += day_records
        periods += day_periods
    return records, periods
