"""The CC Management service (``{base}/acdmanagement``, o2g-api-ccd.md §9): pilots, calendars, open/close.

Administrator sessions with CONTACTCENTER_SERVICE; paths start with the OXE node id (404 if unknown).
``rules`` conflict (§9.2, §12): Java and C# expect ``{"ruleList":[…]}`` (ruleNumber a string), the Node
SDK a bare array (and throws on the object). The object form is the default; a request whose
``User-Agent`` is ``node`` (what the Node SDK's undici sends) gets the bare array.
Calendar transitions may be added with or without ``/transitions``; they are stored, not applied on the
clock (see ``ccd_calendar``). ``close`` sends new calls to the pilot's overflow destination.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from o2gmentor.sim.api.acdrealtime import ccd_admin, model_errors
from o2gmentor.sim.api.errors import not_found
from o2gmentor.sim.api.requests_ import BASE_PATH, json_body
from o2gmentor.sim.model.ccd_calendar import CalendarError, Calendars, calendars_of, pilot_json

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

M = BASE_PATH + "/acdmanagement"
P = M + "/{node}/pilots/{pilot}"


def routes(state: SimState) -> list[web.RouteDef]:
    def cals() -> Calendars:
        return calendars_of(state.pbx.ccd)

    def checked(request: web.Request) -> str | None:
        """Admin + licence + a known node; the pilot of the path (404 if unknown), if any."""
        ccd_admin(state, request)
        node = request.match_info["node"]
        if node not in state.pbx.system.nodes:
            raise not_found(f"no OXE node {node}")
        pilot = request.match_info.get("pilot")
        if pilot is not None and pilot not in state.pbx.ccd.pilots:
            raise not_found(f"{pilot} is not a pilot of node {node}")
        return pilot

    def bare(request: web.Request) -> bool:
        return request.headers.get("User-Agent", "").lower().startswith("node")

    async def pilots(request: web.Request) -> web.Response:
        checked(request)
        cc = state.pbx.ccd
        return web.json_response({"pilotList": [pilot_json(cc, n, bare(request)) for n in cc.pilots]})

    async def one_pilot(request: web.Request) -> web.Response:
        pilot = checked(request)
        if request.method == "POST":
            await json_body(request, required=False)  # PilotQueryParam: same answer for every agent (inferred)
        return web.json_response(pilot_json(state.pbx.ccd, pilot, bare(request)))

    async def calendar(request: web.Request) -> web.Response:
        cal = cals().of(checked(request))
        kind = request.match_info.get("kind")
        if kind is None:
            return web.json_response({"normalDays": cal.to_json("normal"), "exceptionDays": cal.to_json("exception")})
        return web.json_response(cal.to_json(kind))

    async def add(request: web.Request) -> web.Response:
        pilot, m = checked(request), request.match_info
        cals().add(pilot, m["kind"], m["day"], await json_body(request))
        return web.Response(status=204)

    async def change(request: web.Request) -> web.Response:
        pilot, m = checked(request), request.match_info
        cals().change(pilot, m["kind"], m["day"], m["n"], await json_body(request))
        return web.Response(status=204)

    async def delete(request: web.Request) -> web.Response:
        pilot, m = checked(request), request.match_info
        cals().delete(pilot, m["kind"], m["day"], m["n"])
        return web.Response(status=204)

    def opener(is_open: bool):
        async def handler(request: web.Request) -> web.Response:
            state.pbx.ccd.pilots[checked(request)].open = is_open
            return web.Response(status=204)

        return handler

    kind = "{kind:normal|exception}"
    table = [
        web.get(M + "/{node}/pilots", pilots, allow_head=False),
        web.get(P, one_pilot, allow_head=False),
        web.post(P, one_pilot),
        web.get(P + "/calendar", calendar, allow_head=False),
        web.get(f"{P}/calendar/{kind}", calendar, allow_head=False),
        web.post(f"{P}/calendar/{kind}/{{day}}", add),
        web.post(f"{P}/calendar/{kind}/{{day}}/transitions", add),
        web.put(f"{P}/calendar/{kind}/{{day}}/transitions/{{n}}", change),
        web.delete(f"{P}/calendar/{kind}/{{day}}/transitions/{{n}}", delete),
        web.post(P + "/open", opener(True)),
        web.post(P + "/close", opener(False)),
    ]
    return [web.route(r.method, r.path, model_errors(r.handler, CalendarError), **r.kwargs) for r in table]
