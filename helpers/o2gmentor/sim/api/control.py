"""The simulator's control API under ``/sim`` — NOT part of O2G.

It lets a lesson act as the people and the world around the PBX: pick up or hang up a phone,
have an outside party call, move the clock, reset. Every request needs the ``X-Sim-Token``
header written to the state folder's ``control.json``.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from aiohttp import web

from o2gmentor.sim.api.errors import O2GHttpError, bad_request, not_found
from o2gmentor.sim.api.requests_ import json_body, text_field
from o2gmentor.sim.model.ccd import CcdError

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

TOKEN_HEADER = "X-Sim-Token"
# A phone's state in words, by priority: a phone talking on one line and holding another is "talking".
PHONE_STATES = {"ACTIVE": "talking", "RINGING_INCOMING": "ringing", "RINGING_OUTGOING": "calling",
                "DIALING": "dialling", "HELD": "on hold", "RELEASING": "releasing"}


def routes(state: SimState) -> list[web.RouteDef]:
    def authorised(request: web.Request) -> None:
        given = request.headers.get(TOKEN_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, state.control_token.encode()):
            raise O2GHttpError(401, f"the simulator's control API needs the {TOKEN_HEADER} header "
                                    "(see control.json in the simulator's state folder)")

    def phone(number: str) -> dict[str, Any]:
        pbx = state.pbx
        user = pbx.site.user_by_number(number)
        device = pbx.site.device(number)
        calls = []
        for call in pbx.calls.calls_of(number):
            calls.append({"callRef": call.ref, "state": call.party(number).state,
                          "with": [p.number for p in call.others(number)]})
        states = {c["state"] for c in calls}
        label = next((word for wire, word in PHONE_STATES.items() if wire in states), "idle")
        return {"number": number, "login": user.login if user else None, "name": user.name if user else "",
                "type": device.type if device else "EXTERNAL", "deviceState": device.state if device else None,
                "userState": pbx.calls.user_state(user.login) if user else None, "state": label, "calls": calls}

    def known_device(number: str) -> str:
        if not state.pbx.site.device(number):
            raise not_found(f"{number} is not a phone of this PBX")
        return number

    async def status(request: web.Request) -> web.Response:
        authorised(request)
        pbx = state.pbx
        return web.json_response({"scenario": pbx.scenario.get("name"), "clock": pbx.clock.now(),
                                  "sessions": len(state.sessions.sessions), "calls": len(pbx.calls.calls),
                                  "subscriptions": len(state.subscriptions.subs)})

    async def users(request: web.Request) -> web.Response:
        authorised(request)
        return web.json_response({"users": state.directory()})

    async def phones(request: web.Request) -> web.Response:
        authorised(request)
        numbers = [d.id for u in state.pbx.site.users.values() for d in u.devices]
        outside = {p.number for c in state.pbx.calls.calls.values() for p in c.parties if p.login is None}
        return web.json_response({"phones": [phone(n) for n in numbers + sorted(outside)]})

    async def one_phone(request: web.Request) -> web.Response:
        authorised(request)
        return web.json_response(phone(request.match_info["number"]))

    async def answer(request: web.Request) -> web.Response:
        authorised(request)
        number = request.match_info["number"]
        calls = state.pbx.calls
        if state.pbx.site.device(number):
            ref = calls.answer_device(number)
        else:  # an outside party picks up
            ringing = [c for c in calls.calls.values() if (p := c.party(number)) and p.state == "RINGING_INCOMING"]
            if not ringing:
                raise O2GHttpError(409, f"nothing rings on {number}")
            ref = ringing[0].ref
            calls.answer(ref, number)
        return web.json_response({"callRef": ref, "phone": phone(number)})

    async def hangup(request: web.Request) -> web.Response:
        authorised(request)
        number = request.match_info["number"]
        calls = state.pbx.calls
        if state.pbx.site.device(number):
            refs = calls.hang_up_device(number)
        else:
            mine = [c for c in calls.calls.values() if c.party(number)]
            if not mine:
                raise O2GHttpError(409, f"{number} is in no call")
            calls.drop_me(mine[0].ref, number)
            refs = [mine[0].ref]
        return web.json_response({"callRefs": refs, "phone": phone(number)})

    async def dial(request: web.Request) -> web.Response:
        authorised(request)
        number = known_device(request.match_info["number"])
        body = await json_body(request)
        ref = state.pbx.calls.make_call(number, text_field(body, "to"))
        return web.json_response({"callRef": ref, "phone": phone(number)})

    async def outside_call(request: web.Request) -> web.Response:
        authorised(request)
        body = await json_body(request)
        caller, callee = text_field(body, "from"), text_field(body, "to")
        ref = state.pbx.calls.outside_call(caller, callee)
        return web.json_response({"callRef": ref, "phone": phone(callee)})

    async def device_state(request: web.Request) -> web.Response:
        authorised(request)
        number = known_device(request.match_info["number"])
        body = await json_body(request)
        value = text_field(body, "state")
        if value not in ("IN_SERVICE", "OUT_OF_SERVICE"):
            raise bad_request("'state' is IN_SERVICE or OUT_OF_SERVICE")
        state.pbx.calls.set_device_state(number, value)
        return web.json_response(phone(number))

    async def advance(request: web.Request) -> web.Response:
        authorised(request)
        body = await json_body(request)
        seconds = body.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= 86400 * 7:
            raise bad_request("'seconds' must be a number between 0 and 604800")
        now = state.pbx.clock.advance(float(seconds))
        state.sessions.expire_all_due()
        return web.json_response({"clock": now})

    async def reset(request: web.Request) -> web.Response:
        """Back to the scenario: every call ends, and so does every session (clients log in again), since
        the people, routing and agents' states they were watching are all put back."""
        authorised(request)
        state.sessions.clear()  # every session and every credential, so no login flood outlives a reset
        state.pbx.reset()
        return web.json_response({"scenario": state.pbx.scenario.get("name"), "calls": 0})

    # ---------------------------------------------------------------- faults (robustness lessons)
    def node_of(body: dict[str, Any]) -> str:
        node = str(body.get("node") or next(iter(state.pbx.system.nodes)))
        if node not in state.pbx.system.nodes:
            raise not_found(f"no OXE node {node}")
        return node

    def up_flag(body: dict[str, Any]) -> bool:
        if not isinstance(body.get("up"), bool):
            raise bad_request("'up' is true or false")
        return body["up"]

    async def cti_link(request: web.Request) -> web.Response:
        authorised(request)
        body = await json_body(request)
        node = node_of(body)
        up = up_flag(body)
        state.pbx.system.set_cti_link(node, up)
        if not up:  # the OXE logs the loss of its CSTA link too (illustrative incident number)
            state.pbx.incidents.add_incident("2003", 1, "CSTA link to the application server lost", node=node)
        return web.json_response({"node": node, "ctiLinkState": state.pbx.system.nodes[node].cti_link})

    async def pbx_link(request: web.Request) -> web.Response:
        authorised(request)
        body = await json_body(request)
        node = node_of(body)
        up = up_flag(body)
        state.pbx.system.set_pbx_link(node, up)
        if not up:
            state.pbx.incidents.add_incident("2005", 2, "Management (CMIS) link to O2G lost", node=node)
        return web.json_response({"node": node, "connected": state.pbx.system.nodes[node].pbx_link})

    async def licence(request: web.Request) -> web.Response:
        authorised(request)
        body = await json_body(request)
        name, days = text_field(body, "name"), body.get("days")
        if name not in state.pbx.system.licences:
            raise not_found(f"no licence {name}; the site has {', '.join(state.pbx.system.licences)}")
        if isinstance(days, bool) or not isinstance(days, int | float):
            raise bad_request("'days' is a number (negative: already expired)")
        lic = state.pbx.system.expire_licence(name, float(days), state.pbx.clock.now())
        return web.json_response({"name": lic.name, "expiration": lic.expiration})

    async def licence_restore(request: web.Request) -> web.Response:
        """The licences (all, or ``names``) go back to the scenario's dates: a clean start after a lesson's faults."""
        authorised(request)
        body = await json_body(request, required=False)
        names = string_list(body.get("names"), "names")
        unknown = [name for name in names or [] if name not in state.pbx.system.licences]
        if unknown:
            raise not_found(f"no licence {', '.join(unknown)}; the site has {', '.join(state.pbx.system.licences)}")
        return web.json_response({"restored": state.pbx.system.restore_licences(names)})

    async def expire_sessions(request: web.Request) -> web.Response:
        authorised(request)
        body = await json_body(request, required=False)
        login = body.get("login")
        doomed = [s for s in state.sessions.sessions.values() if login in (None, s.login)]
        for session in doomed:
            state.sessions.close(session, reason="expired")
        return web.json_response({"closed": len(doomed)})

    async def sessions(request: web.Request) -> web.Response:
        """Read-only: open sessions, then the latest closed ones (how they ended, their keep-alives)."""
        authorised(request)
        state.sessions.expire_all_due()
        return web.json_response({"sessions": state.sessions.records()})

    async def age_sessions(request: web.Request) -> web.Response:
        authorised(request)
        body = await json_body(request)
        login = text_field(body, "login")
        seconds = body.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= 86400 * 7:
            raise bad_request("'seconds' must be a number between 0 and 604800")
        return web.json_response({"aged": state.sessions.age(login, float(seconds))})

    async def drop_channels(request: web.Request) -> web.Response:
        authorised(request)
        return web.json_response({"dropped": state.subscriptions.drop_channels()})

    async def unavailable(request: web.Request) -> web.Response:
        authorised(request)
        body = await json_body(request)
        seconds = body.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= 3600:
            raise bad_request("'seconds' is a number from 0 to 3600")
        state.pbx.system.unavailable_until = state.pbx.clock.now() + float(seconds)
        state.subscriptions.drop_channels()
        return web.json_response({"unavailableUntil": state.pbx.system.unavailable_until})

    async def ha_switch(request: web.Request) -> web.Response:
        authorised(request)
        if not state.pbx.system.ha:
            raise O2GHttpError(409, "this site's O2G is not an HA pair (scenario server.haMode is false)")
        state.sessions.clear()  # the services restart on the other node: sessions and credentials go
        active = state.pbx.system.switch_over(state.pbx.clock.now())
        return web.json_response({"active": active})

    # ---------------------------------------------------------------- the contact center's world
    def string_list(value: Any, name: str) -> list[str] | None:
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad_request(f"'{name}' is a list of strings")
        return value

    def ccd_call(fn, *args):
        try:
            return fn(*args)
        except CcdError as err:
            raise O2GHttpError(err.status, err.message) from None

    async def customer_call(request: web.Request) -> web.Response:
        authorised(request)
        body = await json_body(request)
        pilot = text_field(body, "pilot")
        patience = body.get("patience")
        if patience is not None and (isinstance(patience, bool) or not isinstance(patience, int | float)):
            raise bad_request("'patience' is a number of seconds")
        ref = ccd_call(state.pbx.ccd.customer_call, pilot, text_field(body, "from", required=False), patience)
        return web.json_response({"callRef": ref, "pilot": pilot})

    async def traffic(request: web.Request) -> web.Response:
        authorised(request)
        body = await json_body(request)
        cc = state.pbx.ccd
        running = body.get("running")
        if not isinstance(running, bool):
            raise bad_request("'running' is true or false")
        staffed: list[str] = []
        if running:
            factor = body.get("rate_factor", 1.0)
            if isinstance(factor, bool) or not isinstance(factor, int | float) or not 0 < factor <= 20:
                raise bad_request("'rate_factor' is a number from 0 to 20")
            pilots = string_list(body.get("pilots"), "pilots")
            for pilot in pilots or []:
                if not cc.is_pilot(pilot):
                    raise not_found(f"{pilot} is not a pilot")
            if body.get("staff", True):
                staffed = ccd_call(cc.staff, True)
            pilots = ccd_call(cc.start_traffic, pilots, float(factor))
        else:
            cc.stop_traffic()
            pilots = []
        return web.json_response({"running": cc.traffic_running, "pilots": pilots, "staffed": staffed})

    async def staff(request: web.Request) -> web.Response:
        authorised(request)
        body = await json_body(request)
        if not isinstance(body.get("on"), bool):
            raise bad_request("'on' is true or false")
        logins = string_list(body.get("logins"), "logins")
        return web.json_response({"changed": ccd_call(state.pbx.ccd.staff, body["on"], logins)})

    async def ccd_status(request: web.Request) -> web.Response:
        authorised(request)
        cc = state.pbx.ccd
        return web.json_response({
            "traffic": cc.traffic_running,
            "pilots": [{"number": p.number, "name": p.name, "open": p.open, "queue": p.queue,
                        "waiting": len(cc.queues[p.queue].waiting)} for p in cc.pilots.values()],
            "operators": [{"login": o.login, "type": o.kind, "proacd": o.proacd, "simulated": o.autopilot,
                           **cc.state_json(o)} for o in cc.operators.values()],
            "records": len(cc.records)})

    S = "/sim"
    return [
        web.post(S + "/ccd/customer-call", customer_call),
        web.post(S + "/ccd/traffic", traffic),
        web.post(S + "/ccd/staff", staff),
        web.get(S + "/ccd/status", ccd_status, allow_head=False),
        web.post(S + "/faults/cti-link", cti_link),
        web.post(S + "/faults/pbx-link", pbx_link),
        web.post(S + "/faults/licence", licence),
        web.post(S + "/faults/licence-restore", licence_restore),
        web.post(S + "/faults/expire-sessions", expire_sessions),
        web.post(S + "/faults/drop-channels", drop_channels),
        web.post(S + "/faults/unavailable", unavailable),
        web.post(S + "/faults/ha-switch", ha_switch),
        web.get(S + "/status", status, allow_head=False),
        web.get(S + "/sessions", sessions, allow_head=False),
        web.post(S + "/sessions/age", age_sessions),
        web.get(S + "/users", users, allow_head=False),
        web.get(S + "/phones", phones, allow_head=False),
        web.get(S + "/phones/{number}", one_phone, allow_head=False),
        web.post(S + "/phones/{number}/answer", answer),
        web.post(S + "/phones/{number}/hangup", hangup),
        web.post(S + "/phones/{number}/dial", dial),
        web.post(S + "/phones/{number}/state", device_state),
        web.post(S + "/outside-call", outside_call),
        web.post(S + "/clock/advance", advance),
        web.post(S + "/reset", reset),
    ]
