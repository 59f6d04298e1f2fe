"""The users service: ``logins``, ``users/{login}``, devices, preferences, password (§10)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from o2gmentor.sim.api.errors import bad_request, forbidden, not_found
from o2gmentor.sim.api.requests_ import BASE_PATH, flag, json_body, text_field
from o2gmentor.sim.api.sessions import Session
from o2gmentor.sim.model.site import User

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState


def routes(state: SimState) -> list[web.RouteDef]:
    def visible_user(session: Session, login_or_number: str) -> User:
        """A user this session may read: itself, or anyone for an administrator."""
        user = state.pbx.site.user(login_or_number)
        if user is None:
            raise not_found(f"unknown user {login_or_number}")
        if not session.admin and user.login != session.login:
            raise forbidden(f"a user session can only read its own user, not {user.login}")
        return user

    async def logins(request: web.Request) -> web.Response:
        session = state.sessions.session_of(request)
        if not session.admin:
            return web.json_response({"loginNames": [session.login] if session.login in state.pbx.site.users
                                      else []})
        users = list(state.pbx.site.users.values())
        node_ids = request.query.get("nodeIds")
        if node_ids:
            wanted = {n.strip() for n in node_ids.split(";") if n.strip()}
            users = [u for u in users if u.node_id in wanted]
        if flag(request, "onlyACD"):
            users = []  # no contact-center agents in this scenario's data yet
        return web.json_response({"loginNames": [u.login for u in users]})

    async def get_user(request: web.Request) -> web.Response:
        session = state.sessions.session_of(request)
        login = request.match_info.get("login") or request.query.get("companyPhone") or session.login
        if login == session.login and session.admin:
            raise not_found(f"{login} is an administrator account, not a user")
        return web.json_response(visible_user(session, login).to_json())

    async def devices(request: web.Request) -> web.Response:
        session = state.sessions.session_of(request)
        user = visible_user(session, request.match_info["login"])
        return web.json_response({"devices": [d.to_json() for d in user.devices]})

    async def preferences(request: web.Request) -> web.Response:
        session = state.sessions.session_of(request)
        visible_user(session, request.match_info["login"])
        return web.json_response({"guiLanguage": "en", "oxeLanguage": "en"})

    async def supported_languages(request: web.Request) -> web.Response:
        session = state.sessions.session_of(request)
        visible_user(session, request.match_info["login"])
        return web.json_response({"supportedLanguages": ["en", "fr", "de", "es", "it"],
                                  "supportedGuiLanguages": ["en", "fr", "de", "es", "it"]})

    async def password(request: web.Request) -> web.Response:
        session = state.sessions.session_of(request)
        user = visible_user(session, request.match_info["login"])
        body = await json_body(request)
        new = text_field(body, "newPassword")
        if not session.admin and text_field(body, "oldPassword") != user.password:
            raise bad_request("the old password is wrong")
        if len(new) < 4:
            raise bad_request("the new password is too short (4 characters at least)")
        user.password = new
        return web.Response(status=204)

    return [
        web.get(BASE_PATH + "/logins", logins, allow_head=False),
        web.get(BASE_PATH + "/users", get_user, allow_head=False),
        web.get(BASE_PATH + "/users/{login}", get_user, allow_head=False),
        web.get(BASE_PATH + "/users/{login}/devices", devices, allow_head=False),
        web.get(BASE_PATH + "/users/{login}/preferences", preferences, allow_head=False),
        web.get(BASE_PATH + "/users/{login}/preferences/supportedLanguages", supported_languages,
                allow_head=False),
        web.put(BASE_PATH + "/users/{login}/password", password),
    ]
