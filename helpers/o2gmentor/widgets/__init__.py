"""Live panels for notebooks, built on ipywidgets 8 and the client's ``EventStream``.

- ``PhonePanel``: the softphone example (a user's device, its calls, dial / answer / hold / transfer…);
- ``EventLog``: the events of a subscription, newest first, filterable, each expandable to its JSON;
- ``CallFlow``: a ladder diagram of calls from their events (Mermaid text, or a self-contained SVG);
- ``SystemHealth``: OXE nodes, CTI links, licences, HA pair (administrator session);
- ``AgentDesk``: the agent operation example (a CCD agent's state, its customer call, its buttons);
- ``SupervisorBoard``: pilots and queues (waiting calls, longest wait) and agents, live (administrator).

Each panel: ``refresh()`` pulls once, a background reader only sets widget traits, ``stop()`` ends
the live updates, ``snapshot()`` gives static HTML, and ``apply(state, event)`` is its pure reducer.
New panels (e.g. the contact-center ones) derive from ``Panel`` in ``panel.py``.
"""

from o2gmentor.widgets.agent import AgentDesk
from o2gmentor.widgets.callflow import CallFlow
from o2gmentor.widgets.eventlog import EventLog
from o2gmentor.widgets.panel import Panel
from o2gmentor.widgets.phone import PhonePanel
from o2gmentor.widgets.supervisor import SupervisorBoard
from o2gmentor.widgets.system import SystemHealth

__all__ = ["Panel", "PhonePanel", "AgentDesk", "EventLog", "CallFlow", "SystemHealth", "SupervisorBoard"]
