"""The simulated OXE, knowing nothing of HTTP: the site's people and phones, calls, and the event bus."""
