"""Keeping secrets out of logs: the simulator's and the client's loggers never write a credential.

- ``OneLineServerLogger`` replaces aiohttp's server logger in the simulator: a malformed request (a broken
  header line, a bad request line, a header too long) is logged as ONE line naming the client and the kind of
  error — never its raw headers (which carry ``Authorization`` and the ``AlcUserId`` cookie), never a
  traceback.
- ``RedactFilter`` masks what must never be written, whatever logged it: ``Authorization`` values, Basic
  and Bearer tokens, ``AlcUserId`` cookie values, the control API's ``X-Sim-Token`` and ``password=…`` pairs.
  The simulator puts it on its log handler; the client puts it on its own loggers.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

MASK = "***"
PATTERNS = [
    re.compile(r"(?i)(authorization\s*[:=]\s*)(?:basic|bearer|digest)?\s*[^\s'\",;\\]*"),
    re.compile(r"(?i)\b(basic|bearer)(\s+)(?=[A-Za-z0-9+/=._~-]*[0-9+/=])[A-Za-z0-9+/=._~-]{6,}"),
    re.compile(r"(?i)(alcuserid\s*[=:]\s*)[^\s'\",;\\]+"),
    re.compile(r"(?i)(x-sim-token\s*[:=]\s*)[^\s'\",;\\]+"),
    re.compile(r"(?i)((?:pass(?:word)?|pwd|secret|token)['\"]?\s*[:=]\s*['\"]?)[^\s'\",;&\\]+"),
]


def redact(text: str) -> str:
    """``text`` with every credential-looking value masked."""
    for pattern in PATTERNS:
        text = pattern.sub(lambda m: "".join(g for g in m.groups() if g) + MASK, text)
    return text


class RedactFilter(logging.Filter):
    """Masks credentials in a record's message and traceback before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format: keep the raw template only
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _kind(exc: Any) -> str:
    """What went wrong, without the exception's text (aiohttp puts the raw bytes of the request in it)."""
    if not isinstance(exc, BaseException):
        return ""
    code = getattr(exc, "code", None) or getattr(exc, "status", None)
    return f"{exc.__class__.__name__}" + (f" ({code})" if isinstance(code, int) else "")


class OneLineServerLogger(logging.LoggerAdapter):
    """aiohttp's ``RequestHandler`` logger: one warning line per bad request, no headers, no traceback."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        super().__init__(logger or logging.getLogger("o2gmentor.sim.http"), {})

    def _one_line(self, level: int, msg: Any, args: tuple, kwargs: dict[str, Any]) -> None:
        exc = kwargs.pop("exc_info", None)
        try:
            text = str(msg) % args if args else str(msg)
        except (TypeError, ValueError):
            text = str(msg)
        kind = _kind(exc)
        line = redact(f"{text}: bad request ({kind})" if kind else text).replace("\n", " ")[:300]
        self.logger.log(level, "%s", line)

    def exception(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self._one_line(logging.WARNING, msg, args, kwargs)

    def error(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self._one_line(logging.WARNING, msg, args, kwargs)

    def warning(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self._one_line(logging.WARNING, msg, args, kwargs)

    def info(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self._one_line(logging.INFO, msg, args, kwargs)

    def debug(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        if self.logger.isEnabledFor(logging.DEBUG):
            self._one_line(logging.DEBUG, msg, args, kwargs)


def protect(*names: str) -> None:
    """Put a ``RedactFilter`` on the named loggers (records created there are masked)."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactFilter) for f in logger.filters):
            logger.addFilter(RedactFilter())
