"""Phone-set programming (``{base}/users/{loginName}/devices/{deviceId}/…``, o2g-api-core.md §16).

``GET /users/{login}`` and ``GET /users/{login}/devices`` are served by users.py; this module adds
everything below a device. Rights: a user session may only address its own login (403 otherwise),
an administrator session any user. No licence is required: the SDK documentation says
"no specific license" for PhoneSetProgramming (o2g-domain.md §2.5), although a PHONESETPROG
licence exists in the system licences; the simulator follows the SDK documentation.

``lock``, ``campon`` and ``REActive`` are PUTs with ``?activate=true|false`` and no body (Node sends
no content type); any body is ignored. A missing or unreadable ``activate`` → 400.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from o2gmentor.sim.api.errors import O2GHttpError, bad_request, forbidden, not_found
from o2gmentor.sim.api.requests_ import BASE_PATH, json_body, text_field
from o2gmentor.sim.api.sessions import Session
from o2gmentor.sim.model.phonesets import PhoneSetError
from o2gmentor.sim.model.site import Device

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

P = BASE_PATH + "/users/{login}/devices/{deviceId}"


def activate_flag(request: web.Request) -> bool:
    """``?activate=true|false`` (required)."""
    value = request.query.get("activate")
    if value is None or value.lower() not in ("true", "false"):
        raise bad_request("'activate' must be given as ?activate=true or ?activate=false")
    return value.lower() == "true"


def device_json(device: Device) -> dict[str, Any]:
    """The O2G Device, with the ``label`` the browser sample shows (the set's model, else its type)."""
    body = device.to_json()
    body["label"] = device.sub_type or device.type
    return body


def routes(state: SimState) -> list[web.RouteDef]:
    phonesets = lambda: state.pbx.phonesets  # noqa: E731 - rebuilt on reset

    def target(request: web.Request) -> tuple[Session, str, Device]:
        """(session, login, device) of a request, after the rights checks."""
        session = state.sessions.session_of(request)
        site = state.pbx.site
        user = site.user(request.match_info["login"])
        if user is None:
            raise not_found(f"unknown user {request.match_info['login']}")
        if not session.admin and user.login != session.login:
            raise forbidden(f"a user session can only program its own sets, not those of {user.login}")
        device_id = request.match_info["deviceId"]
        device = next((d for d in user.devices if d.id == device_id), None)
        if device is None:
            if site.device(device_id) is not None:
                raise forbidden(f"device {device_id} does not belong to {user.login}")
            raise not_found(f"unknown device {device_id}")
        return session, user.login, device

    def run(action) -> None:
        try:
            action()
        except PhoneSetError as exc:
            raise O2GHttpError(exc.status, exc.message) from None

    async def get_device(request: web.Request) -> web.Response:
        _, _, device = target(request)
        return web.json_response(device_json(device))

    async def programmable_keys(request: web.Request) -> web.Response:
        _, _, device = target(request)
        return web.json_response({"pkeys": phonesets().state(device.id).programmable_keys()})

    async def programmed_keys(request: web.Request) -> web.Response:
        _, _, device = target(request)
        return web.json_response({"pkeys": phonesets().state(device.id).programmed_keys()})

    async def set_pkey(request: web.Request) -> web.Response:
        session, _, device = target(request)
        body = await json_body(request)
        run(lambda: phonesets().set_programmable_key(device.id, request.match_info["position"], body,
                                                     admin=session.admin))
        return web.Response(status=204)

    async def clear_pkey(request: web.Request) -> web.Response:
        session, _, device = target(request)
        run(lambda: phonesets().clear_programmable_key(device.id, request.match_info["position"],
                                                       admin=session.admin))
        return web.Response(status=204)

    async def soft_keys(request: web.Request) -> web.Response:
        _, _, device = target(request)
        return web.json_response({"skeys": phonesets().state(device.id).soft_keys()})

    async def set_skey(request: web.Request) -> web.Response:
        _, _, device = target(request)
        body = await json_body(request)
        run(lambda: phonesets().set_soft_key(device.id, request.match_info["position"], body))
        return web.Response(status=204)

    async def clear_skey(request: web.Request) -> web.Response:
        _, _, device = target(request)
        run(lambda: phonesets().clear_soft_key(device.id, request.match_info["position"]))
        return web.Response(status=204)

    async def lock(request: web.Request) -> web.Response:
        _, _, device = target(request)
        phonesets().state(device.id).lock = activate_flag(request)
        return web.Response(status=204)

    async def campon(request: web.Request) -> web.Response:
        _, _, device = target(request)
        phonesets().state(device.id).campon = activate_flag(request)
        return web.Response(status=204)

    async def remote_extension(request: web.Request) -> web.Response:
        _, login, device = target(request)
        activate = activate_flag(request)
        run(lambda: phonesets().set_remote_extension(device.id, login, activate))
        return web.Response(status=204)

    async def get_pin(request: web.Request) -> web.Response:
        _, _, device = target(request)
        return web.json_response(phonesets().state(device.id).pin)

    async def set_pin(request: web.Request) -> web.Response:
        _, _, device = target(request)
        body = await json_body(request)
        run(lambda: phonesets().set_pin(device.id, body))
        return web.Response(status=204)

    async def dynamic_state(request: web.Request) -> web.Response:
        _, _, device = target(request)
        return web.json_response(phonesets().state(device.id).dynamic_state())

    async def associate(request: web.Request) -> web.Response:
        _, _, device = target(request)
        number = text_field(await json_body(request), "associate")
        run(lambda: phonesets().set_associate(device.id, number))
        return web.Response(status=204)

    return [
        web.get(P, get_device, allow_head=False),
        web.get(P + "/programmeableKeys", programmable_keys, allow_head=False),
        web.get(P + "/programmedKeys", programmed_keys, allow_head=False),
        web.put(P + "/programmeableKeys/{position}", set_pkey),
        web.delete(P + "/programmeableKeys/{position}", clear_pkey),
        web.get(P + "/softKeys", soft_keys, allow_head=False),
        web.put(P + "/softKeys/{position}", set_skey),
        web.delete(P + "/softKeys/{position}", clear_skey),
        web.put(P + "/lock", lock),
        web.put(P + "/campon", campon),
        web.put(P + "/REActive", remote_extension),
        web.get(P + "/pin", get_pin, allow_head=False),
        web.put(P + "/pin", set_pin),
        web.get(P + "/dynamicState", dynamic_state, allow_head=False),
        web.put(P + "/associate", associate),
    ]

