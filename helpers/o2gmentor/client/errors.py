"""Errors raised by the O2G client, each with a one-line hint a trainee can act on."""

from __future__ import annotations

from typing import Any

HINTS = {
    400: "400: O2G refused the request's content — check the body and parameters against the API reference",
    401: "401: not authenticated, or the session expired — call connect() again for a new login and session",
    403: "403: not allowed — the session is closed or expired, the account lacks the licence or right, "
         "or the resource belongs to another user",
    404: "404: unknown resource — the callRef, login or URL does not exist (any more)",
    405: "405: wrong HTTP method for this URL",
    409: "409: the request does not fit the current state (e.g. answering a call that no longer rings)",
    503: "503: O2G is unavailable (restarting, CTI link down) — try again shortly",
}


class O2GError(Exception):
    """An O2G request that did not succeed: HTTP status, the O2G error body, and a hint."""

    def __init__(self, status: int, method: str, url: str, body: Any = None, hint: str | None = None, *,
                 retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after  # seconds, from a 503's Retry-After header
        self.method = method
        self.url = url
        self.body = body
        message = body.get("helpMessage") if isinstance(body, dict) else None
        detail = None
        if isinstance(body, dict):
            for key in ("telephony", "routing"):
                if isinstance(body.get(key), dict):
                    detail = body[key].get("errorType")
        self.message = message or ""
        self.error_type = detail
        self.hint = hint or HINTS.get(status, f"{status}: unexpected answer from O2G")
        text = f"{method} {url} → {status}"
        if message:
            text += f": {message}"
        if detail:
            text += f" [{detail}]"
        super().__init__(f"{text}\n  hint: {self.hint}")


class O2GConnectionError(Exception):
    """O2G could not be reached at all (nothing listening, TLS refused, timeout)."""

    def __init__(self, url: str, reason: str, hint: str) -> None:
        self.url = url
        self.reason = reason
        self.hint = hint
        super().__init__(f"cannot reach {url}: {reason}\n  hint: {hint}")


def with_hint(error: O2GError, hint: str) -> O2GError:
    """The same error with a hint that knows more about where it happened."""
    return O2GError(error.status, error.method, error.url, error.body, hint=hint, retry_after=error.retry_after)


def retry_after(value: str | None) -> float | None:
    """A ``Retry-After`` header in seconds (its HTTP-date form is not used by O2G), or None."""
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return None if seconds is None or seconds < 0 else min(seconds, 3600.0)
