"""The routing service (``{base}/routing``, o2g-api-core.md §11): remote extension, DND, forward, overflow.

Every change is announced as ``OnRoutingStateChanged`` (package ``routingManagement``) and is obeyed
by the call model at once: a forwarded user's next call goes to the destination.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from o2gmentor.sim.api.errors import O2GHttpError
from o2gmentor.sim.api.requests_ import BASE_PATH, json_body
from o2gmentor.sim.api.scope import licensed_user
from o2gmentor.sim.model.routing import BUSY, BUSY_NO_ANSWER, IMMEDIATE, NO_ANSWER, RoutingState
from o2gmentor.sim.model.site import User

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

R = BASE_PATH + "/routing"
FORWARD_TYPES = (IMMEDIATE, BUSY, NO_ANSWER, BUSY_NO_ANSWER)
OVERFLOW_TYPES = (BUSY, NO_ANSWER, BUSY_NO_ANSWER)


def routing_error(status: int, error_type: str, cause: str, message: str) -> O2GHttpError:
    return O2GHttpError(status, message, service="routing",
                        detail={"errorType": error_type, "errorCause": cause, "message": message})


def routes(state: SimState) -> list[web.RouteDef]:
    def target(request: web.Request) -> tuple[User, RoutingState]:
        _, user = licensed_user(state, request)
        return user, state.pbx.routing_of(user.login)

    def changed(user: User) -> web.Response:
        state.pbx.publish_routing(user.login)
        return web.Response(status=204)

    def check_number(user: User, number: Any, *, cause: str) -> str:
        if not isinstance(number, str | int) or isinstance(number, bool) or not str(number).strip():
            raise routing_error(400, "BAD_PARAMETER_VALUE", "NULL_OR_EMPTY_PARAMETER",
                                "a destination number is missing")
        number = str(number).strip()
        site = state.pbx.site
        if number in (d.id for d in user.devices):
            raise routing_error(400, "BAD_PARAMETER_VALUE", cause, "a user cannot forward calls to itself")
        if not (site.device(number) or site.is_outside(number) or number == site.voicemail_number):
            raise routing_error(400, "UNKNOWN_PHONE_NUMBER", "BAD_PHONE_NUMBER_FORMAT",
                                f"{number} is not a valid number")
        return number

    def parse_destination(user: User, raw: Any, allowed: tuple[str, ...], cause: str) -> dict[str, str]:
        if not isinstance(raw, dict) or raw.get("type") not in allowed:
            raise routing_error(400, "BAD_PARAMETER_VALUE", cause,
                                f"a destination's type is one of {', '.join(allowed)}")
        if raw["type"] == "VOICEMAIL":
            if not user.voicemail:
                raise routing_error(400, "INVALID_OPERATION", cause, f"{user.login} has no voice mail")
            return {"type": "VOICEMAIL"}
        if raw["type"] == "ASSOCIATE":
            if not state.pbx.routing_of(user.login).associate:
                raise routing_error(400, "INVALID_OPERATION", cause, f"{user.login} has no associate set")
            return {"type": "ASSOCIATE"}
        return {"type": "NUMBER", "number": check_number(user, raw.get("number"), cause=cause)}

    def parse_route(user: User, raw: Any, kind: str) -> dict[str, Any]:
        """A forward or overflow route as sent; the single destination is validated."""
        cause = "INVALID_FORWARD_ROUTE" if kind == "forward" else "INVALID_OVERFLOW_ROUTE"
        if isinstance(raw, list):  # the overflow route comes as an object (Node) or a one-item list (Java)
            raw = raw[0] if len(raw) == 1 else None
        if not isinstance(raw, dict) or not isinstance(raw.get("destinations"), list) or len(raw["destinations"]) != 1:
            raise routing_error(400, "BAD_PARAMETER_VALUE", cause, f"a {kind} route needs exactly one destination")
        key, types = ("forwardType", FORWARD_TYPES) if kind == "forward" else ("overflowType", OVERFLOW_TYPES)
        route: dict[str, Any] = {}
        route_type = raw.get(key)
        if route_type is not None:
            if route_type not in types:
                raise routing_error(400, "BAD_PARAMETER_VALUE", cause, f"{key} is one of {', '.join(types)}")
            if not (kind == "forward" and route_type == IMMEDIATE):  # an immediate forward has no type on the wire
                route[key] = route_type
        elif kind == "overflow":
            route[key] = BUSY_NO_ANSWER
        allowed = ("NUMBER", "VOICEMAIL") if kind == "forward" else ("VOICEMAIL", "ASSOCIATE")
        route["destinations"] = [parse_destination(user, raw["destinations"][0], allowed, cause)]
        return route

    # ---------------------------------------------------------------- reads
    async def capabilities(request: web.Request) -> web.Response:
        target(request)
        return web.json_response(RoutingState.capabilities())

    async def routing_state(request: web.Request) -> web.Response:
        return web.json_response(target(request)[1].to_json())

    async def get_dnd(request: web.Request) -> web.Response:
        return web.json_response({"activate": target(request)[1].dnd})

    async def get_forward(request: web.Request) -> web.Response:
        route = target(request)[1].forward
        return web.json_response(route) if route else web.Response(status=200)

    async def get_overflow(request: web.Request) -> web.Response:
        route = target(request)[1].overflow
        return web.json_response(route) if route else web.Response(status=200)

    # ---------------------------------------------------------------- changes
    async def set_presentation(request: web.Request) -> web.Response:
        user, routing = target(request)
        body = await json_body(request)
        routes_ = body.get("presentationRoutes")
        try:
            destination = routes_[0]["destinations"][0]
            selected = destination["selected"]
        except (TypeError, KeyError, IndexError):
            raise routing_error(400, "BAD_PARAMETER_VALUE", "NULL_PARAMETER",
                                "expected presentationRoutes[0].destinations[0] = {type: MOBILE, selected}") from None
        if destination.get("type") != "MOBILE" or not isinstance(selected, bool):
            raise routing_error(400, "BAD_PARAMETER_VALUE", "INVALID_CURRENT_DEVICE",
                                "the presentation destination is {type: MOBILE, selected: true|false}")
        if routing.mobile_selected is None:
            raise routing_error(403, "UNAUTHORIZED", "INVALID_CURRENT_DEVICE",
                                f"{user.login} has no remote extension (mobile) configured on the OXE")
        routing.mobile_selected = selected
        return changed(user)

    async def dnd_on(request: web.Request) -> web.Response:
        user, routing = target(request)
        routing.dnd = True
        return changed(user)

    async def dnd_off(request: web.Request) -> web.Response:
        user, routing = target(request)
        routing.dnd = False
        return changed(user)

    async def set_forward(request: web.Request) -> web.Response:
        user, routing = target(request)
        body = await json_body(request)
        routing.forward = parse_route(user, body.get("forwardRoute"), "forward")
        return changed(user)

    async def cancel_forward(request: web.Request) -> web.Response:
        user, routing = target(request)
        routing.forward = None
        return changed(user)

    async def set_overflow(request: web.Request) -> web.Response:
        user, routing = target(request)
        body = await json_body(request)
        routing.overflow = parse_route(user, body.get("overflowRoutes", body.get("overflowRoute")), "overflow")
        return changed(user)

    async def cancel_overflow(request: web.Request) -> web.Response:
        user, routing = target(request)
        routing.overflow = None
        return changed(user)

    async def snapshot(request: web.Request) -> web.Response:
        user, _ = target(request)
        return changed(user)

    return [
        web.get(R, capabilities, allow_head=False),
        web.post(R, set_presentation),
        web.get(R + "/state", routing_state, allow_head=False),
        web.post(R + "/state/snapshot", snapshot),
        web.get(R + "/dnd", get_dnd, allow_head=False),
        web.post(R + "/dnd", dnd_on),
        web.delete(R + "/dnd", dnd_off),
        web.get(R + "/forwardroute", get_forward, allow_head=False),
        web.post(R + "/forwardroute", set_forward),
        web.delete(R + "/forwardroute", cancel_forward),
        web.get(R + "/overflowroute", get_overflow, allow_head=False),
        web.post(R + "/overflowroute", set_overflow),
        web.delete(R + "/overflowroute", cancel_overflow),
    ]
