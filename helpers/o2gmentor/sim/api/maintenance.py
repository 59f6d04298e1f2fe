"""The maintenance service (``{base}/system``, o2g-api-core.md §17): the O2G server's status, admin only."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from aiohttp import web

from o2gmentor.sim.api.errors import forbidden
from o2gmentor.sim.api.requests_ import BASE_PATH

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState


def licences_in_use(state: SimState) -> dict[str, int]:
    """How many of each licence are taken: per user for telephony ones, per open admin session otherwise."""
    users = state.pbx.site.users.values()
    used: Counter[str] = Counter()
    for user in users:
        used["TELEPHONY_BASIC"] += 1
        for grant in user.licences:
            used[grant] += 1
    admins = sum(1 for s in state.sessions.sessions.values() if s.admin)
    used["MANAGEMENT"] = used["ANALYTICS"] = min(admins, 1)
    return dict(used)


def routes(state: SimState) -> list[web.RouteDef]:
    async def status(request: web.Request) -> web.Response:
        session = state.sessions.session_of(request)
        if not session.admin:
            raise forbidden("the system status is restricted to an administrator session")
        monitored = Counter(u.node_id for u in state.pbx.site.users.values())
        return web.json_response(state.pbx.system.status(dict(monitored), licences_in_use(state),
                                                         state.pbx.clock.now()))

    return [web.get(BASE_PATH + "/system/status", status, allow_head=False)]
