"""SystemHealth — the O2G's OXE nodes, CTI links, licences and HA pair, with clear good/bad marks.

Needs an administrator session: ``GET system/status`` (o2g-api-core.md §17) gives the picture; the
``system`` event package (§8.7) says when it changes (``OnCtiLinkDown``, ``OnPbxLinkUp``,
``OnLicenseExpiration``, ``OnServerStart``…). On each such event the reducer marks the change at once
and the panel pulls the status again (from the reader thread, which then only sets traits).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import ipywidgets as w

from o2gmentor.widgets.panel import BAD, FONT, GOOD, IDLE, WARN, Event, Panel, State, error_text, esc, pill

OK, NOT_OK, CAUTION = "✅", "❌", "⚠️"
EXPIRY_WARNING_DAYS = 30
MAX_ALERTS = 8
SYSTEM_EVENTS = ("OnCtiLinkDown", "OnCtiLinkUp", "OnPbxLinkDown", "OnPbxLinkUp", "OnPbxLoaded",
                 "OnLicenseExpiration", "OnServerStart", "OnRemoteServerLinkDown", "OnRemoteServerLinkUp")


def _days_left(expiration: str | None, today: dt.date) -> int | None:
    """``"31-dec-2026"`` → days from ``today`` (None when there is no usable date)."""
    if not expiration:
        return None
    for fmt in ("%d-%b-%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return (dt.datetime.strptime(expiration.strip(), fmt).date() - today).days
        except ValueError:
            continue
    return None  # "permanent" or an unknown format: no expiry to warn about


class SystemHealth(Panel):
    """Nodes, CTI links, licences and HA state of an O2G (administrator session).

    >>> health = SystemHealth(admin)      # pulls system/status, then follows the system events
    """

    packages = ("system",)
    title = "System health"

    def __init__(self, o2g=None, *, stream=None, live: bool = True, pull: bool = True,
                 today: dt.date | None = None, status: dict[str, Any] | None = None) -> None:
        self.today = today
        super().__init__(o2g, stream=stream, live=live, pull=pull)
        if status is not None:
            self.feed({"eventName": "SystemStatus", "status": status})

    # ------------------------------------------------------------------ state
    def initial_state(self) -> State:
        return {"status": None, "alerts": [], "error": None}

    @staticmethod
    def apply(state: State, event: Event) -> State:
        """Fold a pulled status (``{"eventName": "SystemStatus", "status": …}``) or a system event (pure)."""
        name = event.get("eventName")
        if name == "SystemStatus":
            return {**state, "status": copy.deepcopy(event.get("status")), "error": None}
        if name == "SystemStatusError":
            return {**state, "error": event.get("error")}
        if name not in SYSTEM_EVENTS:
            return state
        new = copy.deepcopy(state)
        new["alerts"] = [_alert_text(event), *new["alerts"]][:MAX_ALERTS]
        status = new["status"]
        if status is None:
            return new
        node = str(event.get("nodeId", ""))
        for pbx in status.get("pbxs") or []:
            if str(pbx.get("nodeId")) != node:
                continue
            if name == "OnCtiLinkDown":
                pbx["ctiLinkState"] = "DISCONNECTED"
            elif name == "OnCtiLinkUp" and pbx.get("ctiLinkState") == "DISCONNECTED":
                pbx["ctiLinkState"] = "CONNECTED_MAIN"  # until the next pull says main or secondary
            elif name == "OnPbxLinkDown":
                pbx["connected"] = False
            elif name == "OnPbxLinkUp":
                pbx["connected"] = True
            elif name == "OnPbxLoaded":
                pbx["loaded"] = True
        return new

    def pull(self) -> Event:
        return {"eventName": "SystemStatus", "status": self.o2g.system.status()}

    def _after_event(self, event: Event) -> None:
        if event.get("eventName") in SYSTEM_EVENTS and self.o2g is not None:
            try:
                self.refresh()
            except Exception as exc:  # noqa: BLE001 - in the reader thread: show it, never raise or print
                with self._lock:
                    self.state = self.apply(self.state, {"eventName": "SystemStatusError", "error": error_text(exc)})
                    self._render(self.state)

    # ------------------------------------------------------------------ reading the state
    def problems(self, state: State | None = None) -> list[str]:
        """What is wrong, in words (empty when all is well)."""
        state = self.state if state is None else state
        status = state.get("status")
        found = []
        if state.get("error"):
            found.append(f"status unavailable: {state['error']}")
        if not status:
            return found
        for pbx in status.get("pbxs") or []:
            name = f"node {pbx.get('nodeId')} {pbx.get('name', '')}".strip()
            if not pbx.get("connected"):
                found.append(f"{name}: management link down")
            if pbx.get("ctiLinkState") == "DISCONNECTED":
                found.append(f"{name}: CTI link down")
            if not pbx.get("loaded"):
                found.append(f"{name}: users not loaded")
        licence = status.get("license") or {}
        if licence.get("status") not in (None, "NORMAL"):
            found.append(f"licences: {licence.get('status')} {licence.get('statusMessage') or ''}".strip())
        today = self.today or dt.date.today()
        for lic in licence.get("lics") or []:
            left = _days_left(lic.get("expiration"), today)
            if left is not None and left < 0:
                found.append(f"licence {lic.get('name')} expired")
            if lic.get("total") and (lic.get("currentUsed") or 0) >= lic["total"]:
                found.append(f"licence {lic.get('name')}: all {lic['total']} in use")
        for side in ("primary", "secondary"):
            services = (status.get(f"{side}ServicesStatus") or {}).get("services") or []
            for service in services:
                if service.get("status") not in ("STARTED", None):
                    found.append(f"{side} {service.get('name')}: {service.get('status')}")
        return found

    def warnings(self, state: State | None = None) -> list[str]:
        """Not broken yet: licences expiring soon or nearly used up."""
        state = self.state if state is None else state
        status = state.get("status") or {}
        today = self.today or dt.date.today()
        found = []
        for lic in (status.get("license") or {}).get("lics") or []:
            left = _days_left(lic.get("expiration"), today)
            if left is not None and 0 <= left <= EXPIRY_WARNING_DAYS:
                found.append(f"licence {lic.get('name')} expires in {left} days")
            total, used = lic.get("total") or 0, lic.get("currentUsed") or 0
            if total and 0.9 * total <= used < total:
                found.append(f"licence {lic.get('name')}: {used} of {total} in use")
        return found

    @property
    def verdict(self) -> str:
        """``Healthy``, ``Warning`` or ``Problem`` — the big word the panel shows."""
        if self.state.get("status") is None and not self.state.get("error"):
            return "Unknown"
        return "Problem" if self.problems() else "Warning" if self.warnings() else "Healthy"

    # ------------------------------------------------------------------ widgets
    def _build(self) -> w.Widget:
        self._banner = w.HTML()
        self._body = w.HTML()
        return w.VBox([self._header("🖥️ O2G system health"), self._banner, self._body, self._message],
                      layout=w.Layout(border="1px solid #b0bec5", padding="8px 12px", max_width="900px"))

    def _render(self, state: State) -> None:
        self._banner.value = self._banner_html(state)
        self._body.value = self._body_html(state)

    def _snapshot_html(self, state: State) -> str:
        return (f"<div style='font-size:17px;font-weight:600'>🖥️ O2G system health</div>"
                f"{self._banner_html(state)}{self._body_html(state)}")

    def _banner_html(self, state: State) -> str:
        problems, warnings = self.problems(state), self.warnings(state)
        if state.get("status") is None and not state.get("error"):
            word, colour, mark = "Unknown", IDLE, "❔"
        elif problems:
            word, colour, mark = "Problem", BAD, NOT_OK
        elif warnings:
            word, colour, mark = "Warning", WARN, CAUTION
        else:
            word, colour, mark = "Healthy", GOOD, OK
        detail = "; ".join(problems or warnings)
        return (f"<div class='o2g-health' data-state='{word.upper()}' "
                f"style='{FONT};margin:4px 0 6px 0;line-height:1.3'>"
                f"<span style='font-size:30px;font-weight:700;color:{colour}'>{mark} {word}</span>"
                f"<span style='font-size:17px;color:#37474f'> {esc(detail)}</span></div>")

    def _body_html(self, state: State) -> str:
        status = state.get("status")
        cell = "padding:1px 10px;border-bottom:1px solid #e0e0e0;text-align:left"
        head = "padding:3px 10px;text-align:left;color:#455a64;font-weight:600;border-bottom:2px solid #b0bec5"
        if not status:
            return (f"<div style='{FONT};color:{IDLE};font-size:15px'>"
                    "No status yet (needs an administrator session)</div>")
        today = self.today or dt.date.today()
        parts = [f"<div style='{FONT};font-size:15px;line-height:1.35'>"]
        # HA pair
        ha = status.get("ha")
        servers = []
        for side in ("primary", "secondary"):
            if not status.get(side):
                continue
            services = (status.get(f"{side}ServicesStatus") or {}).get("services") or []
            good = all(s.get("status") == "STARTED" for s in services)
            current = (status.get("license") or {}).get("currentServer") == status.get(side)
            servers.append(f"{OK if good else NOT_OK} {side} <b>{esc(status[side])}</b> "
                           f"{esc(status.get(side + 'Version') or '')}" + (" (current)" if current else ""))
        parts.append(f"<div style='margin:2px 0 6px 0'><b>HA pair:</b> {OK + ' yes' if ha else '– single server'}"
                     f" · {esc(status.get('configurationType') or '')}<br>" + "<br>".join(servers) + "</div>")
        # nodes
        rows = []
        for pbx in status.get("pbxs") or []:
            cti = pbx.get("ctiLinkState") or "?"
            cti_mark = NOT_OK if cti == "DISCONNECTED" else OK
            rows.append(
                f"<tr><td style='{cell}'><b>{esc(pbx.get('nodeId'))}</b> {esc(pbx.get('name'))}</td>"
                f"<td style='{cell}'>{OK if pbx.get('connected') else NOT_OK} "
                f"{'up' if pbx.get('connected') else 'down'}</td>"
                f"<td style='{cell}'>{cti_mark} {esc(cti.replace('_', ' ').lower())}</td>"
                f"<td style='{cell}'>{OK if pbx.get('loaded') else NOT_OK}</td>"
                f"<td style='{cell}'>{esc(pbx.get('monitoredUserNumber'))}</td>"
                f"<td style='{cell};color:#607d8b'>{esc(pbx.get('version'))}</td></tr>")
        parts.append(f"<table style='border-collapse:collapse;margin-bottom:6px'><tr><th style='{head}'>OXE node</th>"
                     f"<th style='{head}'>link</th><th style='{head}'>CTI link</th><th style='{head}'>loaded</th>"
                     f"<th style='{head}'>users</th><th style='{head}'>version</th></tr>{''.join(rows)}</table>")
        # licences
        licence = status.get("license") or {}
        lic_rows = []
        for lic in licence.get("lics") or []:
            total, used = lic.get("total") or 0, lic.get("currentUsed") or 0
            left = _days_left(lic.get("expiration"), today)
            if left is not None and left < 0:
                mark, note = NOT_OK, "expired"
            elif total and used >= total:
                mark, note = NOT_OK, "all in use"
            elif (left is not None and left <= EXPIRY_WARNING_DAYS) or (total and used >= 0.9 * total):
                mark, note = CAUTION, f"{left} days left" if left is not None and left <= EXPIRY_WARNING_DAYS else ""
            else:
                mark, note = OK, ""
            share = min(100, round(100 * used / total)) if total else 0
            bar = (f"<span style='display:inline-block;width:90px;height:10px;background:#eceff1;border-radius:5px;"
                   f"vertical-align:middle'><span style='display:block;width:{share}%;height:10px;border-radius:5px;"
                   f"background:{BAD if mark == NOT_OK else WARN if mark == CAUTION else GOOD}'></span></span>")
            lic_rows.append(f"<tr><td style='{cell}'>{mark} {esc(lic.get('name'))}</td>"
                            f"<td style='{cell}'>{bar} {used} / {total}</td>"
                            f"<td style='{cell}'>{esc(lic.get('expiration'))} {esc(note)}</td></tr>")
        lic_status = licence.get("status") or "?"
        parts.append(f"<div><b>Licences</b> ({esc(licence.get('type') or '')}): "
                     f"{pill(lic_status, GOOD if lic_status == 'NORMAL' else BAD, 13)} "
                     f"{esc(licence.get('statusMessage') or '')}</div>"
                     f"<table style='border-collapse:collapse'><tr><th style='{head}'>licence</th>"
                     f"<th style='{head}'>in use</th><th style='{head}'>expires</th></tr>{''.join(lic_rows)}</table>")
        if state.get("alerts"):
            items = "".join(f"<li>{esc(a)}</li>" for a in state["alerts"])
            parts.append(f"<div style='margin-top:6px'><b>Recent system events</b> (newest first)"
                         f"<ul style='margin:2px 0'>{items}</ul></div>")
        parts.append("</div>")
        return "".join(parts)


def _alert_text(event: Event) -> str:
    name = event.get("eventName", "")
    if "nodeId" in event:
        return f"{name} · node {event['nodeId']}"
    if name == "OnLicenseExpiration":
        return f"{name} · {event.get('message', '')} ({event.get('nbDays')} days)"
    if "serverId" in event:
        return f"{name} · {event['serverId']}"
    if "host" in event:
        return f"{name} · {event['host']}"
    return name
