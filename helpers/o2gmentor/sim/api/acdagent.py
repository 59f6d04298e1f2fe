"""The CC Agent service (``{base}/acdagent``, o2g-api-ccd.md §2–4): operators' configuration and state.

Where the SDKs disagree, every variant is routed: ``enterPG`` and ``enter``, ``exitPG`` and ``exit``,
cancelling help with ``DELETE supervisorHelp?other=`` or (Java) ``DELETE intrusion``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from o2gmentor.sim.api.errors import O2GHttpError, bad_request
from o2gmentor.sim.api.requests_ import BASE_PATH, bool_field, json_body, text_field
from o2gmentor.sim.api.scope import licensed_user
from o2gmentor.sim.model.ccd import CcdError, ContactCenter, Operator

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

A = BASE_PATH + "/acdagent"


def ccd_error(err: CcdError) -> O2GHttpError:
    return O2GHttpError(err.status, err.message)


def routes(state: SimState) -> list[web.RouteDef]:
    def cc() -> ContactCenter:
        return state.pbx.ccd

    def operator_of(request: web.Request) -> Operator:
        _, user = licensed_user(state, request, "CONTACTCENTER_AGENT")
        return cc().operator(user.login)

    def action(handler):
        """Run a contact-center action; refusals become O2G errors; success is 204."""
        async def wrapped(request: web.Request) -> web.StreamResponse:
            try:
                result = await handler(request)
            except CcdError as err:
                raise ccd_error(err) from None
            return result if result is not None else web.Response(status=204)

        return wrapped

    async def body_of(request: web.Request) -> dict[str, Any]:
        return await json_body(request, required=False)

    # ---------------------------------------------------------------- reading
    @action
    async def config(request: web.Request) -> web.Response:
        return web.json_response(cc().config_json(operator_of(request)))

    @action
    async def get_state(request: web.Request) -> web.Response:
        return web.json_response(cc().state_json(operator_of(request)))

    @action
    async def snapshot(request: web.Request) -> None:
        """One ``OnAgentStateChanged`` per operator (all of them for an administrator naming nobody)."""
        session = state.sessions.session_of(request)
        if session.admin and "loginName" not in request.query:
            if "CONTACTCENTER_AGENT" not in state.sessions.licences_of(session.login, True):
                raise O2GHttpError(403, "this service needs the CONTACTCENTER_AGENT licence")
            cc().request_snapshot(list(cc().operators))
        else:
            cc().request_snapshot([operator_of(request).login])

    @action
    async def withdraw_reasons(request: web.Request) -> web.Response:
        operator_of(request)
        pg = request.query.get("pgNumber")
        if not pg:
            raise bad_request("'pgNumber' is required")
        return web.json_response({"reasons": cc().withdraw_reasons(pg)})

    # ---------------------------------------------------------------- state changes
    @action
    async def logon(request: web.Request) -> None:
        op = operator_of(request)
        body = await json_body(request)
        proacd = text_field(body, "proAcdDeviceNumber")
        pg = text_field(body, "pgGroupNumber", required=False)
        cc().logon(op, proacd, pg, bool_field(body, "headset", False))

    @action
    async def logoff(request: web.Request) -> None:
        cc().logoff(operator_of(request))

    @action
    async def enter(request: web.Request) -> None:
        op = operator_of(request)
        body = await json_body(request)
        cc().enter_group(op, text_field(body, "pgGroupNumber"))

    @action
    async def exit_(request: web.Request) -> None:
        op = operator_of(request)
        body = await body_of(request)
        cc().exit_group(op, text_field(body, "pgGroupNumber", required=False))

    @action
    async def ready(request: web.Request) -> None:
        cc().ready(operator_of(request))

    @action
    async def pause(request: web.Request) -> None:
        cc().pause(operator_of(request))

    @action
    async def wrapup(request: web.Request) -> None:
        cc().wrapup(operator_of(request))

    @action
    async def withdraw(request: web.Request) -> None:
        op = operator_of(request)
        body = await json_body(request)
        reason = body.get("reasonIndex")
        if isinstance(reason, bool) or not isinstance(reason, int):
            raise bad_request("'reasonIndex' is the index of a withdraw reason (a number)")
        cc().withdraw(op, reason)

    def skill_numbers(body: dict[str, Any]) -> list[int]:
        skills = body.get("skills")
        if not isinstance(skills, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in skills):
            raise bad_request("'skills' is a list of skill numbers")
        return skills

    @action
    async def activate(request: web.Request) -> None:
        op = operator_of(request)
        cc().set_skills(op, skill_numbers(await json_body(request)), True)

    @action
    async def deactivate(request: web.Request) -> None:
        op = operator_of(request)
        cc().set_skills(op, skill_numbers(await json_body(request)), False)

    # ---------------------------------------------------------------- supervisor features
    @action
    async def help_request(request: web.Request) -> None:
        cc().request_help(operator_of(request))

    @action
    async def help_cancel(request: web.Request) -> None:
        cc().cancel_help(operator_of(request), request.query.get("other"))

    @action
    async def listen(request: web.Request) -> None:
        op = operator_of(request)
        body = await json_body(request)
        cc().permanent_listening(op, text_field(body, "agentNumber"))

    @action
    async def stop_listening(request: web.Request) -> None:
        cc().cancel_listening(operator_of(request))

    @action
    async def intrude(request: web.Request) -> None:
        op = operator_of(request)
        body = await json_body(request)
        cc().intrude(op, text_field(body, "agentNumber"), text_field(body, "mode", required=False) or "NORMAL")

    @action
    async def change_intrusion(request: web.Request) -> None:
        op = operator_of(request)
        body = await json_body(request)
        cc().change_intrusion(op, text_field(body, "mode"))

    @action
    async def delete_intrusion(request: web.Request) -> None:
        """Java sends this to cancel or reject help; it also ends a supervisor's intrusion."""
        op = operator_of(request)
        if op.login in cc().intrusions:
            cc().stop_intrusion(op)
        else:
            cc().cancel_help(op, None)

    return [
        web.get(A + "/config", config, allow_head=False),
        web.get(A + "/state", get_state, allow_head=False),
        web.post(A + "/state/snapshot", snapshot),
        web.post(A + "/logon", logon),
        web.post(A + "/logoff", logoff),
        web.post(A + "/enterPG", enter),
        web.post(A + "/enter", enter),
        web.post(A + "/exitPG", exit_),
        web.post(A + "/exit", exit_),
        web.post(A + "/ready", ready),
        web.post(A + "/pause", pause),
        web.post(A + "/wrapUp", wrapup),
        web.get(A + "/withdrawReasons", withdraw_reasons, allow_head=False),
        web.post(A + "/withdraw", withdraw),
        web.post(A + "/config/skills/activate", activate),
        web.post(A + "/config/skills/deactivate", deactivate),
        web.post(A + "/supervisorHelp", help_request),
        web.delete(A + "/supervisorHelp", help_cancel),
        web.post(A + "/permanentListening", listen),
        web.delete(A + "/permanentListening", stop_listening),
        web.post(A + "/intrusion", intrude),
        web.put(A + "/intrusion", change_intrusion),
        web.delete(A + "/intrusion", delete_intrusion),
    ]
