"""O2G error responses: the status code and the ``RestErrorInfo`` body (o2g-api-core.md §21)."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aiohttp import web

ERROR_TYPES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
               405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 413: "REQUEST_ENTITY_TOO_LARGE",
               503: "SERVICE_UNAVAILABLE"}


class O2GHttpError(Exception):
    """Raised by a handler to answer with an O2G error body."""

    def __init__(self, status: int, message: str, *, service: str | None = None,
                 detail: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.service = service
        self.detail = detail
        self.headers = headers or {}


def error_body(status: int, message: str, service: str | None = None,
               detail: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON body a real O2G sends with an error (``type`` also spelled ``Type`` for Java)."""
    kind = ERROR_TYPES.get(status, "UNKNOWN")
    body: dict[str, Any] = {
        "httpStatus": HTTPStatus(status).name,
        "code": status,
        "helpMessage": message,
        "type": kind,
        "Type": kind,
        "innerMessage": "",
        "canRetry": status == 503,
    }
    if service and detail:
        body[service] = detail
    return body


def error_response(err: O2GHttpError) -> web.Response:
    return web.Response(
        status=err.status,
        text=json.dumps(error_body(err.status, err.message, err.service, err.detail)),
        content_type="application/json",
        headers=err.headers,
    )


def bad_request(message: str) -> O2GHttpError:
    return O2GHttpError(400, message)


def forbidden(message: str) -> O2GHttpError:
    return O2GHttpError(403, message)


def not_found(message: str) -> O2GHttpError:
    return O2GHttpError(404, message)
