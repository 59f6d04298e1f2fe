"""The communication log service (``{base}/comlog/records``, o2g-api-core.md §13)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from o2gmentor.sim.api.errors import bad_request, not_found
from o2gmentor.sim.api.requests_ import BASE_PATH, json_body
from o2gmentor.sim.api.scope import licensed_user
from o2gmentor.sim.model.comlog import ComLog
from o2gmentor.sim.model.site import User

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

C = BASE_PATH + "/comlog/records"
MAX_LIMIT = 500


def _date(value: str, name: str) -> float:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise bad_request(f"'{name}' must be an ISO-8601 date, e.g. 2026-03-08T10:15:30.000Z") from None


def _int(value: str, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise bad_request(f"'{name}' must be a whole number") from None
    if number < 0:
        raise bad_request(f"'{name}' cannot be negative")
    return number


def _true(query: Any, name: str) -> bool:
    return query.get(name, "false").lower() in ("true", "", "1")


def routes(state: SimState) -> list[web.RouteDef]:
    def comlog() -> ComLog:
        return state.pbx.comlog

    def user_of(request: web.Request) -> User:
        _, user = licensed_user(state, request)
        return user

    def filtered(request: web.Request, user: User):
        q = request.query
        role = q.get("role")
        if role not in (None, "CALLER", "CALLEE"):
            raise bad_request("'role' is CALLER or CALLEE")
        return comlog().query(
            user.login,
            after=_date(q["afterDate"], "afterDate") if q.get("afterDate") else None,
            before=_date(q["beforeDate"], "beforeDate") if q.get("beforeDate") else None,
            unanswered=_true(q, "unanswered") if "unanswered" in q else False,
            unacknowledged=_true(q, "unacknowledged") if "unacknowledged" in q else False,
            role=role, com_ref=q.get("comRef"), remote=q.get("remotePartyId"),
        )

    def record_id(raw: str) -> int:
        try:
            return int(raw)
        except ValueError:
            raise not_found(f"no record {raw}") from None

    async def query(request: web.Request) -> web.Response:
        user = user_of(request)
        rows = filtered(request, user)
        offset = _int(request.query.get("offset", "0"), "offset")
        limit = _int(request.query.get("limit", "0"), "limit") or MAX_LIMIT
        page = [comlog().to_json(r) for r in rows[offset:offset + min(limit, MAX_LIMIT)]]
        # Node and C# read comHistoryRecords/totalCount, Java records/count: send both (§13, §23 #7)
        return web.json_response({"offset": offset, "limit": limit, "totalCount": len(rows),
                                  "comHistoryRecords": page, "count": len(rows), "records": page})

    async def one(request: web.Request) -> web.Response:
        user = user_of(request)
        found = comlog().owned(user.login, [record_id(request.match_info["rid"])])
        if not found:
            raise not_found(f"no record {request.match_info['rid']} for {user.login}")
        return web.json_response(comlog().to_json(found[0]))

    async def delete_one(request: web.Request) -> web.Response:
        user = user_of(request)
        if not comlog().delete(user.login, [record_id(request.match_info["rid"])]):
            raise not_found(f"no record {request.match_info['rid']} for {user.login}")
        return web.Response(status=204)

    async def delete_many(request: web.Request) -> web.Response:
        user = user_of(request)
        id_list = request.query.get("recordIdList")
        if id_list is not None:
            try:
                ids = [int(x) for x in id_list.replace(";", ",").split(",") if x.strip()]
            except ValueError:
                raise bad_request("'recordIdList' is a comma-separated list of record ids") from None
        else:
            ids = [r.record_id for r in filtered(request, user)]
        comlog().delete(user.login, ids)
        return web.Response(status=204)

    async def acknowledge(request: web.Request) -> web.Response:
        user = user_of(request)
        flag = request.query.get("acknowledge")
        if flag not in ("true", "false"):
            raise bad_request("'acknowledge' is true or false")
        body = await json_body(request)
        ids = body.get("recordIds")
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise bad_request("'recordIds' is a list of record ids (numbers)")
        comlog().acknowledge(user.login, ids, flag == "true")
        return web.Response(status=204)

    return [
        web.get(C, query, allow_head=False),
        web.delete(C, delete_many),
        web.put(C, acknowledge),
        web.get(C + "/{rid}", one, allow_head=False),
        web.delete(C + "/{rid}", delete_one),
    ]
