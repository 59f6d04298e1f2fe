"""The directory service (``{base}/directory/search``, o2g-api-core.md §14; Node contract §7).

* ``POST /directory/search`` ``{"filter": Criterion, "limit"?: 1..100}`` → 201, starts a search.
* ``GET /directory/search`` → ``NOK`` / ``OK`` + contacts / ``FINISH`` / ``TIMEOUT`` (see model/directory.py).
* ``DELETE /directory/search`` → 204, cancels it.

Licence TELEPHONY_ADVANCED (o2g-domain.md §2.5), held by the session's account and, when an
administrator acts for a user, by that user too; ``loginName`` is ignored for a user session and
mandatory for an administrator session. Decisions where the reference is silent:

* GET or DELETE when the session has no search for that user → 404 "no directory search in progress".
* The sixth live search of one account → 403 (the "at most 5 concurrent searches" rule).
* The search runs over the site as it is at POST time (users and the scenario's outside contacts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from o2gmentor.sim.api.errors import bad_request, forbidden, not_found
from o2gmentor.sim.api.requests_ import BASE_PATH, json_body
from o2gmentor.sim.api.scope import licensed_user
from o2gmentor.sim.api.sessions import Session
from o2gmentor.sim.model.directory import (
    MAX_LIMIT,
    CriterionError,
    SearchLimitError,
    SearchRegistry,
    parse_criterion,
    search,
    site_contacts,
)

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

D = BASE_PATH + "/directory/search"


def parse_limit(body: dict[str, Any]) -> int | None:
    """``limit`` of a search body: absent/null, or an integer from 1 to 100 (400 otherwise)."""
    limit = body.get("limit")
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise bad_request(f"'limit' must be an integer from 1 to {MAX_LIMIT}")
    return limit


def routes(state: SimState) -> list[web.RouteDef]:
    registry = SearchRegistry(state.pbx.clock)
    state.sessions.on_close.append(lambda session: registry.forget_session(session.id))

    def search_key(request: web.Request) -> tuple[Session, tuple[str, str]]:
        session, user = licensed_user(state, request)
        return session, (session.id, user.login)

    async def start(request: web.Request) -> web.Response:
        session, key = search_key(request)
        body = await json_body(request)
        if "filter" not in body:
            raise bad_request("'filter' is missing: {\"filter\": {\"field\", \"operation\", \"operand\"}}")
        try:
            criterion = parse_criterion(body["filter"])
        except CriterionError as exc:
            raise bad_request(f"bad filter: {exc}") from None
        limit = parse_limit(body)
        results = search(site_contacts(state.pbx.site), criterion)
        try:
            registry.start(key, session.login, results, limit)
        except SearchLimitError as exc:
            raise forbidden(str(exc)) from None
        return web.Response(status=201)

    async def results(request: web.Request) -> web.Response:
        _, key = search_key(request)
        answer = registry.poll(key)
        if answer is None:
            raise not_found("no directory search in progress: start one with POST /directory/search")
        return web.json_response(answer)

    async def cancel(request: web.Request) -> web.Response:
        _, key = search_key(request)
        if not registry.cancel(key):
            raise not_found("no directory search in progress to cancel")
        return web.Response(status=204)

    return [
        web.post(D, start),
        web.get(D, results, allow_head=False),
        web.delete(D, cancel),
    ]
