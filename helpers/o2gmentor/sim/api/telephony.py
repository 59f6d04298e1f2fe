"""The telephony service (``{base}/telephony``, o2g-api-core.md §9): HTTP ↔ the call engine."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from aiohttp import web

from o2gmentor.sim.api.errors import O2GHttpError, bad_request, not_found
from o2gmentor.sim.api.requests_ import BASE_PATH, base_url, bool_field, json_body, text_field
from o2gmentor.sim.api.scope import acting_user, own_device, require_licence
from o2gmentor.sim.model.calls import HELD, TelephonyError
from o2gmentor.sim.model.site import User

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

T = BASE_PATH + "/telephony"
DTMF = re.compile(r"^[0-9*#A-Da-d]+$")


def routes(state: SimState) -> list[web.RouteDef]:
    engine = lambda: state.pbx.calls  # noqa: E731 - the engine is rebuilt on reset

    def user_of(request: web.Request, *, advanced: bool = True) -> User:
        session = state.sessions.session_of(request)
        user = acting_user(state, request, session)
        if advanced:
            require_licence(state, session, "TELEPHONY_ADVANCED", user)
        check_cti(state, user)
        return user

    def my_call_device(user: User, ref: str, device_id: str | None = None) -> str:
        """The user's device taking part in call ``ref`` (404 if the user is not in it)."""
        call = engine().calls.get(ref)
        mine = [d.id for d in user.devices if call is not None and call.party(d.id)]
        if not mine:
            raise O2GHttpError(404, f"call {ref} not found", service="telephony",
                               detail={"errorType": "CALL_REFERENCE_NOT_FOUND", "errorCause": "INVALID_CALL_ID",
                                       "message": f"call {ref} not found"})
        if device_id is not None:
            own_device(user, device_id)
            if device_id not in mine:
                raise bad_request(f"device {device_id} is not in call {ref}")
            return device_id
        return mine[0]

    # ----------------------------------------------------------------- basic telephony (no licence)
    async def basic_call(request: web.Request) -> web.Response:
        user = user_of(request, advanced=False)
        body = await json_body(request)
        device = own_device(user, text_field(body, "deviceId"))
        ref = engine().make_call(device, text_field(body, "callee"), bool_field(body, "autoAnswer", True),
                                 consultation=False)
        return web.Response(status=201, headers={"Location": f"{base_url(request)}/telephony/calls/{ref}"})

    async def basic_answer(request: web.Request) -> web.Response:
        user = user_of(request, advanced=False)
        body = await json_body(request)
        engine().answer_device(own_device(user, text_field(body, "deviceId")))
        return web.Response(status=204)

    async def basic_drop_me(request: web.Request) -> web.Response:
        user = user_of(request, advanced=False)
        for device in user.devices:
            calls = sorted(engine().calls_of(device.id), key=lambda c: c.party(device.id).state == HELD)
            if calls:
                engine().drop_me(calls[0].ref, device.id)
                return web.Response(status=204)
        raise O2GHttpError(409, f"{user.login} has no call to leave")

    # ----------------------------------------------------------------- calls
    async def list_calls(request: web.Request) -> web.Response:
        user = user_of(request)
        return web.json_response({"calls": list(engine().views_of(user.login).values())})

    async def make_call(request: web.Request) -> web.Response:
        user = user_of(request)
        body = await json_body(request)
        device = own_device(user, text_field(body, "deviceId", required=False))
        callee = text_field(body, "callee", required=False)
        acd_call = body.get("acdCall")
        if callee is None and isinstance(acd_call, dict) and acd_call.get("callToSupervisor"):
            callee = supervisor_number(state, user)
        if callee is None:
            raise bad_request("'callee' is missing")
        ref = engine().make_call(device, callee, bool_field(body, "autoAnswer", True))
        if body.get("hexaBinaryAssociatedData"):
            engine().calls[ref].tags.append({"name": "associatedData", "value": str(body["hexaBinaryAssociatedData"])})
        return web.Response(status=201, headers={"Location": f"{base_url(request)}/telephony/calls/{ref}"})

    async def get_call(request: web.Request) -> web.Response:
        user = user_of(request)
        ref = request.match_info["ref"]
        my_call_device(user, ref)
        return web.json_response(engine().call_view(engine().calls[ref], user.login))

    async def release(request: web.Request) -> web.Response:
        user = user_of(request)
        ref = request.match_info["ref"]
        engine().release(ref, my_call_device(user, ref))
        return web.Response(status=204)

    def action(name: str, *, body_required: bool = False):
        async def handler(request: web.Request) -> web.Response:
            user = user_of(request)
            ref = request.match_info["ref"]
            body = await json_body(request, required=body_required)
            device = my_call_device(user, ref, text_field(body, "deviceId", required=False))
            e = engine()
            if name == "answer":
                e.answer(ref, device)
            elif name == "hold":
                e.hold(ref, device)
            elif name in ("retrieve", "alternate"):
                e.retrieve(ref, device)
            elif name == "dropme":
                e.drop_me(ref, device)
            elif name == "reconnect":
                enquiry = text_field(body, "enquiryCallRef")
                my_call_device(user, enquiry)
                e.reconnect(ref, device, enquiry)
            elif name in ("transfer", "merge"):
                held = text_field(body, "heldCallRef")
                my_call_device(user, held)
                (e.transfer if name == "transfer" else e.merge)(ref, held, device)
            elif name == "blindtransfer":
                e.blind_transfer(ref, device, text_field(body, "transferTo"))
            elif name == "redirect":
                e.redirect(ref, device, text_field(body, "redirectTo"))
            elif name == "sendDtmf":
                digits = text_field(body, "number")
                if not DTMF.match(digits):
                    raise bad_request(f"{digits!r} are not DTMF digits")
                if e.calls[ref].party(device).state != "ACTIVE":
                    raise O2GHttpError(409, "DTMF needs an active call")
            return web.Response(status=204)

        return handler

    def call_part(collection: str, id_field: str, id_param: str):
        """GET a call's ``legs`` / ``participants``, or one of them by id, as the user sees them."""
        async def handler(request: web.Request) -> web.Response:
            user = user_of(request)
            ref = request.match_info["ref"]
            my_call_device(user, ref)
            items = engine().call_view(engine().calls[ref], user.login)[collection]
            wanted = request.match_info.get(id_param)
            if wanted is None:
                return web.json_response({collection: items})
            found = next((item for item in items if item[id_field] == wanted), None)
            if found is None:
                raise not_found(f"no {collection[:-1]} {wanted} in call {ref}")
            return web.json_response(found)

        return handler

    legs = call_part("legs", "deviceId", "leg")
    participants = call_part("participants", "participantId", "pid")

    async def drop_participant(request: web.Request) -> web.Response:
        user = user_of(request)
        ref = request.match_info["ref"]
        engine().drop_participant(ref, my_call_device(user, ref), request.match_info["pid"])
        return web.Response(status=204)

    # ----------------------------------------------------------------- pilots
    async def transfer_info(request: web.Request) -> web.Response:
        """``PilotInfo``: can a call be transferred to this pilot now, and how long would it wait."""
        user_of(request)
        cc = state.pbx.ccd
        pilot = cc.pilots.get(request.match_info["pilot"])
        if pilot is None:
            raise not_found(f"{request.match_info['pilot']} is not a pilot")
        await json_body(request, required=False)
        waiting = len(cc.queues[pilot.queue].waiting)
        queue = cc.queues[pilot.queue]
        return web.json_response({
            "number": pilot.number, "waitingTime": cc.expected_wait(pilot.number),
            "saturation": waiting >= queue.capacity, "supervisedTransfer": True,
            "pilotTransferInfo": {"transferPossible": pilot.open and waiting < queue.capacity,
                                  "pilotStatus": "OPEN" if pilot.open else "GENERAL_FORWARDING"}})

    # ----------------------------------------------------------------- callbacks
    async def request_callback(request: web.Request) -> web.Response:
        """Ask the busy or unanswering user of this call to call back; the asking side then hangs up."""
        user = user_of(request)
        ref = request.match_info["ref"]
        device = my_call_device(user, ref)
        call = engine().calls[ref]
        if call.party(device).state not in ("RELEASING", "RINGING_OUTGOING"):
            raise O2GHttpError(409, "a callback is asked on a busy or unanswered call")
        called = state.pbx.site.user_by_number(call.initial_called or "")
        if called is None or called.login == user.login:
            raise O2GHttpError(409, "only a user of this PBX can be asked to call back")
        state.pbx.callbacks.add(called.login, device, state.pbx.clock.now())
        engine().drop_me(ref, device)
        return web.Response(status=204)

    async def incoming_callbacks(request: web.Request) -> web.Response:
        user = user_of(request)
        return web.json_response({"callbacks": [
            {"callbackId": r.callback_id, "partyInfo": engine().identity(r.requester)}
            for r in state.pbx.callbacks.of(user.login)]})

    async def delete_callbacks(request: web.Request) -> web.Response:
        user = user_of(request)
        wanted = request.match_info.get("cid")
        if not state.pbx.callbacks.delete(user.login, wanted) and wanted is not None:
            raise not_found(f"no callback request {wanted}")
        return web.Response(status=204)

    async def outgoing_callback(request: web.Request) -> web.Response:
        """From an idle set: leave a callback request on another user without calling."""
        user = user_of(request)
        body = await json_body(request)
        callee = state.pbx.site.user_by_number(text_field(body, "callee"))
        if callee is None or callee.login == user.login:
            raise bad_request("'callee' must be the number of another user of this PBX")
        state.pbx.callbacks.add(callee.login, user.devices[0].id, state.pbx.clock.now())
        return web.Response(status=204)

    # ----------------------------------------------------------------- state and devices
    async def telephony_state(request: web.Request) -> web.Response:
        user = user_of(request)
        return web.json_response(engine().telephony_state(user.login))

    async def snapshot(request: web.Request) -> web.Response:
        session = state.sessions.session_of(request)
        require_licence(state, session, "TELEPHONY_ADVANCED")
        if session.admin and "loginName" not in request.query:
            logins = list(state.pbx.site.users)
        else:
            logins = [acting_user(state, request, session).login]
        for login in logins:  # the state comes from the OXE: none while a CTI link is down (as GET state)
            check_cti(state, state.pbx.site.users[login])
        for login in logins:
            engine().publish_snapshot(login)
        return web.Response(status=204)

    async def devices(request: web.Request) -> web.Response:
        user = user_of(request)
        states = [{"deviceId": d.id, "state": d.state} for d in user.devices]
        device_id = request.match_info.get("device")
        if device_id is None:
            return web.json_response({"deviceStates": states})
        own_device(user, device_id)
        return web.json_response(next(s for s in states if s["deviceId"] == device_id))

    routes_ = [
        web.post(T + "/basicCall", basic_call),
        web.post(T + "/basicCall/answer", basic_answer),
        web.post(T + "/basicCall/dropme", basic_drop_me),
        web.get(T + "/calls", list_calls, allow_head=False),
        web.post(T + "/calls", make_call),
        web.get(T + "/calls/{ref}", get_call, allow_head=False),
        web.delete(T + "/calls/{ref}", release),
        web.get(T + "/calls/{ref}/deviceLegs", legs, allow_head=False),
        web.get(T + "/calls/{ref}/deviceLegs/{leg}", legs, allow_head=False),
        web.get(T + "/calls/{ref}/participants", participants, allow_head=False),
        web.get(T + "/calls/{ref}/participants/{pid}", participants, allow_head=False),
        web.delete(T + "/calls/{ref}/participants/{pid}", drop_participant),
        web.get(T + "/state", telephony_state, allow_head=False),
        web.post(T + "/state/snapshot", snapshot),
        web.get(T + "/devices", devices, allow_head=False),
        web.get(T + "/devices/{device}", devices, allow_head=False),
        web.post(T + "/calls/{ref}/callback", request_callback),
        web.post(T + "/pilots/{node}/{pilot}/transferInfo", transfer_info),
        web.get(T + "/incomingCallbacks", incoming_callbacks, allow_head=False),
        web.delete(T + "/incomingCallbacks", delete_callbacks),
        web.delete(T + "/incomingCallbacks/{cid}", delete_callbacks),
        web.post(T + "/outgoingCallbacks", outgoing_callback),
    ]
    for name in ("answer", "hold", "retrieve", "alternate", "dropme", "reconnect", "transfer", "merge",
                 "blindtransfer", "redirect", "sendDtmf"):
        routes_.append(web.post(f"{T}/calls/{{ref}}/{name}", action(name)))
    return routes_


def supervisor_number(state: SimState, user: User) -> str:
    """Where a CCD agent's call to its supervisor goes: the pro-ACD set of a supervisor of its group."""
    cc = state.pbx.ccd
    op = cc.operators.get(user.login)
    if op is None:
        raise bad_request("only a contact-center agent calls its supervisor")
    for sup in cc.operators.values():
        if sup.kind == "SUPERVISOR" and sup.main == "LOG_ON" and op.pg in sup.groups:
            return sup.proacd
    raise O2GHttpError(409, "no supervisor of the agent's group is logged on")


def check_cti(state: SimState, user: User) -> None:
    """503 while the CTI link to the user's OXE node is down: O2G cannot control its phones."""
    if not state.pbx.system.node_of_user_is_up(user.node_id):
        message = f"the CTI link to OXE node {user.node_id} is down"
        raise O2GHttpError(503, message, service="telephony",
                           detail={"errorType": "SERVICE_UNAVAILABLE", "errorCause": "UNKNOWN", "message": message})


def telephony_error(err: TelephonyError) -> O2GHttpError:
    """The O2G error for a refused call operation, with its ``telephony`` detail."""
    return O2GHttpError(err.status, err.message, service="telephony",
                        detail={"errorType": err.error_type, "errorCause": err.cause, "message": err.message})
