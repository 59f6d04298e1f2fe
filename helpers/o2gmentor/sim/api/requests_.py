"""Reading O2G requests: JSON bodies, flag-style query parameters, base URLs from the Host header.

Request bodies are limited (a simulator choice; O2G's own limits are not documented): at most
``MAX_BODY_BYTES`` (1 MiB) — more is 413 — and JSON nested at most ``MAX_JSON_DEPTH`` (32) deep — deeper is
400; both with the O2G error body. Real O2G bodies are a few KiB and 5 levels deep at most.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from o2gmentor.sim.api.errors import O2GHttpError, bad_request

API_ROOT = "/api/rest"
BASE_PATH = "/api/rest/1.0"
MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32


def too_large() -> O2GHttpError:
    return O2GHttpError(413, f"the request body is larger than {MAX_BODY_BYTES} bytes")


def origin(request: web.Request) -> str:
    """``https://host:port`` exactly as the client wrote it, so its cookies keep matching."""
    host = request.headers.get("Host") or f"{request.url.host}:{request.url.port}"
    return f"https://{host}"


def base_url(request: web.Request) -> str:
    return origin(request) + BASE_PATH


async def json_body(request: web.Request, *, required: bool = True) -> dict[str, Any]:
    """The request's JSON object; an empty body is ``{}`` unless a body is required."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise too_large()
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large() from None
    if len(raw) > MAX_BODY_BYTES:
        raise too_large()
    if not raw.strip():
        if required:
            raise bad_request("a JSON body is required")
        return {}
    try:
        body = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(f"malformed JSON body: {exc}") from None
    except RecursionError:
        raise bad_request(f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels") from None
    if _depth(body) > MAX_JSON_DEPTH:
        raise bad_request(f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels")
    if not isinstance(body, dict):
        raise bad_request("the JSON body must be an object")
    return body


def _depth(value: Any) -> int:
    """How deep lists and objects nest in ``value`` (no recursion: a parsed body can be ~1 000 deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                return level
            stack.extend((child, level + 1) for child in item if isinstance(child, dict | list))
    return deepest


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
