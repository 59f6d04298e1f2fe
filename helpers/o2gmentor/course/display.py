"""Small static HTML views for notebooks: tables of people, calls and events that render anywhere."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from typing import Any

CELL = "padding:2px 10px;text-align:left;border-bottom:1px solid #ddd"


class Html:
    """An HTML fragment that notebooks display as HTML and terminals as plain text."""

    def __init__(self, markup: str, text: str) -> None:
        self.markup = markup
        self.text = text

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.text


def table(rows: Iterable[dict[str, Any]], columns: Sequence[str], headers: Sequence[str] | None = None) -> Html:
    """A compact table of ``rows`` showing ``columns`` (missing values shown as ``–``)."""
    rows = list(rows)
    headers = list(headers or columns)
    cells = [[("–" if row.get(c) in (None, "") else str(row.get(c))) for c in columns] for row in rows]
    head = "".join(f"<th style='{CELL}'>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td style='{CELL}'>{html.escape(v)}</td>" for v in r) + "</tr>"
                   for r in cells)
    markup = f"<table style='border-collapse:collapse'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return Html(markup, "\n".join(lines))


def event_summary(event: dict[str, Any]) -> str:
    """The one thing that matters in an event, in a few words (its state, cause or counters)."""
    name = event.get("eventName", "")
    if "callData" in event:
        state = event["callData"].get("state", "")
        return f"call {event.get('callRef', '')[:6]}… {state}" + (f" ({event['cause']})" if event.get("cause") else "")
    if name == "OnCallRemoved":
        return f"call {event.get('callRef', '')[:6]}… removed" + (f" ({event['cause']})" if event.get("cause") else "")
    if "deviceStates" in event:
        return ", ".join(f"{d['deviceId']} {d['state']}" for d in event["deviceStates"])
    if "eventSummary" in event:
        return f"missed calls: {event['eventSummary'].get('missedCallsNb')}"
    if isinstance(event.get("state"), str):
        return event["state"]
    return ""


def event_table(events: Iterable[dict[str, Any]]) -> Html:
    """Events in arrival order: name, whose, and what changed."""
    rows = [{"n": i, "event": e.get("eventName"), "user": e.get("loginName"), "what": event_summary(e)}
            for i, e in enumerate(events, 1)]
    return table(rows, ["n", "event", "user", "what"], ["#", "event", "loginName", "what changed"])


def pretty(data: Any) -> Html:
    """JSON, indented, in a scrollable box."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return Html(f"<pre style='max-height:24em;overflow:auto'>{html.escape(text)}</pre>", text)
