"""The routing service, read side (``{base}/routing``, §11): capabilities, state, DND, forward."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from o2gmentor.sim.api.requests_ import BASE_PATH
from o2gmentor.sim.api.scope import acting_user, require_licence
from o2gmentor.sim.model.routing import RoutingState

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

R = BASE_PATH + "/routing"


def routes(state: SimState) -> list[web.RouteDef]:
    def routing_of(request: web.Request) -> RoutingState:
        session = state.sessions.session_of(request)
        require_licence(state, session, "TELEPHONY_ADVANCED")
        return state.pbx.routing_of(acting_user(state, request, session).login)

    async def capabilities(request: web.Request) -> web.Response:
        routing_of(request)
        return web.json_response(RoutingState.capabilities())

    async def routing_state(request: web.Request) -> web.Response:
        return web.json_response(routing_of(request).to_json())

    async def dnd(request: web.Request) -> web.Response:
        return web.json_response({"activate": routing_of(request).dnd})

    async def forward(request: web.Request) -> web.Response:
        route = routing_of(request).forward
        return web.json_response(route) if route else web.Response(status=200)

    async def overflow(request: web.Request) -> web.Response:
        route = routing_of(request).overflow
        return web.json_response(route) if route else web.Response(status=200)

    return [
        web.get(R, capabilities, allow_head=False),
        web.get(R + "/state", routing_state, allow_head=False),
        web.get(R + "/dnd", dnd, allow_head=False),
        web.get(R + "/forwardroute", forward, allow_head=False),
        web.get(R + "/overflowroute", overflow, allow_head=False),
    ]
