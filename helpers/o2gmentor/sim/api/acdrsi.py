"""The RSI service (``{base}/acdrsi``, o2g-api-ccd.md §10): routing points, route sessions, media.

Administrator sessions with CONTACTCENTER_RSI. Variants accepted (§12): backup mode as ``?backup`` or
``/enable/backup``; the tone as ``tone`` ([N]) or ``type`` ([J]/[C#]); ``collectDigits`` answers with the
collection id in the ``Location`` header ([J]) and in a JSON body. A session's points are disabled when it
closes. Route requests need the call-model hook described in ``o2gmentor.sim.model.ccd_rsi``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from o2gmentor.sim.api.acdrealtime import ccd_admin, model_errors
from o2gmentor.sim.api.errors import bad_request
from o2gmentor.sim.api.requests_ import BASE_PATH, flag, json_body, text_field
from o2gmentor.sim.api.sessions import Session
from o2gmentor.sim.model.ccd_rsi import TONES, Rsi, RsiError, rsi_of

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

B = BASE_PATH + "/acdrsi"
P = B + "/{rsi}"
LICENCE = "CONTACTCENTER_RSI"


def seconds(body: dict[str, Any], name: str, default: float | None = None) -> float | None:
    value = body.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise bad_request(f"'{name}' is a number of seconds")
    return float(value)


def routes(state: SimState) -> list[web.RouteDef]:
    def rsi() -> Rsi:
        return rsi_of(state.pbx.ccd)

    def on_close(session: Session) -> None:
        rsi().session_closed(session.id)

    state.sessions.on_close.append(on_close)

    def admin(request: web.Request) -> Session:
        return ccd_admin(state, request, LICENCE)

    def ok() -> web.Response:
        return web.Response(status=204)

    async def points(request: web.Request) -> web.Response:
        admin(request)
        return web.json_response({"rsiPoints": [p.to_json() for p in rsi().points.values()]})

    async def enable(request: web.Request) -> web.Response:
        session = admin(request)
        backup = request.path.endswith("/backup") or flag(request, "backup")
        rsi().enable(request.match_info["rsi"], session.id, backup)
        return ok()

    async def disable(request: web.Request) -> web.Response:
        admin(request)
        rsi().disable(request.match_info["rsi"])
        return ok()

    async def sessions(request: web.Request) -> web.Response:
        admin(request)
        point = rsi().point(request.match_info["rsi"])
        return web.json_response({"routeSessions": [s.to_json() for s in point.sessions.values()]})

    async def one_session(request: web.Request) -> web.Response:
        admin(request)
        m = request.match_info
        return web.json_response(rsi().route_session(m["rsi"], m["crid"]).to_json())

    async def route_select(request: web.Request) -> web.Response:
        admin(request)
        body = await json_body(request)
        rsi().route_select(request.match_info["rsi"], text_field(body, "routeCrid"), text_field(body, "selectedRoute"))
        return ok()

    async def route_end(request: web.Request) -> web.Response:
        admin(request)
        body = await json_body(request)
        rsi().route_end(request.match_info["rsi"], text_field(body, "routeCrid"))
        return ok()

    async def play_tone(request: web.Request) -> web.Response:
        admin(request)
        body = await json_body(request)
        tone = text_field(body, "tone", required=False) or text_field(body, "type", required=False)
        if tone not in TONES:
            raise bad_request(f"'tone' (or 'type') is one of {', '.join(TONES)}")
        rsi().play(request.match_info["rsi"], text_field(body, "callRef"), tone, seconds(body, "duration"))
        return ok()

    async def stop_tone(request: web.Request) -> web.Response:
        admin(request)
        body = await json_body(request)
        rsi().stop_tone(request.match_info["rsi"], text_field(body, "callRef"))
        return ok()

    async def play_guide(request: web.Request) -> web.Response:
        admin(request)
        body = await json_body(request)
        guide = body.get("guideNumber")
        if isinstance(guide, bool) or not isinstance(guide, int) or guide < 0:
            raise bad_request("'guideNumber' is a voice guide number")
        rsi().play(request.match_info["rsi"], text_field(body, "callRef"), "ANNOUNCEMENT", seconds(body, "duration"))
        return ok()

    async def collect(request: web.Request) -> web.Response:
        admin(request)
        body = await json_body(request)
        timeout = seconds(body, "timeout", 10.0) or 10.0
        coll = rsi().collect(request.match_info["rsi"], text_field(body, "callRef"), timeout)
        return web.json_response({"collCrid": coll}, status=201, headers={"Location": coll})

    async def cancel_collect(request: web.Request) -> web.Response:
        admin(request)
        rsi().cancel_collect(request.match_info["rsi"], request.match_info["coll"])
        return ok()

    table = [
        web.get(B, points, allow_head=False),
        web.post(P + "/enable", enable),
        web.post(P + "/enable/backup", enable),
        web.post(P + "/disable", disable),
        web.get(P + "/routeSessions", sessions, allow_head=False),
        web.get(P + "/routeSessions/{crid}", one_session, allow_head=False),
        web.post(P + "/routeSelect", route_select),
        web.post(P + "/routeEnd", route_end),
        web.post(P + "/playTone", play_tone),
        web.post(P + "/stopTone", stop_tone),
        web.post(P + "/playVoiceGuide", play_guide),
        web.post(P + "/collectDigits", collect),
        web.delete(P + "/collectDigits/{coll}", cancel_collect),
    ]
    return [web.route(r.method, r.path, model_errors(r.handler, RsiError), **r.kwargs) for r in table]
