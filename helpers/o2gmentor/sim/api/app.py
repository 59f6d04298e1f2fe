"""The simulated O2G as an aiohttp application: shared state, error handling, every service's routes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from o2gmentor.logsafe import protect
from o2gmentor.sim.api import (
    acdagent,
    acdmanagement,
    acdpilot,
    acdrealtime,
    acdrsi,
    acdstats,
    analytics,
    comlog,
    control,
    directory,
    eventsummary,
    maintenance,
    pbxmanagement,
    phonesetprogramming,
    routing,
    sessions,
    subscriptions,
    telephony,
    usermanagement,
    users,
    voicemail,
)
from o2gmentor.sim.api.errors import O2GHttpError, error_response
from o2gmentor.sim.api.requests_ import MAX_BODY_BYTES, too_large
from o2gmentor.sim.api.sessions import SessionStore
from o2gmentor.sim.api.subscriptions import SubscriptionStore
from o2gmentor.sim.api.telephony import telephony_error
from o2gmentor.sim.model.calls import TelephonyError
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.openapi import OPENAPI_PATH
from o2gmentor.sim.openapi import packaged_text as packaged_openapi

log = logging.getLogger("o2gmentor.sim")
protect("o2gmentor.sim")  # no credential in a record made here (o2gmentor.logsafe)


@dataclass
class SimState:
    """Everything one running simulator holds."""

    pbx: Pbx
    control_token: str = field(default_factory=lambda: secrets.token_urlsafe(18), repr=False)
    session_ttl: int = 1800
    keepalive_interval: float = 20.0
    sessions: SessionStore = field(init=False)
    subscriptions: SubscriptionStore = field(init=False)

    def __post_init__(self) -> None:
        self.session_ttl = int(self.pbx.scenario.get("session_ttl", self.session_ttl))
        self.sessions = SessionStore(self)
        self.subscriptions = SubscriptionStore(self)

    def directory(self) -> list[dict[str, Any]]:
        """The site's accounts as ``o2gmentor users --json`` prints them (simulator passwords)."""
        site = self.pbx.site
        rows = [{"login": u.login, "password": u.password, "number": u.number, "name": u.name,
                 "role": "user", "device": u.devices[0].type, "title": u.title,
                 "licences": list(u.licences)} for u in site.users.values()]
        cc = self.pbx.ccd
        for row in rows:
            op = cc.operators.get(row["login"])
            if op is not None:
                row.update({"role": op.kind.lower(), "proacd": op.proacd, "processing_groups": list(op.groups)})
        rows += [{"login": a.login, "password": a.password, "number": None, "name": a.name, "role": "admin"}
                 for a in site.admins.values()]
        rows += [{"login": None, "password": None, "number": p.number, "name": p.name, "role": "pilot",
                  "queue": p.queue, "processing_group": p.group} for p in cc.pilots.values()]
        return rows


STATE_KEY = web.AppKey("state", SimState)
PBXS_PATH = re.compile(r"^/api/rest/1\.0/pbxs/([^/]+)")


def refuse_while_down(state: SimState, request: web.Request) -> None:
    """503 while the gateway is 'restarting', and on PBX management of a node whose PBX link is down."""
    if not request.path.startswith("/api/rest"):
        return
    system = state.pbx.system
    now = state.pbx.clock.now()
    if system.unavailable(now):
        wait = max(1, int(system.unavailable_until - now + 0.999))
        raise O2GHttpError(503, "O2G is restarting: try again shortly", headers={"Retry-After": str(wait)})
    match = PBXS_PATH.match(request.path)
    if match and match.group(1) in system.nodes and not system.nodes[match.group(1)].pbx_link:
        raise O2GHttpError(503, f"the management link to OXE node {match.group(1)} is down")


@web.middleware
async def o2g_errors(request: web.Request, handler) -> web.StreamResponse:
    """Every failure becomes an O2G error body with the right status — never a bare 500."""
    try:
        refuse_while_down(request.app[STATE_KEY], request)
        return await handler(request)
    except O2GHttpError as err:
        return error_response(err)
    except TelephonyError as err:
        return error_response(telephony_error(err))
    except web.HTTPRequestEntityTooLarge:
        return error_response(too_large())
    except RecursionError:  # a structure too deep for a handler: the request's fault, not the gateway's
        return error_response(O2GHttpError(400, "the request is nested too deeply"))
    except web.HTTPMethodNotAllowed as exc:
        return error_response(O2GHttpError(405, f"{request.method} is not allowed on {request.path}",
                                           headers={"Allow": ",".join(sorted(exc.allowed_methods))}))
    except web.HTTPNotFound:
        return error_response(O2GHttpError(404, f"no such resource: {request.path}"))
    except web.HTTPException as exc:
        return error_response(O2GHttpError(exc.status, exc.reason or "request refused"))
    except (asyncio.CancelledError, ConnectionError):
        raise
    except Exception:  # a simulator bug: answer like a real gateway would, and log it
        log.exception("internal error on %s %s", request.method, request.path)
        return error_response(O2GHttpError(503, "the simulated O2G hit an internal error (see its log)"))


async def _ticker(app: web.Application) -> Any:
    """Fire the clock's timers in real time and expire idle sessions."""
    state = app[STATE_KEY]

    async def tick() -> None:
        while True:
            await asyncio.sleep(0.25)
            try:
                state.pbx.clock.fire_due()
                state.sessions.expire_all_due()
            except Exception:
                log.exception("ticker")

    task = asyncio.create_task(tick())
    state.subscriptions.loop = asyncio.get_running_loop()
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def openapi_description(request: web.Request) -> web.Response:
    """The simulator's OpenAPI description of its O2G API (``o2gmentor/sim/openapi.json``), no login needed.

    Not a real O2G route: a real O2G publishes no OpenAPI description (it serves a WADL)."""
    return web.Response(text=packaged_openapi(), content_type="application/json")


def build_app(state: SimState) -> web.Application:
    app = web.Application(middlewares=[o2g_errors], client_max_size=MAX_BODY_BYTES)
    app[STATE_KEY] = state
    for module in (sessions, subscriptions, users, telephony, routing, eventsummary, comlog, voicemail, directory,
                   phonesetprogramming, maintenance, pbxmanagement, usermanagement, analytics, acdagent, acdpilot,
                   acdrealtime, acdstats, acdmanagement, acdrsi, control):
        app.add_routes(module.routes(state))
    app.router.add_get(OPENAPI_PATH, openapi_description, allow_head=False)
    app.cleanup_ctx.append(_ticker)
    return app
