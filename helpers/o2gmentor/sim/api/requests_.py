"""Reading O2G requests: JSON bodies, flag-style query parameters, base URLs from the Host header."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from o2gmentor.sim.api.errors import bad_request

API_ROOT = "/api/rest"
BASE_PATH = "/api/rest/1.0"


def origin(request: web.Request) -> str:
    """``https://host:port`` exactly as the client wrote it, so its cookies keep matching."""
    host = request.headers.get("Host") or f"{request.url.host}:{request.url.port}"
    return f"https://{host}"


def base_url(request: web.Request) -> str:
    return origin(request) + BASE_PATH


async def json_body(request: web.Request, *, required: bool = True) -> dict[str, Any]:
    """The request's JSON object; an empty body is ``{}`` unless a body is required."""
    raw = await request.read()
    if not raw.strip():
        if required:
            raise bad_request("a JSON body is required")
        return {}
    try:
        body = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(f"malformed JSON body: {exc}") from None
    if not isinstance(body, dict):
        raise bad_request("the JSON body must be an object")
    return body


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def text_field(body: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    """A string field of a body (numbers are accepted and turned into strings)."""
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise bad_request(f"'{name}' is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise bad_request(f"'{name}' must be a string")
    return str(value)


def bool_field(body: dict[str, Any], name: str, default: bool = False) -> bool:
    value = body.get(name, default)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise bad_request(f"'{name}' must be true or false")
    return value


def flag(request: web.Request, name: str) -> bool:
    """A query flag: present without a value (``?force``) or ``=true`` means true."""
    if name not in request.query:
        return False
    return request.query[name].lower() not in ("false", "0")
