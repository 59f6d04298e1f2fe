"""The event summary service (``{base}/eventsummary``, §12): missed calls and message counters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from o2gmentor.sim.api.requests_ import BASE_PATH
from o2gmentor.sim.api.scope import licensed_user

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState


def routes(state: SimState) -> list[web.RouteDef]:
    async def summary(request: web.Request) -> web.Response:
        _, user = licensed_user(state, request)
        return web.json_response(state.pbx.event_summary(user.login))

    return [web.get(BASE_PATH + "/eventsummary", summary, allow_head=False)]
