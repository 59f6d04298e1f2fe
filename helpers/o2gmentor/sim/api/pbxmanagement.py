"""The PBX management service: ``{base}/pbxs…`` — the OXE object tree (o2g-api-core.md §19, domain §5).

Administrator sessions only, with the MANAGEMENT licence (403 otherwise). HTTP ↔ ``ManagementTree``:

    GET    /pbxs                              {"nodeIds": ["1"]}
    GET    /pbxs/{nodeId}                     {"nodeId": 1, "fqdn": …}
    GET    /pbxs/{nodeId}/model[/{objectName}]
    GET    /pbxs/{nodeId}/instances           the root object
    GET    /pbxs/{nodeId}/instances/{path}    a list ({objectName, objectIds}; ``?filter=``) or one object
                                              (``?attributes=a,b``), depending on the path's length
    POST   …/instances/{class path}           201, ``Location`` = the new object's URL
    PUT    …/instances/{object path}          204
    DELETE …/instances/{object path}[?force]  204

The ``Location`` header of a creation is an extra: the SDKs only read the status code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from o2gmentor.sim.api import scope
from o2gmentor.sim.api.errors import O2GHttpError, forbidden
from o2gmentor.sim.api.requests_ import BASE_PATH, base_url, flag, json_body
from o2gmentor.sim.model.management import ManagementError, ManagementTree

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

PBXS = BASE_PATH + "/pbxs"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def as_http(err: ManagementError, request: web.Request) -> O2GHttpError:
    """A model refusal as an O2G error (a 405 names the methods the path accepts)."""
    headers = {}
    if err.status == 405:
        headers["Allow"] = "POST,GET" if request.method in ("PUT", "DELETE") else "GET,PUT,DELETE"
    return O2GHttpError(err.status, err.message, headers=headers)


def routes(state: SimState) -> list[web.RouteDef]:
    def tree() -> ManagementTree:
        """Looked up on each request: ``pbx.reset()`` builds a new tree."""
        return state.pbx.management

    def managed(handler: Callable[[web.Request], Any]) -> Handler:
        """Session, administrator and licence checks, and model errors turned into O2G errors."""
        async def wrapper(request: web.Request) -> web.StreamResponse:
            session = state.sessions.session_of(request)
            if not session.admin:
                raise forbidden("PBX management is for administrator sessions only")
            scope.require_licence(state, session, "MANAGEMENT")
            try:
                return await handler(request)
            except ManagementError as err:
                raise as_http(err, request) from None
        return wrapper

    def path_of(request: web.Request) -> str:
        return request.match_info.get("path", "")

    async def list_nodes(request: web.Request) -> web.Response:
        return web.json_response({"nodeIds": tree().node_ids()})

    async def node(request: web.Request) -> web.Response:
        return web.json_response(tree().node_info(request.match_info["node"]))

    async def model(request: web.Request) -> web.Response:
        name = request.match_info.get("name", "").strip("/").split("/")[-1] or None
        return web.json_response(tree().model_json(request.match_info["node"], name))

    async def read(request: web.Request) -> web.Response:
        node_id, path = request.match_info["node"], path_of(request)
        parts = [p for p in path.strip("/").split("/") if p] if path.strip("/") else []
        if len(parts) % 2:
            return web.json_response(tree().instances(node_id, path, request.query.get("filter") or None))
        only = request.query.get("attributes")
        names = [n.strip() for n in only.split(",") if n.strip()] if only else None
        return web.json_response(tree().get(node_id, path, names))

    async def create(request: web.Request) -> web.Response:
        node_id, path = request.match_info["node"], path_of(request)
        body = await json_body(request)
        new_id = tree().create(node_id, path, body.get("attributes"))
        location = f"{base_url(request)}/pbxs/{node_id}/instances/{path.strip('/')}/{new_id}"
        return web.Response(status=201, headers={"Location": location})

    async def modify(request: web.Request) -> web.Response:
        body = await json_body(request)
        tree().modify(request.match_info["node"], path_of(request), body.get("attributes"))
        return web.Response(status=204)

    async def delete(request: web.Request) -> web.Response:
        tree().delete(request.match_info["node"], path_of(request), force=flag(request, "force"))
        return web.Response(status=204)

    node_url = PBXS + "/{node}"
    instances = node_url + "/instances/{path:.+}"
    return [
        web.get(PBXS, managed(list_nodes), allow_head=False),
        web.get(PBXS + "/", managed(list_nodes), allow_head=False),
        web.get(node_url, managed(node), allow_head=False),
        web.get(node_url + "/model", managed(model), allow_head=False),
        web.get(node_url + "/model/{name:.+}", managed(model), allow_head=False),
        web.get(node_url + "/instances", managed(read), allow_head=False),
        web.get(node_url + "/instances/", managed(read), allow_head=False),
        web.get(instances, managed(read), allow_head=False),
        web.post(instances, managed(create)),
        web.put(instances, managed(modify)),
        web.delete(instances, managed(delete)),
    ]
