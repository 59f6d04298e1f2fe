"""Who a request acts for: the session's own user, or (for an administrator) ``?loginName=``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from o2gmentor.sim.api.errors import bad_request, forbidden, not_found
from o2gmentor.sim.api.sessions import Session
from o2gmentor.sim.model.site import User

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState


def acting_user(state: SimState, request: web.Request, session: Session) -> User:
    """The user a user-centric request is about.

    ``loginName`` is ignored for a user session and mandatory for an administrator session
    (the wording of every SDK method's documentation).
    """
    site = state.pbx.site
    if not session.admin:
        user = site.users.get(session.login)
        if user is None:
            raise forbidden(f"{session.login} is no longer a user of this O2G")
        return user
    login = request.query.get("loginName")
    if not login:
        raise bad_request("an administrator session must say which user with ?loginName=")
    user = site.user(login)
    if user is None:
        raise not_found(f"unknown user {login}")
    return user


def require_licence(state: SimState, session: Session, licence: str, user: User | None = None) -> None:
    """403 unless the account holds ``licence`` — the user acted for, when an administrator acts for one."""
    if licence not in state.sessions.licences_of(session.login, session.admin):
        raise forbidden(f"this service needs the {licence} licence, which {session.login} does not have")
    if user is not None and licence not in user.licences:
        raise forbidden(f"this service needs the {licence} licence, which {user.login} does not have")


def own_device(user: User, device_id: str | None) -> str:
    """The user's device ``device_id`` (its first device when not given); 403 for anyone else's."""
    if device_id is None:
        return user.devices[0].id
    if all(d.id != device_id for d in user.devices):
        raise forbidden(f"device {device_id} does not belong to {user.login}")
    return device_id


def licensed_user(state: SimState, request: web.Request, licence: str = "TELEPHONY_ADVANCED") -> tuple[Session, User]:
    """The session and the user a request acts for, once both hold ``licence``."""
    session = state.sessions.session_of(request)
    user = acting_user(state, request, session)
    require_licence(state, session, licence, user)
    return session, user
