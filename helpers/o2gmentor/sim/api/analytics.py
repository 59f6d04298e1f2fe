"""The analytics service (``{base}/analytics``, o2g-api-core.md §18): OXE incidents and charging.

Administrator sessions only, with the ANALYTICS licence (o2g-domain.md §2.5): a user session → 403.

* ``GET /analytics/incidents?nodeId=N[&last=K]`` → ``{"incidents": [...]}``, oldest first; ``last`` keeps
  the K most recent (see model/incidents.py).
* ``GET /analytics/charging/files?nodeId=N[&fromDate=yyyyMMdd&toDate=yyyyMMdd]`` → ``{"files": [...]}``;
  without dates, every file (Node sends the dates only when given a range).
* ``GET /analytics/charging?nodeId=N&(fromDate&toDate | files=a,b)[&top=K][&all=true]`` → the tickets of
  those files (see model/charging.py for tickets, tariff, files, ``valuable`` and ``top``).

Bad or missing parameters → 400 (a date that is not ``yyyyMMdd``, ``fromDate`` after ``toDate``, only one
of the two dates, both dates and ``files``, ``last``/``top`` not a positive integer); an unknown node or
charging file → 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from aiohttp import web

from o2gmentor.sim.api.errors import bad_request, forbidden, not_found
from o2gmentor.sim.api.requests_ import BASE_PATH, flag
from o2gmentor.sim.api.scope import require_licence
from o2gmentor.sim.model import charging
from o2gmentor.sim.model.incidents import incident_log

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

A = BASE_PATH + "/analytics"


def parse_day(request: web.Request, name: str) -> date | None:
    """A ``yyyyMMdd`` query parameter (None when absent)."""
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        if len(raw) != 8 or not raw.isdigit():
            raise ValueError
        return datetime.strptime(raw, "%Y%m%d").date()
    except ValueError:
        raise bad_request(f"'{name}' must be a date written yyyyMMdd, not {raw!r}") from None


def parse_range(request: web.Request, *, required: bool) -> tuple[date | None, date | None]:
    first, last = parse_day(request, "fromDate"), parse_day(request, "toDate")
    if (first is None) != (last is None) or (required and first is None):
        raise bad_request("give both 'fromDate' and 'toDate' (yyyyMMdd)")
    if first and last and first > last:
        raise bad_request("'fromDate' is after 'toDate'")
    return first, last


def positive_int(request: web.Request, name: str) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise bad_request(f"'{name}' must be a whole number above 0, not {raw!r}")
    return int(raw)


def routes(state: SimState) -> list[web.RouteDef]:
    def node_of(request: web.Request) -> str:
        """The checked ``nodeId`` of an administrator's analytics request."""
        session = state.sessions.session_of(request)
        if not session.admin:
            raise forbidden("analytics is for administrator sessions only")
        require_licence(state, session, "ANALYTICS")
        node = request.query.get("nodeId")
        if not node:
            raise bad_request("'nodeId' is missing")
        if not node.isdigit():
            raise bad_request(f"'nodeId' must be a node number, not {node!r}")
        if all(str(n["id"]) != str(int(node)) for n in state.pbx.site.nodes):
            raise not_found(f"unknown node {node}")
        return str(int(node))

    def node_tickets(node: str) -> list[charging.Ticket]:
        return charging.tickets(state.pbx.site, state.pbx.calls.history.ended, node)

    async def incidents(request: web.Request) -> web.Response:
        node = node_of(request)
        last = positive_int(request, "last")
        found = incident_log(state.pbx).of_node(node, last)
        return web.json_response({"incidents": [i.to_json() for i in found]})

    async def charging_files(request: web.Request) -> web.Response:
        node = node_of(request)
        first, last = parse_range(request, required=False)
        return web.json_response({"files": charging.files(node_tickets(node), first, last)})

    async def chargings(request: web.Request) -> web.Response:
        node = node_of(request)
        top = positive_int(request, "top")
        tickets = node_tickets(node)
        wanted = request.query.get("files")
        if wanted is not None:
            if "fromDate" in request.query or "toDate" in request.query:
                raise bad_request("give either 'files' or 'fromDate' and 'toDate', not both")
            names = {n.strip() for n in wanted.split(",") if n.strip()}
            if not names:
                raise bad_request("'files' is empty: give charging file names separated by commas")
            known = {f["name"] for f in charging.files(tickets)}
            unknown = sorted(names - known)
            if unknown:
                raise not_found(f"unknown charging file(s): {', '.join(unknown)}")
            return web.json_response(charging.report(tickets, names, top=top, everything=flag(request, "all")))
        first, last = parse_range(request, required=True)
        names = {f["name"] for f in charging.files(tickets, first, last)}
        return web.json_response(charging.report(tickets, names, top=top, everything=flag(request, "all"),
                                                 first=first, last=last))

    return [
        web.get(A + "/incidents", incidents, allow_head=False),
        web.get(A + "/charging/files", charging_files, allow_head=False),
        web.get(A + "/charging", chargings, allow_head=False),
    ]
