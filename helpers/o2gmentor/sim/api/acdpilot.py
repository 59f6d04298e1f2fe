"""The CC Pilot service (``{base}/acdpilotmonitoring``, o2g-api-ccd.md §6): start and stop pilot monitoring.

Pilot events flow to a subscription only for pilots that are monitored and named in its ``pilot``
selector (inferred). Starting twice or stopping an unmonitored pilot is not an error (SDK doc).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from o2gmentor.sim.api.errors import forbidden, not_found
from o2gmentor.sim.api.requests_ import BASE_PATH

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

P = BASE_PATH + "/acdpilotmonitoring"


def routes(state: SimState) -> list[web.RouteDef]:
    def pilot_of(request: web.Request) -> str:
        session = state.sessions.session_of(request)
        if not session.admin:
            raise forbidden("pilot monitoring is for administrator sessions")
        if "CONTACTCENTER_SERVICE" not in state.sessions.licences_of(session.login, True):
            raise forbidden("pilot monitoring needs the CONTACTCENTER_SERVICE licence")
        pilot = request.match_info["pilot"]
        if not state.pbx.ccd.is_pilot(pilot):
            raise not_found(f"{pilot} is not a pilot")
        return pilot

    async def start(request: web.Request) -> web.Response:
        state.pbx.ccd.monitored.add(pilot_of(request))
        return web.Response(status=204)

    async def stop(request: web.Request) -> web.Response:
        state.pbx.ccd.monitored.discard(pilot_of(request))
        return web.Response(status=204)

    return [
        web.post(P + "/{pilot}", start),
        web.delete(P + "/{pilot}", stop),
        web.post(P + "/{node}/{pilot}", start),  # Java's (nodeId, pilot) form; the node is ignored
        web.delete(P + "/{node}/{pilot}", stop),
    ]
