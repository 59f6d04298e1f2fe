"""The virtual clock: stepping fires timers in order, without sleeping."""

import time

import pytest

from o2gmentor.sim.clock import VirtualClock


def test_advance_fires_due_timers_in_order_at_their_time():
    clock = VirtualClock()
    fired = []
    start = clock.now()
    clock.call_later(30, lambda: fired.append(("b", round(clock.now() - start))))
    clock.call_later(10, lambda: fired.append(("a", round(clock.now() - start))))
    clock.call_later(90, lambda: fired.append(("c", 0)))
    before = time.monotonic()
    clock.advance(60)
    assert time.monotonic() - before < 0.5
    assert fired == [("a", 10), ("b", 30)]
    assert round(clock.now() - start) == 60
    assert clock.pending() == 1


def test_cancelled_timer_does_not_fire():
    clock = VirtualClock()
    fired = []
    timer = clock.call_later(5, lambda: fired.append(1))
    timer.cancel()
    clock.advance(10)
    assert fired == [] and clock.pending() == 0


def test_the_clock_never_goes_back():
    with pytest.raises(ValueError):
        VirtualClock().advance(-1)
