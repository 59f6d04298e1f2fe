"""The CC Realtime service (``{base}/acdrealtime``, o2g-api-ccd.md §7): RTI objects, context and events.

Administrator sessions with the CONTACTCENTER_SERVICE licence only. The context belongs to the
session (freed when it closes); its events go to that session's ``rti`` subscriptions only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from o2gmentor.sim.api.errors import O2GHttpError, forbidden
from o2gmentor.sim.api.requests_ import BASE_PATH, json_body
from o2gmentor.sim.api.sessions import Session
from o2gmentor.sim.model.ccd_realtime import KINDS, LISTS, Realtime, RtiError, realtime_of

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

R = BASE_PATH + "/acdrealtime"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def ccd_admin(state: SimState, request: web.Request, licence: str = "CONTACTCENTER_SERVICE") -> Session:
    """The request's session, once it is an administrator's holding ``licence`` (403 otherwise)."""
    session = state.sessions.session_of(request)
    if not session.admin:
        raise forbidden("this contact-center service is for administrator sessions")
    if licence not in state.sessions.licences_of(session.login, True):
        raise forbidden(f"this service needs the {licence} licence")
    return session


def model_errors(handler: Handler, error: type[Exception]) -> Handler:
    """Turn the model's refusals (``status``/``message``) into O2G errors."""
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except error as err:
            raise O2GHttpError(err.status, err.message) from None  # type: ignore[attr-defined]

    return wrapped


def routes(state: SimState) -> list[web.RouteDef]:
    def rti() -> Realtime:
        return realtime_of(state.pbx.ccd)

    def on_close(session: Session) -> None:
        rti().delete_context(session.id)

    state.sessions.on_close.append(on_close)

    async def everything(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        return web.json_response(rti().objects())

    def one_list(kind: str) -> Handler:
        async def handler(request: web.Request) -> web.Response:
            ccd_admin(state, request)
            return web.json_response({LISTS[kind]: rti().ids(kind)})

        return handler

    async def get_ctx(request: web.Request) -> web.Response:
        session = ccd_admin(state, request)
        return web.json_response(rti().context(session.id).to_json())

    async def set_ctx(request: web.Request) -> web.Response:
        session = ccd_admin(state, request)
        rti().set_context(session.id, await json_body(request))
        return web.Response(status=204)

    async def delete_ctx(request: web.Request) -> web.Response:
        session = ccd_admin(state, request)
        rti().delete_context(session.id)
        return web.Response(status=204)

    async def snapshot(request: web.Request) -> web.Response:
        session = ccd_admin(state, request)
        rti().start(session.id)
        return web.Response(status=204)

    table = [
        web.get(R, everything, allow_head=False),
        *(web.get(f"{R}/{LISTS[k]}", one_list(k), allow_head=False) for k in KINDS),
        web.get(R + "/ctx", get_ctx, allow_head=False),
        web.post(R + "/ctx", set_ctx),
        web.put(R + "/ctx", set_ctx),
        web.delete(R + "/ctx", delete_ctx),
        web.post(R + "/snapshot", snapshot),
    ]
    return [web.route(r.method, r.path, model_errors(r.handler, RtiError), **r.kwargs) for r in table]
