"""Calling a function the trainee wrote, from a check: untouched stub → ⏳, forgotten ``return`` → ❌.

An exercise's generated skeleton keeps the function's ``def`` and ``return`` lines and replaces its body with
``… = None  # TODO: your code``. Such a function returns None, exactly like a filled-in function whose author
forgot ``return``; the two deserve different answers, so the stub is recognised by its TODO marker (the only
place a check looks at the trainee's code: to know whether there is anything to judge yet).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from o2gmentor.course.checks import Failed, NotAttempted

STUB_MARK = "# TODO: your code"


def is_untouched_stub(function: Any) -> bool:
    """True when ``function`` is None or its source still holds the generated stub line."""
    if function is None or function is Ellipsis:
        return True
    try:
        return STUB_MARK in inspect.getsource(function)
    except (OSError, TypeError):  # source not available (built-ins, lambdas from exec): judge it by behaviour
        return False


def call_trainee(function: Callable[..., Any] | None, *args: Any, name: str | None = None,
                 none_ok: bool = False, **kwargs: Any) -> Any:
    """Call the trainee's ``function``; ⏳ while it is the stub, ❌ with a hint when it returns None by mistake."""
    label = name or getattr(function, "__name__", "your function")
    if is_untouched_stub(function):
        raise NotAttempted(f"`{label}` still holds its `# TODO: your code` line: write its body, run the cell, "
                           "then run this check again")
    if not callable(function):
        raise Failed(f"`{label}` should be a function (def {label}(…): …), not {type(function).__name__}")
    result = function(*args, **kwargs)
    if result is None and not none_ok:
        raise Failed(f"{label}() returned None — did you forget `return`? (a function that only prints, or whose "
                     "last line computes a value without returning it, gives None)")
    return result
