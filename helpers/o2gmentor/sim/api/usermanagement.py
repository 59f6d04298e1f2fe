"""The users management service: ``{base}/usermanagement`` — which OXE subscribers are O2G users (§20).

Administrator sessions only (403 otherwise), no licence needed.

    GET    /usermanagement?nodeIds=1;2          {"loginNames": […]}   (no query: every user)
    GET    /usermanagement?deviceNumber=1001    {"loginNames": ["oxe1001"]} or {"loginNames": []}
    GET    /usermanagement/{login}              User (a company number is accepted too, as in /users)
    POST   /usermanagement                      {nodeId, deviceNumbers?:[…], all?:bool} → 200 {"users": [User]}
    DELETE /usermanagement/{login}              204: the O2G user goes, the OXE subscriber stays

The Node SDK asks ``getByDeviceNumber`` with the query name ``deviceNumber=`` (it appends the ``=`` to the
name, so the wire carries ``?deviceNumber%3D=1001``): both spellings are accepted. ``nodeId`` comes as a number
(Node) or a string (Java); ``all`` is only sent by Node when true, always by Java.

Creating users sets ``ClickAndPh=A4980_Pro`` on their Subscriber and deleting one sets it back to ``NONE``,
so PBX management and users management always agree (see ``ManagementTree.make_users``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from o2gmentor.sim.api.errors import O2GHttpError, bad_request, forbidden, not_found
from o2gmentor.sim.api.requests_ import BASE_PATH, bool_field, json_body
from o2gmentor.sim.model.management import ManagementError

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

URL = BASE_PATH + "/usermanagement"


def node_id_of(body: dict[str, Any]) -> str:
    """``nodeId`` as a string, from a number or a numeric string; 400 otherwise."""
    value = body.get("nodeId")
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise bad_request("'nodeId' must be a node number, e.g. 1 or \"1\"")
    return str(int(str(value).strip()))


def device_numbers_of(body: dict[str, Any]) -> list[str] | None:
    """The ``deviceNumbers`` list (None when absent or empty); 400 unless a list of numbers."""
    value = body.get("deviceNumbers")
    if value is None or value == []:
        return None
    if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int | str) for v in value):
        raise bad_request("'deviceNumbers' must be a list of directory numbers")
    return [str(v) for v in value]


def routes(state: SimState) -> list[web.RouteDef]:
    def admin(request: web.Request) -> None:
        if not state.sessions.session_of(request).admin:
            raise forbidden("users management is for administrator sessions only")

    async def logins(request: web.Request) -> web.Response:
        admin(request)
        users = list(state.pbx.site.users.values())
        number = request.query.get("deviceNumber") or request.query.get("deviceNumber=")
        if number:
            user = state.pbx.site.user_by_number(number)
            return web.json_response({"loginNames": [user.login] if user else []})
        node_ids = request.query.get("nodeIds")
        if node_ids:
            wanted = {n.strip() for n in node_ids.split(";") if n.strip()}
            users = [u for u in users if u.node_id in wanted]
        return web.json_response({"loginNames": [u.login for u in users]})

    async def get_user(request: web.Request) -> web.Response:
        admin(request)
        user = state.pbx.site.user(request.match_info["login"])
        if user is None:
            raise not_found(f"unknown user {request.match_info['login']}")
        return web.json_response(user.to_json())

    async def create(request: web.Request) -> web.Response:
        admin(request)
        body = await json_body(request)
        node_id, numbers = node_id_of(body), device_numbers_of(body)
        if numbers is None and not bool_field(body, "all"):
            raise bad_request("give 'deviceNumbers', or 'all': true to make every subscriber of the node a user")
        try:
            users = state.pbx.management.make_users(node_id, numbers)
        except ManagementError as err:
            raise O2GHttpError(err.status, err.message) from None
        return web.json_response({"users": [u.to_json() for u in users]})

    async def delete(request: web.Request) -> web.Response:
        admin(request)
        try:
            state.pbx.management.remove_o2g_user(request.match_info["login"])
        except ManagementError as err:
            raise O2GHttpError(err.status, err.message) from None
        return web.Response(status=204)

    return [
        web.get(URL, logins, allow_head=False),
        web.post(URL, create),
        web.get(URL + "/{login}", get_user, allow_head=False),
        web.delete(URL + "/{login}", delete),
    ]
