"""The CC Statistics service (``{base}/acdstats``, serviceName "Acd Statistics", o2g-api-ccd.md §8).

Administrator sessions with CONTACTCENTER_SERVICE. Requesters own contexts; data comes as JSON, or as
a CSV/XLS file in a ZIP announced by ``OnAcdStatsProgress`` events (package ``acdstats``, to the
requesting session only) and downloaded from ``FILES_PATH`` on this server (no cookie needed: the path
holds an unguessable token). Scheduled reports are stored and can be listed, changed, enabled and
deleted, but no mail is ever sent (there is no mail server behind the simulator).

Variants accepted (§8.1, §12): requester ids encoded with ``%20`` or ``+``; ``date`` as ``yyyy-MM-dd``
or ``yyyy-MM-dd HH:mm``; ``shortHeader`` bare or ``=true`` (accepted, no effect: headers are the
attribute keys). ``format=csv|xls`` without ``async=true`` answers the ZIP directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from o2gmentor.sim.api.acdrealtime import ccd_admin, model_errors
from o2gmentor.sim.api.errors import bad_request, not_found
from o2gmentor.sim.api.requests_ import BASE_PATH, flag, json_body
from o2gmentor.sim.model.ccd_stats import FILES_PATH, Statistics, StatsError, flatten, make_zip, statistics_of

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

S = BASE_PATH + "/acdstats"
RID = S + "/scope/{rid}"
CTX = RID + "/ctx/{cid}"


def routes(state: SimState) -> list[web.RouteDef]:
    def stats() -> Statistics:
        return statistics_of(state.pbx.ccd)

    def rid_of(request: web.Request) -> str:
        """The requester id: ``+`` is a space when the id is not known with it ([J] URLEncoder)."""
        rid = request.match_info["rid"]
        if rid not in stats().requesters and rid.replace("+", " ") in stats().requesters:
            return rid.replace("+", " ")
        return rid

    def publish(session_id: str, event: dict[str, Any]) -> None:
        state.pbx.bus.publish("acdstats", f"session:{session_id}", event)

    def ok(body: Any = None) -> web.Response:
        return web.Response(status=204) if body is None else web.json_response(body)

    # ---------------------------------------------------------------- requesters
    async def add_scope(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        stats().set_requester(await json_body(request))
        return ok({})

    async def get_scope(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        return ok(stats().requester(rid_of(request)).to_json())

    async def delete_scope(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        stats().delete_requester(rid_of(request))
        return ok()

    # ---------------------------------------------------------------- contexts
    async def add_ctx(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        ctx = stats().add_context(rid_of(request), await json_body(request))
        return ok({"id": ctx.id})

    async def list_ctx(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        return ok({"contexts": [c.to_json() for c in stats().requester(rid_of(request)).contexts.values()]})

    async def delete_all_ctx(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        stats().delete_context(rid_of(request), None)
        return ok()

    async def get_ctx(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        return ok(stats().context(rid_of(request), request.match_info["cid"]).to_json())

    async def put_ctx(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        stats().update_context(rid_of(request), request.match_info["cid"], await json_body(request))
        return ok()

    async def delete_ctx(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        stats().delete_context(rid_of(request), request.match_info["cid"])
        return ok()

    # ---------------------------------------------------------------- data
    async def answer(request: web.Request, data: dict[str, Any]) -> web.Response:
        fmt = request.query.get("format", "json").lower()
        if fmt == "json":
            return ok(data)
        if fmt not in ("csv", "xls"):
            raise bad_request("'format' is json, csv or xls")
        if flag(request, "async"):
            session = state.sessions.session_of(request)
            stats().start_export(rid_of(request), session.id, data, fmt, publish)
            return ok({})
        body = make_zip(f"statistics.{fmt}", flatten(data), fmt)
        return web.Response(body=body, content_type="application/zip")

    async def one_day(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        q = request.query
        data = stats().one_day(rid_of(request), request.match_info["cid"], q.get("date"), q.get("slotType"))
        return await answer(request, data)

    async def days(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        q = request.query
        data = stats().several_days(rid_of(request), request.match_info["cid"], q.get("begindate"), q.get("enddate"))
        return await answer(request, data)

    async def cancel(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        rid = rid_of(request)
        stats().requester(rid)
        stats().cancel(rid, publish)
        return ok()

    async def download(request: web.Request) -> web.Response:
        found = stats().files.get(request.match_info["token"])
        if found is None:
            raise not_found("no such statistics file (it is kept until the simulator is reset)")
        return web.Response(body=found[1], content_type="application/zip",
                            headers={"Content-Disposition": 'attachment; filename="report.zip"'})

    # ---------------------------------------------------------------- scheduled reports
    async def add_schedule(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        sid = stats().add_schedule(rid_of(request), request.match_info["cid"], await json_body(request))
        return ok({"id": sid})

    async def list_schedules(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        ctx = stats().context(rid_of(request), request.match_info["cid"])
        return ok({"schedules": list(ctx.schedules.values())})

    async def get_schedule(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        m = request.match_info
        return ok(stats().schedule(rid_of(request), m["cid"], m["sid"]))

    async def put_schedule(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        m = request.match_info
        stats().update_schedule(rid_of(request), m["cid"], m["sid"], await json_body(request))
        return ok()

    async def delete_schedule(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        m = request.match_info
        stats().delete_schedule(rid_of(request), m["cid"], m["sid"])
        return ok()

    async def enable_schedule(request: web.Request) -> web.Response:
        ccd_admin(state, request)
        m = request.match_info
        value = request.query.get("enable", "").lower()
        if value not in ("true", "false"):
            raise bad_request("'enable' is true or false")
        stats().schedule(rid_of(request), m["cid"], m["sid"])["enable"] = value == "true"
        return ok()

    table = [
        web.post(S + "/scope", add_scope),
        web.get(RID, get_scope, allow_head=False),
        web.delete(RID, delete_scope),
        web.post(RID + "/ctx", add_ctx),
        web.get(RID + "/ctx", list_ctx, allow_head=False),
        web.delete(RID + "/ctx", delete_all_ctx),
        web.get(CTX, get_ctx, allow_head=False),
        web.put(CTX, put_ctx),
        web.delete(CTX, delete_ctx),
        web.get(CTX + "/oneday/data", one_day, allow_head=False),
        web.get(CTX + "/days/data", days, allow_head=False),
        web.delete(RID + "/data/request", cancel),
        web.post(CTX + "/schedule", add_schedule),
        web.get(CTX + "/schedule", list_schedules, allow_head=False),
        web.get(CTX + "/schedule/{sid}", get_schedule, allow_head=False),
        web.put(CTX + "/schedule/{sid}", put_schedule),
        web.delete(CTX + "/schedule/{sid}", delete_schedule),
        web.post(CTX + "/schedule/{sid}/enable", enable_schedule),
        web.get(FILES_PATH + "/{token}/report.zip", download, allow_head=False),
    ]
    return [web.route(r.method, r.path, model_errors(r.handler, StatsError), **r.kwargs) for r in table]
