"""The event bus: the model publishes O2G events; subscriptions listen and filter."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Event = dict[str, Any]
Listener = Callable[[str, "str | None", Event], None]


class EventBus:
    """Fan-out of ``(package, loginName, event)`` triples to every listener, in order."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it."""
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def publish(self, package: str, login: str | None, event: Event) -> None:
        """Deliver one event; ``login`` is the user it is about (None for global packages)."""
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(package, login, event)


class Recorder:
    """A listener that keeps every event, for tests and the simulator's event history."""

    def __init__(self, bus: EventBus) -> None:
        self.events: list[tuple[str, str | None, Event]] = []
        self.stop = bus.listen(lambda p, login, e: self.events.append((p, login, e)))

    def names(self, login: str | None = None) -> list[str]:
        return [e["eventName"] for _, who, e in self.events if login is None or who == login]

    def clear(self) -> None:
        self.events.clear()
