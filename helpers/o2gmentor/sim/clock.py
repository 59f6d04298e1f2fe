"""The simulator's clock: real time that can be stepped forward, with timers that fire on it."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(order=True)
class _Timer:
    due: float
    seq: int
    action: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class VirtualClock:
    """Wall-clock time plus an offset that ``advance()`` moves forward.

    Timers scheduled with ``call_later`` fire when the clock passes their due time: either
    when ``advance()`` steps over them, or when ``fire_due()`` is called by the server's
    ticker in real time. Nothing ever sleeps in ``advance()``, so tests and notebooks are fast.
    """

    def __init__(self, start: float | None = None) -> None:
        self._offset = 0.0 if start is None else start - time.time()
        self._timers: list[_Timer] = []
        self._seq = itertools.count()
        self._lock = threading.RLock()

    def now(self) -> float:
        """Seconds since the epoch, as the simulated site sees them."""
        return time.time() + self._offset

    def call_later(self, delay: float, action: Callable[[], None]) -> _Timer:
        """Run ``action`` once the clock has moved ``delay`` seconds on."""
        with self._lock:
            timer = _Timer(self.now() + max(0.0, delay), next(self._seq), action)
            heapq.heappush(self._timers, timer)
            return timer

    def advance(self, seconds: float) -> float:
        """Jump ``seconds`` forward, firing every timer due on the way, in order."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            target = self.now() + seconds
            while self._timers and self._timers[0].due <= target:
                timer = heapq.heappop(self._timers)
                if timer.cancelled:
                    continue
                self._offset += max(0.0, timer.due - self.now())
                timer.action()
            self._offset += max(0.0, target - self.now())
            return self.now()

    def fire_due(self) -> int:
        """Fire the timers whose time has come in real time; returns how many fired."""
        fired = 0
        with self._lock:
            while self._timers and self._timers[0].due <= self.now():
                timer = heapq.heappop(self._timers)
                if not timer.cancelled:
                    timer.action()
                    fired += 1
        return fired

    def clear(self) -> None:
        """Forget every pending timer (a reset: the old world's timers must not fire into the new one)."""
        with self._lock:
            for timer in self._timers:
                timer.cancel()
            self._timers.clear()

    def pending(self) -> int:
        """How many live timers are waiting."""
        with self._lock:
            return sum(1 for t in self._timers if not t.cancelled)
