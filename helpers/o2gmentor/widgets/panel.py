"""The base of every live panel: an event subscription, a pure reducer, traits set from the reader thread.

A panel keeps a plain-data ``state`` (dicts and lists, JSON-like). Three things change it:

- ``apply(state, event) -> state``: a **pure** function (a static method of each panel) that folds one
  O2G event into the state. Unit tests feed it recorded event dicts, no kernel or network needed;
- ``refresh()``: pull the current state once through the O2G client (deterministic, for tests and
  for a panel without a live stream);
- the live stream: the ``EventStream`` reader thread calls ``feed(event)``, which applies the reducer
  and then only **assigns trait values** of widgets created beforehand (never print, display or
  ``with output:`` from a thread — course-conventions §3.7). When the stream comes back after a loss (the
  O2G restarted, the session expired, the channel dropped…) events may have been missed, so the panel pulls
  the state again (``refresh()``) before folding in what the new channel brings.

``snapshot()`` renders the same state as static HTML (no JavaScript, no CDN) for notebook viewers,
static sites and tests. ``stop()`` ends the live updates (and the subscription, when the panel made it).

Subclasses set ``packages`` and ``title`` and implement ``initial_state``, ``apply``, ``pull``,
``_build`` (create every widget once), ``_render`` (assign traits from the state) and ``_snapshot_html``.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from o2gmentor.client.errors import O2GConnectionError, O2GError
from o2gmentor.course.display import Html

log = logging.getLogger("o2gmentor.widgets")

State = dict[str, Any]
Event = dict[str, Any]

# one palette for every panel: readable on a projector, with a mark so colour is never the only cue
GOOD, BAD, WARN, INFO, IDLE = "#1b7f3b", "#c62828", "#b26a00", "#1565c0", "#546e7a"
FONT = 'font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif'  # used in style='…'


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def pill(text: str, colour: str, size: int = 15) -> str:
    """A coloured label with white text (state names)."""
    return (f"<span style='display:inline-block;background:{colour};color:#fff;border-radius:6px;"
            f"padding:1px 9px;font-weight:600;font-size:{size}px;line-height:1.5'>{esc(text)}</span>")


def error_text(exc: BaseException) -> str:
    """One line for a message bar: the O2G status and message, or the connection problem."""
    if isinstance(exc, O2GError):
        detail = exc.message or exc.hint
        return f"{exc.status}: {detail}" + (f" [{exc.error_type}]" if exc.error_type else "")
    if isinstance(exc, O2GConnectionError):
        return f"cannot reach O2G: {exc.reason}"
    return f"{exc.__class__.__name__}: {exc}"


class Panel:
    """A live view of part of an O2G. See the module docstring for the contract."""

    packages: tuple[str, ...] = ()
    title: str = "Panel"

    def __init__(self, o2g=None, *, stream=None, ids: list[str] | None = None, live: bool = True,
                 pull: bool = True) -> None:
        """``o2g``: a connected ``O2G`` session (needed for ``refresh()`` and actions).

        ``stream``: an existing ``EventStream`` to listen to (it is not stopped by ``stop()``); without
        one and with ``live``, the panel subscribes to its ``packages`` itself (for ``ids``).
        ``pull``: pull the current state once at creation (``refresh()``).
        """
        self.o2g = o2g
        self.ids = ids
        self.state: State = self.initial_state()
        self.stream = stream
        self.events_seen = 0
        self._own_stream = False
        self._listening = False
        self._lock = threading.RLock()
        self._during_pull: list[Event] | None = None
        self._message = w.HTML(layout=w.Layout(margin="2px 0 0 0"))
        self._live_mark = w.HTML()
        self.widget: w.Widget = self._build()
        self._render_all()
        if live and (stream is not None or o2g is not None):
            self.start_live()
        if pull and o2g is not None:
            try:
                self.refresh()
            except Exception as exc:  # noqa: BLE001 - shown in the panel; the cell still displays it
                self.show_message(f"❌ {error_text(exc)}", BAD)

    # ------------------------------------------------------------------ what subclasses provide
    def initial_state(self) -> State:
        return {}

    @staticmethod
    def apply(state: State, event: Event) -> State:  # pragma: no cover - every panel overrides it
        return state

    def pull(self) -> Event | None:
        """Fetch the current state through the client, as an event-like dict the reducer folds in."""
        return None

    def _build(self) -> w.Widget:  # pragma: no cover - every panel overrides it
        return w.VBox([self._message])

    def _render(self, state: State) -> None:
        """Assign trait values from ``state`` (called with the lock held, from any thread)."""

    def _snapshot_html(self, state: State) -> str:
        return ""

    def _reduce(self, state: State, event: Event) -> State:
        return self.apply(state, event)

    def _after_event(self, event: Event) -> None:
        """Called in the reader thread after an event was applied (e.g. to re-pull a status)."""

    # ------------------------------------------------------------------ display
    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        live = "live" if self.live else "not live"
        return f"{self.__class__.__name__}({live}; {self.events_seen} events)"

    def snapshot(self) -> Html:
        """The panel as it is now, as static HTML (renders in any notebook viewer and static site)."""
        with self._lock:
            state = self.state
            body = self._snapshot_html(state)
        markup = (f"<div class='o2g-snapshot' style='{FONT};border:1px solid #cfd8dc;border-radius:8px;"
                  f"padding:8px 12px;max-width:900px'>{body}</div>")
        return Html(markup, f"{self.__class__.__name__} snapshot ({self.events_seen} events)")

    def show_message(self, text: str, colour: str = IDLE) -> None:
        """The panel's one-line message bar (results of actions, errors)."""
        self._message.value = f"<div style='{FONT};font-size:15px;color:{colour}'>{esc(text)}</div>" if text else ""

    @property
    def message(self) -> str:
        """The message bar as plain text (for tests)."""
        return html.unescape(_strip_tags(self._message.value))

    # ------------------------------------------------------------------ live updates
    @property
    def live(self) -> bool:
        return self._listening and self.stream is not None

    def start_live(self) -> Panel:
        """Listen to the stream (subscribing first when the panel has none)."""
        if self._listening:
            return self
        if self.stream is None:
            if self.o2g is None:
                raise ValueError("a live panel needs an O2G session or an EventStream")
            self.stream = self.o2g.subscribe(list(self.packages), self.ids, on_event=self.feed)
            self._own_stream = True
        else:
            self.stream.on(self.feed)
        if hasattr(self.stream, "on_reconnect"):
            self.stream.on_reconnect(self._resync)
        self._listening = True
        self._render_all()
        return self

    def stop(self) -> None:
        """Stop the live updates; delete the subscription if the panel made it."""
        self._listening = False
        stream, own = self.stream, self._own_stream
        if stream is not None and hasattr(stream, "off_reconnect"):
            stream.off_reconnect(self._resync)
        if stream is not None and not own:
            stream.off(self.feed)
        if own and stream is not None:
            self.stream = None
            self._own_stream = False
            try:
                stream.stop()
            except Exception:  # noqa: BLE001 - the session may be gone already
                log.info("stopping the panel's event stream failed", exc_info=True)
        self._render_all()

    def feed(self, event: Event) -> None:
        """Fold one event into the state and update the widgets (any thread; sets traits only)."""
        if self.stream is not None and not self._listening:
            return  # stopped (a callback may still be running while we unregister)
        try:
            with self._lock:
                if self._during_pull is not None:
                    self._during_pull.append(event)
                self.state = self._reduce(self.state, event)
                self.events_seen += 1
                self._render(self.state)
            self._after_event(event)
        except Exception as exc:  # noqa: BLE001 - a bad event must not kill the channel nor print from a thread
            log.exception("panel could not apply %s", event.get("eventName"))
            self.show_message(f"⚠️ could not show {event.get('eventName')}: {exc}", WARN)

    def _resync(self, stream) -> None:
        """The stream is back after a loss: pull the state again (in the reader thread; traits only)."""
        if not self._listening or self.o2g is None:
            return
        try:
            self.refresh()
        except Exception:  # noqa: BLE001 - refresh() showed it in the message bar; the next reconnect tries again
            log.info("refresh after the event stream came back failed", exc_info=True)
            return
        self.show_message("↻ back in touch with O2G: refreshed", INFO)

    def feed_all(self, events) -> Panel:
        """Apply recorded events in order (tests, replays)."""
        for event in events:
            self.feed(event)
        return self

    def refresh(self) -> Panel:
        """Pull the current state once through the O2G client; errors are raised (and shown)."""
        if self.o2g is None:
            raise ValueError("refresh() needs an O2G session")
        with self._lock:
            self._during_pull = []
        try:
            pulled = self.pull()
        except Exception as exc:
            self.show_message(f"❌ {error_text(exc)}", BAD)
            raise
        finally:
            with self._lock:
                arrived, self._during_pull = self._during_pull or [], None
        with self._lock:
            if pulled is not None:
                self.state = self._reduce(self.state, pulled)
            for event in arrived:  # events that came while pulling are newer than (or as new as) the pull
                self.state = self._reduce(self.state, event)
            self._render(self.state)
        return self

    # ------------------------------------------------------------------ helpers
    def _render_all(self) -> None:
        with self._lock:
            self._live_mark.value = self._live_html()
            self._render(self.state)

    def _live_html(self) -> str:
        if self.live:
            return f"<span style='{FONT};color:{GOOD};font-size:13px'>● live</span>"
        return f"<span style='{FONT};color:{IDLE};font-size:13px'>○ not live</span>"

    def _header(self, text: str) -> w.HBox:
        title = w.HTML(f"<div style='{FONT};font-size:17px;font-weight:600;color:#263238'>{esc(text)}</div>")
        return w.HBox([title, self._live_mark], layout=w.Layout(justify_content="space-between",
                                                                  align_items="center"))

    def _run_action(self, label: str, action: Callable[[], Any]) -> bool:
        """Run a button's action: the result or the error goes to the message bar, never raised."""
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - a button callback must never raise
            self.show_message(f"❌ {label}: {error_text(exc)}", BAD)
            return False
        self.show_message(f"✔ {label}", GOOD)
        if not self.live and self.o2g is not None:
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - refresh already showed the error
                pass
        return True


def _strip_tags(markup: str) -> str:
    return re.sub(r"<[^>]+>", "", markup)
